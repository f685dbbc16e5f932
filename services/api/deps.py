"""Dependencies shared by all routers: settings, DB session, principal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.api.errors import ApiError
from services.settings import Settings
from services.store import tokens
from services.store.db import session_factory
from services.store.models import ApiToken

if TYPE_CHECKING:
    from services.api.ratelimit import AuthFailureLimiter


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    session = session_factory(settings.database_url)()
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


@dataclass(frozen=True)
class Principal:
    scope: str  # "admin" | "participant"
    key_id: str
    team_id: int | None
    team_name: str | None

    @property
    def is_admin(self) -> bool:
        return self.scope == "admin"


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(
            401,
            "invalid_token",
            "Use 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return value.strip()


def resolve_principal(session: Session, token: str) -> Principal:
    if not tokens.plausible(token):
        raise ApiError(
            401, "invalid_token", "The token is not valid.", headers={"WWW-Authenticate": "Bearer"}
        )
    token_digest = tokens.digest(token)
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.key_id == tokens.key_id_of(token_digest), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not tokens.matches(token_digest, row.secret_hash):
        raise ApiError(
            401,
            "invalid_token",
            "The token is not valid or was revoked.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Principal(row.scope, row.key_id, row.team_id, row.team.name if row.team else None)


def client_host(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def auth_limiter(request: Request) -> AuthFailureLimiter | None:
    return getattr(request.app.state, "auth_limiter", None)


def check_auth_limit(limiter: AuthFailureLimiter | None, client: str) -> None:
    """429 + Retry-After while ``client`` is over the failed-authentication
    limit (may wait on Redis: async callers run it in the thread pool)."""
    if limiter is None:
        return
    wait = limiter.retry_after(client)
    if wait is not None:
        raise ApiError(
            429,
            "too_many_auth_failures",
            "Too many failed authentications from this address; retry later.",
            headers={"Retry-After": str(wait)},
        )


def authenticate(request: Request, session: Session, token: str) -> Principal:
    """Resolve a bearer token, counting failures per client address."""
    limiter = auth_limiter(request)
    client = client_host(request)
    check_auth_limit(limiter, client)
    try:
        return resolve_principal(session, token)
    except ApiError:
        if limiter is not None:
            limiter.failed(client)
        raise


def optional_principal(request: Request, session: SessionDep) -> Principal | None:
    token = bearer_token(request)
    return None if token is None else authenticate(request, session, token)


def require_principal(request: Request, session: SessionDep) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise ApiError(
            401,
            "auth_required",
            "This endpoint needs a bearer token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return authenticate(request, session, token)


def require_admin(principal: Annotated[Principal, Depends(require_principal)]) -> Principal:
    if not principal.is_admin:
        raise ApiError(403, "admin_required", "This endpoint needs an admin token.")
    return principal


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(require_principal)]
AdminPrincipal = Annotated[Principal, Depends(require_admin)]
