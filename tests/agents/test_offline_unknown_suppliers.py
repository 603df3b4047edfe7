"""A supplier id the network does not have is said to be none, with the nearest ones.

"compare SUP-99 and SUP-02" does not compare SUP-02 with SUP-99's nearest neighbour, nor leave
SUP-99 out silently: it answers "SUP-99 is not a supplier; nearest: ..." (the resolver's
nearest ids) and looks nothing up. Checked with compare wordings, id forms and a typo.
"""

from __future__ import annotations

import itertools

import pytest

from agents.offline import parse
from tools.resolve import Resolver

ASKED = (
    "compare {a} and {b}",
    "which is quicker, {a} or {b}?",
    "{a} vs {b} - who is more reliable?",
    "compare {a} with {b} for SKU-0016",
    "which supplier is better, {b} or {a}?",
)
UNKNOWN = (("SUP-99", "SUP-99"), ("sup 99", "SUP-99"), ("SUP77", "SUP-77"))
KNOWN = ("SUP-02", "Harbor Wholesale")
CASES = [
    (t.format(a=a, b=b), said) for t, (a, said), b in itertools.product(ASKED, UNKNOWN, KNOWN)
] + [("compare SUP-99 adn SUP-02", "SUP-99")]


@pytest.mark.parametrize(("text", "said"), CASES)
def test_an_unknown_supplier_is_named_with_the_nearest_ones(
    text: str, said: str, resolver: Resolver
) -> None:
    intent, req = parse(text, (), resolver)
    step = intent.handler(req, [])
    assert isinstance(step, str), (text, intent.name, step)
    near = [e.label() for e in resolver.nearest("supplier", said)]
    assert f"{said} is not a supplier" in step and f"nearest: {', '.join(near)}" in step, step


def test_known_suppliers_are_compared(resolver: Resolver) -> None:
    intent, req = parse("compare SUP-02 and SUP-09", (), resolver)
    step = intent.handler(req, [])
    assert isinstance(step, list) and {c.args["supplier_id"] for c in step} == {"SUP-02", "SUP-09"}
