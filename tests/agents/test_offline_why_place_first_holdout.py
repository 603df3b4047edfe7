"""Held-out phrasings of a why with the place first (a seeded third, run once at the end).

Written with `test_offline_why_place_first`, drawn with random.Random(1015).
"""

from __future__ import annotations

import pytest

from tests.agents.test_offline_why_place_first import looked_up
from tools.resolve import Resolver


@pytest.mark.parametrize(
    ("text", "loc", "sku"),
    [
        ("why's S002 short of SKU-0005", "S002", "SKU-0005"),
        ("why has S004 got too much SKU-0010", "S004", "SKU-0010"),
        ("why is S001 overstocked with SKU-0009", "S001", "SKU-0009"),
        ("how come S004 keeps running out of SKU-0002", "S004", "SKU-0002"),
    ],
)
def test_held_out_whys_with_the_place_first(
    text: str, loc: str, sku: str, resolver: Resolver
) -> None:
    name, step = looked_up(text, resolver)
    assert name == "why_flagged", (name, step)
    assert step == ("list_exceptions", {"top": 10, "location": loc, "sku": sku})
