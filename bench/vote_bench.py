"""The voting benchmark: votes per second through the real stack (gunicorn, Django,
PostgreSQL), compared with pgbench doing the equivalent single-row upsert on the same
machine in the same run, latency at 80% of the highest rate, and the time to read the
standings at 2 million votes. See bench/README.md.

    .venv/bin/python bench/vote_bench.py [--voters 100000] [--seconds 20]
"""

import argparse
import json
import os
import re
import resource
import runpy
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATABASE = "wsis_bench"
PG = ["-h", "127.0.0.1", "-U", "postgres"]
PORT = 8100
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "CACHE_URL": "redis://127.0.0.1:6379/12",
    "API_THROTTLE_ACCOUNT": "1000000/minute",
    "API_THROTTLE_ANONYMOUS": "1000000/minute",
    "LOG_LEVEL": "WARNING",
    "DATABASE_POOL_MAX_SIZE": "8",
}


def say(text: str) -> None:
    print(text, flush=True)


def run(*command: str, env: dict | None = None, capture: bool = False) -> str:
    result = subprocess.run(
        command, env={**os.environ, **(env or {})}, capture_output=capture, text=True, check=True
    )
    return result.stdout if capture else ""


def psql(sql: str, database: str = "postgres") -> str:
    return run("psql", *PG, "-d", database, "-tAqc", sql, capture=True).strip()


def prepare_database() -> None:
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    run(sys.executable, "manage.py", "migrate", "-v0", env=ENV)
    # As a release is deployed: WhiteNoise serves the collected files.
    run(sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", env=ENV)


def seed(voters: int, standings_votes: int) -> dict:
    """Create the edition, voters with session tokens, and the files wrk reads."""
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.cache import caches
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from awards.models import Edition, Project, ProjectStatus
    from awards.phases import Phase, timeline_around
    from awards.services import edition_categories_create_standard

    caches["default"].clear()  # the benchmark's own Redis database: no earlier run's keys
    now = timezone.now()
    edition = Edition.objects.create(
        year=2020,
        title="WSIS Prizes 2020",
        **timeline_around(current=Phase.VOTING, at=now, durations=_long_voting()),
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
        for n in range(20)
    )
    password = make_password("benchmark voter")
    User.objects.bulk_create(
        (
            User(email=f"voter{n}@bench.example", name=f"Voter {n}", password=password)
            for n in range(voters)
        ),
        batch_size=5000,
    )
    users = list(User.objects.order_by("pk").values_list("pk", "email"))
    EmailAddress.objects.bulk_create(
        (EmailAddress(user_id=pk, email=email, verified=True, primary=True) for pk, email in users),
        batch_size=5000,
    )
    auth_hash = User(password=password).get_session_auth_hash()
    store = SessionStore()
    expires = now + timedelta(days=1)
    tokens = []
    sessions = []
    data_by_key = {}
    for pk, _ in users:
        key = os.urandom(20).hex()
        tokens.append(key)
        data_by_key[key] = data = {
            "_auth_user_id": str(pk),
            "_auth_user_backend": "accounts.backends.ModelBackend",
            "_auth_user_hash": auth_hash,
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
    Session.objects.bulk_create(sessions, batch_size=5000)
    # A login through the cached_db engine also puts the session in the cache.
    session_cache = caches[settings.SESSION_CACHE_ALIAS]
    for start in range(0, len(tokens), 5000):
        session_cache.set_many(
            {KEY_PREFIX + key: data_by_key[key] for key in tokens[start : start + 5000]},
            timeout=int(timedelta(days=1).total_seconds()),
        )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tokens.txt").write_text("\n".join(tokens) + "\n")
    nominees = Project.objects.filter(edition=edition).values_list("category__number", "pk")
    (OUT / "nominees.txt").write_text("".join(f"{c} {p}\n" for c, p in nominees))
    connection.close()
    settle()
    return {
        "edition": edition.pk,
        "voters": len(users),
        "first_voter": users[0][0],
        "first_category": categories[0].pk,
        "first_nominee": Project.objects.filter(edition=edition).order_by("pk")[0].pk,
    }


def _long_voting():
    from awards.phases import DEFAULT_DURATIONS, Phase

    return {**DEFAULT_DURATIONS, Phase.VOTING: timedelta(days=60)}


def start_server(
    workers: int,
    threads: int,
    env: dict | None = None,
    *,
    base: dict | None = None,
    port: int = PORT,
    ready: str = "/api/v1/editions/",
) -> subprocess.Popen:
    """gunicorn on ``port`` with this benchmark's environment (or ``base``) and ``env``
    over it, once ``ready`` answers."""
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread" if threads > 1 else "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **(ENV if base is None else base), **(env or {})},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far (user and system) by the processes of each part of the
    stack, read from /proc, by wrk (which has ended: this process's waited-for
    children), by this process, and by the whole machine; and the time the host took
    from the machine's CPUs."""
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(("gunicorn", "postgres", "redis"), 0.0)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:  # ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        part = (
            "gunicorn"
            if b"gunicorn" in command
            else "postgres"
            if name == "postgres"
            else "redis"
            if name.startswith("redis")
            else name
        )
        if part in used:
            used[part] += (int(fields[11]) + int(fields[12])) / tick
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used["wrk"] = children.ru_utime + children.ru_stime
    own = resource.getrusage(resource.RUSAGE_SELF)
    used["benchmark"] = own.ru_utime + own.ru_stime
    total = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    used["machine"] = (sum(total) - total[3] - total[4]) / tick  # all but idle and iowait
    used["stolen"] = total[7] / tick  # by the host, from this machine's CPUs
    return used


