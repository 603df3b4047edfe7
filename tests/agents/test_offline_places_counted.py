"""A count of places with an exception type is the number of distinct locations, said first.

"How many stores have stockouts?" asks how many places, not how many exceptions: the totals
are grouped by location with the type as a filter (`summarize_exceptions`), and the answer
leads with the number of locations of the kind asked for (stores, or every location), then
the exceptions they have between them. Figures are checked against the engine's own totals
(`insight.exception_totals`) on the seed-7 network; phrasings of our own, lower case, typos.
"""

from __future__ import annotations

import json
import re

import pytest

from agents.offline.messages import Result
from agents.offline.render import render_places_counted
from evals.faithfulness import unfaithful
from graph.service import Copilot
from tests.agents.conftest import ask
from tools import insight
from tools.resolve import Resolver


def _places(copilot: Copilot, resolver: Resolver, kind: str, group: str | None) -> tuple[int, int]:
    """The distinct locations with that exception type (of the group, if any) and their count."""
    data = insight.exception_totals(copilot.workspace, by="location", type=kind)

    def kept(key: str) -> bool:
        ent = resolver.get("location", key)
        return group is None or (ent is not None and ent.group == group)

    groups = [g for g in data["groups"] if kept(str(g["key"]))]
    return len(groups), sum(int(g["count"]) for g in groups)


@pytest.mark.parametrize(
    ("text", "kind", "group", "noun"),
    [
        ("how many stores have stockouts?", "stockout_risk", "store", "store"),
        ("in how many shops are we out of stock", "stockout_risk", "store", "store"),
        ("number of locations with overstock", "overstock", None, "location"),
        ("how many locatons have overstock?", "overstock", None, "location"),
        ("count of stores with stock-outs", "stockout_risk", "store", "store"),
    ],
)
def test_a_count_of_places_leads_with_the_distinct_locations(
    copilot: Copilot, resolver: Resolver, text: str, kind: str, group: str | None, noun: str
) -> None:
    (turn,) = ask(copilot, text)
    calls = [(c["name"], c["args"]) for c in turn.tool_calls]
    assert calls == [("summarize_exceptions", {"by": "location", "type": kind})], (text, calls)
    places, exceptions = _places(copilot, resolver, kind, group)
    assert places > 0
    lead = turn.answer.splitlines()[0]
    m = re.match(r"\*\*(\d+) (\w+?)s? ha(?:s|ve) ", lead)
    assert m is not None, (text, lead)
    assert (int(m.group(1)), m.group(2)) == (places, noun), (text, lead)
    assert f"{exceptions} exception" in lead, (text, lead)
    assert not turn.pending


def test_every_figure_of_a_places_count_is_in_the_tool_result(copilot: Copilot) -> None:
    (turn,) = ask(copilot, "overstock: how much cash is stuck and in how many places?")
    data = insight.exception_totals(copilot.workspace, by="location", type="overstock")
    assert (
        unfaithful(turn.answer, data, "overstock: how much cash is stuck and in how many places?")
        == []
    )


def test_a_subset_of_the_places_is_named_not_summed() -> None:
    data = {
        "by": "location",
        "filters": {"type": "stockout_risk"},
        "count": 7,
        "total_money_at_risk": 900.0,
        "group_count": 3,
        "groups": [
            {"key": "DC-NORTH", "count": 4, "money_at_risk": 600.0, "share": 0.6667},
            {"key": "S003", "count": 2, "money_at_risk": 200.0, "share": 0.2222},
            {"key": "S001", "count": 1, "money_at_risk": 100.0, "share": 0.1111},
        ],
    }
    result = Result("summarize_exceptions", {"by": "location"}, json.dumps(data), data)
    answer = render_places_counted(result, only=lambda key: key.startswith("S"), noun="store")
    assert "S003, S001" in answer.splitlines()[0] and "DC-NORTH" in answer.splitlines()[0]
    assert unfaithful(answer, data) == []
