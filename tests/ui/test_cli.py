import json

import pytest
from typer.testing import CliRunner

from stockpilot.settings import get_settings
from ui.cli import app

RECORD_KEYS = {"type", "sku", "location", "priority", "money_at_risk", "first_risk_date", "detail"}
REC_KEYS = {"kind", "qty", "from_location", "supplier_id", "rationale"}
TYPES = {
    "stockout_risk",
    "below_safety_stock",
    "overstock",
    "late_po",
    "promo_uncovered",
    "forecast_bias",
    "inventory_anomaly",
}


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("STOCKPILOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("STOCKPILOT_PLAN_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield run
    get_settings.cache_clear()


@pytest.fixture
def imported(cli, csv_dir):
    result = cli("import", str(csv_dir))
    assert result.exit_code == 0, result.output
    return cli


def test_import_then_export_round_trips_the_files(imported, csv_dir, tmp_path):
    out = tmp_path / "out"
    result = imported("export", str(out))
    assert result.exit_code == 0, result.output
    for path in sorted(csv_dir.iterdir()):
        assert (out / path.name).read_text() == path.read_text(), path.name


def test_bad_import_exits_non_zero_and_changes_nothing(imported, csv_dir, tmp_path):
    before = tmp_path / "before"
    imported("export", str(before))
    sales = csv_dir / "sales.csv"
    lines = sales.read_text().splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0] + ",-7"
    sales.write_text("\n".join(lines) + "\n")
    items = (csv_dir / "items.csv").read_text().replace("Widget", "Widget v2")
    (csv_dir / "items.csv").write_text(items)  # a valid change that must not land either
    result = imported("import", str(csv_dir))
    assert result.exit_code == 2
    assert "sales.csv, line 5, field 'units': must not be negative" in result.output
    after = tmp_path / "after"
    imported("export", str(after))
    for path in sorted(before.iterdir()):
        assert (after / path.name).read_text() == path.read_text(), path.name