def wrk(seconds: int, connections: int, rate: float = 0) -> dict:
    env = {
        "BENCH_TOKENS": str(OUT / "tokens.txt"),
        "BENCH_NOMINEES": str(OUT / "nominees.txt"),
        "BENCH_RATE": str(rate),
        "BENCH_CONNECTIONS": str(connections),
    }
    output = run(
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(ROOT / "bench" / "vote.lua"),
        f"http://127.0.0.1:{PORT}",
        env=env,
        capture=True,
    )
    found = re.search(
        r"RESULT requests=(\d+) seconds=([\d.]+) errors=(\d+) p50=([\d.]+) p95=([\d.]+) "
        r"p99=([\d.]+)",
        output,
    )
    requests, elapsed, errors, p50, p95, p99 = found.groups()
    return {
        "rate": int(requests) / float(elapsed),
        "requests": int(requests),
        "errors": int(errors),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "p99_ms": float(p99),
    }


def settle() -> None:
    """Vacuum and analyse what the seeding wrote, and write its pages out, so that
    autovacuum and the checkpointer do not catch up with it while a phase is measured."""
    psql("VACUUM ANALYZE", DATABASE)
    psql("CHECKPOINT", DATABASE)


def pgbench(seconds: int, clients: int, script: Path, *options: str) -> float:
    output = run(
        "pgbench",
        *PG,
        "-n",
        *options,
        "-c",
        str(clients),
        "-j",
        "2",
        "-T",
        str(seconds),
        "-f",
        str(script),
        DATABASE,
        capture=True,
    )
    return float(re.search(r"tps = ([\d.]+)", output).group(1))


def pgbench_upsert(seconds: int) -> float:
    """The reference: pgbench's single-row upsert on a table of its own, which starts
    empty every time."""
    psql(
        "DROP TABLE IF EXISTS bench_vote; CREATE TABLE bench_vote (id bigserial PRIMARY KEY, "
        "voter_id bigint NOT NULL, category_id bigint NOT NULL, nominee_id bigint NOT NULL, "
        "changed_at timestamptz NOT NULL, UNIQUE (voter_id, category_id))",
        DATABASE,
    )
    rate = pgbench(seconds, 8, ROOT / "bench" / "pgbench_upsert.sql")
    psql("DROP TABLE bench_vote", DATABASE)
    settle()
    return rate


def rush(seconds: int, connections: int) -> dict:
    """wrk at the highest rate, with what each vote cost each part of the machine."""
    before = cpu_seconds()
    top = wrk(seconds, connections)
    after = cpu_seconds()
    top["cpu_seconds"] = {part: after[part] - before[part] for part in after}
    settle()
    return top


