"""A room of ceremony viewers behind one address: how soon each sees each reveal.

Serves the site with gunicorn as ``gunicorn.conf.py`` sets it up (sync workers) on a
database of its own (SQLite in ``bench/out/``, seeded by ``seed_demo --phase ceremony``),
has ``--viewers`` viewers poll the ceremony feed from 127.0.0.1 as the page's script
does (about every second, revalidating by ETag, waiting longer after a failure), reveals
``--reveals`` categories through ``ceremony_reveal_next`` every ``--interval`` seconds,
and prints for each reveal the median, p95 and max delay until the viewers saw it, and
the answers by status. It asserts nothing.

    .venv/bin/python bench/ceremony_viewers.py --viewers 500 --reveals 5
"""

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vote_bench

ROOT = vote_bench.ROOT
OUT = ROOT / "bench" / "out"
DATABASE = OUT / "ceremony_viewers.sqlite3"
PORT = 8110
YEAR = 2020
FEED = f"/editions/{YEAR}/ceremony.json"
EVERY = 1.0  # seconds between two questions, as ceremony.js asks
JITTER = 0.2
LONGEST = 8.0  # the longest wait after failures, as ceremony.js waits
# vote_bench's production settings, on a database of its own, with the cache embedded
# (--cache-url for Redis), the API's throttles as production has them (the feed is not
# under them) and the database's own pool.
ENV = {
    **{
        key: value
        for key, value in vote_bench.ENV.items()
        if not key.startswith(("DATABASE_", "CACHE_", "API_THROTTLE_"))
    },
    "DATABASE_URL": f"sqlite:///{DATABASE}",
}


def say(text: str) -> None:
    print(text, flush=True)


def prepare(env: dict) -> None:
    OUT.mkdir(exist_ok=True)
    for leftover in OUT.glob(f"{DATABASE.name}*"):
        leftover.unlink()
    manage = [sys.executable, str(ROOT / "manage.py")]
    run_env = {**os.environ, **env}
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=run_env, check=True)
    subprocess.run(
        [*manage, "seed_demo", "--phase", "ceremony", "--nominees-per-category", "4"],
        cwd=ROOT,
        env=run_env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=run_env, check=True
    )


def start_server(workers: int, env: dict) -> subprocess.Popen:
    """gunicorn as bench/vote_bench.py starts it (``config.wsgi``, sync workers), with
    this benchmark's environment alone."""
    return vote_bench.start_server(workers, 1, env, base={}, port=PORT, ready=FEED)


class Room:
    """What the viewers saw: for each viewer, when it first saw each count of reveals."""

    def __init__(self, viewers: int) -> None:
        self.first_seen: list[dict[int, float]] = [{} for _ in range(viewers)]
        self.statuses: Counter = Counter()
        self.running = True


async def ask(etag: str | None) -> tuple[int, dict, bytes]:
    """One GET of the feed on a connection of its own (sync workers close each one)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    try:
        lines = [f"GET {FEED} HTTP/1.1", f"Host: 127.0.0.1:{PORT}", "Accept: application/json"]
        if etag:
            lines.append(f"If-None-Match: {etag}")
        lines.append("Connection: close")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        answer = await reader.read()
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


async def viewer(number: int, room: Room) -> None:
    await asyncio.sleep(random.random() * EVERY)  # the room does not open its pages at once
    etag, shown, failures = None, 0, 0
    while room.running:
        try:
            status, headers, body = await ask(etag)
        except OSError:
            status = 0
        room.statuses[status] += 1
        if status in (200, 304):
            failures = 0
            if status == 200:
                etag = headers.get("etag")
                shown = len(json.loads(body)["revealed"])
            seen = room.first_seen[number]
            seen.setdefault(shown, time.monotonic())
            delay = EVERY
        else:
            failures += 1
            delay = min(EVERY * 2**failures, LONGEST)
        await asyncio.sleep(delay + random.random() * JITTER)


def server_cpu(pid: int) -> float:
    """CPU seconds (user and system) used so far by gunicorn's master and workers."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    used = 0.0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        used += (int(fields[11]) + int(fields[12])) / tick
    return used


