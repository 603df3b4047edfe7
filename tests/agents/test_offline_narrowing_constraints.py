"""A shared item name is narrowed by every constraint the request carries before asking.

On the seed-7 demo network two items are "Classic Patio Lantern" and two "Classic Body Wash"
(`tests.agents.narrowing_twins`). A supplier named ("from GreenThumb") keeps the twins bought
from it, a place named keeps the ones stocked there, a flagged exception at the place keeps the
one flagged there; only when more than one is left is the planner asked which. A follow-up
"and the same for the lantern promo at Auburn" takes the one flagged at Auburn, not the
previous turn's item.
"""

from __future__ import annotations

import pytest

from planning.network import NetworkData
from tests.agents.narrowing_twins import drive, promo_turn, twins_network
from tools.resolve import Resolver


@pytest.fixture(scope="module")
def data() -> NetworkData:
    return twins_network()


@pytest.fixture(scope="module")
def twins(data: NetworkData) -> Resolver:
    return Resolver.from_network(data)


def test_the_twins_are_in_the_data(data: NetworkData) -> None:
    items = data.items.set_index("sku")["description"]
    assert items["SKU-0124"] == items["SKU-0187"] == "Classic Patio Lantern"
    assert items["SKU-0146"] == items["SKU-0234"] == "Classic Body Wash"


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("what would 120 classic patio lanterns from GreenThumb cost?", "SKU-0187"),
        ("unit cost of the classic patio lantern from Northwind?", "SKU-0124"),
        ("classic body wash from Sunrise: what's the MOQ", "SKU-0146"),
    ],
)
def test_a_named_supplier_keeps_the_twin_bought_from_it(
    text: str, sku: str, twins: Resolver, data: NetworkData
) -> None:
    name, answer = drive(text, twins, data)
    assert name == "narrow" and isinstance(answer, str), answer
    assert f"as {sku} (Classic" in answer and "the one of that name bought from" in answer


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("raise a PO to Sunrise for 200 classic body wash into DC-NORTH", "SKU-0146"),
        ("order 60 classic patio lanterns from GreenThumb for DC-SOUTH", "SKU-0187"),
    ],
)
def test_a_draft_to_a_named_supplier_drafts_that_twin(
    text: str, sku: str, twins: Resolver, data: NetworkData
) -> None:
    _, step = drive(text, twins, data)
    assert isinstance(step, list), step
    drafts = [c for c in step if c.name.startswith("draft_")]
    assert drafts and all(c.args.get("sku") == sku for c in drafts), step


def test_a_supplier_both_buy_from_is_asked(twins: Resolver, data: NetworkData) -> None:
    _, answer = drive("price 50 classic body wash from Metro", twins, data)
    assert isinstance(answer, str) and answer.startswith("Which item do you mean")
    assert "SKU-0146" in answer and "SKU-0234" in answer


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("should we push classic body wash into Kingston?", "SKU-0146"),
        ("how many classic patio lanterns does Marion have?", "SKU-0124"),
    ],
)
def test_a_place_only_one_twin_is_stocked_at_keeps_that_one(
    text: str, sku: str, twins: Resolver, data: NetworkData
) -> None:
    name, step = drive(text, twins, data)
    assert name == "narrow"
    if isinstance(step, str):
        assert f"as {sku} (Classic" in step and "stocked at" in step, step
    else:
        assert all(c.args.get("sku") == sku for c in step if "sku" in c.args), step


def test_a_place_both_are_stocked_at_is_asked(twins: Resolver, data: NetworkData) -> None:
    _, answer = drive("how much classic body wash at Monroe?", twins, data)
    assert isinstance(answer, str) and "these are stocked at S002" in answer


def test_no_constraint_is_asked_at_once(twins: Resolver) -> None:
    from agents.offline import parse

    assert parse("what does classic body wash cost?", (), twins, None)[0].name == "ambiguous"


@pytest.mark.parametrize(
    "text",
    [
        "and the same for the classic patio lantern promo at Auburn",
        "same for the patio lantern promo at Auburn please",
    ],
)
def test_a_follow_up_at_another_place_takes_the_twin_flagged_there(
    text: str, twins: Resolver, data: NetworkData
) -> None:
    first = "do the recommended move for the classic patio lantern promo at Princeton"
    earlier = promo_turn(first, "S013", "SKU-0124")
    flagged = {"S009": ["promo_uncovered:SKU-0187@S009", "overstock:SKU-0124@S009"]}
    name, step = drive(text, twins, data, flagged, earlier)
    assert name == "narrow" and isinstance(step, list), step
    assert [c.name for c in step] == ["draft_recommended_action"], step
    assert step[0].args["exception_id"] == "promo_uncovered:SKU-0187@S009"
