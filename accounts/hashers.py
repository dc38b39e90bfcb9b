"""The password hasher: Argon2id with parameters measured on the machine that runs the
platform (bench/hasher_bench.py; the figures are in bench/README.md)."""

from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Django's Argon2id hasher with OWASP's minimum of memory and passes, one lane.

    Django's defaults (100 MiB, 8 lanes) cost several times the CPU on two cores and
    100 MiB per login in every worker; a hash made with other parameters is checked
    with its own and made again with these at the next login (``must_update``)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
