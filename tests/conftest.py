import os

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone, translation

from awards.models import ExclusionReason
from awards.phases import Phase
from awards.services import standings_record
from awards.workflow import CROWN, project_transition
from config.celery import app as celery_app
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from voting.catalogue import voting_catalogue_clear

# The test process: "main" without pytest-xdist, "gw0", "gw1", ... under ``pytest -n``.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# This process's keys in a Redis that other workers (and other test runs) share.
CACHE_KEY_PREFIX = f"tests-{WORKER}-{os.getpid()}"


def pytest_configure(config):
    """Each test process apart from the others, so that ``pytest -n`` runs them side by
    side: its own test database, its own keys in a shared Redis, its own task queue."""
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "config.sqlite3":
        # In memory, one database per process, as Django tests SQLite. pytest-django
        # recognises SQLite by Django's engine name only, and would give each worker a
        # file named after the production database's path instead.
        test_database = database.setdefault("TEST", {})
        test_database["NAME"] = test_database.get("NAME") or ":memory:"
    if _shares_redis(django_settings.CACHES):
        # Clearing a Redis cache empties the whole database, other processes' keys too:
        # this process writes its keys under a prefix of its own and deletes only those.
        override_settings(
            CACHES={
                alias: {**options, "KEY_PREFIX": CACHE_KEY_PREFIX}
                for alias, options in django_settings.CACHES.items()
            }
        ).enable()
    # Tests marked ``real_worker`` start a Celery worker on the configured broker: each
    # process sends its tasks to a queue that only its own worker reads.
    celery_app.conf.task_default_queue = f"tests-{WORKER}"


# pytest-django's order of the kinds of test (as Django's runner): those in a transaction
# rolled back, then those that empty the database (transactional), then those without
# one. Ours: those without a database first.
IN_A_TRANSACTION, EMPTYING_THE_DATABASE, WITHOUT_DATABASE = 0, 1, 2
ORDER = {WITHOUT_DATABASE: 0, IN_A_TRANSACTION: 1, EMPTYING_THE_DATABASE: 2}


def _empties_the_database(transaction=False, reset_sequences=False, *args, **kwargs) -> bool:
    """Whether ``django_db(...)`` with these arguments makes a transactional test."""
    return bool(transaction or reset_sequences)


def _kind(item: pytest.Item) -> int:
    """The kind of test, as pytest-django tells it when it orders them."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    if (marker and _empties_the_database(*marker.args, **marker.kwargs)) or (
        "transactional_db" in fixtures or "live_server" in fixtures
    ):
        return EMPTYING_THE_DATABASE
    return IN_A_TRANSACTION if marker or "db" in fixtures else WITHOUT_DATABASE


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest-django's ordering: the tests without a database first, and in each
    kind the ``slow`` ones first. Under ``pytest -n`` each process takes the next tests
    as it finishes its own: a test of a minute taken last keeps one process running
    alone that long (the fault tests were last, by pytest-django's order). The tests
    that empty the database still come after those that need its migrated rows."""
    items.sort(key=lambda item: (ORDER[_kind(item)], not item.get_closest_marker("slow")))


def _shares_redis(caches: dict) -> bool:
    return any(options["BACKEND"] == "config.cache.RedisCache" for options in caches.values())


def cache_forget() -> None:
    """Empties the cache of this process: its keys in the shared Redis, or the whole
    cache where it is the process's own (memory, or a Redis a test started)."""
    options = django_settings.CACHES["default"]
    if options.get("KEY_PREFIX") != CACHE_KEY_PREFIX:
        cache.clear()
        return
    server = redis.Redis.from_url(options["LOCATION"])
    try:
        keys = list(server.scan_iter(match=f"{CACHE_KEY_PREFIX}:*", count=1000))
        if keys:
            server.delete(*keys)
    finally:
        server.close()


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
def _english_to_begin_with():
    # A request answered in another language leaves it active in the thread (as Django's
    # LocaleMiddleware does): each test starts in English, so that reverse() gives the
    # English addresses.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and throttles count in the cache: each test starts from zero.
    cache_forget()
    yield
    cache_forget()


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
