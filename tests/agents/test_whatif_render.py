"""The offline model's what-if answer: a scenario that moves a stockout never reads as no change."""

from __future__ import annotations

import json
from typing import Any

from agents.offline.messages import Result
from agents.offline.render import render_what_if_scope


def _scope(change: dict[str, Any], most: list[dict[str, Any]], notes: list[str]) -> Result:
    totals = {"unmet_units_horizon": 4041.4, "lost_margin_horizon": 100.0,
              "sku_locations_short": 1, "forecast_units": 9000.0}  # fmt: skip
    data = {
        "as_of": "2026-11-24",
        "horizon_days": 56,
        "sku_locations": 3,
        "scope": {"supplier_id": "SUP-02"},
        "scenario": {"supplier_delay_days": 14, "supplier_id": "SUP-02"},
        "delayed_purchase_orders": 1,
        "base": totals,
        "with_scenario": totals,
        "change": change,
        "most_affected": most,
        "notes": notes,
    }
    return Result("run_what_if", {}, json.dumps(data), data)


def test_a_moved_stockout_leads_the_answer() -> None:
    change = {"unmet_units_horizon": 0.0, "lost_margin_horizon": 0.0,
              "unmet_units_protection": 1403.4, "lost_margin_protection": 2806.8,
              "sku_locations_stockout_earlier": 1, "sku_locations_stockout_later": 0,
              "anything_changed": True}  # fmt: skip
    most = [{"sku": "SKU-0106", "location": "DC-SOUTH", "first_stockout_base": "2026-12-20",
             "first_stockout_scenario": "2026-11-29", "first_stockout_days_earlier": 21}]  # fmt: skip
    text = render_what_if_scope(_scope(change, most, ["moved"]))
    assert text.startswith("**1 SKU-location runs out earlier: SKU-0106 at DC-SOUTH")
    assert "on 2026-11-29 instead of 2026-12-20" in text
    assert "1,403.4" in text
    assert "No change" not in text


def test_nothing_moved_is_no_change_with_the_reason() -> None:
    change = {"unmet_units_horizon": 0.0, "lost_margin_horizon": 0.0, "anything_changed": False}
    text = render_what_if_scope(_scope(change, [], ["The scenario changes nothing: ..."]))
    assert text.startswith("**No change: The scenario changes nothing")