def pgbench_vote_statement(seconds: int, seeded: dict) -> float:
    """The vote's own statement as ``voting.services`` sends it to PostgreSQL for the
    vote endpoint (the upsert, its history row, the tally trigger),
    prepared, with no Python: the database side of a vote. Its votes stay, as votes
    cast before the rush (they are real votes, tallied by the trigger): emptied
    tables would leave the planner statistics of empty tables for the rush."""
    from voting.services import _CAST_POSTGRESQL

    values = {
        "edition": str(seeded["edition"]),
        "category": ":category_id",
        "nominee": ":nominee",
        "voter": ":voter",
        "at": "now()",
        "network": "'127.0.0.0/24'",
        "user_agent": "'pgbench'",
    }
    statement = _CAST_POSTGRESQL
    for name, value in values.items():
        statement = statement.replace(f"%({name})s", value)
    assert "%(" not in statement, statement
    first_voter, voters = seeded["first_voter"], seeded["voters"]
    script = OUT / "pgbench_vote_statement.sql"
    script.write_text(
        f"\\set voter random({first_voter}, {first_voter + voters - 1})\n"
        "\\set category random(0, 17)\n"
        f"\\set category_id {seeded['first_category']} + :category\n"
        f"\\set nominee {seeded['first_nominee']} + :category * 20 + random(0, 19)\n"
        f"{statement};\n"
    )
    rate = pgbench(seconds, 8, script, "-M", "prepared")
    settle()
    return rate


def tallies_rebuild(cursor) -> None:
    """The tallies counted anew from the valid votes, after votes written in bulk with
    the tally triggers off."""
    from voting.models import TALLY_SHARDS

    cursor.execute("DELETE FROM voting_tally")
    cursor.execute(
        f"""
        INSERT INTO voting_tally (edition_id, category_id, nominee_id, shard, votes)
        SELECT edition_id, category_id, nominee_id, id % {TALLY_SHARDS}, count(*)
        FROM voting_vote WHERE invalidated_at IS NULL
        GROUP BY edition_id, category_id, nominee_id, id % {TALLY_SHARDS}
        """
    )


