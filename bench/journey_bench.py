"""A new voter's whole journey, as production serves it (gunicorn, PostgreSQL, Redis, a
Celery worker delivering the mail): new voters sign up through the headless app API
with their e-mail address alone, take the code from the mail, vote in all 18
categories and read their ballot, while anonymous visitors browse the galleries. The
same journey with a password and Django's default hasher (what a stock allauth site
does), the vote endpoint at its highest rate, and pgbench's single-row upsert are
measured in the same run. See bench/README.md.

    .venv/bin/python bench/journey_bench.py [--voters 16] [--seconds 30]
"""

import argparse
import email
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vote_bench as vb

ROOT = vb.ROOT
OUT = vb.OUT
MAIL = OUT / "mail"
BROKER = "redis://127.0.0.1:6379/13"
ENV = {
    **vb.ENV,
    "CELERY_BROKER_URL": BROKER,
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "EMAIL_FILE_PATH": str(MAIL),
    # Each simulated voter and visitor comes from an address of its own, as behind
    # one proxy that appends the client's address: every rate limit stays as
    # production has it, per address and per account.
    "TRUSTED_PROXIES": "1",
    "API_THROTTLE_ACCOUNT": "600/minute",
    "API_THROTTLE_ANONYMOUS": "120/minute",
}
# As a stock django-allauth site hashes passwords: Django's default hashers.
STOCK_SETTINGS = "stock_settings"
APP = "/_allauth/app/v1"
BALLOT = "/api/v1/editions/2020/ballot/"
# The code in a login code mail (a line of its own), and the key in a confirmation mail.
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
KEY = re.compile(r"confirmation key in it: (\S+)")


def say(text: str) -> None:
    print(text, flush=True)


class Mailbox:
    """Reads the mail the worker delivers (Django's file backend: a file per
    connection, messages separated by a line of dashes) and hands each recipient
    the code in its newest mail."""

    def __init__(self) -> None:
        self.read_up_to: dict[str, int] = {}
        self.codes: dict[str, str] = {}
        self.arrived = threading.Condition()
        self.running = True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        separator = b"\n" + b"-" * 79 + b"\n"
        while self.running:
            for entry in os.scandir(MAIL):
                # A connection of the file backend may write more messages to its file
                # later: a file that grew is read on from where it was left.
                done = self.read_up_to.get(entry.name, 0)
                if entry.stat().st_size <= done:
                    continue
                text = Path(entry.path).read_bytes()
                end = text.rfind(separator) + len(separator)
                if end < len(separator) or end <= done:
                    continue
                self.read_up_to[entry.name] = end
                for raw in text[done:end].split(separator):
                    if raw.strip():
                        self._read(email.message_from_bytes(raw))
            time.sleep(0.01)

    def _read(self, message) -> None:
        body = next(
            part.get_payload(decode=True).decode()
            for part in message.walk()
            if part.get_content_type() == "text/plain"
        )
        found = CODE.search(body) or KEY.search(body)
        if found:
            with self.arrived:
                self.codes[message["To"]] = found.group(1)
                self.arrived.notify_all()

    def code_for(self, address: str, timeout: float = 60) -> str:
        with self.arrived:
            if not self.arrived.wait_for(lambda: address in self.codes, timeout):
                raise RuntimeError(f"no mail for {address} within {timeout} s")
            return self.codes.pop(address)

    def stop(self) -> None:
        self.running = False


