import pytest
from django.core.cache import cache

from accounts.permissions import confirmed_emails_forget
from config.celery import app as celery_app
from tests.factories import UserFactory
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
    # Uploads (and the demo's logos) go to a folder of each test's own.
    settings.MEDIA_ROOT = tmp_path / "media"


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
    confirmed_emails_forget()


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
