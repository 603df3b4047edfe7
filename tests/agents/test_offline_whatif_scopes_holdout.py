"""Held-out what-if requests and follow-ups on the seed-239 network, run once.

Written with the dev probes of the what-if scopes (kind x scope x size x window x thread) but
not looked at while the reader was changed; a miss is a strict xfail naming what it read
instead, so a fix shows as an XPASS.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.agents.whatif_threads import last_step, network_resolver, runs
from tools.resolve import Resolver

CASES: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (
        (
            "Hello,\n\nWe are hearing that Threadline may ship all their orders three weeks late "
            "because of the strike. Could you tell me what it would do to our stores?\n\n"
            "Best regards,\nJonas (supply planning)",
        ),
        {"supplier_id": "SUP-07", "supplier_delay_days": 21},
    ),
    (
        ("pls what happen if garden demand go up 35 % in all stores",),
        {"category": "Garden", "demand_factor": 1.35},
    ),
    (
        ("suppose Mount Vernon sells 20% less than plan, any problem?",),
        {"location": "S010", "demand_factor": 0.8},
    ),
    (
        ("if we put SKU-0120 on promotion at S015 during the next 10 days, do we have enough",),
        {"sku": "SKU-0120", "location": "S015", "promo_start": ...},
    ),
    (
        ("what if demand for Toys rises 25%?", "same thing for Pet please"),
        {"category": "Pet", "demand_factor": 1.25},
    ),
    (
        ("what if Metro Distributors is 6 days late?", "and if it were 2 weeks?"),
        {"supplier_id": "SUP-10", "supplier_delay_days": 14},
    ),
    (
        ("what if demand for Household drops 20% at S004?", "same but for Vista"),
        {"location": "S016", "demand_factor": 0.8},
    ),
    (
        ("say Sunrise Personal Care slips a week, what runs out?",),
        {"supplier_id": "SUP-04", "supplier_delay_days": 7},
    ),
    (
        ("imagine a 60% lift promo on SKU-0201 at store 12 from 2027-04-19 to 2027-04-25",),
        {
            "sku": "SKU-0201",
            "location": "S012",
            "promo_start": "2027-04-19",
            "promo_end": "2027-04-25",
            "promo_uplift": 1.6,
        },
    ),
    (("what if whole network sells 12% less next month",), {"demand_factor": 0.88}),
    (
        ("what if SKU-0088 at S009 sells 30% more?", "same for Denton"),
        {"sku": "SKU-0088", "location": "S008", "demand_factor": 1.3},
    ),
    (
        ("If GreenThumb delay 10 day, which store is hit first?",),
        {"supplier_id": "SUP-08", "supplier_delay_days": 10},
    ),
    (
        (
            "Good morning, I am store manager of Westfield. If the apparel sales is increasing "
            "40% because of the local festival, we will be out of stock? Thank you",
        ),
        {"category": "Apparel", "location": "S013", "demand_factor": 1.4},
    ),
    (
        (
            "what if we promote SKU-0014 at S003 next week with 50% uplift",
            "and the same promo at Princeton?",
        ),
        {"sku": "SKU-0014", "location": "S002", "promo_start": ..., "promo_uplift": 1.5},
    ),
    (
        ("Hey - if Pacific Rim's next deliveries slip by ten days, what breaks at DC-03?",),
        {"supplier_id": "SUP-05", "supplier_delay_days": 10, "location": "DC-03"},
    ),
]
MISSES: dict[str, str] = {
    (
        "Good morning, I am store manager of Westfield. If the apparel sales is increasing "
        "40% because of the local festival, we will be out of stock? Thank you"
    ): "read as the stockout-risk exceptions of Apparel at S013",
}
"""Requests the reader misses: the last turn and what it reads instead (filled after the run)."""


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return network_resolver()


@pytest.mark.parametrize(
    ("turns", "want"),
    [
        pytest.param(t, w, marks=pytest.mark.xfail(strict=True, reason=MISSES[t[-1]]))
        if t[-1] in MISSES
        else (t, w)
        for t, w in CASES
    ],
)
def test_held_out_what_if(turns: tuple[str, ...], want: dict[str, Any], resolver: Resolver) -> None:
    step = last_step(turns, resolver)
    assert runs(step, want), step
