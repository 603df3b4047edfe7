"""Lane questions in planners' words: lead times between two places, who feeds a store.

A time question whose only entities are two locations ("lead time north DC -> south DC?",
"how many days from the southern warehouse to Kingston") is the lane between them, read by the
table (not guessed by the fallback), whatever the order or the informal names. An id slot never
takes an id of another kind ("which dc supplies Riverside" is no item's suppliers).
"""

from __future__ import annotations

import pytest

from agents.offline import parse
from graph.service import Copilot
from tests.agents.conftest import ask
from tools.resolve import Resolver


def _lane(text: str, resolver: Resolver) -> dict[str, str]:
    intent, req = parse(text, (), resolver, None)
    step = intent.handler(req, [])
    assert isinstance(step, list) and [c.name for c in step] == ["get_lanes"], (text, step)
    return dict(step[0].args)


@pytest.mark.parametrize(
    ("text", "src", "dst"),
    [
        ("lead time north dc to south dc?", "DC-NORTH", "DC-SOUTH"),
        ("north DC -> south DC lead time", "DC-NORTH", "DC-SOUTH"),
        ("transfer time between the north dc and the southern warehouse", "DC-NORTH", "DC-SOUTH"),
        ("leadtime dc south to the northern warehouse", "DC-SOUTH", "DC-NORTH"),
        ("how many days from the south DC to Kingston", "DC-SOUTH", "S004"),
        ("transit time to union from the north dc", "DC-NORTH", "S003"),
        ("how long does a transfer from DC north to store 2 take?", "DC-NORTH", "S002"),
    ],
)
def test_a_time_question_between_two_places_is_their_lane(
    text: str, src: str, dst: str, resolver: Resolver
) -> None:
    assert _lane(text, resolver) == {"from_location": src, "to_location": dst}


@pytest.mark.parametrize(
    ("text", "dst"),
    [
        ("who replenishes store 2 and how long does it take?", "S002"),
        ("wich dc supplys Riverside", "S001"),
        ("what feeds kingston", "S004"),
    ],
)
def test_who_feeds_a_store_is_the_lanes_into_it(text: str, dst: str, resolver: Resolver) -> None:
    assert _lane(text, resolver) == {"to_location": dst}


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("how long will SKU-0012 last at S001?", "get_inventory"),
        ("who supplies SKU-0012", "get_supplier_status"),
        ("lead time of SUP-01", "get_supplier_status"),
    ],
)
def test_other_time_and_supply_questions_stay_theirs(
    text: str, tool: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver, None)
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].name == tool


def test_the_stores_a_dc_feeds(copilot: Copilot) -> None:
    [result] = ask(copilot, "which stores does DC-SOUTH feed?")
    assert "S003" in result.answer and "S004" in result.answer


@pytest.mark.parametrize(
    ("text", "src"),
    [
        ("what stores does DC-NORTH serve?", "DC-NORTH"),
        ("which shops are fed by the south DC", "DC-SOUTH"),
        ("stores that get supplied by DC-NORTH?", "DC-NORTH"),
        ("DC-SOUTH ships to which stores?", "DC-SOUTH"),
        ("which locations does the northern warehouse replenish", "DC-NORTH"),
    ],
)
def test_the_place_that_feeds_is_where_the_lanes_start(
    text: str, src: str, resolver: Resolver
) -> None:
    assert _lane(text, resolver) == {"from_location": src}


@pytest.mark.parametrize(
    "text", ["show exceptions for stores served by north DC", "stockouts at stores fed by DC-SOUTH"]
)
def test_a_list_scoped_to_a_dcs_stores_is_no_lane_question(text: str, resolver: Resolver) -> None:
    intent, req = parse(text, (), resolver, None)
    step = intent.handler(req, [])
    assert not (isinstance(step, list) and step and step[0].name == "get_lanes"), (text, step)
