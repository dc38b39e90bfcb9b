"""Sign-up behind one address: friction instead of refusal (accounts/challenge.py).

Prints three sets of figures, and asserts nothing:

(a) ``--people`` people behind one client address sign up within ``--minutes``
    minutes, one every few seconds of a simulated clock, through the real views (the
    sign-up page for half of them, allauth's app API for the others, with Django's
    test client in this process, on an SQLite database of its own in ``bench/out/``):
    how many got an account, how many had to solve the challenge, how many requests
    were refused. Each one beyond the allowance solves the challenge in Python, as
    README.md's "Sign-up challenge" tells an app to.
(b) What an account costs a script beyond the allowance: the CPU seconds of solving
    ``--solves`` challenges at the configured difficulty in Python (mean, p95, max),
    and what the server spends on each (making a challenge and checking its solution).
(c) What a person waits in the browser: the vendored widget in Debian's Chromium
    (Playwright), ``--browser-runs`` times, under the site's Content-Security-Policy,
    from opening the page to the widget saying it is done (mean, p95, max), and the
    time its workers spent solving. Skipped where Chromium or Playwright is missing.

    .venv/bin/python bench/signup_challenge_bench.py [--people 200] [--minutes 10]
"""

import argparse
import base64
import functools
import hashlib
import html
import json
import logging
import os
import re
import statistics
import sys
import threading
import time
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATABASE = OUT / "signup_challenge.sqlite3"
VENDOR = ROOT / "frontend" / "static" / "frontend" / "vendor" / "altcha"
CHROMIUM = Path("/usr/bin/chromium")
ADDRESS = "198.51.100.23"
APP = "/_allauth/app/v1"

sys.path.insert(0, str(ROOT))
OUT.mkdir(exist_ok=True)
for leftover in OUT.glob(f"{DATABASE.name}*"):
    leftover.unlink()
# The embedded configuration (memory cache, tasks in-process) on a database of its own;
# mails stay in memory.
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    DATABASE_URL=f"sqlite:///{DATABASE}",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
for name in ("CACHE_URL", "CELERY_BROKER_URL"):
    os.environ.pop(name, None)

import django  # noqa: E402

