"""Debian's Chromium, as the browser tests launch it (never a downloaded build)."""

from pathlib import Path

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
