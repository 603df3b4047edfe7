"""What-if requests and follow-ups at every scope on the seed-239 network (18 stores, 3 DCs).

A what-if is read as its kind (supplier delay, demand change, promotion), its scope (SKU at a
location, SKU, location, category, DC, supplier, network), its size and window, and the
thread it follows ("same but for <category>", "and if it were 30%?", "12 days" in reply to the
question for the size); each lands on one `run_what_if` at that scope, or on the question for
what is missing. The held-out twin is `test_offline_whatif_scopes_holdout.py`.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.agents.whatif_threads import last_step, network_resolver, runs
from tools.resolve import Resolver

RUNS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("what if Voltix slips a week?",), {"supplier_id": "SUP-06", "supplier_delay_days": 7}),
    (
        (
            "Hi team,\n\nQuick question ahead of the Monday call. Pacific Rim told us their containers are held at port. Suppose everything from them lands 10 days later than planned — which stores would run short?\n\nThanks,\nMaria",
        ),
        {"supplier_id": "SUP-05", "supplier_delay_days": 10},
    ),
    (
        ("if Harbor Wholesale slips by 2 weeks what is impact for us",),
        {"supplier_id": "SUP-09", "supplier_delay_days": 14},
    ),
    (
        ("say demand for toys drops 15% - what happens?",),
        {"category": "Toys", "demand_factor": 0.85},
    ),
    (
        ("what if grocery sells 25% more at Lakewood",),
        {"category": "Grocery", "location": "S003", "demand_factor": 1.25},
    ),
    (
        ("imagine Irving gets 30% busier than forecast, anything run out?",),
        {"location": "S001", "demand_factor": 1.3},
    ),
    (
        ("what happens if we promote SKU-0014 at S003 over the next two weeks",),
        {"sku": "SKU-0014", "location": "S003", "promo_start": ...},
    ),
    (
        ("suppose we run a promo on SKU-0093 at Princeton from apr 20 to apr 30 with 40% uplift",),
        {
            "sku": "SKU-0093",
            "location": "S002",
            "promo_start": "2027-04-20",
            "promo_end": "2027-04-30",
            "promo_uplift": 1.4,
        },
    ),
    (
        ("what if demand for Apparel rises 20%?", "same but for Household"),
        {"category": "Household", "demand_factor": 1.2},
    ),
    (
        ("what if demand for Apparel rises 20%?", "same but for Bedford"),
        {"location": "S018", "demand_factor": 1.2},
    ),
    (
        ("what if SUP-03 is 10 days late?", "and if it were 3 weeks?"),
        {"supplier_id": "SUP-03", "supplier_delay_days": 21},
    ),
    (
        ("what if demand for Pet drops 10%", "and if it were 30%?"),
        {"category": "Pet", "demand_factor": 0.7},
    ),
    (("network wide demand +8%, what breaks?",), {"demand_factor": 1.08}),
    (
        ("if demand for SKU-0010 doubles at store 7",),
        {"sku": "SKU-0010", "location": "S007", "demand_factor": 2.0},
    ),
    (("wat if blue ridge is late 5 days",), {"supplier_id": "SUP-03", "supplier_delay_days": 5}),
    (
        ("What would it mean for us if sales at the south DC fall 20%?",),
        {"location": "DC-SOUTH", "demand_factor": 0.8},
    ),
    (
        (
            "store manager here (Canton). if we got a 2x promo on SKU-0021 next week will we have enough?",
        ),
        {"sku": "SKU-0021", "location": "S006", "promo_start": ..., "promo_uplift": 2.0},
    ),
    (
        ("simulate Northwind being 4 days behind on everything",),
        {"supplier_id": "SUP-02", "supplier_delay_days": 4},
    ),
    (
        ("what if we promote Personal Care at Jefferson next week",),
        {"category": "Personal Care", "location": "S005", "promo_start": ...},
    ),
    (
        ("what if SKU-0042 at S010 sells 50% more?", "same for S011"),
        {"sku": "SKU-0042", "location": "S011", "demand_factor": 1.5},
    ),
    (("Suppose Acme is late", "12 days"), {"supplier_id": "SUP-01", "supplier_delay_days": 12}),
    (
        ("if demand falls 10 percent for Electronics in the next month how bad",),
        {"category": "Electronics", "demand_factor": 0.9},
    ),
    (
        (
            "Dear all,\nThreadline just emailed: the factory has a power problem and all open orders will arrive one week later. What does that mean for the stores? Do we have a problem somewhere?\nKind regards\nPeter",
        ),
        {"supplier_id": "SUP-07", "supplier_delay_days": 7},
    ),
    (("if threadline slips a week",), {"supplier_id": "SUP-07", "supplier_delay_days": 7}),
    (
        ("what if demand for personal-care goes up 10%",),
        {"category": "Personal Care", "demand_factor": 1.1},
    ),
    (("what if pets sales is 20% higher",), {"category": "Pet", "demand_factor": 1.2}),
    (
        ("what if electronic demand fall 25% in the north region?",),
        {"category": "Electronics", "demand_factor": 0.75},
    ),
    (
        ("suppose the whole chain sees 10% more demand over the next 3 weeks",),
        {"demand_factor": 1.1},
    ),
    (
        ("what if we run 20% off on SKU-0057 at S008 from 2027-04-26 to 2027-05-02",),
        {"sku": "SKU-0057", "location": "S008", "promo_start": "2027-04-26"},
    ),
    (
        ("what if we promote SKU-0014 at S003 next week with 50% uplift", "and if it were 30%?"),
        {"sku": "SKU-0014", "location": "S003", "promo_start": ..., "promo_uplift": 1.3},
    ),
    (
        ("what if demand for Grocery rises 15%?", "what about at the north DC?"),
        {"location": "DC-NORTH", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "and for the whole network?"),
        {"demand_factor": 1.15},
    ),
    (
        ("what if SUP-02 is 10 days late?", "same but for Harbor"),
        {"supplier_id": "SUP-09", "supplier_delay_days": 10},
    ),
    (
        ("what if SUP-02 is 10 days late?", "what about only at S004?"),
        {"supplier_id": "SUP-02", "supplier_delay_days": 10, "location": "S004"},
    ),
    (
        ("say Acme pushes all its deliveries out a fortnight",),
        {"supplier_id": "SUP-01", "supplier_delay_days": 14},
    ),
    (
        ("hypothetically, grocery at Irving +20% for the next 2 weeks - do we run out?",),
        {"category": "Grocery", "location": "S001", "demand_factor": 1.2},
    ),
    (
        (
            "Hi,\n\nmarketing wants to put Premium Denim Jeans on promotion at Joliet next week (expecting around +60%). Will the stock hold?\n\nCheers, Anna",
        ),
        {"sku": "SKU-0033", "location": "S007", "promo_start": ..., "promo_uplift": 1.6},
    ),
    (
        ("what if demand in DC-03 region drops by 10 %",),
        {"served_by": "DC-03", "demand_factor": 0.9},
    ),
    (
        ("if the voltix delivery comes 2 weeks late, which store suffer most",),
        {"supplier_id": "SUP-06", "supplier_delay_days": 14},
    ),
    (
        (
            "we are thinking to do promotion on SKU-0010 in Denton for two weeks from 20 april, uplift maybe 1.5x, is it ok for stock?",
        ),
        {"sku": "SKU-0010", "location": "S008", "promo_start": "2027-04-20", "promo_uplift": 1.5},
    ),
    (
        ("what if demand for toys rises 30%", "same but for S002"),
        {"location": "S002", "demand_factor": 1.3},
    ),
    (
        ("what if demand for toys rises 30%", "ok and do the same for garden"),
        {"category": "Garden", "demand_factor": 1.3},
    ),
    (
        ("what if blue ridge is 5 days late", "make it 10"),
        {"supplier_id": "SUP-03", "supplier_delay_days": 10},
    ),
    (("what if demand at Canton doubles?",), {"location": "S006", "demand_factor": 2.0}),
    (("impact if all stores sell 5% less in may",), {"demand_factor": 0.95}),
    (
        ("what if we promote household at S009 next week",),
        {"category": "Household", "location": "S009", "promo_start": ...},
    ),
    (
        ("what if the promo on SKU-0253 at S001 gets 50% stronger?",),
        {"sku": "SKU-0253", "location": "S001", "promo_factor": 1.5},
    ),
    (
        ("what if demand for Grocery rises 15%?", "same but for toys"),
        {"category": "Toys", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "same for pet food"),
        {"category": "Pet", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "same but for Mount Vernon"),
        {"location": "S010", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "same but for store 4"),
        {"location": "S004", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "same but for S004"),
        {"location": "S004", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "same but for personal care"),
        {"category": "Personal Care", "demand_factor": 1.15},
    ),
    (
        ("what if grocery demand at S003 rises 15%?", "same but for Household"),
        {"category": "Household", "demand_factor": 1.15},
    ),
    (
        ("what if grocery demand at S003 rises 15%?", "same but for S005"),
        {"category": "Grocery", "location": "S005", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "Same scenario, but Electronics instead"),
        {"category": "Electronics", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "same but for the south DC"),
        {"location": "DC-SOUTH", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "same but for Voltix"),
        {"supplier_id": "SUP-06", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "now try apparel"),
        {"category": "Apparel", "demand_factor": 1.15},
    ),
    (
        ("what if demand for Grocery rises 15%?", "what about Apparel?"),
        {"category": "Apparel", "demand_factor": 1.15},
    ),
    (
        ("what if we promote Grocery at S003 next week with 30% uplift", "same but for Household"),
        {"category": "Household", "promo_start": ...},
    ),
    (
        (
            "Morning! Quick one from the Joliet store. If toys sell 30% more than forecast this month, do we run out?",
        ),
        {"category": "Toys", "location": "S007", "demand_factor": 1.3},
    ),
    (
        (
            "Hello, this is Denton store. Our grocery sales maybe 25% lower next weeks because road works. What happen to our stock?",
        ),
        {"category": "Grocery", "location": "S008", "demand_factor": 0.75},
    ),
    (
        ("Harbor Wholesale is 1 week behind on all POs. which stores get hit?",),
        {"supplier_id": "SUP-09", "supplier_delay_days": 7},
    ),
    (
        (
            "we consider a promo for Classic Granola Bars SKU-0014 at Lakewood, 2 weeks from 2027-04-19, expected 1.8x. enough stock?",
        ),
        {"sku": "SKU-0014", "location": "S003", "promo_start": "2027-04-19", "promo_uplift": 1.8},
    ),
    (("if pet demand goes up 10% at DC-SOUTH stores",), {"demand_factor": 1.1, "category": "Pet"}),
    (
        ("what if S014 sells 15% more over the next 3 weeks",),
        {"location": "S014", "demand_factor": 1.15},
    ),
    (
        ("promo idea: SKU-0201 at Bristol next week, +40%. ok?",),
        {"sku": "SKU-0201", "location": "S011", "promo_start": ..., "promo_uplift": 1.4},
    ),
    (
        (
            "Hi Copilot,\nfor the Easter campaign we plan to promote SKU-0122 in S004 for the next 10 days. Can the stock handle it?\nThanks\nLea",
        ),
        {"sku": "SKU-0122", "location": "S004", "promo_start": ...},
    ),
    (
        ("what if Apparel demand rises 20%", "hmm and 35%?"),
        {"category": "Apparel", "demand_factor": 1.35},
    ),
    (
        ("what if voltix is late 2 weeks", "and 3 weeks?"),
        {"supplier_id": "SUP-06", "supplier_delay_days": 21},
    ),
    (
        ("what if the whole network sells 10% more", "and only for garden?"),
        {"category": "Garden", "demand_factor": 1.1},
    ),
    (
        ("what if pet sells twenty percent more than we forecast",),
        {"category": "Pet", "demand_factor": 1.2},
    ),
    (
        ("what happens if SKU-0014 at Lakewood runs 40% hot?", "same but for all of personal care"),
        {"category": "Personal Care", "demand_factor": 1.4},
    ),
    (
        ("simulate a 20-day delay on Pacific Rim Imports", "what about 28 days"),
        {"supplier_id": "SUP-05", "supplier_delay_days": 28},
    ),
    (
        ("what if demand for SKU-0014 at S014 goes up 20%?", "+40 then?"),
        {"sku": "SKU-0014", "location": "S014", "demand_factor": 1.4},
    ),
    (
        ("what happens if the premium denim jeans at lakewood runs 40% hot?",),
        {"sku": "SKU-0033", "location": "S003", "demand_factor": 1.4},
    ),
    (
        ("what if the denim jeans at joliet run 25% cold", "same but for all of apparel"),
        {"category": "Apparel", "demand_factor": 0.75},
    ),
    (
        ("what if demand in the Region 03 area runs 15% above plan",),
        {"served_by": "DC-03", "demand_factor": 1.15},
    ),
    (
        ("what if the north region stores sell 20% less",),
        {"served_by": "DC-NORTH", "demand_factor": 0.8},
    ),
    (("what if demand at DC-SOUTH drops 10%",), {"location": "DC-SOUTH", "demand_factor": 0.9}),
    (
        ("if toys sell 30% more in DC-SOUTH's stores",),
        {"served_by": "DC-SOUTH", "category": "Toys", "demand_factor": 1.3},
    ),
]
ASKS: list[tuple[str, ...]] = [
    ("what if Voltix slips",),
    ("What if we promote SKU-0033 at Naples?",),
    ("what if demand for SKU-0014 increases by 200 units at S003?",),
]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return network_resolver()


@pytest.mark.parametrize(("turns", "want"), RUNS)
def test_a_what_if_runs_at_its_scope(
    turns: tuple[str, ...], want: dict[str, Any], resolver: Resolver
) -> None:
    step = last_step(turns, resolver)
    assert runs(step, want), step


@pytest.mark.parametrize("turns", ASKS)
def test_an_unsized_what_if_asks_for_what_is_missing(
    turns: tuple[str, ...], resolver: Resolver
) -> None:
    step = last_step(turns, resolver)
    assert isinstance(step, str) and step.startswith("I need "), step
