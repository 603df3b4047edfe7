"""Prometheus metrics: request latency by route template, scrape-time gauges, decision counters."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.metrics import ApiMetrics, install_metrics, record_outcomes, refusal_reason
from graph.approval import Outcome
from graph.service import Copilot
from stockpilot.settings import Settings
from tests.api.conftest import auth
from tools.workspace import Workspace


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    resp = client.get("/metrics")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(resp.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def test_create_app_installs_metrics(settings: Settings, workspace: Workspace) -> None:
    app = create_app(settings, workspace=workspace)
    assert isinstance(getattr(app.state, "metrics", None), ApiMetrics), (
        "create_app should call install_metrics(app)"
    )


def test_install_is_idempotent_and_per_app(app: FastAPI, settings, workspace) -> None:
    assert install_metrics(app) is app.state.metrics
    other = create_app(settings, workspace=workspace)
    assert install_metrics(other).registry is not app.state.metrics.registry


def test_request_latency_by_route_template(client: TestClient) -> None:
    client.get("/v1/exceptions", headers=auth("victor"))
    client.get("/v1/exceptions/promo_uncovered:A@S1", headers=auth("victor"))
    client.get("/v1/exceptions/nope", headers=auth("victor"))
    client.get("/v1/exceptions")  # 401
    client.get("/no/such/path")
    text = client.get("/metrics").text
    assert "promo_uncovered:A@S1" not in text  # raw paths never become labels
    s = scrape(client)
    name = "stockpilot_http_request_duration_seconds_count"
    assert value(s, name, method="GET", route="/v1/exceptions", status="200") == 1
    assert value(s, name, method="GET", route="/v1/exceptions", status="401") == 1
    assert value(s, name, method="GET", route="/v1/exceptions/{exception_id}", status="200") == 1
    assert value(s, name, method="GET", route="/v1/exceptions/{exception_id}", status="404") == 1
    assert value(s, name, method="GET", route="unmatched", status="404") == 1


def test_open_exceptions_gauge_never_computes_a_plan(client: TestClient, workspace) -> None:
    s = scrape(client)
    assert not any(k[0] == "stockpilot_exceptions_open" for k in s)
    assert workspace.plans.loaded is None  # the scrape did not plan
    client.get("/v1/exceptions", headers=auth("victor"))
    s = scrape(client)
    assert value(s, "stockpilot_exceptions_open", type="promo_uncovered") == 1
    assert value(s, "stockpilot_exceptions_open", type="inventory_anomaly") == 1
    assert value(s, "stockpilot_exceptions_open", type="overstock") == 0


def test_open_exceptions_gauge_reads_the_disk_cache(client: TestClient, settings) -> None:
    client.get("/v1/exceptions", headers=auth("victor"))  # computes and caches on disk
    fresh = create_app(settings, workspace=Workspace.open(settings))  # another worker's view
    install_metrics(fresh)
    with TestClient(fresh) as other:
        s = scrape(other)
    assert value(s, "stockpilot_exceptions_open", type="promo_uncovered") == 1


def test_pending_approvals_gauge(client: TestClient, pending_thread: str) -> None:
    assert value(scrape(client), "stockpilot_approvals_pending") == 1


def test_record_outcomes_counts_commits_and_cycle_time(
    client: TestClient, app: FastAPI, copilot: Copilot, workspace, pending_thread: str
) -> None:
    result = copilot.decide(pending_thread, user="bob", decision="approve")
    record_outcomes(app.state, result.outcomes, workspace)
    s = scrape(client)
    assert value(s, "stockpilot_commits_total") == 1
    assert value(s, "stockpilot_approval_cycle_seconds_count") == 1
    assert value(s, "stockpilot_approvals_pending") == 0
    assert value(s, "stockpilot_refusals_total", reason="authority") == 0


def test_record_outcomes_counts_refusals(
    client: TestClient, app: FastAPI, copilot: Copilot, workspace, pending_thread: str
) -> None:
    result = copilot.decide(pending_thread, user="alice", decision="approve")  # a planner
    assert [o["outcome"] for o in result.outcomes] == ["refused"]
    record_outcomes(app, result.outcomes, workspace)
    synthetic: list[Outcome] = [
        {"proposal_id": "x", "outcome": "refused", "reason": "validation", "message": "no lane"},
        {"proposal_id": "x", "outcome": "already_decided", "reason": "already_decided"},
        {"proposal_id": "x", "outcome": "failed", "reason": "erp", "message": "closed"},
        {"proposal_id": "x", "outcome": "failed", "reason": "validation", "message": "moved"},
        {"proposal_id": "x", "outcome": "approved", "reason": None},
        {"proposal_id": "x", "outcome": "rejected", "reason": None},
        {"proposal_id": "x", "outcome": "pending", "reason": None, "message": "no user"},
    ]
    record_outcomes(app.state.metrics, synthetic, workspace)
    s = scrape(client)
    assert value(s, "stockpilot_refusals_total", reason="authority") == 1
    assert value(s, "stockpilot_refusals_total", reason="validation") == 2
    assert value(s, "stockpilot_refusals_total", reason="already_decided") == 1
    assert value(s, "stockpilot_refusals_total", reason="erp") == 1
    assert value(s, "stockpilot_commits_total") == 0


def test_refusal_reason() -> None:
    committed: Outcome = {"proposal_id": "x", "outcome": "committed", "reason": None}
    refused: Outcome = {"proposal_id": "x", "outcome": "refused", "reason": "authority"}
    assert refusal_reason(committed) is None
    assert refusal_reason(refused) == "authority"


def test_record_outcomes_without_metrics_is_a_no_op(workspace) -> None:
    class Bare:
        state = object()

    record_outcomes(Bare(), [{"outcome": "committed", "proposal_id": "x"}], workspace)
