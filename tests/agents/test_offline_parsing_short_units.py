"""A supplier delay said with weeks or days written short is read as that delay.

"if Acme slips 3 wks what breaks", "10 dys late": the request is normalised before the intent
table reads it, so the what-if gets the delay in days (a week is 7) instead of the supplier's
card; a forecast horizon in "wks" keeps its reading.
"""

from __future__ import annotations

import pytest

from agents.offline import parse
from tools.resolve import Resolver


def first_call(text: str, resolver: Resolver) -> tuple[str, dict[str, object]] | str:
    """The first tool call (name, args) of a request, or the answer when none."""
    intent, req = parse(text, [], resolver, None)
    step = intent.handler(req, [])
    return step if isinstance(step, str) else (step[0].name, dict(step[0].args))


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("if Acme slips 3 wks what breaks", 21),
        ("what breaks if Acme is 2wks late", 14),
        ("suppose Acme delivers 5 dy late, what runs short", 5),
        ("what happens if Acme is 1 wk behind", 7),
        ("Acme running 4 dys behind - what do we lose", 4),
        ("what if Acme is late by 2 wks", 14),
        ("Acme slipping 9 dys, where do we break", 9),
        ("impact of Acme arriving 3wk late?", 21),
    ],
)
def test_a_delay_in_short_units_runs_the_what_if(text: str, days: int, resolver: Resolver) -> None:
    step = first_call(text, resolver)
    assert step == ("run_what_if", {"supplier_delay_days": days, "supplier_id": "SUP-01"}), step


def test_a_forecast_horizon_in_wks_stays_a_forecast(resolver: Resolver) -> None:
    step = first_call("forecast SKU-0012 at S003 for the next 4 wks", resolver)
    assert step == ("get_forecast", {"sku": "SKU-0012", "location": "S003", "horizon_days": 28})
