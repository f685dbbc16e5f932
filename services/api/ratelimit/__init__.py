"""Limit on failed authentications, shared by all api processes through Redis.

Tokens carry 256 bits, so guessing is hopeless anyway; the limiter keeps a
client that hammers bad tokens from costing database lookups and log lines.
Two fixed windows (one minute, starting at the first failure) are counted:

* per (client address, presented credential): ``per_minute`` failures, then
  that credential from that address gets 429 + Retry-After until its window
  ends. A client retrying one bad token is throttled without touching anybody
  else behind the same address (e.g. a reverse proxy).
* per client address, over all credentials: ``per_address`` failures (default
  10 x ``per_minute``), so a spray of random tokens from one address is
  throttled too. A credential that authenticated from that address within
  the last day ("known good") passes this ceiling; one never accepted from it
  does not: the api cannot tell a valid new token from a guess without the
  database lookup the ceiling exists to spare.

The credential is kept only as a truncated, domain-separated SHA-256, never
the token. Counters live in Redis (one Lua script: INCR + PEXPIRE, atomic),
so replicas and worker processes share them; when Redis cannot be reached
the limiter counts in this process instead, retries Redis a few seconds
later and never fails the request.

The call sites (services/api/deps.py, submissions/internal_endpoints.py)
pass only the socket peer. ``AuthAttemptMiddleware`` resolves the client
address (X-Forwarded-For only from ``ARENA_TRUSTED_PROXIES``) and the
fingerprint of the presented credential once per request into a context
variable the limiter reads, and records a credential as known good when the
request authenticated (the limit was checked and no failure was recorded).
"""

from services.api.ratelimit.clients import (
    client_address,
    counting_address,
    credential_fingerprint,
    parse_trusted_proxies,
    presented_credential,
)
from services.api.ratelimit.limiter import (
    CURRENT_ATTEMPT,
    AuthAttempt,
    AuthAttemptMiddleware,
    AuthFailureLimiter,
)

__all__ = [
    "CURRENT_ATTEMPT",
    "AuthAttempt",
    "AuthAttemptMiddleware",
    "AuthFailureLimiter",
    "client_address",
    "counting_address",
    "credential_fingerprint",
    "parse_trusted_proxies",
    "presented_credential",
]
