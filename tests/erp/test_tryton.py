"""The Tryton connector against a real trytond: sync, copilot round trips, races, crashes, outages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from erp.connector import ErpWriteError, IdempotencyConflictError, TransferRequest
from erp.csvio import ImportValidationError
from erp.db import make_engine, migrate
from erp.store import load_network
from erp.tryton import TrytonConnector
from erp.tryton_rpc import (
    TrytonAuthError,
    TrytonClient,
    TrytonDatabaseError,
    TrytonUnreachableError,
    TrytonUserError,
)
from graph.service import Copilot
from stockpilot.settings import Settings
from tests.support.tryton_server import DATABASE, PASSWORD, SEED_AS_OF, TrytonServer, free_port
from tools.snapshots import ErpSyncError
from tools.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.tryton


def _ws(settings: Settings, client: TrytonClient | None = None) -> Workspace:
    """A workspace on `settings` whose connector uses `client` (default: its own login)."""
    engine = make_engine(settings.database_url)
    if client is None:
        return Workspace.open(settings, engine=engine)
    return Workspace.open(settings, engine=engine, connector=TrytonConnector(client, engine))


def _client(server: TrytonServer) -> TrytonClient:
    return TrytonClient(server.url, DATABASE, "admin", PASSWORD)


def _by_reference(server: TrytonServer, model: str, key: str) -> list[dict]:
    return _client(server).model(
        model, "search_read", [("reference", "=", key)], 0, None, None, ["state"]
    )


def _copilot(ws: Workspace, tmp_path: Path) -> Copilot:
    import sqlite3

    from langgraph.checkpoint.sqlite import SqliteSaver

    conn = sqlite3.connect(tmp_path / "checkpoints.db", check_same_thread=False, timeout=30)
    saver = SqliteSaver(conn)
    saver.setup()
    return Copilot(ws, checkpointer=saver)  # the offline planner model


def _fixable(ws: Workspace, kind: str) -> dict:
    """Return the first stockout-risk exception whose recommendation is a `kind`."""
    for record in ws.queries.exceptions(type="stockout_risk"):
        if (record.get("recommendation") or {}).get("kind") == kind:
            return record
    raise AssertionError(f"no stockout risk recommends a {kind}")


def test_sync_reads_the_network_from_tryton(synced_settings, tryton_client, tryton):
    ws = _ws(synced_settings, tryton_client)  # synced once per session (conftest)
    assert ws.connector().name == "tryton"
    net = load_network(ws.engine)
    locs = net.locations.set_index("location_id")
    assert locs.loc["DC1", "type"] == "dc"
    assert set(locs.index[locs["type"] == "store"]) == {"S1", "S2"}
    assert set(locs.loc[["S1", "S2"], "source_location"]) == {"DC1"}
    lanes = net.lanes.set_index("to_location")["lead_time_days"].to_dict()
    assert lanes == {"S1": 2, "S2": 3}
    assert sorted(net.items["sku"]) == ["SKU-001", "SKU-002", "SKU-003", "SKU-004"]
    terms = net.item_suppliers.set_index(["sku", "supplier_id"])
    assert terms.loc[("SKU-001", "SUP-A"), "primary"]
    assert terms.loc[("SKU-001", "SUP-A"), "moq"] == 12
    assert terms.loc[("SKU-001", "SUP-A"), "lead_time_days"] == 8
    assert pd_isna(terms.loc[("SKU-001", "SUP-B"), "lead_time_days"])  # the supplier's default
    suppliers = net.suppliers.set_index("supplier_id")["lead_time_days"].to_dict()
    assert suppliers == {"SUP-A": 7, "SUP-B": 12}
    [po] = net.purchase_orders.to_dict("records")
    assert (po["sku"], po["location_id"], po["qty"], po["supplier_id"]) == (
        "SKU-001",
        "DC1",
        120,
        "SUP-A",
    )
    assert po["expected_date"].date() == SEED_AS_OF + timedelta(days=5)
    [tr] = net.transfers.to_dict("records")
    assert (tr["sku"], tr["from_location"], tr["to_location"], tr["qty"]) == (
        "SKU-002",
        "DC1",
        "S1",
        24,
    )
    # Stock on hand equals Tryton's own quantity per warehouse storage.
    connector = ws.connector()
    inv = net.inventory.set_index(["sku", "location_id"])["on_hand"]
    for (sku, loc), qty in inv.items():
        assert connector.on_hand(sku, loc) == qty
    assert len(net.sales) > 100 and net.sales["location_id"].isin(["S1", "S2"]).all()
    assert net.sales["date"].max().date() == SEED_AS_OF
    assert ws.plans.plan().exceptions.shape[0] > 0


def pd_isna(value) -> bool:
    return value != value  # NaN


def test_round_trip_fix_then_approve_writes_one_draft_in_tryton(
    synced_settings, tryton_client, tryton, tmp_path
):
    ws = _ws(synced_settings, tryton_client)
    copilot = _copilot(ws, tmp_path)
    exc = _fixable(ws, "transfer")
    turn = copilot.ask(f"fix {exc['id']}", user="alice", thread_id="t-fix")
    [pending] = turn.pending
    result = copilot.decide("t-fix", user="carol", decision="approve")
    [outcome] = result.outcomes
    assert outcome["outcome"] == "committed", outcome
    doc = outcome["document_id"]
    assert doc.startswith("stock.shipment.internal,")
    read = ws.connector().read_document(doc)
    assert read["state"] == "draft"
    assert read["reference"] == pending.proposal_id
    assert read["lines"] == [{"sku": exc["sku"], "qty": float(pending.args["qty"])}]
    assert len(_by_reference(tryton, "stock.shipment.internal", pending.proposal_id)) == 1
    proposal = ws.governance.proposals.get(pending.proposal_id)
    assert proposal.status == "committed" and proposal.document_id == doc
    [commit] = [e for e in ws.governance.audit.entries() if e.event == "commit"]
    assert commit.payload["document_id"] == doc
    # A replay of the same approval writes nothing more.
    assert ws.connector().create_transfer(_request(proposal), idempotency_key=proposal.id) == doc
    assert len(_by_reference(tryton, "stock.shipment.internal", pending.proposal_id)) == 1


def _request(proposal) -> TransferRequest:
    a = proposal.args
    return TransferRequest(
        a["sku"], a["from_location"], a["to_location"], int(a["qty"]), SEED_AS_OF
    )


def test_purchase_order_becomes_a_draft_purchase(synced_settings, tryton_client, tryton):
    ws = _ws(synced_settings, tryton_client)
    from erp.connector import PurchaseOrderRequest

    req = PurchaseOrderRequest("SUP-B", "SKU-003", "DC1", 48, SEED_AS_OF)
    doc = ws.connector().create_purchase_order(req, idempotency_key="PR-TEST-PO")
    assert doc.startswith("purchase.purchase,")
    client = _client(tryton)
    [po] = client.model(
        "purchase.purchase",
        "read",
        [int(doc.split(",")[1])],
        ["state", "reference", "delivery_date", "party", "warehouse", "purchase_date"],
    )
    assert po["state"] == "draft" and po["reference"] == "PR-TEST-PO"
    assert po["delivery_date"] == SEED_AS_OF + timedelta(days=12)  # SUP-B: the party's lead time
    [line] = client.model("purchase.purchase", "read", [po["id"]], ["lines"])[0]["lines"]
    [line_row] = client.model("purchase.line", "read", [line], ["quantity", "unit_price"])
    assert line_row["quantity"] == 48.0 and line_row["unit_price"] > Decimal(0)
    with pytest.raises(IdempotencyConflictError):
        ws.connector().create_purchase_order(
            PurchaseOrderRequest("SUP-B", "SKU-003", "DC1", 49, SEED_AS_OF),
            idempotency_key="PR-TEST-PO",
        )
    with pytest.raises(ErpWriteError, match="minimum quantity"):
        ws.connector().create_purchase_order(
            PurchaseOrderRequest("SUP-B", "SKU-003", "DC1", 5, SEED_AS_OF), idempotency_key="PR-2"
        )
    with pytest.raises(ErpWriteError, match="no product"):
        ws.connector().create_purchase_order(
            PurchaseOrderRequest("SUP-B", "NOPE", "DC1", 50, SEED_AS_OF), idempotency_key="PR-3"
        )
    assert len(_by_reference(tryton, "purchase.purchase", "PR-2")) == 0


def test_racing_writers_make_one_document(synced_settings, tryton_client, tryton):
    req = TransferRequest("SKU-001", "DC1", "S2", 10, SEED_AS_OF)
    barrier = threading.Barrier(6)
    docs: list[str] = []
    errors: list[BaseException] = []

    def write() -> None:
        # Each racer has its own connector and HTTP session, as separate workers would.
        connector = TrytonConnector(tryton_client, make_engine(synced_settings.database_url))
        barrier.wait()
        try:
            docs.append(connector.create_transfer(req, idempotency_key="PR-RACE"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(docs)) == 1 and len(docs) == 6
    assert len(_by_reference(tryton, "stock.shipment.internal", "PR-RACE")) == 1


def test_two_racing_approvals_commit_one_document(synced_settings, tryton_client, tryton, tmp_path):
    ws = _ws(synced_settings, tryton_client)
    first = _copilot(ws, tmp_path)
    exc = _fixable(ws, "transfer")
    [pending] = first.ask(f"fix {exc['id']}", user="alice", thread_id="t-race").pending
    second = _copilot(_ws(synced_settings, tryton_client), tmp_path)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def decide(copilot: Copilot) -> None:
        barrier.wait()
        try:
            results.append(copilot.decide("t-race", user="carol", decision="approve"))
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=decide, args=(c,)) for c in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(_by_reference(tryton, "stock.shipment.internal", pending.proposal_id)) == 1
    proposal = ws.governance.proposals.get(pending.proposal_id)
    assert proposal.status == "committed"
    assert [e.event for e in ws.governance.audit.entries()].count("commit") == 1


KILL_SCRIPT = """
import os, sys
from datetime import date
from erp.connector import TransferRequest
from erp.db import make_engine, migrate
from erp.tryton import TrytonConnector
from erp.tryton_rpc import TrytonClient

