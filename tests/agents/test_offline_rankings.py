"""Rankings and shares of the money at risk answered, not listed.

"Top 3 stores by money at risk", "which 5 stores are losing the most to stockouts", "worst DCs
for overstock", "which category has the most at risk", "rank suppliers by late POs" and "what
share of the risk is in S004" want a ranking (or one share) led with, not the exception list.
Each is asked through the real graph on the seed-7 network, in several phrasings (typos, ids in
lower case, aliases), and checked against the tools' own figures (`exception_totals`, the
supplier status): the order, the count asked for, the kind of place, the measure, and a word
when fewer groups exist than were asked for. Reads only: nothing is ever pending.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask
from tools import insight


def _one(copilot: Copilot, text: str) -> Any:
    (turn,) = ask(copilot, text)
    assert not turn.pending, (text, turn.pending)
    return turn


def _names(turn: Any) -> list[str]:
    return [c["name"] for c in turn.tool_calls]


def _lead(turn: Any) -> str:
    """The answer's first line, after the note of how an alias was read ("_Read as S004_")."""
    lines = [line for line in turn.answer.splitlines() if line.strip()]
    return next(line for line in lines if not line.startswith("_Read as"))


def _table_keys(answer: str) -> list[str]:
    """Return the first cell of each row of the answer's table (the ids before any name)."""
    rows = [line for line in answer.splitlines() if line.startswith("| ")][1:]
    return [row.split("|")[1].strip().split(" ")[0] for row in rows]


def _ranked(copilot: Copilot, kind: str, **filters: Any) -> list[dict[str, Any]]:
    """The tool's groups by location kept to stores or DCs, largest money at risk first."""
    ws = copilot.workspace
    data = insight.exception_totals(ws, by="location", **filters)
    kinds = {str(r.location_id): str(r.type) for r in ws.plans.entities().locations.itertuples()}
    return [g for g in data["groups"] if kinds.get(str(g["key"])) == kind]


TOP_STORES = [
    "top 3 stores by money at risk",
    "Top three stors by $ at risk?",
    "which 3 shops are losing us the most money",
    "the 3 stores with the most at risk",
    "rank the stores by exposure, top 3",
    "hey, 3 worst stores by money at risk please",
]


@pytest.mark.parametrize("text", TOP_STORES)
def test_top_stores_lead_with_the_ranking_of_stores(copilot: Copilot, text: str) -> None:
    turn = _one(copilot, text)
    assert _names(turn) == ["summarize_exceptions"], (text, turn.tool_calls)
    assert turn.tool_calls[0]["args"]["by"] == "location"
    expected = [str(g["key"]) for g in _ranked(copilot, "store")][:3]
    lead = _lead(turn)
    assert lead.startswith("**Top 3 stores by money at risk"), (text, lead)
    assert [k for k in expected if k in lead] == expected
    assert [lead.index(k) for k in expected] == sorted(lead.index(k) for k in expected)
    assert _table_keys(turn.answer) == expected
    assert "DC-" not in turn.answer


@pytest.mark.parametrize(
    "text",
    [
        "which 5 stores are losing the most to stockouts",
        "top 5 stores for stock-outs by money",
        "5 worst stores for stockouts?",
    ],
)
def test_fewer_stores_than_asked_are_said_to_be_fewer(copilot: Copilot, text: str) -> None:
    turn = _one(copilot, text)
    assert turn.tool_calls[0]["args"] == {"by": "location", "type": "stockout_risk"}, text
    expected = [str(g["key"]) for g in _ranked(copilot, "store", type="stockout_risk")]
    assert 0 < len(expected) < 5
    assert _table_keys(turn.answer) == expected
    assert "fewer stores than the 5 asked for" in turn.answer
    others = {"S001", "S002", "S003", "S004"} - set(expected)
    assert all(s in turn.answer for s in others)


@pytest.mark.parametrize(
    "text",
    [
        "worst DCs for overstock",
        "which warehouses are worst for overstock?",
        "rank dcs by overstock",
    ],
)
def test_worst_dcs_rank_dcs_only(copilot: Copilot, text: str) -> None:
    turn = _one(copilot, text)
    assert turn.tool_calls[0]["args"] == {"by": "location", "type": "overstock"}, text
    expected = [str(g["key"]) for g in _ranked(copilot, "dc", type="overstock")]
    assert expected and _table_keys(turn.answer) == expected
    assert expected[0] in _lead(turn)
    assert not any(s in _lead(turn) for s in ("S001", "S002", "S003", "S004"))


