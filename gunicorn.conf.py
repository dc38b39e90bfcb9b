"""gunicorn's settings for the site; gunicorn reads this file when started here
(``gunicorn config.wsgi``). Options on the command line take precedence."""

import os

# Sync workers, one more than the cores: a worker waiting on PostgreSQL or Redis leaves
# its core to another. On two cores, 3 workers cast 10-15% more votes than 2 or 4
# (bench/vote_bench.py, alternated runs).
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))

# The worker heartbeat file in memory rather than on disk, as gunicorn advises where
# /tmp may be a disk (containers).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