def standings_at(total_votes: int, edition_id: int, voters: int) -> dict:
    """Fill the votes table up to ``total_votes`` (in bulk, tallies rebuilt the same
    way the triggers keep them) and time the standings read."""
    from django.db import connection

    from awards.models import Edition
    from voting.selectors import standings, tally_differences

    with connection.cursor() as cursor:
        # Every account votes in every category: enough accounts for the total.
        cursor.execute("SELECT count(*) FROM accounts_user")
        extra_voters = -(-total_votes // 18) - cursor.fetchone()[0]
        if extra_voters > 0:
            cursor.execute(
                "INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, "
                "date_joined, email, name, country, organisation, stakeholder_type) "
                "SELECT '!', false, false, true, now(), 'extra' || g || '@bench.example', "
                "'Extra', '', '', '' FROM generate_series(1, %s) g",
                [extra_voters],
            )
        cursor.execute("ALTER TABLE voting_vote DISABLE TRIGGER USER")
        cursor.execute(
            """
            INSERT INTO voting_vote (edition_id, category_id, nominee_id, voter_id, cast_at,
                changed_at, network, user_agent, invalidated_reason)
            SELECT %(edition)s, c.id, n.id, u.id, now(), now(), '', '', ''
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM accounts_user) u
            CROSS JOIN awards_category c
            JOIN LATERAL (
                SELECT p.id FROM awards_project p WHERE p.category_id = c.id
                ORDER BY p.id OFFSET ((u.r * 7 + c.number * 13) %% 20) LIMIT 1
            ) n ON true
            WHERE c.edition_id = %(edition)s
            ON CONFLICT (voter_id, category_id) DO NOTHING
            """,
            {"edition": edition_id},
        )
        cursor.execute("ALTER TABLE voting_vote ENABLE TRIGGER USER")
        tallies_rebuild(cursor)
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM voting_vote")
        votes = cursor.fetchone()[0]
    edition = Edition.objects.get(pk=edition_id)
    timings = []
    for _ in range(50):
        start = time.perf_counter()
        result = standings(edition=edition)
        timings.append((time.perf_counter() - start) * 1000)
    return {
        "votes": votes,
        "nominees": len(result),
        "median_ms": statistics.median(timings),
        "p95_ms": sorted(timings)[int(len(timings) * 0.95) - 1],
        "exact": tally_differences(edition=edition) == {},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    # As the site is served: gunicorn.conf.py's number of workers.
    parser.add_argument(
        "--workers", type=int, default=runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--rounds", type=int, default=3, help="turns of pgbench and wrk at the highest rate"
    )
    parser.add_argument(
        "--standings-votes", type=int, default=2_000_000, help="0 skips the standings read"
    )
    args = parser.parse_args()
    for tool in ("wrk", "pgbench", "psql"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed: see bench/README.md")
    os.chdir(ROOT)

    say(f"Preparing {DATABASE} with {args.voters} voters…")
    prepare_database()
    seeded = seed(args.voters, args.standings_votes)

    say(f"pgbench: the vote's own statement, {args.seconds} s…")
    statement_rate = pgbench_vote_statement(args.seconds, seeded)

    say(f"gunicorn: {args.workers} workers, {args.threads} threads each")
    server = start_server(args.workers, args.threads)
    rounds = []
    try:
        wrk(3, args.connections)  # warm up the workers and the pool
        settle()
        # The machine's speed drifts over minutes (a shared host), so the reference and
        # the rush take turns: each round's ratio compares neighbours in time.
        for number in range(1, args.rounds + 1):
            say(f"Round {number}: pgbench single-row upsert, {args.seconds} s…")
            pg_rate = pgbench_upsert(args.seconds)
            say(
                f"Round {number}: wrk, highest rate, {args.connections} connections, "
                f"{args.seconds} s…"
            )
            top = rush(args.seconds, args.connections)
            rounds.append({"pgbench_upserts_per_s": pg_rate, **top})
            say(
                f"  pgbench {pg_rate:.0f}/s, votes {top['rate']:.0f}/s: {top['rate'] / pg_rate:.1%}"
            )
        middle = sorted(rounds, key=lambda r: r["rate"] / r["pgbench_upserts_per_s"])[
            len(rounds) // 2
        ]
        target = 0.8 * middle["rate"]
        say(f"wrk: paced at 80% of the median round ({target:.0f} votes/s), {args.seconds} s…")
        paced = wrk(args.seconds, args.connections, rate=target)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    votes = sum(r["requests"] for r in rounds)
    cpu_ms_per_vote = {
        part: round(sum(r["cpu_seconds"][part] for r in rounds) * 1000 / votes, 3)
        for part in rounds[0]["cpu_seconds"]
    }
    pg_rate = middle["pgbench_upserts_per_s"]
    top = middle

    read = None
    if args.standings_votes:
        say(f"Filling up to {args.standings_votes} votes and reading the standings…")
        read = standings_at(args.standings_votes, seeded["edition"], seeded["voters"])

    figures = {
        "pgbench_upserts_per_s": round(pg_rate),
        "pgbench_vote_statements_per_s": round(statement_rate),
        "votes_per_s": round(top["rate"]),
        "ratio_to_pgbench": round(top["rate"] / pg_rate, 4),
        "rounds": rounds,
        "cpu_ms_per_vote": cpu_ms_per_vote,
        "at_80_percent": paced,
        "standings": read,
        "setup": vars(args),
    }
    (OUT / "vote_bench.json").write_text(json.dumps(figures, indent=2))
    say("")
    say("round   pgbench upserts/s   votes/s   ratio   p50 / p95 / p99 ms")
    for number, r in enumerate(rounds, 1):
        say(
            f"{number:5}   {r['pgbench_upserts_per_s']:17.0f}   {r['rate']:7.0f}   "
            f"{r['rate'] / r['pgbench_upserts_per_s']:5.1%}   "
            f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f} / {r['p99_ms']:.1f}"
        )
    say(
        f"vote statement alone/s:       {statement_rate:10.0f}   "
        f"({statement_rate / pg_rate:.0%} of the median round's pgbench: the database side "
        "of a vote)"
    )
    say(
        f"votes/s (median round):       {top['rate']:10.0f}   "
        f"({sum(r['errors'] for r in rounds)} errors in all rounds)"
    )
    say(f"ratio to pgbench (median):    {top['rate'] / pg_rate:10.1%}   (target ≥ 8%)")
    say(
        "CPU per vote at the highest rate (all rounds), ms: "
        + "  ".join(f"{part} {ms:.2f}" for part, ms in cpu_ms_per_vote.items())
    )
    say(
        f"latency at 80% ({paced['rate']:.0f}/s), ms: p50 {paced['p50_ms']:.1f}  "
        f"p95 {paced['p95_ms']:.1f}  p99 {paced['p99_ms']:.1f}   (target p99 ≤ 50)"
    )
    if read:
        say(
            f"standings read at {read['votes']} votes: median {read['median_ms']:.2f} ms, "
            f"p95 {read['p95_ms']:.2f} ms (target < 10); tallies exact: {read['exact']}"
        )


if __name__ == "__main__":
    main()