class Client:
    """One simulated person: a keep-alive connection and an address of its own."""

    def __init__(self, number: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", vb.PORT, timeout=30)
        self.address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        self.token = ""
        self.statuses: dict[int, int] = defaultdict(int)

    def send(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"X-Forwarded-For": self.address}
        if self.token:
            headers["X-Session-Token"] = self.token
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, data, headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                # gunicorn closes a keep-alive connection now and then: open another
                self.connection.close()
                if attempt == 2:
                    raise
        self.statuses[response.status] += 1
        answer = {}
        if content and response.getheader("Content-Type", "").startswith("application/json"):
            answer = json.loads(content)
        return response.status, answer

    def keep_token(self, answer: dict) -> None:
        token = answer.get("meta", {}).get("session_token")
        if token:
            self.token = token


class Journeys:
    """New voters, one thread each, doing the journey again and again until the
    time is up; anonymous visitors browsing meanwhile."""

    def __init__(self, password: bool, mailbox: Mailbox, nominees: dict[int, list[int]]):
        self.password = password
        self.mailbox = mailbox
        self.nominees = nominees
        self.times: dict[str, list[float]] = defaultdict(list)
        self.completed = 0
        self.votes = 0
        self.failures: list[str] = []
        self.statuses: dict[int, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.counter = 0

    def _next(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def _timed(self, step: str, started: float) -> None:
        with self.lock:
            self.times[step].append((time.perf_counter() - started) * 1000)

    def journey(self, client: Client, run: str) -> None:
        number = self._next()
        address = f"voter-{run}-{number}@journey.example"
        # Each new voter is another person, from an address of their own: one address
        # making account after account would meet the sign-up challenge, as it should.
        client.address = f"10.{1 if self.password else 2}.{number // 256 % 256}.{number % 256}"
        client.token = ""
        secret = "a long journey passphrase 2020"
        started = time.perf_counter()
        body = {"email": address, "name": "New Voter", "country": "CH"}
        if self.password:
            body["password"] = secret
        status, answer = client.send("POST", f"{APP}/auth/signup", body)
        self._timed("sign-up", started)
        # Without a password the sign-up waits for the code (401, login_by_code
        # pending); with one it logs in at once and the address waits for its key.
        if status != (200 if self.password else 401):
            raise RuntimeError(f"sign-up answered {status}: {answer}")
        client.keep_token(answer)
        started = time.perf_counter()
        code = self.mailbox.code_for(address)
        self._timed("mail", started)
        started = time.perf_counter()
        if self.password:
            status, answer = client.send("POST", f"{APP}/auth/email/verify", {"key": code})
        else:
            status, answer = client.send("POST", f"{APP}/auth/code/confirm", {"code": code})
        self._timed("confirm code", started)
        if status != 200:
            raise RuntimeError(f"confirming answered {status}: {answer}")
        client.keep_token(answer)
        if self.password:
            client.token = ""
            started = time.perf_counter()
            status, answer = client.send(
                "POST", f"{APP}/auth/login", {"email": address, "password": secret}
            )
            self._timed("log in", started)
            if status != 200:
                raise RuntimeError(f"log in answered {status}: {answer}")
            client.keep_token(answer)
        for category in sorted(self.nominees):
            started = time.perf_counter()
            nominee = random.choice(self.nominees[category])
            status, answer = client.send("PUT", f"{BALLOT}{category}/", {"nominee": nominee})
            self._timed("vote", started)
            if status != 201:
                raise RuntimeError(f"a vote answered {status}: {answer}")
            with self.lock:
                self.votes += 1
        started = time.perf_counter()
        status, answer = client.send("GET", BALLOT)
        self._timed("ballot", started)
        if status != 200 or not answer.get("complete"):
            raise RuntimeError(f"the ballot answered {status}: {answer}")
        with self.lock:
            self.completed += 1

    def voter(self, number: int, run: str, until: float) -> None:
        client = Client(number)
        while time.monotonic() < until:
            try:
                self.journey(client, run)
            except Exception as error:
                with self.lock:
                    self.failures.append(str(error)[:300])
        with self.lock:
            for status, count in client.statuses.items():
                self.statuses[status] += count

    def visitor(self, number: int, until: float) -> None:
        client = Client(100_000 + number)
        pages = ["/editions/2020/"]
        for category in sorted(self.nominees):
            pages.append(f"/editions/2020/categories/{category}/")
            pages.append(f"/api/v1/editions/2020/nominees/?category={category}")
        while time.monotonic() < until:
            started = time.perf_counter()
            client.send("GET", random.choice(pages))
            self._timed("browse", started)
            time.sleep(0.2)  # a person reads before the next page
        with self.lock:
            for status, count in client.statuses.items():
                self.statuses[status] += count


def cpu_seconds() -> dict[str, float]:
    """As the vote benchmark reads it, with the Celery worker apart."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"celery": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"celery" in command:
            fields = stat[stat.rindex(")") + 2 :].split()
            used["celery"] += (int(fields[11]) + int(fields[12])) / tick
    return {**vb.cpu_seconds(), **used}


def start_worker() -> subprocess.Popen:
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel",
            "warning",
            "--concurrency",
            "1",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
    )
    time.sleep(3)
    return worker


def start_server(settings_module: str, workers: int) -> subprocess.Popen:
    """gunicorn as ``gunicorn.conf.py`` has it, with the given settings module."""
    return vb.start_server(
        workers,
        1,
        env={"DJANGO_SETTINGS_MODULE": settings_module, "PYTHONPATH": str(ROOT / "bench")},
    )


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def percentiles(values: list[float]) -> str:
    if not values:
        return "-"
    values = sorted(values)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return f"{statistics.median(values):7.1f} {pick(0.95):7.1f} {pick(0.99):7.1f}"


def measure(
    label: str,
    password: bool,
    settings_module: str,
    args,
    mailbox: Mailbox,
    nominees: dict[int, list[int]],
) -> dict:
    say(
        f"{label}: gunicorn ({settings_module}), {args.voters} new voters at once, "
        f"{args.visitors} visitors browsing, {args.seconds} s…"
    )
    server = start_server(settings_module, args.workers)
    journeys = Journeys(password, mailbox, nominees)
    try:
        Client(0).send("GET", "/api/v1/editions/")  # warm up
        before = cpu_seconds()
        started = time.monotonic()
        until = started + args.seconds
        threads = [
            threading.Thread(target=journeys.voter, args=(n, label, until))
            for n in range(1, args.voters + 1)
        ] + [
            threading.Thread(target=journeys.visitor, args=(n, until))
            for n in range(1, args.visitors + 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        after = cpu_seconds()
    finally:
        stop(server)
    used = {part: after[part] - before[part] for part in after}
    completed = max(journeys.completed, 1)
    figures = {
        "voters_completed": journeys.completed,
        "voters_per_s": journeys.completed / elapsed,
        "votes_per_s": journeys.votes / elapsed,
        "seconds": elapsed,
        "steps_ms": {step: sorted(times) for step, times in journeys.times.items()},
        "cpu_ms_per_voter": {part: used[part] * 1000 / completed for part in used},
        "statuses": dict(journeys.statuses),
        "failures": journeys.failures[:10],
        "failure_count": len(journeys.failures),
    }
    say(
        f"  {journeys.completed} voters completed: {figures['voters_per_s']:.2f}/s, "
        f"{figures['votes_per_s']:.1f} votes/s; answers {dict(sorted(journeys.statuses.items()))}; "
        f"{len(journeys.failures)} journeys failed"
    )
    for failure in journeys.failures[:3]:
        say(f"  failed: {failure}")
    return figures


def step_costs(args) -> dict[str, float]:
    """CPU milliseconds of the web process per step, in this process: the journey's
    requests sent to the WSGI application gunicorn serves, one voter after another,
    each request timed with the process's CPU clock (no HTTP server, no client)."""
    code = r"""
import io, json, os, random, re, sys, time
from collections import defaultdict
import django
django.setup()
from config.wsgi import application
from accounts.models import OutboxEmail
from awards.models import Project

nominees = defaultdict(list)
for number, pk in Project.objects.filter(edition__year=2020).values_list("category__number", "pk"):
    nominees[number].append(pk)
cpu = defaultdict(list)

def send(step, method, path, body=None, token="", address="10.200.0.1"):
    data = json.dumps(body).encode() if body is not None else b""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": path.partition("?")[2], "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8100", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8100",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(data)),
        "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": address,
        "wsgi.input": io.BytesIO(data), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False}
    if token:
        environ["HTTP_X_SESSION_TOKEN"] = token
    status = []
    start = time.process_time()
    content = b"".join(application(environ, lambda s, h, e=None: status.append(s)))
    cpu[step].append((time.process_time() - start) * 1000)
    return int(status[0][:3]), (json.loads(content) if content[:1] == b"{" else {})

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)
for n in range(int(sys.argv[1])):
    address = f"cost-{n}-{time.time_ns()}@journey.example"
    ip = f"10.201.{n // 256}.{n % 256}"
    status, answer = send("sign-up", "POST", "/_allauth/app/v1/auth/signup",
        {"email": address, "name": "New Voter", "country": "CH"}, address=ip)
    token = answer["meta"]["session_token"]
    mail = OutboxEmail.objects.filter(to__contains=[address]).latest("created_at")
    code = CODE.search(mail.body).group(1)
    status, answer = send("confirm code", "POST", "/_allauth/app/v1/auth/code/confirm",
        {"code": code}, token=token, address=ip)
    token = answer["meta"].get("session_token") or token
    for number in sorted(nominees):
        send("vote", "PUT", f"/api/v1/editions/2020/ballot/{number}/",
             {"nominee": random.choice(nominees[number])}, token=token, address=ip)
    send("ballot", "GET", "/api/v1/editions/2020/ballot/", token=token, address=ip)
    send("browse", "GET", f"/editions/2020/categories/{random.choice(list(nominees))}/",
         address=ip)
    send("browse", "GET", "/api/v1/editions/2020/nominees/?category=1", address=ip)
print(json.dumps({step: sum(t[2:]) / max(len(t) - 2, 1) for step, t in cpu.items()}))
"""
    env = {**os.environ, **ENV, "DJANGO_SETTINGS_MODULE": "config.settings"}
    # Tasks are queued but not run here: the code is read from the outbox.
    output = subprocess.run(
        [sys.executable, "-c", code, str(args.cost_voters)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=16, help="new voters at once")
    parser.add_argument("--visitors", type=int, default=8, help="anonymous visitors at once")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rush-voters", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--cost-voters", type=int, default=30)
    parser.add_argument(
        "--workers",
        type=int,
        default=__import__("runpy").run_path(str(ROOT / "gunicorn.conf.py"))["workers"],
    )
    args = parser.parse_args()
    for tool in ("wrk", "pgbench", "psql", "redis-cli"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed: see bench/README.md")
    os.chdir(ROOT)
    vb.ENV.update(ENV)
    vb.run("redis-cli", "-n", BROKER.rsplit("/", 1)[1], "FLUSHDB", capture=True)
    shutil.rmtree(MAIL, ignore_errors=True)
    MAIL.mkdir(parents=True)

    say(f"Preparing {vb.DATABASE} with {args.rush_voters} voters for the vote rush…")
    vb.prepare_database()
    vb.seed(args.rush_voters, 0)
    nominees: dict[int, list[int]] = defaultdict(list)
    for line in (OUT / "nominees.txt").read_text().splitlines():
        category, nominee = map(int, line.split())
        nominees[category].append(nominee)

    say(f"pgbench: single-row upsert, {args.seconds} s…")
    pg_rate = vb.pgbench_upsert(args.seconds)

    say("The vote door at its highest rate (wrk, tokens of voters already signed in)…")
    server = start_server("config.settings", args.workers)
    try:
        vb.wrk(3, args.connections)
        vb.settle()
        top = vb.rush(args.seconds, args.connections)
        paced = vb.wrk(args.seconds, args.connections, rate=0.8 * top["rate"])
    finally:
        stop(server)
    vb.settle()
    say(
        f"  votes {top['rate']:.0f}/s against pgbench {pg_rate:.0f}/s: "
        f"{top['rate'] / pg_rate:.1%}; at 80%: p99 {paced['p99_ms']:.1f} ms"
    )

    worker = start_worker()
    mailbox = Mailbox()
    try:
        by_code = measure("code", False, "config.settings", args, mailbox, nominees)
        vb.settle()
        by_password = measure("password", True, STOCK_SETTINGS, args, mailbox, nominees)
    finally:
        mailbox.stop()
        stop(worker)
    vb.settle()
    say(f"CPU per step in one web process ({args.cost_voters} voters, in process)…")
    costs = step_costs(args)

    figures = {
        "pgbench_upserts_per_s": pg_rate,
        "vote_door": {**top, "at_80_percent": paced, "ratio_to_pgbench": top["rate"] / pg_rate},
        "journey_by_code": by_code,
        "journey_by_password_stock_hasher": by_password,
        "web_cpu_ms_per_step": costs,
        "setup": vars(args),
    }
    (OUT / "journey_bench.json").write_text(json.dumps(figures, indent=2))

    say("")
    say(f"pgbench single-row upserts/s:      {pg_rate:9.0f}")
    say(
        f"votes/s through the door (wrk):    {top['rate']:9.0f}   {top['rate'] / pg_rate:.1%} of "
        f"pgbench (target ≥ 8%), {top['errors']} errors"
    )
    say(
        f"vote latency at 80% ({paced['rate']:.0f}/s):  p50 {paced['p50_ms']:.1f}  "
        f"p95 {paced['p95_ms']:.1f}  p99 {paced['p99_ms']:.1f} ms (target p99 ≤ 50)"
    )
    ratio = by_code["voters_per_s"] / max(by_password["voters_per_s"], 1e-9)
    say(
        f"new voters completed/s:  by code {by_code['voters_per_s']:.2f}, by password "
        f"(stock hasher) {by_password['voters_per_s']:.2f}: {ratio:.1f} times (target ≥ 10)"
    )
    for label, run in (("by code", by_code), ("by password", by_password)):
        fives = sum(count for status, count in run["statuses"].items() if status >= 500)
        say(
            f"journey {label}: {run['votes_per_s']:.1f} votes/s, {fives} answers 5xx, "
            f"{run['failure_count']} journeys failed"
        )
        say("  step            p50     p95     p99 ms   (wall, as the voter waits)")
        for step, times in run["steps_ms"].items():
            say(f"  {step:14} {percentiles(times)}   ({len(times)})")
        say(
            "  CPU ms per completed voter: "
            + "  ".join(
                f"{part} {ms:.1f}"
                for part, ms in run["cpu_ms_per_voter"].items()
                if part not in ("wrk",)
            )
        )
    say(
        "web process CPU ms per request, by step: "
        + "  ".join(f"{step} {ms:.2f}" for step, ms in costs.items())
    )


if __name__ == "__main__":
    main()
