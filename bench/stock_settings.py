"""The site's settings with the password hashers of a stock Django site (PBKDF2
first), for the password journey of ``journey_bench.py``."""

from django.conf import global_settings

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
