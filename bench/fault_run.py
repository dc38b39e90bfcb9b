"""A load run through faults: votes and sign-ups keep coming while the Celery worker is
killed with SIGKILL, PostgreSQL restarts and Redis (the cache and sessions) goes away
for a while. Then it checks what a voter and a new account were promised:

- every vote acknowledged (200/201, or 204 for a withdrawal) is in the database as
  acknowledged, and nothing else is (the last answer per voter and category decides);
- no answer was a 500 (503 with Retry-After is what cannot work during the restart);
- every sign-up acknowledged got its confirmation e-mail exactly once (the outbox);
- the tallies equal a recount.

    .venv/bin/python bench/fault_run.py [--seconds 90] [--clients 12]

Everything runs on servers of its own, started here and stopped at the end: a
PostgreSQL cluster on port 5441 (``pg_createcluster``), a Redis for the cache on 6395
and one for the broker on 6396, gunicorn on 8200, a Celery worker and beat. The
services on the standard ports are never touched. Figures go to the terminal and to
``bench/out/fault_run.json``.
"""

import argparse
import email
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_VERSION = "15"
PG_CLUSTER = "wsisfault"
PG_PORT = 5441
CACHE_PORT = 6395
BROKER_PORT = 6396
PORT = 8200
VOTERS = 2000
MAIL_DIR = Path(tempfile.gettempdir()) / "wsis-fault-run-mail"
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/wsis_fault",
    "CACHE_URL": f"redis://127.0.0.1:{CACHE_PORT}/0",
    "CELERY_BROKER_URL": f"redis://127.0.0.1:{BROKER_PORT}/0",
    "DEBUG": "false",
    "SECRET_KEY": "fault-run-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "API_THROTTLE_ACCOUNT": "1000000/minute",
    "API_THROTTLE_ANONYMOUS": "1000000/minute",
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "EMAIL_FILE_PATH": str(MAIL_DIR),
    "LOG_LEVEL": "ERROR",
    "WEB_CONCURRENCY": "3",
}


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(*command: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=check, capture_output=True, text=True, **kwargs)


# --- Servers of its own --------------------------------------------------------------


def postgres_start() -> None:
    clusters = run("pg_lsclusters", "-h").stdout
    if not any(line.split()[:2] == [PG_VERSION, PG_CLUSTER] for line in clusters.splitlines()):
        run(
            "pg_createcluster",
            PG_VERSION,
            PG_CLUSTER,
            "--port",
            str(PG_PORT),
            "--",
            "--auth=trust",
        )
    run("pg_ctlcluster", PG_VERSION, PG_CLUSTER, "start", check=False)
    wait_for(
        lambda: (
            run("pg_isready", "-h", "127.0.0.1", "-p", str(PG_PORT), check=False).returncode == 0
        ),
        "PostgreSQL",
    )
    psql = ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-q", "-c"]
    run(*psql, "DROP DATABASE IF EXISTS wsis_fault")
    run(*psql, "CREATE DATABASE wsis_fault")


def postgres_restart() -> None:
    run("pg_ctlcluster", PG_VERSION, PG_CLUSTER, "restart", "-m", "fast")


def postgres_drop() -> None:
    run("pg_dropcluster", PG_VERSION, PG_CLUSTER, "--stop", check=False)


def redis_start(port: int) -> None:
    run(
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "yes",
        "--pidfile",
        f"/tmp/wsis-fault-redis-{port}.pid",
        "--logfile",
        f"/tmp/wsis-fault-redis-{port}.log",
    )
    wait_for(
        lambda: run("redis-cli", "-p", str(port), "ping", check=False).stdout.strip() == "PONG",
        f"Redis on {port}",
    )


def redis_stop(port: int) -> None:
    run("redis-cli", "-p", str(port), "shutdown", "nosave", check=False)
    wait_for(
        lambda: run("redis-cli", "-p", str(port), "ping", check=False).returncode != 0,
        f"Redis on {port} to stop",
    )


def wait_for(check, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer within {seconds} s")


def manage(*arguments: str) -> None:
    run(
        str(ROOT / ".venv" / "bin" / "python"),
        "manage.py",
        *arguments,
        cwd=ROOT,
        env={**os.environ, **ENV},
    )


def start(*command: str) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **ENV},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=open(OUT / f"{Path(command[0]).name}.log", "a"),
    )


def worker_start() -> subprocess.Popen:
    return start(
        str(ROOT / ".venv" / "bin" / "celery"),
        "-A",
        "config",
        "worker",
        "--concurrency",
        "1",
        "--loglevel",
        "WARNING",
    )


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- The edition and its voters ------------------------------------------------------


