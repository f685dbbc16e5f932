"""Prometheus metrics. Lifecycle figures are read from Postgres at scrape
time (the source of truth, correct across any number of api/worker
processes); HTTP figures are this process's own."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import text

from services.settings import Settings
from services.store.db import engine_for

DURATION_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800)
# Failure codes of submissions a worker failed closed (see worker/pipeline.py).
SECURITY_CODES = ("server_image_changed",)
# Throughput window of arena_scenarios_per_second (issue 22).
THROUGHPUT_WINDOW_SECONDS = 300
# Scenario runs per second over the window: each submission that ran in it
# contributes its runs done, prorated by how much of its run phase (running
# -> scoring, or -> now while it runs) falls inside the window.
_THROUGHPUT_SQL = """
SELECT coalesce(sum(
    scenarios_done
    * extract(epoch FROM coalesce(scoring_at, now()) - greatest(running_at, now() - :w))
    / greatest(extract(epoch FROM coalesce(scoring_at, now()) - running_at), 0.001)
), 0)
FROM submissions
WHERE running_at IS NOT NULL
  AND (scoring_at IS NOT NULL OR status = 'running')
  AND coalesce(scoring_at, now()) > now() - :w
"""
_OLDEST_WAIT_SQL = """
SELECT coalesce(extract(epoch FROM now() - min(coalesce(queued_at, created_at))), 0)
FROM submissions WHERE status IN ('submitted', 'queued')
"""
HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60)


def _histogram(name: str, doc: str, values: list[float]) -> HistogramMetricFamily:
    buckets = [(str(b), sum(1 for v in values if v <= b)) for b in DURATION_BUCKETS]
    buckets.append(("+Inf", len(values)))
    return HistogramMetricFamily(name, doc, buckets=buckets, sum_value=sum(values))


class LifecycleCollector(Collector):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterable[Metric]:
        statuses = GaugeMetricFamily(
            "arena_submissions", "Submissions by status", labels=["status"]
        )
        queue = GaugeMetricFamily(
            "arena_queue_depth", "Messages waiting in the Celery broker queue"
        )
        incidents = GaugeMetricFamily(
            "arena_security_incidents",
            "Submissions failed closed by a security check (alert on any increase)",
            labels=["code"],
        )
        for code in SECURITY_CODES:
            incidents.add_metric([code], 0)
        throughput = GaugeMetricFamily(
            "arena_scenarios_per_second",
            f"Scenario runs finished per second over the last {THROUGHPUT_WINDOW_SECONDS} s",
        )
        oldest_wait = GaugeMetricFamily(
            "arena_queue_oldest_wait_seconds",
            "How long the oldest submission waiting for a worker has waited (0: none)",
        )
        try:
            with engine_for(self.settings.database_url).connect() as conn:
                for status, count in conn.execute(
                    text("SELECT status, count(*) FROM submissions GROUP BY status")
                ):
                    statuses.add_metric([status], count)
                incidents = GaugeMetricFamily(
                    "arena_security_incidents",
                    "Submissions failed closed by a security check (alert on any increase)",
                    labels=["code"],
                )
                found = dict(
                    conn.execute(
                        text(
                            "SELECT failure_code, count(*) FROM submissions"
                            " WHERE failure_code = ANY(:codes) GROUP BY failure_code"
                        ),
                        {"codes": list(SECURITY_CODES)},
                    ).all()
                )
                for code in SECURITY_CODES:
                    incidents.add_metric([code], found.get(code, 0))
                window = timedelta(seconds=THROUGHPUT_WINDOW_SECONDS)
                done = conn.execute(text(_THROUGHPUT_SQL), {"w": window}).scalar() or 0
                throughput.add_metric([], float(done) / THROUGHPUT_WINDOW_SECONDS)
                waited = conn.execute(text(_OLDEST_WAIT_SQL)).scalar() or 0
                oldest_wait.add_metric([], float(waited))
                rows = conn.execute(
                    text(
                        "SELECT extract(epoch FROM validating_at - created_at),"
                        " extract(epoch FROM finished_at - validating_at) FROM submissions"
                        " WHERE status = 'finished' ORDER BY finished_at DESC LIMIT 5000"
                    )
                ).all()
        except Exception:
            rows = []
        yield statuses
        yield incidents
        yield throughput
        yield oldest_wait
        yield _histogram(
            "arena_submission_wait_seconds",
            "Upload to first worker claim (last 5000 finished)",
            [float(r[0]) for r in rows if r[0] is not None],
        )
        yield _histogram(
            "arena_submission_evaluation_seconds",
            "Worker claim to finished (last 5000 finished)",
            [float(r[1]) for r in rows if r[1] is not None],
        )
        try:
            import redis

            from services.taskqueue.contract import QUEUE

            client = redis.Redis.from_url(
                self.settings.redis_url, socket_timeout=1, socket_connect_timeout=1
            )
            queue.add_metric([], client.llen(QUEUE))
        except Exception:
            pass
        yield queue


class HttpMetrics:
    """Pure ASGI middleware: request count and latency per route template."""

    def __init__(self, app, registry: CollectorRegistry) -> None:  # noqa: ANN001 - ASGI app
        self.app = app
        self.requests = Counter(
            "arena_http_requests", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "arena_http_request_seconds",
            "HTTP latency",
            ["route"],
            buckets=HTTP_BUCKETS,
            registry=registry,
        )

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def _send(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        start = time.perf_counter()
        try:
            await self.app(scope, receive, _send)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.requests.labels(scope["method"], route, str(status["code"])).inc()
            self.latency.labels(route).observe(time.perf_counter() - start)