def test_exceptions_json_contract(imported):
    result = imported("exceptions", "--json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert records, "the small network has a negative on-hand at least"
    for r in records:
        assert set(r) >= RECORD_KEYS
        assert set(r["recommendation"]) >= REC_KEYS
        assert r["type"] in TYPES
        assert r["recommendation"]["kind"] in {"transfer", "purchase_order", "expedite", "none"}
        rec = r["recommendation"]
        if rec["kind"] != "transfer":
            assert rec["from_location"] is None  # absent fields are null, not ""
    money = [r["money_at_risk"] for r in records]
    assert money == sorted(money, reverse=True)
    assert any(
        r["type"] == "inventory_anomaly" and r["sku"] == "B" and r["location"] == "S2"
        for r in records
    )


def test_exceptions_filters(imported):
    records = json.loads(imported("exceptions", "--json", "--type", "inventory_anomaly").output)
    assert records and all(r["type"] == "inventory_anomaly" for r in records)
    records = json.loads(imported("exceptions", "--json", "--location", "S2").output)
    assert all(r["location"] == "S2" for r in records)
    assert len(json.loads(imported("exceptions", "--json", "--top", "1").output)) == 1


def test_unknown_exception_type_is_refused(imported):
    result = imported("exceptions", "--type", "bogus")
    assert result.exit_code == 2
    assert "unknown --type 'bogus'" in result.output


def test_forecast_json(imported):
    result = imported("forecast", "A", "S1", "--horizon", "21", "--json")
    assert result.exit_code == 0, result.output
    fc = json.loads(result.output)
    assert len(fc["forecast"]) == 21
    for row in fc["forecast"]:
        assert 0 <= row["lower"] <= row["mean"] <= row["upper"]
    # A sells 5 a day at S1; the promotion 2026-04-10..16 lifts those days.
    assert 3.5 < fc["forecast"][0]["mean"] < 6.5
    promo_days = [r for r in fc["forecast"] if r["promo_uplift"] != 1]
    assert next(r["date"] for r in promo_days) == "2026-04-10"
    assert promo_days[0]["mean"] > fc["forecast"][0]["mean"]


def test_inventory_json_and_unknown_sku(imported):
    records = json.loads(imported("inventory", "A", "--json").output)
    assert {r["location_id"] for r in records} == {"DC1", "S1", "S2"}
    s1 = next(r for r in records if r["location_id"] == "S1")
    assert s1["on_hand"] == 30
    result = imported("inventory", "NOPE")
    assert result.exit_code == 1
    assert "NOPE" in result.output


def test_orders_json_table_and_nothing_to_order(imported):
    page = json.loads(imported("orders", "--json").output)
    assert page["lines"] == page["total"] and page["positions_checked"] > 0
    table = imported("orders", "--location", "DC1")
    assert table.exit_code == 0, table.output
    dc = json.loads(imported("orders", "--location", "DC1", "--json").output)
    assert (f"{dc['lines']} lines" in table.output) if dc["lines"] else "Nothing" in table.output
    none = imported("orders", "--supplier", "V2")
    assert none.exit_code == 0 and "Nothing to order for supplier V2" in none.output
    assert imported("orders", "--supplier", "NOPE").exit_code == 1


def test_human_output_lists_exceptions(imported):
    result = imported("exceptions", "--top", "3")
    assert result.exit_code == 0
    assert "at risk" in result.output


def test_demo_refuses_to_overwrite_an_import(imported):
    result = imported("demo", "--stores", "3", "--skus", "10", "--days", "120")
    assert result.exit_code == 1
    assert "--replace" in result.output


def test_demo_in_sku_blocks_writes_every_block(cli, tmp_path):
    result = cli(
        "demo", "--stores", "4", "--skus", "9", "--days", "150", "--dcs", "1",
        "--block-skus", "4", "--as-of", "2026-06-30",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "items 9," in result.output
    exceptions = cli("exceptions", "--top", "500", "--json")
    assert exceptions.exit_code == 0, exceptions.output
    skus = {r["sku"] for r in json.loads(exceptions.output)}
    # Exceptions come from SKUs of the later blocks too, not only the first block's.
    assert skus - {"SKU-0001", "SKU-0002", "SKU-0003", "SKU-0004"}


def test_demo_then_briefing(cli):
    result = cli("demo", "--stores", "4", "--skus", "30", "--days", "400", "--as-of", "2026-06-30")
    assert result.exit_code == 0, result.output
    assert "2026-06-30" in result.output
    briefing = cli("start", "--top", "5")
    assert briefing.exit_code == 0, briefing.output
    assert "StockPilot briefing" in briefing.output
    # The demo can be regenerated over itself without --replace.
    assert cli("demo", "--stores", "4", "--skus", "30", "--days", "400").exit_code == 0


def test_plan_in_process_fills_the_plan_tables(cli):
    assert cli("demo", "--stores", "3", "--skus", "12", "--days", "150").exit_code == 0
    result = cli("plan", "--partitions", "3", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["n_partitions"] == 3 and summary["positions"] > 0
    text = cli("plan")
    assert text.exit_code == 0, text.output
    assert "in this process" in text.output


@pytest.mark.parametrize("address", ["localhost:8786", "http://h:1", "tcp://h"])
def test_plan_refuses_a_malformed_scheduler(cli, address):
    result = cli("plan", "--scheduler", address)
    assert result.exit_code == 2
    assert result.output.startswith("error: --scheduler: ")
    assert "tcp://host:port" in result.output and "Traceback" not in result.output


def test_plan_on_a_cluster_needs_a_shared_store(cli, monkeypatch):
    assert cli("demo", "--stores", "2", "--skus", "5", "--days", "120").exit_code == 0
    monkeypatch.setenv("STOCKPILOT_DASK_SCHEDULER", "tcp://127.0.0.1:8786")
    get_settings.cache_clear()
    result = cli("plan")
    assert result.exit_code == 2
    assert "STOCKPILOT_DATABASE_URL" in result.output and "PostgreSQL" in result.output