@pytest.mark.parametrize(
    ("text", "by", "noun"),
    [
        ("which category has the most at risk", "category", "category"),
        ("what category is the most exposed money-wise?", "category", "category"),
        ("which catagory has the biggest exposure", "category", "category"),
        ("which SKU is the single biggest risk", "sku", "SKU"),
        ("which item has the most money at risk?", "sku", "SKU"),
    ],
)
def test_the_single_largest_group_is_the_answer(
    copilot: Copilot, text: str, by: str, noun: str
) -> None:
    turn = _one(copilot, text)
    assert turn.tool_calls[0]["args"]["by"] == by, text
    top = insight.exception_totals(copilot.workspace, by=by)["groups"][0]
    assert _lead(turn).startswith(f"**The {noun} with the most at risk is {top['key']}"), (
        text,
        _lead(turn),
    )
    assert f"{top['money_at_risk']:,.2f}" in _lead(turn)


@pytest.mark.parametrize(
    "text",
    [
        "rank suppliers by late POs",
        "which vendor has the most overdue POs?",
        "suppliers ranked by late purchase orders",
        "rank supplers by late orders",
    ],
)
def test_suppliers_rank_by_their_late_po_lines(copilot: Copilot, text: str) -> None:
    turn = _one(copilot, text)
    assert _names(turn) == ["get_supplier_status"], (text, turn.tool_calls)
    rows = copilot.workspace.queries.supplier_status()
    most = max(r["late_po_lines"] for r in rows)
    assert most > 0
    leaders = [r["supplier_id"] for r in rows if r["late_po_lines"] == most]
    assert all(s in _lead(turn) for s in leaders), (text, _lead(turn))
    on_time = [r["supplier_id"] for r in rows if r["late_po_lines"] == 0]
    assert not any(s in _lead(turn) for s in on_time)


def test_suppliers_rank_by_money_without_the_unassigned_group(copilot: Copilot) -> None:
    turn = _one(copilot, "rank suppliers by money at risk")
    assert turn.tool_calls[0]["args"] == {"by": "supplier"}
    groups = insight.exception_totals(copilot.workspace, by="supplier")["groups"]
    named = [str(g["key"]) for g in groups if str(g["key"]).startswith("SUP")]
    assert _table_keys(turn.answer) == named
    assert _lead(turn).startswith(f"**Suppliers by money at risk: {named[0]}")
    assert "(no supplier)" not in _lead(turn)


def test_a_ranking_by_count_orders_by_the_number_of_exceptions(copilot: Copilot) -> None:
    turn = _one(copilot, "rank the categories by number of exceptions")
    groups = insight.exception_totals(copilot.workspace, by="category")["groups"]
    counts = {str(g["key"]): g["count"] for g in groups}
    keys = _table_keys(turn.answer)
    assert sorted(keys) == sorted(counts)
    assert [counts[k] for k in keys] == sorted(counts.values(), reverse=True)
    assert _lead(turn).startswith("**Categories by number of exceptions")


