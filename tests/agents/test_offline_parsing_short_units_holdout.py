"""Held-out phrasings of a delay in short units (a seeded third, run once at the end).

Written with `test_offline_parsing_short_units`, drawn with random.Random(1015).
"""

from __future__ import annotations

import pytest

from tests.agents.test_offline_parsing_short_units import first_call
from tools.resolve import Resolver


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("say Acme runs 10 dys late", 10),
        ("Acme 3 wks late - impact?", 21),
        ("model Acme 6 wks late", 42),
        ("if Acme's deliveries come 12 dys late which stores run out", 12),
    ],
)
def test_held_out_delays_in_short_units(text: str, days: int, resolver: Resolver) -> None:
    step = first_call(text, resolver)
    assert step == ("run_what_if", {"supplier_delay_days": days, "supplier_id": "SUP-01"}), step
