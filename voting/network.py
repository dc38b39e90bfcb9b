import ipaddress
from functools import lru_cache

from django.http import HttpRequest

from config.network import client_ip


# A voter casts up to one vote per category within minutes, from one address.
@lru_cache(maxsize=4096)
def network_of(address: str) -> str:
    """The network a vote came from, not the address: a /24 for IPv4, a /48 for IPv6
    (what one household, office or campus usually shares)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def request_network(request: HttpRequest) -> str:
    return network_of(client_ip(request))