url, database, password, store = sys.argv[1:5]
real = TrytonConnector._create_shipment

def create_then_die(self, request, key):
    real(self, request, key)
    os._exit(137)  # like kill -9: after Tryton's commit, before the ledger's

TrytonConnector._create_shipment = create_then_die
connector = TrytonConnector(TrytonClient(url, database, "admin", password), make_engine(store))
connector.create_transfer(TransferRequest("SKU-004", "DC1", "S1", 7, date(2026, 6, 30)), idempotency_key="PR-KILLED")
"""


def test_killed_between_tryton_write_and_ledger_is_reconciled(
    synced_settings, tryton_client, tryton
):
    ws = _ws(synced_settings, tryton_client)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    died = subprocess.run(
        [
            sys.executable,
            "-c",
            KILL_SCRIPT,
            tryton.url,
            DATABASE,
            PASSWORD,
            synced_settings.database_url,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert died.returncode == 137, died.stderr
    [written] = _by_reference(tryton, "stock.shipment.internal", "PR-KILLED")
    from sqlalchemy import select

    from erp import models

    with ws.engine.connect() as conn:
        assert conn.execute(select(models.ErpCommit)).all() == []  # the ledger never saw it
    assert ws.connector().document_for("PR-KILLED") is None
    doc = ws.connector().create_transfer(
        TransferRequest("SKU-004", "DC1", "S1", 7, SEED_AS_OF), idempotency_key="PR-KILLED"
    )
    assert ws.connector().document_for("PR-KILLED") == doc
    assert doc == f"stock.shipment.internal,{written['id']}"
    assert len(_by_reference(tryton, "stock.shipment.internal", "PR-KILLED")) == 1
    with ws.engine.connect() as conn:
        assert conn.execute(select(models.ErpCommit.document_id)).scalar_one() == doc


def test_stock_at_commit_is_read_live_from_tryton(synced_settings, tryton_client, tryton, tmp_path):
    ws = _ws(synced_settings, tryton_client)
    copilot = _copilot(ws, tmp_path)
    exc = _fixable(ws, "transfer")
    [pending] = copilot.ask(f"fix {exc['id']}", user="alice", thread_id="t-live").pending
    sku, source = pending.args["sku"], pending.args["from_location"]
    live = ws.connector().on_hand(sku, source)
    assert live is not None and live >= int(pending.args["qty"])
    # Someone counts the source in Tryton after the snapshot and finds one unit left.
    client = _client(tryton)
    [product] = client.model("product.product", "search", [("code", "=", sku)])
    [wh] = client.model(
        "stock.location", "search_read", [("code", "=", source)], 0, 1, None, ["storage_location"]
    )
    [count] = client.model(
        "stock.inventory",
        "create",
        [
            {
                "location": wh["storage_location"],
                "date": date.today(),
                "company": client.context()["company"],
                "lines": [["create", [{"product": product, "quantity": 1.0}]]],
            }
        ],
    )
    client.model("stock.inventory", "confirm", [count])
    assert ws.connector().on_hand(sku, source) == 1
    [outcome] = copilot.decide("t-live", user="carol", decision="approve").outcomes
    assert outcome["outcome"] == "failed", outcome
    assert "does not hold" in outcome["message"] or "on hand" in outcome["message"], outcome
    assert _by_reference(tryton, "stock.shipment.internal", pending.proposal_id) == []


def test_tryton_down_at_commit_then_recovery_commits_once(synced_settings, tryton, tmp_path):
    ws = _ws(synced_settings)  # its own client: the test takes Tryton down
    copilot = _copilot(ws, tmp_path)
    exc = _fixable(ws, "transfer")
    [pending] = copilot.ask(f"fix {exc['id']}", user="alice", thread_id="t-down").pending
    client = ws.connector().client
    client.url = f"http://127.0.0.1:{free_port()}"  # nothing listens there: Tryton is down
    with pytest.raises(TrytonUnreachableError, match="not reachable"):
        copilot.decide("t-down", user="carol", decision="approve")
    proposal = ws.governance.proposals.get(pending.proposal_id)
    assert proposal.status == "approved" and proposal.document_id is None
    [deferred] = [e for e in ws.governance.audit.entries() if e.event == "commit_deferred"]
    assert "not reachable" in deferred.payload["reason"]
    with pytest.raises(TrytonUnreachableError):
        copilot.recover("t-down")  # still down: still approved, nothing written
    assert ws.governance.proposals.get(pending.proposal_id).status == "approved"
    client.url = tryton.url  # Tryton is back
    recovered = copilot.recover("t-down")
    assert recovered is not None
    assert recovered.outcomes[0]["outcome"] == "committed"
    assert len(_by_reference(tryton, "stock.shipment.internal", pending.proposal_id)) == 1
    assert ws.governance.proposals.get(pending.proposal_id).status == "committed"
    assert copilot.recover("t-down") is None
    assert ws.governance.audit.verify().ok


def test_clear_errors_for_a_bad_password_an_unknown_database_and_a_user_error(tryton):
    with pytest.raises(TrytonAuthError, match="refused the login for user 'admin'"):
        TrytonClient(tryton.url, DATABASE, "admin", "wrong").context()
    with pytest.raises(TrytonDatabaseError, match="no database 'nope'"):
        TrytonClient(tryton.url, "nope", "admin", PASSWORD).context()
    with pytest.raises(TrytonUnreachableError, match="not reachable"):
        TrytonClient(f"http://127.0.0.1:{free_port()}", DATABASE, "admin", PASSWORD).context()
    with pytest.raises(TrytonUserError, match=r"Tryton refused model\.purchase\.purchase\.create"):
        _client(tryton).model("purchase.purchase", "create", [{}])


def test_cli_sync_and_status(tryton_settings, tryton, monkeypatch):
    from ui.cli import app

    for key, value in {
        "STOCKPILOT_DATABASE_URL": tryton_settings.database_url,
        "STOCKPILOT_PLAN_CACHE_DIR": str(tryton_settings.plan_cache_dir),
        "STOCKPILOT_ERP": "tryton",
        "STOCKPILOT_TRYTON_URL": tryton.url,
        "STOCKPILOT_TRYTON_DATABASE": DATABASE,
        "STOCKPILOT_TRYTON_PASSWORD": PASSWORD,
    }.items():
        monkeypatch.setenv(key, value)
    from stockpilot.settings import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    try:
        done = runner.invoke(app, ["erp", "sync", "--as-of", SEED_AS_OF.isoformat()])
        assert done.exit_code == 0, done.output
        assert "Synced snapshot as of 2026-06-30" in done.output
        status = runner.invoke(app, ["erp", "status", "--json"])
        assert status.exit_code == 0, status.output
        info = json.loads(status.stdout)
        assert info["warehouses"] == 3 and info["open_purchases"] == 1
        monkeypatch.setenv("STOCKPILOT_TRYTON_PASSWORD", "wrong")
        get_settings.cache_clear()
        before = load_network(
            Workspace.open(
                Settings(_env_file=None, database_url=tryton_settings.database_url)
            ).engine
        )
        bad = runner.invoke(app, ["erp", "sync"])
        assert bad.exit_code == 1
        assert "refused the login" in bad.output and "unchanged" in bad.output
        assert "Traceback" not in bad.output
        after = load_network(
            Workspace.open(
                Settings(_env_file=None, database_url=tryton_settings.database_url)
            ).engine
        )
        assert len(after.sales) == len(before.sales)
    finally:
        get_settings.cache_clear()


def test_sync_refuses_the_builtin_erp(tmp_path):
    ws = Workspace.open(Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 's.db'}"))
    with pytest.raises(ErpSyncError, match="STOCKPILOT_ERP is builtin"):
        ws.sync_erp()


def test_placeholder_password_refused_outside_development():
    with pytest.raises(ValueError, match="STOCKPILOT_TRYTON_PASSWORD"):
        Settings(
            _env_file=None,
            environment="production",
            secret_key="s3cr3t-real",
            erp="tryton",
            tryton_password="change-me",
        )
    with pytest.raises(ValueError, match="STOCKPILOT_TRYTON_PASSWORD"):
        Settings(_env_file=None, environment="production", secret_key="s3cr3t-real", erp="tryton")
    ok = Settings(
        _env_file=None,
        environment="production",
        secret_key="s3cr3t-real",
        erp="tryton",
        tryton_password="x7-real",
    )
    assert ok.tryton_password.get_secret_value() == "x7-real"
    assert Settings(_env_file=None, erp="tryton").tryton_password is None  # development


def test_replace_snapshot_is_untouched_by_a_failed_sync(synced_settings, tryton):
    ws = _ws(synced_settings)  # its own client: the test takes Tryton down
    before = load_network(ws.engine)
    ws.connector().client.url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(TrytonUnreachableError):
        ws.sync_erp(as_of=SEED_AS_OF)
    after = load_network(ws.engine)
    assert len(after.sales) == len(before.sales) and len(after.inventory) == len(before.inventory)


def test_api_approval_writes_to_tryton_and_answers_503_when_it_is_down(
    synced_settings, tryton_client, tryton, tmp_path
):
    from fastapi.testclient import TestClient

    from api.app import create_app

    ws = _ws(synced_settings)  # its own client: the test takes Tryton down
    copilot = _copilot(ws, tmp_path)
    stockouts = [
        r
        for r in ws.queries.exceptions(type="stockout_risk")
        if r["recommendation"]["kind"] == "transfer"
    ]
    first, second = stockouts[:2]
    [a] = copilot.ask(f"fix {first['id']}", user="alice", thread_id="t-api-1").pending
    [b] = copilot.ask(f"fix {second['id']}", user="alice", thread_id="t-api-2").pending
    headers = {"Authorization": "Bearer dev-carol"}
    with TestClient(create_app(synced_settings, copilot=copilot)) as http:
        done = http.post(
            f"/v1/approvals/t-api-1/{a.interrupt_id}", json={"decision": "approve"}, headers=headers
        )
        assert done.status_code == 200, done.text
        [outcome] = done.json()["outcomes"]
        assert outcome["outcome"] == "committed"
        assert outcome["document_id"].startswith("stock.shipment.internal,")
        assert (
            http.get(f"/v1/proposals/{a.proposal_id}", headers=headers).json()["document_id"]
            == outcome["document_id"]
        )
        ws.connector().client.url = f"http://127.0.0.1:{free_port()}"
        down = http.post(
            f"/v1/approvals/t-api-2/{b.interrupt_id}", json={"decision": "approve"}, headers=headers
        )
        assert down.status_code == 503, down.text
        error = down.json()["error"]
        assert error["code"] == "erp_unavailable" and "not reachable" in error["message"]
    assert ws.governance.proposals.get(b.proposal_id).status == "approved"
    assert _by_reference(tryton, "stock.shipment.internal", b.proposal_id) == []


def test_sync_refuses_a_product_without_a_code_naming_the_record(
    synced_settings, tryton_client, tryton
):
    ws = _ws(synced_settings, tryton_client)
    before = load_network(ws.engine)
    client = _client(tryton)
    [template] = client.model(
        "product.template",
        "create",
        [
            {
                "name": "Unlabelled thing",
                "type": "goods",
                "default_uom": 1,
                "products": [["create", [{}]]],
            }
        ],
    )
    [product] = client.model("product.product", "search", [("template", "=", template)])
    with pytest.raises(ImportValidationError) as caught:
        ws.sync_erp(as_of=SEED_AS_OF)
    assert str(caught.value.errors[0]) == (
        f"Tryton product.product {product}, field 'code': product 'Unlabelled thing': is required"
    )
    assert len(load_network(ws.engine).items) == len(before.items)  # nothing changed


def test_simulation_replays_the_history_read_from_tryton(tryton_client, tryton, tmp_path):
    from evals.sim_suite import run_simulation
    from evals.simulate import SimConfig

    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    migrate(engine)  # the connector's ledger
    network = TrytonConnector(tryton_client, engine).read_network(as_of=SEED_AS_OF)
    config = SimConfig(horizon_days=14, policies=("stockpilot", "min_max"), graph_path=False)
    results = run_simulation(config, data=network)
    policies = results["policies"]
    assert set(policies) == {"stockpilot", "min_max", "oracle_base_stock"}
    # The stores sell every day in Tryton's history, so every policy faces demand and pays.
    assert all(m["total_cost"] > 0 for m in policies.values())
    assert 0 < policies["stockpilot"]["fill_rate"] <= 1


def test_a_resync_counts_stockpilots_own_drafts_as_supply(synced_settings, tryton_client, tryton):
    from erp.connector import PurchaseOrderRequest

    ws = _ws(synced_settings, tryton_client)
    connector = ws.connector()
    before = load_network(ws.engine).inventory.set_index(["sku", "location_id"])["on_hand"]
    live_before = connector.on_hand("SKU-004", "DC1")
    po = connector.create_purchase_order(
        PurchaseOrderRequest("SUP-A", "SKU-004", "DC1", 36, SEED_AS_OF), idempotency_key="PR-OWN-PO"
    )
    tr = connector.create_transfer(
        TransferRequest("SKU-004", "DC1", "S2", 9, SEED_AS_OF), idempotency_key="PR-OWN-TR"
    )
    # A draft purchase is not open supply in Tryton, nor does a draft shipment move stock; both
    # were approved, so StockPilot counts them (as the built-in ERP books them at commit).
    assert connector.on_hand("SKU-004", "DC1") == live_before - 9
    ws.sync_erp(as_of=SEED_AS_OF)
    net = load_network(ws.engine)
    pos = net.purchase_orders.set_index("po_id")
    assert pos.loc[po, "qty"] == 36 and pos.loc[po, "sku"] == "SKU-004"
    assert pos.loc[po, "expected_date"].date() == SEED_AS_OF + timedelta(days=8)
    transfers = net.transfers.set_index("transfer_id")
    assert transfers.loc[tr, "qty"] == 9 and transfers.loc[tr, "to_location"] == "S2"
    after = net.inventory.set_index(["sku", "location_id"])["on_hand"]
    assert after[("SKU-004", "DC1")] == before[("SKU-004", "DC1")] - 9
    assert after[("SKU-004", "S2")] == before[("SKU-004", "S2")]


@pytest.mark.postgres
def test_racing_writers_with_the_ledger_on_postgresql(postgres_engine, tryton_client, tryton):
    req = TransferRequest("SKU-002", "DC1", "S2", 4, SEED_AS_OF)
    barrier = threading.Barrier(6)
    docs: list[str] = []
    errors: list[BaseException] = []

    def write() -> None:
        connector = TrytonConnector(tryton_client, postgres_engine)
        barrier.wait()
        try:
            docs.append(connector.create_transfer(req, idempotency_key="PR-RACE-PG"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The losers waited on the winner's uncommitted claim row, then read its document.
    assert not errors and len(set(docs)) == 1 and len(docs) == 6
    assert len(_by_reference(tryton, "stock.shipment.internal", "PR-RACE-PG")) == 1


def test_a_tryton_user_error_at_commit_keeps_the_proposal_approved(
    synced_settings, tryton_client, tryton, tmp_path
):
    from pydantic import SecretStr

    admin = _client(tryton)
    company = admin.context()["company"]
    [clerk] = admin.model(
        "res.user",
        "create",
        [
            {
                "name": "Clerk",
                "login": "clerk",
                "password": "clerk-Pass-4711",
                "companies": [["add", [company]]],
                "company": company,
            }
        ],
    )
    settings = synced_settings.model_copy(
        update={"tryton_user": "clerk", "tryton_password": SecretStr("clerk-Pass-4711")}
    )
    ws = _ws(settings)
    copilot = _copilot(ws, tmp_path)
    exc = _fixable(ws, "transfer")
    [pending] = copilot.ask(f"fix {exc['id']}", user="alice", thread_id="t-user").pending
    # The clerk may read stock but not shipments: Tryton refuses with a user error.
    with pytest.raises(TrytonUserError, match=r"not allowed to access \"Stock Shipment Internal\""):
        copilot.decide("t-user", user="carol", decision="approve")
    assert ws.governance.proposals.get(pending.proposal_id).status == "approved"
    [deferred] = [e for e in ws.governance.audit.entries() if e.event == "commit_deferred"]
    assert "model.stock.shipment.internal" in deferred.payload["reason"]
    assert _by_reference(tryton, "stock.shipment.internal", pending.proposal_id) == []
    # An administrator grants the right; recovery then writes the document once.
    [stock] = admin.model("res.group", "search", [("name", "=", "Stock")], 0, 1, None)
    admin.model("res.user", "write", [clerk], {"groups": [["add", [stock]]]})
    assert copilot.recover("t-user").outcomes[0]["outcome"] == "committed"
    assert len(_by_reference(tryton, "stock.shipment.internal", pending.proposal_id)) == 1


def test_an_expired_tryton_session_is_renewed_once(tryton):
    import sqlite3

    client = _client(tryton)
    assert client.model("product.product", "search_count", []) == 4
    db = sqlite3.connect(tryton.db_file, timeout=30)
    db.execute("DELETE FROM ir_session")  # Tryton forgot every session (expiry, restart)
    db.commit()
    db.close()
    assert client.model("product.product", "search_count", []) == 4
    assert client.latencies()["common.db.login"]["calls"] == 2
