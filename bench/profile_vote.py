"""Where a vote's CPU goes: sends votes to the WSGI application gunicorn serves
(``config.wsgi``), in-process, against the database the vote benchmark prepared (run
bench/vote_bench.py first), and prints the CPU of each step of the request and the
round trips to PostgreSQL and Redis per vote; ``--tree`` adds pyinstrument's call tree.

    .venv/bin/python bench/profile_vote.py [--votes 3000] [--tree]
"""

import argparse
import functools
import io
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from vote_bench import ENV, OUT  # noqa: E402

# The steps timed, outermost first: (label, module, owner, attribute, depth). A step's
# CPU includes the steps nested in it (shown indented under it). Timing wraps the
# functions in this process only; nothing of the project changes.
STEPS = [
    ("DRF view (dispatch)", "rest_framework.views", "APIView", "dispatch", 0),
    ("authentication", "rest_framework.views", "APIView", "perform_authentication", 1),
    ("wrong-token count read", "config.api_access", "TokenFailureThrottle", "_load", 2),
    ("session read", "accounts.tokens", "SessionTokenStrategy", "lookup_session", 2),
    ("account and confirmation query", "accounts.backends", None, "user_with_confirmation", 2),
    (
        "connection from the pool",
        "django.db.backends.base.base",
        "BaseDatabaseWrapper",
        "connect",
        3,
    ),
    ("throttles", "rest_framework.views", "APIView", "check_throttles", 1),
    ("permission (confirmed address)", "rest_framework.views", "APIView", "check_permissions", 1),
    ("JSON parsing", "rest_framework.request", "Request", "_parse", 1),
    ("request validation", "rest_framework.serializers", "BaseSerializer", "is_valid", 1),
    ("vote service (ballot_cast)", "voting.services", None, "ballot_cast", 1),
    ("the vote's statement", "voting.services", None, "_upsert", 2),
    ("response", "rest_framework.views", "APIView", "finalize_response", 1),
    ("rendering", "rest_framework.response", "Response", "rendered_content", 1),
]


def _timed(spent: dict, label: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start

    return wrapper


def _instrument(spent: dict) -> None:
    import importlib

    for label, module_name, owner_name, attribute, _depth in STEPS:
        module = importlib.import_module(module_name)
        owner = getattr(module, owner_name) if owner_name else module
        original = owner.__dict__[attribute] if owner_name else getattr(module, attribute)
        if isinstance(original, property):
            setattr(owner, attribute, property(_timed(spent, label, original.fget)))
        else:
            setattr(owner, attribute, _timed(spent, label, original))
    # The view imported the service by name: it calls the timed one.
    import voting.api.views

    voting.api.views.ballot_cast = sys.modules["voting.services"].ballot_cast


def _redis_commands() -> int:
    info = subprocess.run(
        ["redis-cli", "-u", ENV["CACHE_URL"], "info", "stats"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in info.splitlines():
        if line.startswith("total_commands_processed:"):
            return int(line.split(":")[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=3000)
    parser.add_argument("--tree", action="store_true", help="also pyinstrument's call tree")
    args = parser.parse_args()
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from config.wsgi import application  # as gunicorn serves it

    tokens = (OUT / "tokens.txt").read_text().split()
    nominees = [line.split() for line in (OUT / "nominees.txt").read_text().splitlines()]
    rng = random.Random()
    queries = [0]

    def counted(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    def vote(token: str) -> int:
        category, nominee = rng.choice(nominees)
        body = f'{{"nominee": {nominee}}}'.encode()
        environ = {
            "REQUEST_METHOD": "PUT",
            "PATH_INFO": f"/api/v1/editions/2020/ballot/{category}/",
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8100",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8100",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_SESSION_TOKEN": token,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status = []
        with connection.execute_wrapper(counted):
            b"".join(application(environ, lambda line, headers, exc_info=None: status.append(line)))
        return int(status[0][:3])

    # Each voter casts a few votes in a row, as in the benchmark. Voters are taken
    # at random, so that a second run does not repeat the first one's votes.
    order = rng.sample(range(50, len(tokens)), k=min(len(tokens) - 50, args.votes // 6 * 3 + 3))
    voters = iter(order)
    for token in tokens[:50]:  # warm up
        vote(token)

    # Untimed steps first: the CPU of the whole request, for reference.
    current = next(voters)
    start = time.process_time()
    statuses = []
    for i in range(args.votes):
        if i % 6 == 0:
            current = next(voters)
        statuses.append(vote(tokens[current]))
    plain = (time.process_time() - start) / args.votes * 1000

    spent: dict[str, float] = defaultdict(float)
    _instrument(spent)
    queries[0] = 0
    redis_before = _redis_commands()
    start = time.process_time()
    for i in range(args.votes):
        if i % 6 == 0:
            current = next(voters)
        statuses.append(vote(tokens[current]))
    whole = (time.process_time() - start) / args.votes * 1000
    redis_per_vote = (_redis_commands() - redis_before - 1) / args.votes
    queries_per_vote = queries[0] / args.votes

    print(
        f"{args.votes} votes, statuses {sorted(set(statuses))}: "
        f"{plain:.2f} ms of CPU per vote in this process (no HTTP server)"
    )
    print(f"round trips per vote: {queries_per_vote:.2f} SQL statements, ", end="")
    print(f"{redis_per_vote:.2f} Redis commands (and the pool's check of its connection)")
    print(f"\nCPU per vote by step (ms; timed run {whole:.2f} ms, timing included):")
    dispatch = spent["DRF view (dispatch)"] / args.votes * 1000
    print(f"  {'Django: request, middleware, URL, response':<46} {whole - dispatch:6.3f}")
    for label, _module, _owner, _attribute, depth in STEPS:
        ms = spent[label] / args.votes * 1000
        print(f"  {'  ' * depth}{label:<{46 - 2 * depth}} {ms:6.3f}")

    if args.tree:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for i in range(args.votes):
            if i % 6 == 0:
                current = next(voters)
            vote(tokens[current])
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