@pytest.mark.parametrize(
    "text",
    [
        "biggest stockout risks by store",
        "top stock-out risk per store",
        "stockouts ranked by store",
    ],
)
def test_a_type_ranked_by_store(copilot: Copilot, text: str) -> None:
    turn = _one(copilot, text)
    assert turn.tool_calls[0]["args"] == {"by": "location", "type": "stockout_risk"}, text
    expected = [str(g["key"]) for g in _ranked(copilot, "store", type="stockout_risk")]
    assert _table_keys(turn.answer) == expected
    assert expected[0] in _lead(turn)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("what share of the risk is in S004", "S004"),
        ("what % of the money at risk sits at store 4?", "S004"),
        ("how much of our exposure is at kingston", "S004"),
        ("what portion of the risk is s003's", "S003"),
        ("how much of the total risk is Grocery?", "Grocery"),
    ],
)
def test_a_share_of_the_risk_is_one_figure(copilot: Copilot, text: str, key: str) -> None:
    turn = _one(copilot, text)
    assert _names(turn) == ["summarize_exceptions"], (text, turn.tool_calls)
    data = insight.exception_totals(copilot.workspace, by=turn.tool_calls[0]["args"]["by"])
    group = next(g for g in data["groups"] if g["key"] == key)
    lead = _lead(turn)
    assert lead.startswith(f"**{key}"), (text, lead)
    assert f"{group['money_at_risk']:,.2f}" in lead
    assert f"{data['total_money_at_risk']:,.2f}" in lead
    assert f"{group['share']:.1%}" in lead


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("top 5 exceptions", "list_exceptions"),
        ("top 5 exceptions at S003", "list_exceptions"),
        ("which store holds the most of SKU-0020", "get_network_position"),
        ("total money at risk by location", "summarize_exceptions"),
    ],
)
def test_lists_and_stock_questions_keep_their_reading(
    copilot: Copilot, text: str, tool: str
) -> None:
    turn = _one(copilot, text)
    assert _names(turn)[0] == tool, (text, turn.tool_calls)
    assert "Top 5 stores" not in turn.answer


@pytest.mark.parametrize(
    "text",
    [
        "which store has the least money at risk?",
        "best performing stores",
        "which shop is least exposed",
    ],
)
def test_the_least_at_risk_leads_with_the_stores_with_nothing_at_risk(
    copilot: Copilot, text: str
) -> None:
    turn = _one(copilot, text)
    assert turn.tool_calls[0]["args"]["by"] == "location", text
    ranked = [str(g["key"]) for g in _ranked(copilot, "store")]
    clean = sorted({"S001", "S002", "S003", "S004"} - set(ranked))
    lead = _lead(turn)
    if clean:
        assert lead.startswith(f"**{clean[0]}") and "no exceptions" in lead, (text, lead)
    else:
        assert ranked[-1] in lead, (text, lead)
    assert ranked[0] not in lead


def test_where_most_of_a_type_sits_is_the_location_with_the_most(copilot: Copilot) -> None:
    turn = _one(copilot, "where is most of the overstock?")
    assert turn.tool_calls[0]["args"] == {"by": "location", "type": "overstock"}
    top = insight.exception_totals(copilot.workspace, by="location", type="overstock")["groups"]
    assert _lead(turn).startswith(
        f"**The location with the most at risk (overstock) is {top[0]['key']}"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what percentage of the exceptions are stockouts", "stockout_risk"),
        ("how much of the risk is overstock?", "overstock"),
        ("what share of the money at risk is late POs", "late_po"),
    ],
)
def test_a_types_share_of_the_risk(copilot: Copilot, text: str, kind: str) -> None:
    turn = _one(copilot, text)
    assert turn.tool_calls[0]["args"] == {"by": "type"}, text
    data = insight.exception_totals(copilot.workspace, by="type")
    group = next(g for g in data["groups"] if g["key"] == kind)
    assert f"{group['money_at_risk']:,.2f} of the {data['total_money_at_risk']:,.2f}" in _lead(turn)
    assert f"{group['share']:.1%}" in _lead(turn)


@pytest.mark.parametrize(
    "text", ["which region has the most at risk", "rank the regions by money at risk"]
)
def test_regions_are_ranked_by_each_dcs_stores(copilot: Copilot, text: str) -> None:
    turn = _one(copilot, text)
    assert [c["args"].get("served_by") for c in turn.tool_calls] == ["DC-NORTH", "DC-SOUTH"]
    ws = copilot.workspace
    totals = {
        dc: insight.exception_totals(ws, by="type", locations=insight.stores_fed_by(ws, dc))[
            "total_money_at_risk"
        ]
        for dc in ("DC-NORTH", "DC-SOUTH")
    }
    most = max(totals, key=lambda dc: totals[dc])
    assert _lead(turn).startswith(f"**{most}'s stores have more money at risk"), _lead(turn)


@pytest.mark.parametrize(
    "text",
    [
        "what share of the risk is at S003 and S002?",
        "what share of the stockout risk is in S003 and S002",
    ],
)
def test_a_share_of_two_places_names_both(copilot: Copilot, text: str) -> None:
    result = _one(copilot, text)
    assert "S003" in result.answer and "S002" in result.answer
