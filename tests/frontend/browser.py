"""Debian's Chromium, as the browser tests launch it (never a downloaded build)."""

from pathlib import Path

from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
# Without the background networking flags Chromium tries, at every start, hosts this
# closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def session_of(user) -> str:
    """A session of ``user``'s, for the browser's cookie (made before Chromium starts:
    Playwright's event loop keeps Django from the database in the test's thread)."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value
