import pytest
from django.core.cache import cache
from django.utils import timezone

from awards.models import ExclusionReason
from awards.phases import Phase
from awards.services import standings_record
from awards.workflow import CROWN, project_transition
from config.celery import app as celery_app
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from voting.catalogue import voting_catalogue_clear


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sessions_in_the_database(settings):
    # With CACHE_URL set (as in CI) sessions are read from the cache first; the
    # query-count guards count database queries of one known configuration.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    # Uploads (and the demo's logos) go to a folder of each test's own, and so do the
    # private files (certificates, letters, booklets).
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and throttles count in the cache: each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_voting_catalogue():
    # The vote endpoint keeps each edition's nominees in memory for a few seconds;
    # every test builds its own.
    voting_catalogue_clear()


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Tasks run in-process, even when CELERY_BROKER_URL names a real broker; tests
    marked ``real_worker`` send them to the broker instead."""
    if request.node.get_closest_marker("real_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def admin_user(db):
    """The secretariat as the admin sees it: superuser, Secretariat, MFA set up."""
    return UserFactory(
        email="secretariat@example.org",
        is_staff=True,
        is_superuser=True,
        email_confirmed=True,
        mfa=True,
        roles=["Secretariat"],
    )


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL or "none (tasks run eagerly)"
    return [f"database: {database['ENGINE']} {database['NAME']}", f"celery broker: {broker}"]


@pytest.fixture
def decided(admin_user):
    """An edition at its ceremony: two categories, each with Champions and a Winner."""
    edition = EditionFactory(year=2020, phase=Phase.CEREMONY, champions_per_category=2)
    projects = {}
    for number in (2, 1):
        category = CategoryFactory(edition=edition, number=number)
        for title in ("top", "second", "third"):
            projects[(number, title)] = ProjectFactory(category=category, title=f"{title} {number}")
    counts = {"top": 30, "second": 20, "third": 5}
    votes = {project.pk: counts[title] for (_, title), project in projects.items()}
    category_one = projects[(1, "top")].category
    standings_record(
        edition=edition,
        votes=votes,
        exclusions={(category_one.pk, ExclusionReason.INVALIDATED): 4},
        voters=40,
    )
    for number in (1, 2):
        project_transition(
            project=projects[(number, "second" if number == 1 else "top")],
            transition=CROWN,
            actor=admin_user,
            at=timezone.now(),
        )
    return edition, projects
