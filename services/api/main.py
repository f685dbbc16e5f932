"""FastAPI application factory; ``services.api.main:app`` is what uvicorn runs."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services import logs
from services.api import errors
from services.api.admin.endpoints import router as admin_router
from services.api.failures.endpoints import router as failures_router
from services.api.health.endpoints import router as health_router
from services.api.leaderboard.endpoints import router as leaderboard_router
from services.api.leaderboard.service import HeadCache
from services.api.metrics import HttpMetrics, LifecycleCollector
from services.api.phases.endpoints import router as phases_router
from services.api.ratelimit import AuthAttemptMiddleware, AuthFailureLimiter, parse_trusted_proxies
from services.api.submissions.endpoints import router as submissions_router
from services.api.submissions.internal_endpoints import router as internal_router
from services.settings import Settings, get_settings

DESCRIPTION = """Submission API of AssetOps Arena: upload an agent image, follow its
lifecycle, read aggregated scores, failure clusters and the leaderboard.
Errors are `application/problem+json` with a stable `code`. See docs/api.md."""


def create_app(settings: Settings | None = None, configure_logging: bool = True) -> FastAPI:
    settings = settings or get_settings()
    if configure_logging:
        logs.configure(settings.log_level)
    (settings.data_dir / "uploads").mkdir(parents=True, exist_ok=True)
    app = FastAPI(title="AssetOps Arena API", version="1.0.0", description=DESCRIPTION)
    app.state.settings = settings
    app.state.phase_heads = HeadCache(settings.leaderboard_version_ttl_seconds)
    trusted_proxies = parse_trusted_proxies(settings.trusted_proxies)  # bad value: fail at start
    auth_limiter = AuthFailureLimiter.from_settings(settings)
    app.state.auth_limiter = auth_limiter
    registry = CollectorRegistry()
    registry.register(LifecycleCollector(settings))
    app.state.registry = registry
    errors.install(app)
    for router in (
        health_router,
        submissions_router,
        phases_router,
        leaderboard_router,
        failures_router,
        admin_router,
        internal_router,
    ):
        app.include_router(router)
    _include_page(app)
    errors.problem_openapi(app)
    # Gives the limiter each request's client address and credential fingerprint.
    app.add_middleware(AuthAttemptMiddleware, limiter=auth_limiter, trusted_proxies=trusted_proxies)
    app.add_middleware(HttpMetrics, registry=registry)
    return app


def _include_page(app: FastAPI) -> None:
    """The HTML leaderboard page (services/api/page, built separately) is
    served at / when present; the JSON api does not depend on it."""
    try:
        from services.api.page.router import router as page_router
    except ImportError:
        return
    app.include_router(page_router)


def __getattr__(name: str) -> FastAPI:
    # Built lazily so that importing this module (tests, tools) does not
    # need a writable data_dir; `uvicorn services.api.main:app` resolves it.
    if name == "app":
        value = create_app()
        globals()["app"] = value
        return value
    raise AttributeError(name)
