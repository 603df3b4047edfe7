"""The route phrasings held out while the router was built, counted, never read.

A seeded third of the phrasings (`route_held_out_cases.HELD_OUT`) was split off before the
router was written and only ever run as a count: 57 of 64 passed before the router, `PASSED`
after. The test keeps that count from falling; it reports no single case.
"""

from __future__ import annotations

from datetime import date

from agents.offline import OfflinePlannerModel
from erp.demo import generate_demo
from tests.agents.offline.route_cases import first_call, fits
from tests.agents.offline.route_held_out_cases import HELD_OUT
from tools.resolve import Resolver

PASSED = 63
"""Held-out phrasings whose first call fits, measured once the router was done."""


def test_the_held_out_phrasings_keep_their_count() -> None:
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=date(2026, 6, 30))
    model = OfflinePlannerModel().with_resolver(Resolver.from_network(demo.data))
    passed = sum(fits(first_call(model, *case[:2]), *case[2:]) for case in HELD_OUT)
    assert passed >= PASSED, f"{passed} of {len(HELD_OUT)} held-out phrasings (was {PASSED})"
