"""`stockpilot override set|list|clear`: stored, shown on the position, removable; bad input exits 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stockpilot.settings import get_settings
from ui.cli import app


@pytest.fixture
def cli(tmp_path, monkeypatch, csv_dir):
    monkeypatch.setenv("STOCKPILOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("STOCKPILOT_PLAN_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    assert run("import", str(csv_dir)).exit_code == 0
    yield run
    get_settings.cache_clear()


def _position(cli, sku: str, location: str) -> dict:
    result = cli("inventory", sku, "--location", location, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)[0]


def test_set_shows_on_the_position_and_clear_removes_it(cli) -> None:
    before = _position(cli, "A", "S1")
    assert "overrides" not in before
    window = ("--start", "2026-04-01", "--end", "2026-04-30")
    result = cli(
        "override", "set", "A", "--location", "S1", "--multiplier", "1.3", *window,
        "--reason", "new listing", "--author", "alice",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "override applied: ×1.3 by alice (new listing), S1" in result.output
    after = _position(cli, "A", "S1")
    assert after["overrides"][0].startswith("override applied: ×1.3 by alice (new listing)")
    assert after["forecast_daily"] == pytest.approx(1.3 * before["forecast_daily"], rel=1e-4)
    listed = json.loads(cli("override", "list", "--json").output)
    assert [(o["sku"], o["location_id"], o["value"]) for o in listed] == [("A", "S1", 1.3)]

    cleared = cli("override", "clear", str(listed[0]["id"]), "--author", "bob")
    assert cleared.exit_code == 0, cleared.output
    assert json.loads(cli("override", "list", "--json").output) == []
    history = json.loads(cli("override", "list", "--all", "--json").output)
    assert history[0]["cleared_by"] == "bob"
    assert _position(cli, "A", "S1")["forecast_daily"] == pytest.approx(before["forecast_daily"])


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("NOPE", "--multiplier", "2"), "SKU: unknown SKU 'NOPE'"),
        (("A", "--location", "XX", "--multiplier", "2"), "--location: unknown location 'XX'"),
        (("A", "--multiplier", "-1"), "--multiplier: must be a finite number >= 0"),
        (("A", "--rate", "2", "--multiplier", "2"), "--multiplier / --rate: give exactly one"),
        (("A", "--multiplier", "2", "--end", "2026-03-01"), "--end: 2026-03-01 is before start"),
        (("A", "--multiplier", "2", "--start", "April"), "--start: 'April' is not a date"),
    ],
)
def test_bad_input_exits_2_naming_the_option_and_stores_nothing(cli, args, says) -> None:
    given = dict(zip(args[1::2], args[2::2], strict=False)) if len(args) > 1 else {}
    window = []
    if "--start" not in given:
        window += ["--start", "2026-04-01"]
    if "--end" not in given:
        window += ["--end", "2026-04-30"]
    result = cli("override", "set", *args, *window, "--reason", "r", "--author", "a")
    assert result.exit_code == 2
    assert says in " ".join(result.output.split())
    assert json.loads(cli("override", "list", "--all", "--json").output) == []
    missing = cli("override", "clear", "42", "--author", "a")
    assert missing.exit_code == 1 and "no override in force with id 42" in missing.output
