"""Strict readers for settings taken from environment variables.

A value that cannot be read stops start-up with an ImproperlyConfigured error that
names the variable, instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.raw(name)
        return default if value is None else value

    def required(self, name: str, why: str) -> str:
        value = self.raw(name)
        if value is None:
            raise ImproperlyConfigured(f"{name} must be set {why}.")
        return value

    def bool(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a yes/no value: use one of "
            f"{', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}."
        )

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum}.")
        return number

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self.raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: str, default: str, choices: set[str]) -> str:
        value = self.raw(name)
        if value is None:
            return default
        if value not in choices:
            raise ImproperlyConfigured(
                f"{name}={value!r} is not one of: {', '.join(sorted(choices))}."
            )
        return value

    def rate(self, name: str, default: str) -> str:
        """A request rate such as ``120/minute`` (per second, minute, hour or day)."""
        value = self.raw(name) or default
        count, _, period = value.partition("/")
        if not (count.isdigit() and period[:1] in {"s", "m", "h", "d"}):
            raise ImproperlyConfigured(
                f"{name}={value!r} is not a rate: write it as a number of requests per "
                "second, minute, hour or day, such as 120/minute."
            )
        return value

    def database(self, name: str, default: str) -> dict[str, Any]:
        value = self.raw(name) or default
        try:
            config = dj_database_url.parse(value)
        except Exception as exc:  # the parser raises several kinds for a malformed URL
            raise ImproperlyConfigured(f"{name} is not a usable database URL: {exc}") from None
        if config.get("ENGINE") not in {
            "django.db.backends.postgresql",
            "django.db.backends.sqlite3",
        }:
            raise ImproperlyConfigured(
                f"{name} must be a postgres:// or sqlite:// URL, not {value.split(':', 1)[0]}://."
            )
        return config

    def url(self, name: str, schemes: set[str]) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in schemes:
            raise ImproperlyConfigured(
                f"{name}={value!r} must start with one of: "
                f"{', '.join(sorted(s + '://' for s in schemes))}."
            )
        return value
