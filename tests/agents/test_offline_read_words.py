"""Read questions in a planner's own words reach the look-up that answers them.

Each class is checked with several phrasings of our own (typos, lowercase ids, names) on the
demo network (seed 7): money riding on a type, the kinds of exceptions in a scope, a DC's
stores named by what it does for them, where most of an item sits, what's the deal with an
item at a place, lists worth acting on, an order owed to a supplier, supply due over the coming
week, a change by a share in words, a promotion given as a start and a length, a scope what-if
asked without "what if", and playbook questions asked as who does what, a floor "below which"
or a limit checked again. The answers lead with what was asked: a count first, the largest
item when asked, a single supplier's terms and an item's quickest supplier.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from agents.offline import parse
from agents.offline.messages import Call, Result
from agents.offline.parsing import _normalise, _scenario_args, promo_window, window_days
from agents.offline.render import (
    _best_sentence,
    _render_suppliers,
    render_item,
    render_supplier_late,
    render_totals,
)
from erp.demo import generate_demo
from tests.agents.conftest import turn
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=AS_OF)
    return Resolver.from_network(demo.data)


def calls(text: str, resolver: Resolver) -> tuple[str, list[Call]]:
    """Return the intent and the first tool calls the model makes for a request."""
    intent, req = parse(text, [], resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step, (intent.name, step)
    return intent.name, step


def result(call: Call, data: Any) -> Result:
    return Result(call.name, call.args, json.dumps(data), data)


# -- totals in everyday words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "overdue POs: how much margin in total is riding on them?",
        "stockouts - what's the total margin on the line",
        "how much value is at stake on the late purchase orders",
    ],
)
def test_money_riding_on_a_type_is_its_total(text: str, resolver: Resolver) -> None:
    _, step = calls(text, resolver)
    assert step[0].name == "summarize_exceptions"
    assert step[0].args.get("type") in ("late_po", "stockout_risk")


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("garden: what sort of exceptions have we got?", ("category", "Garden")),
        ("what kinds of issues are open at kingston", ("location", "S004")),
        ("which types of flags are there at s2?", ("location", "S002")),
        ("exception mix for the pet category please", ("category", "Pet")),
    ],
)
def test_the_kinds_of_exceptions_in_a_scope_are_its_totals_by_type(
    text: str, scope: tuple[str, str], resolver: Resolver
) -> None:
    _, step = calls(text, resolver)
    assert step[0].name == "summarize_exceptions"
    assert step[0].args["by"] == "type"
    assert step[0].args.get(scope[0]) == scope[1]


@pytest.mark.parametrize(
    ("text", "dc"),
    [
        ("total money at risk for the stores fed by the north DC", "DC-NORTH"),
        ("how much is at risk across the shops served from DC-SOUTH?", "DC-SOUTH"),
        ("exposure at the stores supplied by the south dc", "DC-SOUTH"),
        ("money at risk at the DC-NORTH's stores", "DC-NORTH"),
        ("how much is at risk at the stores the north DC replenishes", "DC-NORTH"),
    ],
)
def test_a_dcs_stores_named_by_what_it_does_for_them(
    text: str, dc: str, resolver: Resolver
) -> None:
    _, step = calls(text, resolver)
    assert step[0].name == "summarize_exceptions"
    assert step[0].args.get("served_by") == dc
    assert "location" not in step[0].args


@pytest.mark.parametrize(
    "text",
    [
        "how many stockouts are open and which one is the biggest?",
        "count the late POs - which is the largest?",
        "how many forecast bias flags, and the worst one?",
    ],
)
def test_a_count_that_asks_for_its_largest_item_also_lists_the_top(
    text: str, resolver: Resolver
) -> None:
    _, step = calls(text, resolver)
    assert [c.name for c in step] == ["summarize_exceptions", "list_exceptions"]
    summary, listed = step
    assert listed.args["type"] == summary.args["type"]


def test_the_largest_item_is_named_after_the_count(resolver: Resolver) -> None:
    text = "how many stockouts are open and which one is the biggest?"
    intent, req = parse(text, [], resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list)
    summary = {
        "by": "type",
        "filters": {"type": "stockout_risk"},
        "count": 4,
        "total_money_at_risk": 321.5,
        "groups": [{"key": "stockout_risk", "count": 4, "money_at_risk": 321.5}],
    }
    page = {
        "items": [
            {
                "id": "stockout_risk:SKU-0012@S003",
                "sku": "SKU-0012",
                "location": "S003",
                "priority": 1,
                "money_at_risk": 200.25,
                "detail": "Runs out in 2 days.",
            }
        ]
    }
    answer = intent.handler(req, [result(step[0], summary), result(step[1], page)])
    assert isinstance(answer, str)
    assert answer.startswith("**4 open** — 4 exceptions")
    assert "**The largest is stockout_risk:SKU-0012@S003**" in answer
    assert "200.25" in answer


def test_a_count_leads_with_the_number_and_what_it_counts() -> None:
    data = {
        "by": "type",
        "filters": {"priority": 1},
        "count": 9,
        "total_money_at_risk": 1000.0,
        "groups": [{"key": "late_po", "count": 9, "money_at_risk": 1000.0}],
    }
    text = render_totals(Result("summarize_exceptions", {}, "", data), count_first=True)
    assert text.startswith("**9 open** — 9 exceptions (P1 or more urgent), with 1,000.00 at risk.")


# -- places, items and lists --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "where's most of the ultra hoodie stock",
        "where is the bulk of SKU-0010 sitting?",
        "where's the lion's share of sku 12",
    ],
)
def test_where_most_of_an_item_sits_is_the_network_view(text: str, resolver: Resolver) -> None:
    _, step = calls(text, resolver)
    assert step[0].name == "get_network_position"


@pytest.mark.parametrize(
    "text",
    [
        "whats the deal w/ sku 12 at union",
        "what's the story with SKU-0012 at S003?",
        "what is the situation with sku-0012 in union",
        "what's happening with SKU-0012 at s3",
    ],
)
def test_the_deal_with_an_item_at_a_place_explains_it(text: str, resolver: Resolver) -> None:
    name, step = calls(text, resolver)
    assert name == "explain_item"
    assert step[0].name == "list_exceptions"
    assert step[0].args == {"top": 10, "location": "S003", "sku": "SKU-0012"}


@pytest.mark.parametrize(
    "text",
    [
        "what's up with the plush bear at kingston",
        "whats the deal with organic plush bear at S004",
        "what's up with the peanut butter at kingston",
    ],
)
def test_a_shared_item_name_in_trouble_words_is_narrowed_by_the_place(
    text: str, resolver: Resolver
) -> None:
    name, step = calls(text, resolver)
    assert name == "narrow"
    assert step[0].name == "list_exceptions" and step[0].args["location"] == "S004"


@pytest.mark.parametrize(
    "text",
    [
        "anything at s4 worth acting on?",
        "what needs action at monroe",
        "is anything actionable in DC-NORTH today",
    ],
)
def test_worth_acting_on_lists_the_places_exceptions(text: str, resolver: Resolver) -> None:
    _, step = calls(text, resolver)
    assert step[0].name == "list_exceptions"
    assert step[0].args.get("location") in ("S004", "S002", "DC-NORTH")


# -- suppliers and supply -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "voltix - do we owe them an order this week?",
        "do we owe Harbor any PO?",
        "is a purchase order due to metro distributors?",
    ],
)
def test_an_order_owed_to_a_supplier_is_its_overview(text: str, resolver: Resolver) -> None:
    _, step = calls(text, resolver)
    assert step[0].name == "get_supplier_overview"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("how many supply lines land over the coming week?", 7),
        ("deliveries due in the week ahead", 7),
        ("what arrives at S003 in the upcoming week", 7),
        ("inbound over the coming month", 28),
    ],
)
def test_supply_over_the_coming_week(text: str, days: int, resolver: Resolver) -> None:
    assert window_days(text) == days
    _, step = calls(text, resolver)
    assert step[0].name == "get_open_supply"
    assert step[0].args.get("within_days") == days


def test_a_single_supplier_leads_with_its_terms_in_words() -> None:
    row = {
        "supplier_id": "SUP-10",
        "name": "Metro Distributors",
        "lead_time_days": 6,
        "lead_time_std_days": 0.5,
        "on_time_rate": 0.92,
        "open_po_lines": 0,
        "open_po_units": 0,
        "late_po_lines": 0,
    }
    text = _render_suppliers(Result("get_supplier_status", {}, "", [row]))
    assert text.startswith("**SUP-10 (Metro Distributors): lead time 6 days")
    assert "92% of deliveries on time" in text
    assert "no open purchase order lines" in text
    busy = {**row, "open_po_lines": 3, "open_po_units": 120, "late_po_lines": 1}
    text = _render_suppliers(Result("get_supplier_status", {}, "", [busy]))
    assert "3 open purchase order lines (120 units), 1 of them late" in text


def test_an_item_names_its_quickest_supplier() -> None:
    item = {
        "sku": "SKU-0020",
        "description": "Premium Tomato Sauce",
        "category": "Grocery",
        "unit_cost": 1.5,
        "unit_price": 3.0,
        "case_pack": 12,
        "suppliers": [
            {"supplier_id": "SUP-01", "supplier_name": "Acme", "primary": True,
             "lead_time_days": 14, "lead_time_source": "supplier default", "moq": 100},
            {"supplier_id": "SUP-09", "supplier_name": "Harbor", "primary": False,
             "lead_time_days": 4, "lead_time_source": "item", "moq": 6},
        ],
    }  # fmt: skip
    text = render_item(Result("get_item", {}, "", item))
    assert "Quickest supplier: SUP-09 (Harbor), lead time 4 days." in text


# -- what-ifs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "factor"),
    [
        ("grocery demand up a quarter - what gets hit?", 1.25),
        ("toys sales drop a fifth, anything run short?", 0.8),
        ("if pet demand rises a third what breaks", 1.33),
        ("apparel down a tenth: impact?", 0.9),
    ],
)
def test_a_change_by_a_share_in_words(text: str, factor: float, resolver: Resolver) -> None:
    assert _scenario_args(_normalise(text)).get("demand_factor") == factor
    _, step = calls(text, resolver)
    assert step[0].name == "run_what_if"
    assert step[0].args["demand_factor"] == factor
    assert "category" in step[0].args


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("kingston sales drop 20%: does anything run out sooner?", {"location": "S004"}),
        ("union demand up 15% - would we run short anywhere?", {"location": "S003"}),
        ("sales at s1 fall 10%, does it change anything", {"location": "S001"}),
    ],
)
def test_a_scope_demand_change_asked_without_what_if(
    text: str, where: dict[str, str], resolver: Resolver
) -> None:
    _, step = calls(text, resolver)
    assert step[0].name == "run_what_if"
    assert {k: step[0].args.get(k) for k in where} == where


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("a 7-day promo on SKU-0012 at S003 from 2026-07-10, uplift 1.5", ("2026-07-10", "2026-07-16")),
        ("promo on sku 12 at union starting 10 jul for 2 weeks at 2x", ("2026-07-10", "2026-07-23")),
        ("what if we run a 5 day promotion beginning on the 3rd of august on SKU-0012 at S003",
         ("2026-08-03", "2026-08-07")),
    ],
)  # fmt: skip
def test_a_promotion_given_as_a_start_and_a_length(
    text: str, window: tuple[str, str], resolver: Resolver
) -> None:
    found = promo_window(_normalise(text), AS_OF)
    assert found is not None and (found[0].isoformat(), found[1].isoformat()) == window
    _, step = calls(text, resolver)
    assert step[0].name == "run_what_if"
    assert (step[0].args["promo_start"], step[0].args["promo_end"]) == window
    assert "promo_factor" not in step[0].args


# -- the playbook -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "is there a minimum value below which we don't bother with a transfer?",
        "any smallest order size we won't place?",
        "is there a value under which we skip moving stock",
        "an order's 3 working days late - who should be chasing the vendor?",
        "PO still not here after a week, who do we call?",
        "whose job is it to count a phantom item?",
        "when an approver edits a PO qty, is it re-checked against their limit?",
    ],
)
def test_playbook_questions_in_everyday_words(text: str, resolver: Resolver) -> None:
    _, step = calls(text, resolver)
    assert step[0].name == "search_policies"


@pytest.mark.parametrize(
    "text",
    [
        "store shows -4 on hand for an item. what's the process?",
        "an item reads minus 3 in stock - what's the procedure?",
    ],
)
def test_a_stock_figure_below_zero_searches_negative_stock(text: str, resolver: Resolver) -> None:
    _, step = calls(text, resolver)
    assert step[0].name == "search_policies"
    assert "negative on hand" in step[0].args["query"]


def test_the_row_of_the_stage_asked_answers_a_who_question() -> None:
    ladder = {
        "citation": "Escalation v1, §3",
        "section": "Escalation ladder",
        "text": (
            "Count working days from the day the order first shows as late.\n\n"
            "| Step | When | Who | Action |\n|---|---|---|---|\n"
            "| 1 | day 0–1 | planner | contact the supplier |\n"
            "| 2 | day 3 | buyer | escalate in writing |\n"
            "| 3 | day 6 | Category Lead | call the supplier's management |\n"
        ),
    }
    best, _ = _best_sentence("it's been late 6 working days, who calls the supplier?", [ladder])
    assert "Category Lead" in best


# -- a supplier's late orders, the thread's supplier and region, item names with typos -----------


def test_a_suppliers_late_orders_say_how_late_each_is() -> None:
    row = {
        "supplier_id": "SUP-06",
        "name": "Voltix Electronics",
        "open_po_lines": 4,
        "late_pos": [
            {"po_id": "PO-000777", "sku": "SKU-0006", "location": "DC-NORTH", "qty": 60,
             "expected_date": "2026-06-26", "days_late": 4},
            {"po_id": "PO-000701", "sku": "SKU-0009", "location": "DC-SOUTH", "qty": 30,
             "expected_date": "2026-06-18", "days_late": 12},
        ],
    }  # fmt: skip
    text = render_supplier_late(Result("get_supplier_status", {}, "", [row]))
    assert text.startswith("**2 late purchase orders from SUP-06 (Voltix Electronics)**")
    assert text.index("PO-000701") < text.index("PO-000777")  # the oldest first
    assert "12 days late" in text and "4 days late" in text
    none = {**row, "late_pos": []}
    text = render_supplier_late(Result("get_supplier_status", {}, "", [none]))
    assert text.startswith("**No purchase order from SUP-06 (Voltix Electronics) is late**")


@pytest.mark.parametrize(
    "text",
    [
        "which of their POs is behind?",
        "any of their orders running behind",
        "the older one, how many days overdue is it",
        "how late is it?",
    ],
)
def test_the_threads_supplier_late_orders(text: str, resolver: Resolver) -> None:
    earlier = turn("supplier status voltix", "get_supplier_status", {"supplier_id": "SUP-06"}, [])
    intent, req = parse(text, earlier, resolver, as_of=AS_OF)
    assert intent.name == "late_pos"
    assert intent.handler(req, []) == [Call("get_supplier_status", {"supplier_id": "SUP-06"})]


@pytest.mark.parametrize(
    ("follow_up", "dc"),
    [
        ("and just for the stores north DC supplies?", "DC-NORTH"),
        ("and only the shops the south dc feeds", "DC-SOUTH"),
        ("what about the stores served by DC-SOUTH?", "DC-SOUTH"),
    ],
)
def test_a_total_narrowed_to_a_dcs_stores_in_a_follow_up(
    follow_up: str, dc: str, resolver: Resolver
) -> None:
    earlier = turn(
        "money at risk per category", "summarize_exceptions", {"by": "category"}, {"groups": []}
    )
    intent, req = parse(follow_up, earlier, resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list)
    assert step[0].name == "summarize_exceptions"
    assert step[0].args == {"by": "category", "served_by": dc}


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("how's stok of ecco hdmi cabel at union", "SKU-0012"),
        ("stock of premum tomatoe sauce at S003", "SKU-0020"),
        ("is there any organc basmatti rice at kingston", "SKU-0001"),
    ],
)
def test_an_item_name_with_several_typos(text: str, sku: str, resolver: Resolver) -> None:
    _, step = calls(text, resolver)
    assert step[0].name == "get_inventory"
    assert step[0].args.get("sku") == sku
