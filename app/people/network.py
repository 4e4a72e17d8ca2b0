"""The caller's network address, believing ``X-Forwarded-For`` only from configured proxies.

With ``KETE_TRUSTED_PROXIES`` empty (the default) the peer address is the client, whatever
headers say. With proxies configured, the client is the right-most address in
``X-Forwarded-For`` that is not itself a trusted proxy: a client can prepend whatever it
likes, but cannot forge what the proxies append.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.requests import HTTPConnection

from app.config import get_settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache
def trusted_networks(setting: str) -> tuple[Network, ...]:
    """The parsed ``KETE_TRUSTED_PROXIES`` value (addresses or CIDR networks)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in setting.split(",") if part.strip())


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(request: HTTPConnection) -> str | None:
    """Where the request comes from (see the module docstring)."""
    peer = request.client.host if request.client else None
    networks = trusted_networks(get_settings().trusted_proxies)
    if peer is None or not networks or not _trusted(peer, networks):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",")
            if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop[:64]
    return hops[0][:64] if hops else peer