def reveal_next() -> float:
    """Reveal the next category as the host does; when it is committed."""
    from accounts.models import User
    from awards.selectors import edition_get
    from awards.services import ceremony_reveal_next
    from demo.seed import SECRETARIAT_EMAIL

    host = User.objects.get(email=SECRETARIAT_EMAIL)
    ceremony_reveal_next(edition=edition_get(year=YEAR), by=host)
    return time.monotonic()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main_async(args: argparse.Namespace) -> dict:
    room = Room(args.viewers)
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(viewer(n, room)) for n in range(args.viewers)]
    await asyncio.sleep(args.warmup)
    revealed_at = {}
    for count in range(1, args.reveals + 1):
        revealed_at[count] = await loop.run_in_executor(None, reveal_next)
        say(f"revealed category {count}")
        await asyncio.sleep(args.interval)
    room.running = False
    await asyncio.gather(*tasks, return_exceptions=True)
    reveals = []
    for count, at in revealed_at.items():
        delays = [
            min((t for shown, t in seen.items() if shown >= count), default=float("inf")) - at
            for seen in room.first_seen
        ]
        missed = sum(delay == float("inf") for delay in delays)
        seen_delays = [max(0.0, delay) for delay in delays if delay != float("inf")]
        reveals.append(
            {
                "reveal": count,
                "viewers_who_saw_it": len(seen_delays),
                "missed": missed,
                "median_s": statistics.median(seen_delays) if seen_delays else None,
                "p95_s": percentile(seen_delays, 0.95) if seen_delays else None,
                "max_s": max(seen_delays) if seen_delays else None,
            }
        )
    return {"reveals": reveals, "statuses": dict(room.statuses)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=500)
    parser.add_argument("--reveals", type=int, default=5)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between reveals")
    parser.add_argument("--warmup", type=float, default=4.0, help="seconds before the first")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--cache-url",
        help="a Redis for the cache (redis://127.0.0.1:6379/12); by default each "
        "worker keeps the answer in its own memory, and only the kept time ends it",
    )
    args = parser.parse_args()
    env = dict(ENV)
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    say(f"seeding {DATABASE.relative_to(ROOT)}")
    prepare(env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    server = start_server(args.workers, env)
    try:
        say(f"{args.viewers} viewers from 127.0.0.1, {args.workers} sync workers")
        cpu_before, own_before = server_cpu(server.pid), time.process_time()
        wall_before = time.monotonic()
        figures = asyncio.run(main_async(args))
        figures["seconds"] = time.monotonic() - wall_before
        figures["gunicorn_cpu_s"] = server_cpu(server.pid) - cpu_before
        figures["benchmark_cpu_s"] = time.process_time() - own_before
        figures["load_average"] = os.getloadavg()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    statuses = Counter({int(k): v for k, v in figures["statuses"].items()})
    say("")
    say("reveal  saw it  missed  median s  p95 s  max s")
    for row in figures["reveals"]:
        say(
            f"{row['reveal']:>6}  {row['viewers_who_saw_it']:>6}  {row['missed']:>6}  "
            + "  ".join(
                f"{row[key]:>{width}.2f}" if row[key] is not None else f"{'-':>{width}}"
                for key, width in (("median_s", 8), ("p95_s", 5), ("max_s", 5))
            )
        )
    total = sum(statuses.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    say("")
    say(
        f"answers: {total}, 200: {statuses[200]}, 304: {statuses[304]}, "
        f"429: {statuses[429]}, 5xx: {server_errors}, no answer: {statuses[0]}"
    )
    rate = total / figures["seconds"]
    say(
        f"{rate:.0f} answers/s over {figures['seconds']:.0f} s; CPU ms per answer: "
        f"gunicorn {figures['gunicorn_cpu_s'] / total * 1000:.2f}, "
        f"the viewers (this process) {figures['benchmark_cpu_s'] / total * 1000:.2f}; "
        f"load average at the end {figures['load_average'][0]:.1f} on {os.cpu_count()} cores"
    )
    (OUT / "ceremony_viewers.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
