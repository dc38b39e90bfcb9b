"""The client's address: the one place that says who sent a request.

The peer (``REMOTE_ADDR``) is the client, unless ``TRUSTED_PROXIES`` proxies of our own
stand in front: each of them appends the address it received the request from to
``X-Forwarded-For``, so the client is the entry that many places from the right, the
nearest proxy being the peer itself. Entries further left were written by whoever sent
the request and are never read: rotating them changes nothing. Throttles, rate limits
and the vote's network all ask here.
"""

import ipaddress
import re
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    """The address in ``text`` as ipaddress writes it, or None: a port after an IPv4
    address or a bracketed IPv6 address is dropped, as some proxies append one."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` (empty if none can be told)."""
    peer = _address(request.META.get("REMOTE_ADDR", "")) or ""
    proxies = settings.TRUSTED_PROXIES
    if proxies == 0:
        return peer
    # Several X-Forwarded-For headers arrive joined by commas, in order.
    forwarded = [
        entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()
    ]
    if len(forwarded) < proxies:
        # The request did not come through every proxy (or one of them does not add
        # the header): no entry is vouched for, so the peer stands.
        return peer
    return _address(forwarded[-proxies]) or peer


def request_network(request: HttpRequest) -> str:
    return network_of(client_ip(request))


@lru_cache(maxsize=4096)
def network_of(address: str) -> str:
    """The network an address belongs to, not the address: a /24 for IPv4, a /48 for
    IPv6 (what one household, office or campus usually shares)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


# The browser's name and its system, most specific first: Edge and Opera say "Chrome"
# too, Chrome says "Safari", and every mobile browser says its system.
_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(OPR|Opera)/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(Chrome|Chromium|CriOS)/")),
    ("Safari", re.compile(r"\bSafari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"\bAndroid\b")),
    ("iOS", re.compile(r"\b(iPhone|iPad|iPod)\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b")),
    ("Linux", re.compile(r"\b(Linux|X11)\b")),
)


@lru_cache(maxsize=4096)
def browser_family(user_agent: str) -> str:
    """A browser's family from its User-Agent: its name and system ("Firefox on
    Windows"), without versions, which tell a person apart; empty if none is named."""
    name = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    if not name and not system:
        return "Other" if user_agent.strip() else ""
    return f"{name or 'Other'} on {system or 'other'}"[:40]
