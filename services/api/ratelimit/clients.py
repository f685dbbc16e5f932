"""Who is asking: the client address (X-Forwarded-For only from trusted
proxies, IPv6 counted per /64) and a fingerprint of the presented credential."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable, Sequence

from starlette.datastructures import Headers

MAX_ADDRESS_CHARS = 64  # non-IP peers ("testclient", garbage hops) are truncated
NO_CREDENTIAL = "-"

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def credential_fingerprint(credential: str | None) -> str:
    """96 bits of a domain-separated SHA-256: distinct from the ``key_id``
    the database stores (plain SHA-256 prefix), useless for recovering the
    token, collision-free in practice."""
    if not credential:
        return NO_CREDENTIAL
    digest = hashlib.sha256(b"arena-auth-limiter\x00" + credential.encode("utf-8"))
    return digest.hexdigest()[:24]


def presented_credential(headers: Headers) -> str:
    """Everything a request authenticates with: the bearer token of the
    participant api and the internal token of /api/internal/."""
    parts = (headers.get("authorization", ""), headers.get("x-arena-internal-token", ""))
    return "\n".join(parts) if any(parts) else ""


def parse_trusted_proxies(value: str | Iterable[str]) -> tuple[IpNetwork, ...]:
    """``"10.0.0.5, 10.1.0.0/16"`` -> networks; a bad entry is a startup error."""
    items = value.split(",") if isinstance(value, str) else value
    networks: list[IpNetwork] = []
    for raw in items:
        item = raw.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(
                f"ARENA_TRUSTED_PROXIES: {item!r} is not an IP address or network"
            ) from exc
    return tuple(networks)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _normal(value: str) -> str:
    ip = _ip(value)
    return str(ip) if ip is not None else value.strip()[:MAX_ADDRESS_CHARS]


def _trusted(value: str, trusted: Sequence[IpNetwork]) -> bool:
    ip = _ip(value)
    return ip is not None and any(ip in network for network in trusted)


def counting_address(address: str) -> str:
    """What failures are counted under: the address itself, or for IPv6 its
    /64, since one host or customer line typically owns a whole /64 and can
    rotate through it at will."""
    ip = _ip(address)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip) if ip is not None else address


def client_address(
    peer: str | None, forwarded_for: Iterable[str], trusted: Sequence[IpNetwork]
) -> str:
    """The socket peer, unless it is a trusted proxy: then the right-most
    X-Forwarded-For hop that is not itself a trusted proxy. Hops to its left
    were written by the client and are ignored (they are free to forge)."""
    if not peer:
        return "unknown"
    if not _trusted(peer, trusted):
        return _normal(peer)
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return _normal(hop)
    return _normal(hops[0]) if hops else _normal(peer)
