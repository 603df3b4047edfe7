"""Prometheus metrics for the API, one registry per app, served anonymously at /metrics.

Install once per app (create_app does)::

    install_metrics(app)        # app.state.metrics: ApiMetrics; adds the middleware and /metrics

What it exports (Prometheus text format):

- ``stockpilot_http_request_duration_seconds{method,route,status}`` (histogram): every request,
  labelled by the route *template* (``/v1/exceptions/{exception_id}``), never the raw path;
  unmatched paths are ``route="unmatched"``.
- ``stockpilot_exceptions_open{type}`` (gauge, computed at scrape time): open exceptions by type
  from the cached plan. A scrape never computes a plan: when none is cached (in memory or on
  disk) for the current snapshot, the gauge is left out of that scrape.
- ``stockpilot_approvals_pending`` (gauge, at scrape time): proposals with status pending.
- ``stockpilot_commits_total`` (counter, ``ApiMetrics.COMMITS``): proposals written to the ERP.
- ``stockpilot_refusals_total{reason}`` (counter, ``ApiMetrics.REFUSALS``): decisions that did
  not go through; reason is authority | validation | already_decided | erp.
- ``stockpilot_approval_cycle_seconds`` (histogram, ``ApiMetrics.APPROVAL_CYCLE_SECONDS``):
  proposal created -> decided, observed for each committed proposal.

The approvals router feeds the last three from a decision's outcomes::

    record_outcomes(request.app.state, result.outcomes, ws)

`record_outcomes` accepts an `ApiMetrics`, an app's state, an app or a request, and does
nothing when metrics are not installed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.approval import Outcome
from stockpilot.vocabulary import ExceptionType, OutcomeKind, ProposalStatus, RefusalReason
from tools.workspace import Workspace

log = logging.getLogger("stockpilot.api.metrics")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CYCLE_BUCKETS = (60.0, 300.0, 900.0, 1800.0, 3600.0, 4 * 3600.0, 8 * 3600.0, 86400.0, 3 * 86400.0)


class ApiMetrics:
    """The metrics of one app, in their own registry."""

    def __init__(self, app: FastAPI, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self.request_seconds = Histogram(
            "stockpilot_http_request_duration_seconds",
            "HTTP request latency by method, route template and status.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.COMMITS = Counter(
            "stockpilot_commits",
            "Approved proposals written to the ERP.",
            registry=self.registry,
        )
        self.REFUSALS = Counter(
            "stockpilot_refusals",
            "Decisions that did not go through, by reason.",
            ["reason"],
            registry=self.registry,
        )
        for reason in RefusalReason:
            self.REFUSALS.labels(reason=reason.value)
        self.APPROVAL_CYCLE_SECONDS = Histogram(
            "stockpilot_approval_cycle_seconds",
            "Seconds from a proposal's creation to its decision, for committed proposals.",
            buckets=CYCLE_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_ScrapeTimeCollector(app))

    def render(self) -> bytes:
        """Return the registry in the Prometheus text format."""
        return generate_latest(self.registry)


class _ScrapeTimeCollector(Collector):
    """Compute the gauges that describe the store when Prometheus scrapes."""

    def __init__(self, app: FastAPI):
        self._app = app

    def describe(self) -> Iterable[Metric]:
        """Describe nothing up front: the values exist only at scrape time."""
        return []

    def collect(self) -> Iterator[Metric]:
        """Yield open exceptions by type (when a plan is cached) and pending approvals."""
        ws: Workspace | None = getattr(self._app.state, "workspace", None)
        if ws is None:
            return
        try:
            counts = ws.queries.open_exception_counts()  # the plan tables, or a cached plan
        except Exception:  # a scrape reports what it can; never fail the whole scrape
            log.warning("could not read the cached plan for metrics", exc_info=True)
            counts = None
        if counts is not None:
            gauge = GaugeMetricFamily(
                "stockpilot_exceptions_open", "Open exceptions by type.", labels=["type"]
            )
            for kind in ExceptionType:
                gauge.add_metric([kind.value], float(counts.get(kind.value, 0)))
            yield gauge
        try:
            pending = ws.governance.proposals.count(status=ProposalStatus.PENDING)
        except Exception:
            log.warning("could not count pending approvals for metrics", exc_info=True)
            return
        yield GaugeMetricFamily(
            "stockpilot_approvals_pending", "Proposals waiting for a decision.", value=pending
        )


class MetricsMiddleware:
    """Time every HTTP request and label it by its route template."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and observe how long it took."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self.metrics.request_seconds.labels(
                method=scope.get("method", ""),
                route=route_template(scope),
                status=str(status),
            ).observe(time.perf_counter() - start)


def route_template(scope: Scope) -> str:
    """Return the matched route's full template (prefix included), or 'unmatched'."""
    # FastAPI >= 0.160 keeps included routers whole: scope["route"] is the router's own route
    # (no prefix); the full template is on the effective route context it records.
    context = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(context, "path_format", None)
    if not template:
        route = scope.get("route")
        template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(template) if template else "unmatched"


def install_metrics(app: FastAPI) -> ApiMetrics:
    """Give `app` its metrics: a registry on app.state.metrics, the middleware and /metrics.

    Idempotent: a second call returns the metrics already installed.
    """
    installed = getattr(app.state, "metrics", None)
    if isinstance(installed, ApiMetrics):
        return installed
    metrics = ApiMetrics(app)
    app.state.metrics = metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics)

    def scrape() -> Response:
        """Return the metrics in the Prometheus text format (anonymous)."""
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route("/metrics", scrape, methods=["GET"], include_in_schema=False)
    return metrics


def _resolve(target: Any) -> ApiMetrics | None:
    if isinstance(target, ApiMetrics):
        return target
    if isinstance(target, Request):
        target = target.app
    state = getattr(target, "state", target)
    found = getattr(state, "metrics", None)
    return found if isinstance(found, ApiMetrics) else None


def refusal_reason(outcome: Outcome) -> RefusalReason | None:
    """Return why a decision outcome did not go through, or None when it is not a refusal."""
    reason = outcome.get("reason")
    return None if reason is None else RefusalReason(reason)


def record_outcomes(target: Any, outcomes: list[Outcome], workspace: Workspace) -> None:
    """Count commits and refusals from decision outcomes; observe each commit's cycle time.

    Outcomes are those of `graph.service.TurnResult.outcomes` (committed, approved, rejected,
    refused, failed, already_decided, pending); approved, rejected and pending count nothing.
    """
    metrics = _resolve(target)
    if metrics is None:
        return
    for outcome in outcomes:
        reason = refusal_reason(outcome)
        if reason is not None:
            metrics.REFUSALS.labels(reason=reason.value).inc()
            continue
        if outcome["outcome"] != OutcomeKind.COMMITTED:
            continue
        metrics.COMMITS.inc()
        proposal = workspace.governance.proposals.get(outcome["proposal_id"])
        if proposal is not None and proposal.decided_at is not None:
            cycle = (proposal.decided_at - proposal.created_at).total_seconds()
            metrics.APPROVAL_CYCLE_SECONDS.observe(max(cycle, 0.0))
