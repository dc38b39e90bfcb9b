"""The client's address: the one place that says who sent a request.

The peer (``REMOTE_ADDR``) is the client, unless ``TRUSTED_PROXIES`` proxies of our own
stand in front: each of them appends the address it received the request from to
``X-Forwarded-For``, so the client is the entry that many places from the right, the
nearest proxy being the peer itself. Entries further left were written by whoever sent
the request and are never read: rotating them changes nothing. Throttles, rate limits
and the vote's network all ask here.
"""

import ipaddress

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
