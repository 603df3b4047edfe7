"""What the cue families' look-ups answer with: a list says its own count and money, two
places compared name the one worse off, a supplier's owed orders are listed by document, and
a what-if said with a comparative runs with the size said."""

from __future__ import annotations

import json
import re

from agents.offline.messages import Result
from agents.offline.render import _render_exceptions
from graph.service import Copilot
from tests.agents.conftest import ask


def _page(total: int, shown: int, money: float, offset: int = 0) -> Result:
    items = [
        {
            "id": f"stockout_risk:SKU-{i:04d}@S001",
            "type": "stockout_risk",
            "sku": f"SKU-{i:04d}",
            "location": "S001",
            "priority": 1,
            "money_at_risk": 10.0,
            "detail": "short",
            "recommendation": {},
        }
        for i in range(1, shown + 1)
    ]
    data = {
        "total": total,
        "offset": offset,
        "returned": shown,
        "truncated": offset + shown < total,
        "total_money_at_risk": money,
        "items": items,
    }
    return Result("list_exceptions", {}, json.dumps(data), data)


def test_a_cut_list_says_how_many_it_shows_of_how_many_and_their_money() -> None:
    text = _render_exceptions(_page(37, 3, 12345.6), "Stockout risk exceptions")
    assert "showing 3 of 37 exceptions" in text and "12,345.60 at risk in all" in text


def test_a_whole_list_says_its_count_and_money() -> None:
    text = _render_exceptions(_page(2, 2, 20.0), "Overstock exceptions")
    assert "2 exceptions, 20.00 at risk in all" in text and "showing" not in text


def test_a_later_page_says_where_it_starts() -> None:
    text = _render_exceptions(_page(37, 3, 99.0, offset=10), "Today's exceptions")
    assert "showing 3 after the first 10 of 37 exceptions" in text


def test_a_type_list_in_the_graph_states_the_lists_total(copilot: Copilot) -> None:
    (result,) = ask(copilot, "overstock list")
    assert result.tool_calls[0]["name"] == "list_exceptions"
    assert re.search(r"\d+ exceptions?, [\d,]+\.\d\d at risk in all|showing \d+ of", result.answer)


def test_two_places_side_by_side_name_both_and_the_worse_one(copilot: Copilot) -> None:
    (result,) = ask(copilot, "S002 against S004: whose exception bill is heavier?")
    call = result.tool_calls[0]
    assert call["name"] == "summarize_exceptions" and call["args"].get("by") == "location"
    assert "S002" in result.answer and "S004" in result.answer
    assert re.search(r"\*\*S00[24] (?:has more|and S00[24] have as much)", result.answer)


def test_a_count_of_a_type_leads_with_the_number(copilot: Copilot) -> None:
    (result,) = ask(copilot, "tally the overstock warnings and what they cost us")
    call = result.tool_calls[0]
    assert call["name"] == "summarize_exceptions" and call["args"].get("type") == "overstock"


def test_what_a_supplier_still_owes_is_listed_by_document(copilot: Copilot) -> None:
    (result,) = ask(copilot, "which orders does Northwind still owe us? all of them")
    call = result.tool_calls[0]
    assert call == {"name": "get_open_supply", "args": {"supplier_id": "SUP-02"}}
    assert "get_supplier_status" not in [c["name"] for c in result.tool_calls]


def test_late_orders_of_a_supplier_listed_in_full_are_its_open_supply(copilot: Copilot) -> None:
    (result,) = ask(copilot, "is any PO Acme still owes us overdue? give me every line")
    assert result.tool_calls[0] == {"name": "get_open_supply", "args": {"supplier_id": "SUP-01"}}


def test_what_the_plan_wants_from_a_supplier_is_its_order_list(copilot: Copilot) -> None:
    (result,) = ask(copilot, "is the plan asking for anything from Pacific Rim? if not, why not")
    assert result.tool_calls[0] == {
        "name": "get_supplier_overview",
        "args": {"supplier_id": "SUP-05"},
    }


def test_a_comparative_what_if_runs_with_the_size_said(copilot: Copilot) -> None:
    (result,) = ask(copilot, "if S003 is 30% busier than the plan, where do we run short?")
    call = result.tool_calls[0]
    assert call["name"] == "run_what_if" and call["args"].get("location") == "S003"
    assert abs(call["args"]["demand_factor"] - 1.3) < 1e-6
    assert not result.pending


def test_open_orders_of_a_supplier_asked_if_late_are_its_open_supply(copilot: Copilot) -> None:
    (result,) = ask(copilot, "are any of Metro's outstanding POs running late?")
    assert result.tool_calls[0] == {"name": "get_open_supply", "args": {"supplier_id": "SUP-10"}}


def test_who_else_to_buy_from_is_asked_not_drafted(copilot: Copilot) -> None:
    (result,) = ask(copilot, "we need to buy SKU-0005 from somebody else, who?")
    assert result.tool_calls[0] == {"name": "get_supplier_status", "args": {"sku": "SKU-0005"}}
    assert not result.pending and "Shall I" not in result.answer