django.setup()
# The sign-up views log each 4xx as a warning, and each task as it runs.
logging.disable(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.challenge import challenge_check, challenge_create  # noqa: E402
from accounts.models import User  # noqa: E402


def say(text: str = "") -> None:
    print(text, flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def summary(values: list[float], unit: str = "s", scale: float = 1.0) -> str:
    values = [value * scale for value in values]
    return (
        f"mean {statistics.mean(values):.3f} {unit}, p95 {p95(values):.3f} {unit}, "
        f"max {max(values):.3f} {unit}"
    )


def solve(challenge: dict) -> str:
    """README.md's way: the number whose SHA-256 after the salt is the challenge."""
    salt, target = challenge["salt"], challenge["challenge"]
    for number in range(challenge["maxnumber"] + 1):
        if hashlib.sha256(f"{salt}{number}".encode()).hexdigest() == target:
            payload = {**challenge, "number": number}
            del payload["maxnumber"]
            return base64.b64encode(json.dumps(payload).encode()).decode()
    raise RuntimeError("no solution up to maxnumber")


class Clock:
    """time.time() for the whole process: the real one plus what the people waited."""

    def __init__(self) -> None:
        self.real = time.time
        self.offset = 0.0

    def __call__(self) -> float:
        return self.real() + self.offset


# --- (a) people behind one address -------------------------------------------------------


def widget_challenge(page: str) -> dict | None:
    match = re.search(r'<altcha-widget[^>]* challengejson="([^"]+)"', page)
    return json.loads(html.unescape(match.group(1))) if match else None


class Crowd:
    def __init__(self) -> None:
        self.solved = 0
        self.solve_seconds: list[float] = []
        self.answers: Counter[int] = Counter()

    def timed_solve(self, challenge: dict) -> str:
        started = time.process_time()
        payload = solve(challenge)
        self.solve_seconds.append(time.process_time() - started)
        self.solved += 1
        return payload

    def note(self, response) -> None:
        self.answers[response.status_code] += 1

    def by_page(self, number: int) -> None:
        client = Client(REMOTE_ADDR=ADDRESS)
        data = {"email": f"page{number}@example.org", "name": "A person", "country": "CH"}
        page = client.get("/accounts/signup/").content.decode()
        challenge = widget_challenge(page)
        if challenge:  # the widget was on the page: it solves before the form is sent
            data["altcha"] = self.timed_solve(challenge)
        response = client.post("/accounts/signup/", data)
        self.note(response)
        if response.status_code == 200:  # the page came back: a challenge was asked
            challenge = widget_challenge(response.content.decode())
            if challenge:
                data["altcha"] = self.timed_solve(challenge)
                self.note(client.post("/accounts/signup/", data))

    def by_app(self, number: int) -> None:
        client = Client(REMOTE_ADDR=ADDRESS)
        body = {"email": f"app{number}@example.org", "name": "A person", "country": "CH"}
        response = client.post(f"{APP}/auth/signup", body, content_type="application/json")
        self.note(response)
        if response.status_code == 400 and response.json().get("code") == "challenge_required":
            body["altcha"] = self.timed_solve(response.json()["challenge"])
            self.note(client.post(f"{APP}/auth/signup", body, content_type="application/json"))


def people_behind_one_address(people: int, minutes: float) -> None:
    call_command("migrate", verbosity=0)
    clock = Clock()
    crowd = Crowd()
    every = minutes * 60 / people
    started = time.perf_counter()
    with mock.patch("time.time", clock):
        for number in range(people):
            clock.offset = number * every
            if number % 2:
                crowd.by_app(number)
            else:
                crowd.by_page(number)
    wall = time.perf_counter() - started
    made = User.objects.count()
    say(
        f"(a) {people} people behind {ADDRESS}, one every {every:.1f} s of a simulated clock "
        f"({minutes:g} minutes), half through the page, half through the app API:"
    )
    say(
        f"    accounts made: {made} of {people}; challenges solved: {crowd.solved} "
        f"(allowance {settings.SIGNUP_ALLOWANCE} in 10 minutes, limit "
        f"{settings.SIGNUP_LIMIT_PER_HOUR} an hour)"
    )
    answers = ", ".join(f"{status}: {count}" for status, count in sorted(crowd.answers.items()))
    say(
        f"    sign-up requests sent: {crowd.answers.total()} ({answers}; 302 = the page signed "
        "up, 401 = the app signed up with its login code pending, 200 and 400 = a challenge "
        "asked, then solved, 429 = refused)"
    )
    say(f"    real time: {wall:.1f} s")
    if crowd.solve_seconds:
        say(f"    Python solving per person who had to: {summary(crowd.solve_seconds)} CPU")


# --- (b) what an account costs a script ------------------------------------------------------


def script_cost(solves: int) -> None:
    cpu: list[float] = []
    server: list[float] = []
    for _ in range(solves):
        started = time.process_time()
        challenge = challenge_create()
        made = time.process_time() - started
        started = time.process_time()
        payload = solve(challenge)
        cpu.append(time.process_time() - started)
        started = time.process_time()
        challenge_check(required=True, payload=payload, consume=True)
        server.append(made + time.process_time() - started)
    say(
        f"(b) a script beyond the allowance, maxnumber {settings.SIGNUP_CHALLENGE_MAXNUMBER} "
        f"(SHA-256), {solves} challenges solved in Python (hashlib):"
    )
    say(f"    CPU per account: {summary(cpu)}")
    say(f"    the server's CPU per challenge (make it, check it): {summary(server, 'ms', 1000)}")


# --- (c) the widget in Chromium ---------------------------------------------------------------


class Files(SimpleHTTPRequestHandler):
    """The vendored widget and one page, under the site's Content-Security-Policy."""

    page = b""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/signup"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(self.page)
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:",
        )
        super().end_headers()


def widget_page(challenge: dict) -> bytes:
    # The widget as the sign-up page has it (frontend/templates/account/signup.html).
    attribute = html.escape(json.dumps(challenge))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="/altcha.css"><script type="module" src="/altcha.js">'
        f'</script></head><body><form><altcha-widget name="altcha" challengejson="{attribute}" '
        'workerurl="/worker.js" auto="onload" hidefooter hidelogo></altcha-widget>'
        "<button>Create my account</button></form></body></html>"
    ).encode()


def browser_wait(runs: int) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        say("(c) skipped: playwright is not installed")
        return
    if not CHROMIUM.exists():
        say("(c) skipped: Chromium is not installed")
        return
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Files, directory=VENDOR))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/signup"
    waits: list[float] = []
    solving: list[float] = []
    violations: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.on(
                "console",
                lambda message: (
                    violations.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            for _ in range(runs):
                Files.page = widget_page(challenge_create())
                started = time.perf_counter()
                page.goto(url)
                page.locator("altcha-widget [data-state=verified]").wait_for(timeout=60_000)
                waits.append(time.perf_counter() - started)
                payload = page.locator("input[name=altcha]").input_value()
                solving.append(json.loads(base64.b64decode(payload))["took"] / 1000)
            cores = page.evaluate("navigator.hardwareConcurrency")
            browser.close()
    finally:
        server.shutdown()
    say(
        f"(c) the widget in Chromium on this machine ({cores} cores, as many workers), "
        f"{runs} runs, from opening the page to 'verified':"
    )
    say(f"    wait: {summary(waits)}; of which the workers solving: {summary(solving)}")
    # No phone here: a cautious guess of one, with two cores (as many workers) each at a
    # quarter of the speed of this machine's (phones have more, often 8). The page's own
    # loading is the same with or without the challenge; the solving is what it adds.
    guess = [4 * solve for solve in solving]
    say(f"    the solving on a phone with two cores 4x slower (a guess): {summary(guess)}")
    say(f"    Content-Security-Policy violations: {len(violations)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--solves", type=int, default=200)
    parser.add_argument("--browser-runs", type=int, default=20)
    args = parser.parse_args()
    people_behind_one_address(args.people, args.minutes)
    script_cost(args.solves)
    browser_wait(args.browser_runs)


if __name__ == "__main__":
    main()
