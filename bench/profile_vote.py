"""Where a vote's CPU goes: sends votes to the WSGI application gunicorn serves
(``config.wsgi``), in-process, under pyinstrument, against the database the vote
benchmark prepared (run bench/vote_bench.py first).

    .venv/bin/python bench/profile_vote.py [--votes 2000]
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from vote_bench import ENV, OUT  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=2000)
    args = parser.parse_args()
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from pyinstrument import Profiler

    from config.wsgi import application  # as gunicorn serves it

    tokens = (OUT / "tokens.txt").read_text().split()
    nominees = [line.split() for line in (OUT / "nominees.txt").read_text().splitlines()]
    rng = random.Random(1)

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
        b"".join(application(environ, lambda line, headers, exc_info=None: status.append(line)))
        return int(status[0][:3])

    for token in tokens[:50]:  # warm up
        vote(token)
    # Each voter casts a few votes in a row, as in the benchmark; the first run is
    # timed without the profiler, the second one profiled.
    start = time.process_time()
    statuses = [vote(tokens[50 + i // 6]) for i in range(args.votes)]
    cpu = (time.process_time() - start) / args.votes * 1000
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for i in range(args.votes):
        vote(tokens[50 + args.votes + i // 6])
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(
        f"{args.votes} votes, statuses {sorted(set(statuses))}: {cpu:.2f} ms of CPU per vote "
        "in this process (no HTTP server; the profiled run takes longer)"
    )


if __name__ == "__main__":
    main()