def seed() -> tuple[list[str], dict[int, list[int]]]:
    """An edition in its voting phase (18 categories, 6 nominees each) and ``VOTERS``
    confirmed voters, each with a session token: the tokens, and the nominees by
    category number."""
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from awards.models import Edition, Project, ProjectStatus
    from awards.phases import Phase, timeline_around
    from awards.services import edition_categories_create_standard

    now = timezone.now()
    edition = Edition.objects.create(
        year=2020, title="WSIS Prizes 2020", **timeline_around(current=Phase.VOTING, at=now)
    )
    categories = edition_categories_create_standard(edition=edition)
    Project.objects.bulk_create(
        Project(
            edition=edition,
            category=category,
            title=f"Nominee {category.number}-{n}",
            organisation_name=f"Organisation {category.number}-{n}",
            status=ProjectStatus.NOMINEE,
            submitted_at=now,
        )
        for category in categories
        for n in range(6)
    )
    password = make_password("fault run voter")
    User.objects.bulk_create(
        User(email=f"voter{n}@fault.example", name=f"Voter {n}", password=password)
        for n in range(VOTERS)
    )
    users = list(User.objects.order_by("pk").values_list("pk", "email"))
    EmailAddress.objects.bulk_create(
        EmailAddress(user_id=pk, email=address, verified=True, primary=True)
        for pk, address in users
    )
    auth_hash = User(password=password).get_session_auth_hash()
    store = SessionStore()
    tokens, sessions = [], []
    for pk, _ in users:
        key = os.urandom(20).hex()
        tokens.append(key)
        data = {
            "_auth_user_id": str(pk),
            "_auth_user_backend": "accounts.backends.ModelBackend",
            "_auth_user_hash": auth_hash,
        }
        sessions.append(
            Session(
                session_key=key,
                session_data=store.encode(data),
                expire_date=now + timezone.timedelta(days=1),
            )
        )
    Session.objects.bulk_create(sessions)
    nominees: dict[int, list[int]] = {}
    for number, pk in Project.objects.values_list("category__number", "pk"):
        nominees.setdefault(number, []).append(pk)
    connection.close()
    return tokens, nominees


# --- The load ------------------------------------------------------------------------


@dataclass
class Answer:
    at: float
    kind: str  # "vote", "withdraw", "signup"
    status: int  # 0: no answer (connection refused or reset)
    token: str = ""
    category: int = 0
    nominee: int | None = None
    email: str = ""


@dataclass
class Load:
    tokens: list[str]
    nominees: dict[int, list[int]]
    clients: int
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, method: str, path: str, body: dict | None, headers: dict) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            connection.request(
                method,
                path,
                body=payload,
                headers={"Content-Type": "application/json", **headers},
            )
            response = connection.getresponse()
            response.read()
            return response.status
        except OSError:
            return 0
        finally:
            connection.close()

    def client(self, number: int) -> None:
        """One client's votes; it alone uses its share of the voters, one request at a
        time, so the order of its answers is the order of its writes."""
        rng = random.Random(number)
        mine = self.tokens[number :: self.clients]
        signups = 0
        while not self.stop.is_set():
            if number == 0 and rng.random() < 0.05:  # a new account now and then
                signups += 1
                address = f"new{signups}-{os.getpid()}@fault.example"
                status = self.request(
                    "POST",
                    "/_allauth/app/v1/auth/signup",
                    {
                        "email": address,
                        "password": "a long and unusual password 42",
                        "name": "New Voter",
                        "country": "CH",
                    },
                    {},
                )
                self.record(Answer(time.monotonic(), "signup", status, email=address))
                continue
            token = rng.choice(mine)
            category = rng.randint(1, 18)
            if rng.random() < 0.05:
                status = self.request(
                    "DELETE",
                    f"/api/v1/editions/2020/ballot/{category}/",
                    None,
                    {"X-Session-Token": token},
                )
                self.record(Answer(time.monotonic(), "withdraw", status, token, category))
                continue
            nominee = rng.choice(self.nominees[category])
            status = self.request(
                "PUT",
                f"/api/v1/editions/2020/ballot/{category}/",
                {"nominee": nominee},
                {"X-Session-Token": token},
            )
            self.record(Answer(time.monotonic(), "vote", status, token, category, nominee))
            if status in (0, 503):
                time.sleep(0.2)  # as a client honouring Retry-After would, briefly

    def record(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)


