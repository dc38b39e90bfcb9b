"""What one password hash costs on this machine: CPU and wall milliseconds per hash for
Django's PBKDF2 hasher and Argon2id at several parameters, one hash at a time and with
as many hashing at once as there are cores (a sign-up rush on every worker).

    .venv/bin/python bench/hasher_bench.py [--rounds 10]

It prints the figures (the median of ``--rounds`` hashes, each after one warm-up hash);
the choice in config/settings.py and bench/README.md rests on them. It asserts nothing.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth.hashers import (  # noqa: E402
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
)

from accounts.hashers import Argon2PasswordHasher as ProjectHasher  # noqa: E402

PASSWORD = "correct horse battery staple"


def argon2(time_cost: int, memory_mib: int, parallelism: int) -> Argon2PasswordHasher:
    hasher = Argon2PasswordHasher()
    hasher.time_cost = time_cost
    hasher.memory_cost = memory_mib * 1024
    hasher.parallelism = parallelism
    return hasher


# (label, hasher): Django's PBKDF2 and Argon2 defaults, OWASP's minimum settings for
# Argon2id (any one of them is equivalent), and this project's choice.
CANDIDATES = [
    ("PBKDF2-SHA256, 1,000,000 iterations (Django 5.2 default)", PBKDF2PasswordHasher()),
    ("Argon2id t=2 m=100 MiB p=8 (Django 5.2 default)", Argon2PasswordHasher()),
    ("Argon2id t=1 m=47 MiB p=1 (OWASP)", argon2(1, 47, 1)),
    ("Argon2id t=2 m=19 MiB p=1 (OWASP)", argon2(2, 19, 1)),
    ("Argon2id t=3 m=12 MiB p=1 (OWASP)", argon2(3, 12, 1)),
    ("Argon2id t=4 m=9 MiB p=1 (OWASP)", argon2(4, 9, 1)),
    ("Argon2id t=3 m=64 MiB p=1", argon2(3, 64, 1)),
    ("Argon2id t=3 m=64 MiB p=2", argon2(3, 64, 2)),
    (
        f"Argon2id t={ProjectHasher.time_cost} "
        f"m={ProjectHasher.memory_cost // 1024} MiB "
        f"p={ProjectHasher.parallelism} (this project)",
        ProjectHasher(),
    ),
]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(index: int, rounds: int) -> tuple[float, float, float]:
    """Median CPU ms and median wall ms of ``rounds`` hashes, and the MiB the hashing
    added to the process's peak resident memory."""
    _label, hasher = CANDIDATES[index]
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hasher.encode(PASSWORD, hasher.salt())  # warm-up
    cpu, wall = [], []
    for _ in range(rounds):
        salt = hasher.salt()
        cpu_start, wall_start = _cpu(), time.perf_counter()
        encoded = hasher.encode(PASSWORD, salt)
        wall.append((time.perf_counter() - wall_start) * 1000)
        cpu.append((_cpu() - cpu_start) * 1000)
    assert hasher.verify(PASSWORD, encoded)
    added_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    return statistics.median(cpu), statistics.median(wall), added_mib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"{cores} cores, {args.rounds} hashes each (median)\n")
    header = (
        f"{'hasher':<58} {'CPU ms':>7} {'wall ms':>8} {'+MiB':>6} "
        f"{'wall ms, ' + str(cores) + ' at once':>17}"
    )
    print(header)
    print("-" * len(header))
    for index, (label, _hasher) in enumerate(CANDIDATES):
        # Each in a fresh process, so that the peak memory is the hasher's own.
        with ProcessPoolExecutor(max_workers=1) as alone:
            cpu, wall, peak = alone.submit(measure, index, args.rounds).result()
        with ProcessPoolExecutor(max_workers=cores) as crowd:
            results = list(crowd.map(measure, [index] * cores, [args.rounds] * cores))
        crowded = statistics.median(result[1] for result in results)
        print(f"{label:<58} {cpu:>7.0f} {wall:>8.0f} {peak:>6.0f} {crowded:>17.0f}")


if __name__ == "__main__":
    main()
