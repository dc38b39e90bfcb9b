import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def served_settings(**environ: str) -> dict[str, str]:
    """The settings gunicorn would serve the site with, started in the project."""
    printed = subprocess.run(
        [Path(sys.executable).parent / "gunicorn", "--print-config", "config.wsgi"],
        cwd=ROOT,
        env={**os.environ, **environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in printed.splitlines())
    }


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no /dev/shm on this system")
def test_gunicorn_serves_with_twice_the_cores_and_one_sync_workers():
    served = served_settings()

    assert served["workers"] == str(2 * os.cpu_count() + 1)
    assert served["worker_class"] == "sync"
    assert served["worker_tmp_dir"] == "/dev/shm"
    assert served["http_parser"] == "auto"


def test_web_concurrency_sets_the_number_of_workers():
    assert served_settings(WEB_CONCURRENCY="7")["workers"] == "7"


def test_gunicorn_finds_its_c_request_parser():
    import gunicorn_h1c

    assert hasattr(gunicorn_h1c, "LimitRequestLine")  # what gunicorn asks of it
