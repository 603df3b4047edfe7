"""Held-out requests about buying from a supplier and open supply, run once.

Written with the probes the supply readings (`agents.offline.supply`) were built against, on a
three-DC network of 18 stores, but not looked at while they were built: e-mails, non-native and
terse phrasings, typo'd and nicknamed suppliers, store names, windows. A miss is a strict xfail,
so a fix shows as an XPASS.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from agents.offline import parse
from erp.demo import generate_demo
from tools.resolve import Resolver

AS_OF = date(2027, 2, 15)

CASES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "Hello,\n\nQuick one before my call with the Greenthumb rep: is there anything the plan "
        "wants us to buy from them at the moment? Please don't raise any POs.\n\nCheers,\nTom",
        "get_supplier_overview",
        {"supplier_id": "SUP-08"},
    ),
    (
        "we need buy from Threadline this week? which items",
        "get_supplier_overview",
        {"supplier_id": "SUP-07"},
    ),
    ("wht shud i order frm pacfic rim imports", "get_supplier_overview", {"supplier_id": "SUP-05"}),
    (
        "SUP-2 order now for DC south only",
        "get_routine_orders",
        {"supplier_id": "SUP-02", "location": "DC-SOUTH"},
    ),
    (
        "what's due in at Lexington in the next 3 days",
        "get_open_supply",
        {"location": "S001", "within_days": 3},
    ),
    (
        "any deliveries still outstanding for the region 03 dc from blue ridge?",
        "get_open_supply",
        {"location": "DC-03", "supplier_id": "SUP-03"},
    ),
    (
        "hey is the eco wool socks on the way to canton or what",
        "get_open_supply",
        {"sku": "SKU-0127", "location": "S006"},
    ),
    ("late POs for DC-NORTH", "get_open_supply", {"location": "DC-NORTH"}),
    (
        "total units inbound from Acme Foods before the 1st of March",
        "get_open_supply",
        {"supplier_id": "SUP-01", "within_days": 14},
    ),
    (
        "Dear all,\n\ncan someone confirm what is on order for SKU-0215 across the network?"
        "\n\nKind regards,\nJan",
        "get_open_supply",
        {"sku": "SKU-0215"},
    ),
    (
        "move a few cases over to Union from DC-03",
        "get_lanes",
        {"from_location": "DC-03", "to_location": "S018"},
    ),
]
MISSES: set[str] = {
    "wht shud i order frm pacfic rim imports",
    "hey is the eco wool socks on the way to canton or what",
    "late POs for DC-NORTH",
    "Dear all,\n\ncan someone confirm what is on order for SKU-0215 across the network?"
    "\n\nKind regards,\nJan",
}
"""The requests the reader missed when they were written (each a strict xfail)."""


@pytest.fixture(scope="module")
def network() -> Resolver:
    """The resolver of a seed-233 network: 18 stores, 260 SKUs, three DCs."""
    demo = generate_demo(seed=233, stores=18, skus=260, days=120, dcs=3, as_of=AS_OF)
    return Resolver.from_network(demo.data)


@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [
        pytest.param(t, n, a, marks=pytest.mark.xfail(strict=True, reason="missed when written"))
        if t in MISSES
        else (t, n, a)
        for t, n, a in CASES
    ],
)
def test_held_out_supply_request(
    text: str, tool: str, args: dict[str, Any], network: Resolver
) -> None:
    intent, req = parse(text, [], network, AS_OF)
    step = intent.handler(req, [])
    assert isinstance(step, list), step
    calls = [(c.name, {k: c.args.get(k) for k in args}) for c in step]
    assert (tool, args) in calls