# --- The run ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--clients", type=int, default=12)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(MAIL_DIR, ignore_errors=True)
    MAIL_DIR.mkdir(parents=True)
    processes: list[subprocess.Popen] = []
    try:
        say("Starting PostgreSQL on 5441, Redis on 6395 (cache) and 6396 (broker)…")
        postgres_start()
        redis_start(CACHE_PORT)
        redis_start(BROKER_PORT)
        manage("migrate", "--verbosity", "0")
        tokens, nominees = seed()
        say(f"Seeded {len(tokens)} voters. Starting gunicorn, a Celery worker and beat…")
        gunicorn = start(
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        )
        worker = worker_start()
        beat = start(
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "config",
            "beat",
            "--loglevel",
            "WARNING",
            "--schedule",
            str(OUT / "celerybeat-schedule"),
        )
        processes += [gunicorn, worker, beat]
        load = Load(tokens=tokens, nominees=nominees, clients=args.clients)
        wait_for(lambda: load.request("GET", "/api/v1/editions/", None, {}) == 200, "gunicorn")

        threads = [threading.Thread(target=load.client, args=(n,)) for n in range(args.clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        events: list[tuple[float, str]] = []

        def at(fraction: float) -> None:
            time.sleep(max(0.0, started + args.seconds * fraction - time.monotonic()))

        def event(text: str) -> None:
            events.append((round(time.monotonic() - started, 1), text))
            say(text)

        at(0.15)
        event("kill -9 the Celery worker")
        stop(worker, signal.SIGKILL)
        time.sleep(5)
        worker = worker_start()
        processes.append(worker)
        event("Celery worker started again")
        at(0.4)
        event("PostgreSQL restarting")
        postgres_restart()
        event("PostgreSQL restarted")
        at(0.6)
        event("Redis (cache and sessions) stopped")
        redis_stop(CACHE_PORT)
        time.sleep(args.seconds * 0.15)
        redis_start(CACHE_PORT)
        event("Redis started again (empty)")
        at(1.0)
        load.stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        say(f"Load over: {len(load.answers)} requests in {elapsed:.0f} s")

        say(
            "Waiting for the outbox to drain (a mail claimed by the killed worker waits "
            "for its lease)…"
        )
        report = check(load, events, elapsed)
    finally:
        for process in processes:
            stop(process)
        redis_stop(CACHE_PORT)
        redis_stop(BROKER_PORT)
        postgres_drop()
    (OUT / "fault_run.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


def check(load: Load, events: list, elapsed: float) -> dict:
    from django.db import connection

    from accounts.models import OutboxEmail
    from voting.models import Vote
    from voting.selectors import tally_differences

    # allauth answers a sign-up 200, or 401 with the steps still pending: either way the
    # account is made and its confirmation e-mail is owed.
    signed_up = {a.email for a in load.answers if a.kind == "signup" and a.status in (200, 401)}
    deadline = time.monotonic() + 420
    while time.monotonic() < deadline:
        connection.close()
        if not OutboxEmail.objects.filter(sent_at__isnull=True).exists():
            break
        time.sleep(5)
    pending = OutboxEmail.objects.filter(sent_at__isnull=True).count()

    # The last acknowledged answer for each voter and category is what must be stored.
    expected: dict[tuple[str, int], int | None] = {}
    unacknowledged: set[tuple[str, int]] = set()
    for answer in sorted(load.answers, key=lambda a: a.at):
        if answer.kind == "signup":
            continue
        key = (answer.token, answer.category)
        if (answer.kind, answer.status) in (("vote", 200), ("vote", 201)):
            expected[key] = answer.nominee
            unacknowledged.discard(key)
        elif (answer.kind, answer.status) == ("withdraw", 204):
            expected[key] = None
            unacknowledged.discard(key)
        elif answer.status in (0, 500, 502, 503, 504):
            unacknowledged.add(key)  # it may or may not have been written
    from django.contrib.sessions.models import Session

    voter_of = {}
    for session in Session.objects.filter(session_key__in={t for t, _ in expected}):
        voter_of[session.session_key] = int(session.get_decoded()["_auth_user_id"])
    stored = {
        (voter, number): nominee
        for voter, number, nominee in Vote.objects.values_list(
            "voter_id", "category__number", "nominee_id"
        )
    }
    lost = changed = 0
    for (token, category), nominee in expected.items():
        if (token, category) in unacknowledged:
            continue  # a later request had no clear answer: either state is right
        found = stored.get((voter_of[token], category))
        if found != nominee:
            if found is None:
                lost += 1
            else:
                changed += 1

    messages = []
    for mail_file in MAIL_DIR.glob("*.log"):
        # The file backend writes every message of a connection into one file, each
        # followed by a line of dashes.
        for chunk in mail_file.read_bytes().split(b"-" * 79):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip()))
    confirmations = Counter(
        m["To"] for m in messages if m["To"] in signed_up
    )  # one confirmation per new account
    statuses = Counter(a.status for a in load.answers)
    from awards.models import Edition

    edition = Edition.objects.get(year=2020)
    return {
        "seconds": round(elapsed),
        "requests": len(load.answers),
        "events": events,
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "statuses_by_kind": {
            kind: {
                str(status): count
                for status, count in sorted(
                    Counter(a.status for a in load.answers if a.kind == kind).items()
                )
            }
            for kind in ("vote", "withdraw", "signup")
        },
        "answers_500": statuses.get(500, 0),
        "answers_503": statuses.get(503, 0),
        "no_answer": statuses.get(0, 0),
        "votes_acknowledged": sum(
            1 for a in load.answers if a.kind == "vote" and a.status in (200, 201)
        ),
        "ballot_entries_checked": len(expected) - len(unacknowledged & set(expected)),
        "acknowledged_but_missing": lost,
        "acknowledged_but_different": changed,
        "signups_acknowledged": len(signed_up),
        "signups_without_their_mail": len(signed_up - set(confirmations)),
        "signups_with_their_mail_twice_or_more": sum(1 for c in confirmations.values() if c > 1),
        "outbox_still_pending": pending,
        "messages_delivered": len(messages),
        "duplicate_message_ids": sum(
            c - 1 for c in Counter(m["Message-ID"] for m in messages).values() if c > 1
        ),
        "tallies_equal_recount": tally_differences(edition=edition) == {},
    }


if __name__ == "__main__":
    main()
