import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "prizes.example.org",
    "DATABASE_URL": "postgres://wsis:secret@db.example.org:5432/wsis",
    "CELERY_BROKER_URL": "redis://cache.example.org:6379/0",
    "CACHE_URL": "redis://cache.example.org:6379/1",
    "SECURE_HSTS_PRELOAD": "true",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Settings are read once per process, so each environment needs a process of its own.
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "CACHE_URL"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_secret_key_stops_naming_the_variable():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "name, value",
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://root@localhost/wsis"),
        ("CELERY_BROKER_URL", "localhost:6379"),
        ("EMAIL_PORT", "twenty-five"),
        ("TRUSTED_PROXIES", "-1"),
        ("API_THROTTLE_TOKEN_FAILURES", "thirty"),
    ],
)
def test_bad_value_stops_start_up_naming_the_variable(name, value):
    result = manage("check", env={name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.splitlines()[-1]


def test_env_bool_reads_yes_and_no_words():
    env = Env({"A": "Yes", "B": "off", "C": " "})

    assert env.bool("A", default=False) is True
    assert env.bool("B", default=True) is False
    assert env.bool("C", default=True) is True


def test_env_int_refuses_below_minimum():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL_MAX_SIZE='0' must be at least 1"):
        Env({"DATABASE_POOL_MAX_SIZE": "0"}).int("DATABASE_POOL_MAX_SIZE", 10, minimum=1)


def test_env_list_splits_on_commas():
    assert Env({"H": "a.example, b.example,,"}).list("H", []) == ["a.example", "b.example"]


def test_env_database_reads_postgres_and_sqlite_urls():
    env = Env({"DATABASE_URL": "postgres://u:p@db:5433/wsis"})

    postgres = env.database("DATABASE_URL", default="sqlite:///x.sqlite3")
    sqlite = Env({}).database("DATABASE_URL", default="sqlite:////tmp/x.sqlite3")

    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert (postgres["NAME"], postgres["HOST"], postgres["PORT"]) == ("wsis", "db", 5433)
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["NAME"] == "/tmp/x.sqlite3"


def test_migrations_are_complete():
    result = manage("makemigrations", "--check", "--dry-run", env={})

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("value", "prepared"), [(None, "True 2"), ("true", "True 2"), ("false", "None None")]
)
def test_postgresql_statements_are_prepared_unless_turned_off(value, prepared):
    """On by default; off for a connection pooler in transaction mode, which cannot
    keep a prepared statement between transactions."""
    read = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    env = {**PRODUCTION, **({"DATABASE_PREPARED_STATEMENTS": value} if value else {})}

    result = manage("shell", "-c", read, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == prepared
