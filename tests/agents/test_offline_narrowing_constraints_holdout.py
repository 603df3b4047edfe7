"""Held-out phrasings of narrowing a shared item name by the request's own constraints.

Written with `test_offline_narrowing_constraints.py` but run only once, after the change was
made; the ones it missed then are strict xfails (a fix that makes one pass must lift its mark).
Each case names one of the seed-7 twins by its shared description plus a supplier, a place
where only one twin is stocked, or a flagged exception at a place.
"""

from __future__ import annotations

import pytest

from agents.offline.messages import Step
from planning.network import NetworkData
from tests.agents.narrowing_twins import drive, promo_turn, twins_network
from tools.resolve import Resolver


@pytest.fixture(scope="module")
def data() -> NetworkData:
    return twins_network()


@pytest.fixture(scope="module")
def twins(data: NetworkData) -> Resolver:
    return Resolver.from_network(data)


def _took(step: Step, sku: str) -> bool:
    """Return True when the step acts on `sku` (its calls) or says it took it (the answer)."""
    if isinstance(step, str):
        return f"as {sku} (Classic" in step
    return bool(step) and all(c.args.get("sku", sku) == sku for c in step)


CASES = [
    ("how much are classic patio lanterns from Northwind per unit?", "SKU-0124"),
    ("put in a PO with GreenThumb: 90 classic patio lanterns to DC-NORTH", "SKU-0187"),
    ("can we get some classic body wash over to Kingston?", "SKU-0146"),
    ("classic patio lantern stock at Marion", "SKU-0124"),
    ("Sunrise Personal Care quote for 40 classic body wash?", "SKU-0146"),
    ("what's the lead time on classic body wash from Sunrise", "SKU-0146"),
]


@pytest.mark.parametrize(("text", "sku"), CASES)
def test_a_constraint_in_the_request_singles_out_the_twin(
    text: str, sku: str, twins: Resolver, data: NetworkData
) -> None:
    _, step = drive(text, twins, data)
    assert _took(step, sku), step


@pytest.mark.parametrize(
    "text",
    [
        "what about the classic patio lantern promo at Auburn, same thing",
        pytest.param(
            "ok now the Auburn patio lantern promo too",
            # read as a look-up of the promo (typed_exceptions), not the draft asked before
            marks=pytest.mark.xfail(strict=True, reason="not read as the previous draft"),
        ),
    ],
)
def test_a_follow_up_takes_the_twin_flagged_at_its_place(
    text: str, twins: Resolver, data: NetworkData
) -> None:
    first = "sort out the classic patio lantern promo at Princeton"
    earlier = promo_turn(first, "S013", "SKU-0124")
    flagged = {"S009": ["promo_uncovered:SKU-0187@S009", "overstock:SKU-0124@S009"]}
    _, step = drive(text, twins, data, flagged, earlier)
    assert isinstance(step, list) and [c.name for c in step] == ["draft_recommended_action"], step
    assert step[0].args["exception_id"] == "promo_uncovered:SKU-0187@S009"
