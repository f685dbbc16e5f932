"""API token generation and verification (pure).

A token is ``arena_<random>``; the database keeps ``key_id`` (the first 16
hex digits of its SHA-256, an index) and the full SHA-256. Tokens carry 256
bits of entropy, so a fast hash is enough; the final comparison is
timing-safe anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "arena_"
MAX_TOKEN_CHARS = 256


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def key_id_of(token_digest: str) -> str:
    return token_digest[:16]


def matches(token_digest: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_digest.encode(), stored_hash.encode())


def plausible(token: str) -> bool:
    """Cheap shape check before touching the database."""
    return 16 <= len(token) <= MAX_TOKEN_CHARS and token.isascii() and token.isprintable()
