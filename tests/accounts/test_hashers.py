"""Passwords are hashed with Argon2id at the parameters measured in
bench/hasher_bench.py; older PBKDF2 hashes still check and are made again at login.

The suite hashes with MD5 for speed (tests/conftest.py); these tests use the real list."""

import pytest
from django.contrib.auth import hashers
from django.contrib.auth.hashers import identify_hasher, make_password

from accounts.hashers import Argon2PasswordHasher
from accounts.models import User
from tests.accounts.conftest import APP
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# The project's list, as config/settings.py has it (before the test fixture's MD5).
PROJECT_HASHERS = [
    "accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]


@pytest.fixture
def project_hashers(settings):
    settings.PASSWORD_HASHERS = PROJECT_HASHERS


def test_settings_hash_with_argon2_first_and_keep_pbkdf2_to_upgrade():
    # The suite's fixture replaces the list per test: read the module itself.
    from config import settings as settings_module

    assert settings_module.PASSWORD_HASHERS == PROJECT_HASHERS


def test_a_new_password_is_an_argon2id_hash_with_the_chosen_parameters(project_hashers):
    encoded = make_password(PASSWORD)

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(encoded), Argon2PasswordHasher)


def _pbkdf2_user() -> User:
    user = UserFactory(email="ada@example.org", email_confirmed=True)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    return user


def test_a_pbkdf2_hash_is_upgraded_to_argon2_at_a_browser_login(client, project_hashers):
    user = _pbkdf2_user()
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)


def test_a_pbkdf2_hash_is_upgraded_to_argon2_at_an_app_login(app_client, project_hashers):
    user = _pbkdf2_user()

    response = app_client.login()

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def test_an_argon2_hash_of_other_parameters_is_made_again_at_login(client, project_hashers):
    user = UserFactory(email="ada@example.org", email_confirmed=True)
    # Django's own defaults (100 MiB, 8 lanes), as an older release may have written.
    django_default = hashers.Argon2PasswordHasher()
    user.password = django_default.encode(PASSWORD, django_default.salt())
    assert "m=19456,t=2,p=1" not in user.password
    user.save(update_fields=["password"])

    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    user.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in user.password


def test_a_wrong_password_leaves_the_pbkdf2_hash_alone(app_client, project_hashers):
    user = _pbkdf2_user()
    before = user.password

    response = app_client.post(
        f"{APP}/auth/login", {"email": user.email, "password": "not the password"}
    )

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.password == before
