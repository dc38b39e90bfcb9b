"""A benchmark's own PostgreSQL database, made afresh, and Django set up on it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = ["-h", "127.0.0.1", "-U", "postgres"]


def bench_env(database: str, **more: str) -> dict[str, str]:
    """Production's settings (no debug, warnings only in the log) on the benchmark's
    own database, with ``more`` on top."""
    return {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        **more,
    }


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(["psql", *PG, "-d", database, "-qc", sql], check=True, capture_output=True)


def database_prepare(database: str, env: dict, *, static: bool = False) -> None:
    """Drop and create ``database`` and migrate it (and collect the static files, as a
    release does, when the benchmark serves pages)."""
    psql(f"DROP DATABASE IF EXISTS {database}")
    psql(f"CREATE DATABASE {database}")
    commands = [["migrate"], *([["collectstatic", "--noinput"]] if static else [])]
    for command in commands:
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v0"],
            env={**os.environ, **env},
            cwd=ROOT,
            check=True,
        )


def django_setup(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
