"""gunicorn's settings for the site; gunicorn reads this file when started here
(``gunicorn config.wsgi``). Options on the command line take precedence."""

import os

# Sync workers, twice the cores and one more, as gunicorn's documentation advises: a
# worker waiting on PostgreSQL or Redis, or lingering on a closing connection, leaves its
# core to another. On two cores, 5 workers cast 9-15% more votes than 3 in alternated
# runs of bench/vote_bench.py, with the same CPU per vote.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))

# The worker heartbeat file in memory rather than on disk, as gunicorn advises where
# /tmp may be a disk (containers).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
