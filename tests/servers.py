"""Servers of the fault tests' own, on ports of their own, that the tests stop and start.

The services on the standard ports (PostgreSQL 5432, Redis 6379) are never touched:
a Redis is started on a free port in 6390-6399, a PostgreSQL cluster on a free port in
5440-5449, and the site itself is served by gunicorn on a free port. Each waits for its
port with a timeout, and is stopped by whoever started it.

A port of those ranges is reserved with a lock file from the moment it is chosen until
its server is killed or dropped, so that test processes running side by side (``pytest
-n``, or two runs at once) never choose the same one: a port can be free when one
process checks it and taken by another's server a moment later.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parents[1]
REDIS_PORTS = range(6390, 6400)
POSTGRES_PORTS = range(5440, 5450)
START_TIMEOUT = 20.0
PORT_LOCKS = Path(tempfile.gettempdir()) / "wsis-prizes-test-ports"

# The lock files of the ports this process holds, open for as long as it holds them: the
# system releases a lock when its file is closed, or when the process ends however it
# ends.
_reserved: dict[int, IO[str]] = {}


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(ports: range | None = None) -> int:
    if ports is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
    PORT_LOCKS.mkdir(exist_ok=True)
    for port in ports:
        lock = (PORT_LOCKS / f"{port}.lock").open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another test process's (or this one's)
            lock.close()
            continue
        if port_is_free(port):
            _reserved[port] = lock
            return port
        lock.close()
    pytest.fail(f"no free port in {ports.start}-{ports.stop - 1} for a fault test's server")


def port_release(port: int) -> None:
    """Lets other test processes choose ``port`` again."""
    lock = _reserved.pop(port, None)
    if lock is not None:
        lock.close()


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_until(condition, what: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout:.0f} s")
        time.sleep(0.05)


def require_binary(name: str, why: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"needs {name} ({why}); it is not installed on this machine")
    return path


@dataclass
class RedisServer:
    """A redis-server of the test's own, without persistence unless asked."""

    folder: Path
    port: int = field(default_factory=lambda: free_port(REDIS_PORTS))

    @property
    def pidfile(self) -> Path:
        return self.folder / "redis.pid"

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        binary = require_binary("redis-server", "the fault tests start a Redis of their own")
        self.folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            check=True,
            timeout=START_TIMEOUT,
        )
        wait_until(self.ping, f"redis-server did not answer on port {self.port}")

    def client(self, timeout: float):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No retries: redis-py's client retries three times with a backoff by default.
        return redis.Redis(port=self.port, socket_timeout=timeout, retry=Retry(NoBackoff(), 0))

    def ping(self) -> bool:
        import redis

        try:
            return self.client(timeout=0.5).ping()
        except redis.exceptions.RedisError:
            return False

    def stop(self, *, keep_data: bool = False) -> None:
        """Shut it down; with ``keep_data`` its data is saved and comes back on start,
        as from a Redis that persists (or was only cut off)."""
        import redis

        if not self.ping():
            return
        # It closes the connection as it goes.
        with contextlib.suppress(redis.exceptions.ConnectionError):
            self.client(timeout=5).shutdown(save=keep_data, nosave=not keep_data)
        wait_until(lambda: not answers(self.port), f"redis-server on port {self.port} did not stop")

    def kill(self) -> None:
        """The finalizer: stop it whatever state it is in, and give up its port."""
        try:
            self.stop()
        except Exception:
            if self.pidfile.exists():
                os.kill(int(self.pidfile.read_text()), signal.SIGKILL)
        port_release(self.port)


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster of the test session's own (Debian's pg_createcluster)."""

    name: str = field(default_factory=lambda: f"wsis-faults-{os.getpid()}")
    port: int = field(default_factory=lambda: free_port(POSTGRES_PORTS))
    version: str = ""

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def _ctl(self, *action: str) -> None:
        # As .ci/run does: the cluster is started here, not by systemd.
        self._run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, *action)

    def create(self) -> None:
        require_binary("pg_createcluster", "Debian's postgresql-common")
        versions = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: float(v))
        self.version = versions[-1]
        # Trust on the loopback only: the cluster listens on localhost alone.
        self._run(
            "pg_createcluster", self.version, self.name, "--port", str(self.port), "--",
            "--auth=trust",
        )  # fmt: skip
        self.start()

    def start(self) -> None:
        if answers(self.port):
            return
        self._ctl("start")
        wait_until(lambda: answers(self.port), f"PostgreSQL did not answer on port {self.port}")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def create_database(self, database: str) -> None:
        self._run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc",
            f"CREATE DATABASE {database}",
        )  # fmt: skip

    def drop(self) -> None:
        if self.version:
            subprocess.run(
                ["pg_dropcluster", self.version, self.name, "--stop"],
                capture_output=True,
                timeout=60,
            )
        port_release(self.port)


def clean_environment(**settings: str) -> dict[str, str]:
    """The process environment without the test run's services, plus ``settings``."""
    services = {"DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"}
    return {**{k: v for k, v in os.environ.items() if k not in services}, **settings}


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Site:
    """The site served by gunicorn (``gunicorn.conf.py``: sync workers), as in production."""

    env: dict[str, str]
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                Path(sys.executable).parent / "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "gunicorn.log").open("w"),
        )
        wait_until(lambda: answers(self.port), f"gunicorn did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def request(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None
    ) -> Response:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return Response(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as answer:
            return Response(answer.code, dict(answer.headers), answer.read())

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, headers=headers)
