"""Phrasings of each question-type cue family, written for the cue reader's tests.

Each case is (request, tool, arguments the first call must carry). They are the tests' own
words on the seed-7 network (S001 Riverside, S002 Monroe, S003 Union, S004 Kingston; SUP-01
Acme ... SUP-10 Metro), with typos and aliases on purpose. `DEV` was used while the reader was
built; `HELD_OUT` (a third of them) was written at the same time and only run at the end, to
measure how far the reader generalises (tests/agents/test_offline_cue_held_out.py).
"""

from __future__ import annotations

from typing import Any

Case = tuple[str, str, dict[str, Any]]

SUMMARY = "summarize_exceptions"
SUPPLY = "get_open_supply"
STOCK = "get_inventory"
FORECAST = "get_forecast"
SUPPLIERS = "get_supplier_status"
WHAT_IF = "run_what_if"

DEV: dict[str, list[Case]] = {
    "aggregate": [
        ("roughly how much cash is sitting in the overstock flags?", SUMMARY, {"type": "overstock"}),
        ("tally up the stockout warnings for me", SUMMARY, {"type": "stockout_risk"}),
        ("what are the phantom inventory problems worth altogether", SUMMARY,
         {"type": "inventory_anomaly"}),
        ("how many promo gaps have we got open", SUMMARY, {"type": "promo_uncovered"}),
        ("of our stores, whoose has the biggest exception bill?", SUMMARY, {"by": "location"}),
        ("S001 against S003 on money at risk - who's worse off?", SUMMARY, {"by": "location"}),
        ("count up the forecast bias flags at S002", SUMMARY,
         {"type": "forecast_bias", "location": "S002"}),
        ("whats the tab on excess stock at DC-NORTH", SUMMARY,
         {"type": "overstock", "location": "DC-NORTH"}),
        ("which shop is bleeding the most from stockouts", SUMMARY,
         {"by": "location", "type": "stockout_risk"}),
        ("for the stores DC-SOUTH feeds, where is the damage concentrated?", SUMMARY,
         {"by": "location", "served_by": "DC-SOUTH"}),
    ],
    "documents": [
        ("list every PO Harbor hasn't delivered yet", SUPPLY, {"supplier_id": "SUP-09"}),
        ("give me each open order we have with SUP-02, line by line", SUPPLY,
         {"supplier_id": "SUP-02"}),
        ("which orders does Northwind still owe us?", SUPPLY, {"supplier_id": "SUP-02"}),
        ("is anything Voltix owes us past due? show the full list", SUPPLY,
         {"supplier_id": "SUP-06"}),
        ("itemise the outstanding paperwork with Acme", SUPPLY, {"supplier_id": "SUP-01"}),
        ("every delivery still due into S003, please", SUPPLY, {"location": "S003"}),
        ("which shipments are headed for Kingston?", SUPPLY, {"location": "S004"}),
        ("all the POs of theirs that are still open - SUP-08", SUPPLY, {"supplier_id": "SUP-08"}),
        ("does the plan want anything from Threadline this week? if not why",
         "get_supplier_overview", {"supplier_id": "SUP-07"}),
        ("what's Metro got outstanding with us, order by order", SUPPLY,
         {"supplier_id": "SUP-10"}),
    ],
    "date_of_event": [
        ("what day does S002 hit zero on SKU-0005?", STOCK, {"sku": "SKU-0005", "location": "S002"}),
        ("when is Union expected to sell its final SKU-0012?", STOCK,
         {"sku": "SKU-0012", "location": "S003"}),
        ("by when will SKU-0003 be empty at S001", STOCK, {"sku": "SKU-0003", "location": "S001"}),
        ("on what date does S004 sell out of SKU-0020", STOCK,
         {"sku": "SKU-0020", "location": "S004"}),
        ("how soon until Kingston has no SKU-0008 left?", STOCK,
         {"sku": "SKU-0008", "location": "S004"}),
        ("whens SKU-0014 going to be gone at S003", STOCK, {"sku": "SKU-0014", "location": "S003"}),
        ("what's the date S001 runs dry of SKU-0022?", STOCK,
         {"sku": "SKU-0022", "location": "S001"}),
        ("when do we stock out of SKU-0009 in Monroe", STOCK,
         {"sku": "SKU-0009", "location": "S002"}),
        ("the day SKU-0017 reaches zero at S002 - when is it?", STOCK,
         {"sku": "SKU-0017", "location": "S002"}),
        ("at what point does S003 exhaust its SKU-0025?", STOCK,
         {"sku": "SKU-0025", "location": "S003"}),
    ],
    "forecast": [
        ("how many SKU-0005 do we reckon S002 will move over the next 10 days?", FORECAST,
         {"sku": "SKU-0005", "location": "S002", "horizon_days": 10}),
        ("expected units of SKU-0012 at Union for the coming fortnight", FORECAST,
         {"sku": "SKU-0012", "location": "S003", "horizon_days": 14}),
        ("what will Kingston sell of SKU-0008 in the next three weeks", FORECAST,
         {"sku": "SKU-0008", "location": "S004", "horizon_days": 21}),
        ("projected demand SKU-0020 @ S001, next 6 weeks", FORECAST,
         {"sku": "SKU-0020", "location": "S001", "horizon_days": 42}),
        ("S003's anticipated sales of SKU-0004 over 20 days", FORECAST,
         {"sku": "SKU-0004", "location": "S003", "horizon_days": 20}),
        ("how much SKU-0015 is S004 likely to shift in two weeks", FORECAST,
         {"sku": "SKU-0015", "location": "S004", "horizon_days": 14}),
        ("units of SKU-0001 Monroe should go through next month", FORECAST,
         {"sku": "SKU-0001", "location": "S002", "horizon_days": 28}),
        ("whats teh expected offtake for SKU-0010 at S002 over 5 days", FORECAST,
         {"sku": "SKU-0010", "location": "S002", "horizon_days": 5}),
        ("predicted sell-through of SKU-0018 at Riverside, next 30 days", FORECAST,
         {"sku": "SKU-0018", "location": "S001", "horizon_days": 30}),
        ("demand over the next 9 days for SKU-0023 in S003", FORECAST,
         {"sku": "SKU-0023", "location": "S003", "horizon_days": 9}),
    ],
    "sourcing": [
        ("we need a second supplier for SKU-0005, who's out there?", SUPPLIERS, {"sku": "SKU-0005"}),
        ("who else could sell us SKU-0012?", SUPPLIERS, {"sku": "SKU-0012"}),
        ("is there a backup vendor we can lean on for SKU-0003", SUPPLIERS, {"sku": "SKU-0003"}),
        ("who can we buy SKU-0020 from besides the usual one?", SUPPLIERS, {"sku": "SKU-0020"}),
        ("alternate sources for SKU-0008?", SUPPLIERS, {"sku": "SKU-0008"}),
        ("if our main vendor fails, who else supplies SKU-0014", SUPPLIERS, {"sku": "SKU-0014"}),
        ("which other companies can provide SKU-0009", SUPPLIERS, {"sku": "SKU-0009"}),
        ("any fallback suppliers for SKU-0017?", SUPPLIERS, {"sku": "SKU-0017"}),
        ("who could we source SKU-0022 from instead", SUPPLIERS, {"sku": "SKU-0022"}),
        ("list the vendors able to supply SKU-0001", SUPPLIERS, {"sku": "SKU-0001"}),
    ],
    "what_if": [
        ("if S002 gets 20% busier than planned, what breaks?", WHAT_IF, {"demand_factor": 1.2}),
        ("say Union trades 15% livelier than forecast - consequences?", WHAT_IF,
         {"demand_factor": 1.15}),
        ("the SKU-0005 promo at S001 could beat its plan by 30%; are we covered?", WHAT_IF,
         {"promo_factor": 1.3}),
        ("what if the SKU-0012 promotion at S003 overshoots by a third?", WHAT_IF,
         {"promo_factor": 1.3333}),
        ("suppose Kingston runs 10% quieter than plan", WHAT_IF, {"demand_factor": 0.9}),
        ("if S004's sales come in 25% punchier than expected what happens", WHAT_IF,
         {"demand_factor": 1.25}),
        ("what if the promo on SKU-0020 at S002 underperforms by 20%?", WHAT_IF,
         {"promo_factor": 0.8}),
        ("S001 could outperform the forecast by 40% - impact?", WHAT_IF, {"demand_factor": 1.4}),
        ("imagine Monroe trading 12% more sluggish than forecast", WHAT_IF,
         {"demand_factor": 0.88}),
        ("if the SKU-0008 promotion at S004 overdelivers by half, what then?", WHAT_IF,
         {"promo_factor": 1.5}),
    ],
}  # fmt: skip

HELD_OUT: dict[str, list[Case]] = {
    "aggregate": [
        ("put a number on the overstock problem: how many and how much", SUMMARY,
         {"type": "overstock"}),
        ("how big a bill are the late POs running up?", SUMMARY, {"type": "late_po"}),
        ("S002 v S004, which one has more at risk from issues", SUMMARY, {"by": "location"}),
        ("sum of the money tied to anomalies at Kingston", SUMMARY,
         {"type": "inventory_anomaly", "location": "S004"}),
        ("what does the stock-out exposure total up to in the north stores", SUMMARY,
         {"type": "stockout_risk", "served_by": "DC-NORTH"}),
    ],
    "documents": [
        ("enumerate the undelivered orders from Blue Ridge", SUPPLY, {"supplier_id": "SUP-03"}),
        ("show me all of GreenThumb's open purchase orders, and are any late?", SUPPLY,
         {"supplier_id": "SUP-08"}),
        ("is the engine asking us to buy anything off Sunrise right now?",
         "get_supplier_overview", {"supplier_id": "SUP-04"}),
        ("which deliveries is Monroe waiting on?", SUPPLY, {"location": "S002"}),
        ("what does Pacific Rim still have to send us? whole list pls", SUPPLY,
         {"supplier_id": "SUP-05"}),
    ],
    "date_of_event": [
        ("what date will S004 be cleaned out of SKU-0011", STOCK,
         {"sku": "SKU-0011", "location": "S004"}),
        ("when does the last unit of SKU-0006 sell at Riverside?", STOCK,
         {"sku": "SKU-0006", "location": "S001"}),
        ("how many days till SKU-0019 is all gone at S002", STOCK,
         {"sku": "SKU-0019", "location": "S002"}),
        ("when will S001 see zero on hand for SKU-0027?", STOCK,
         {"sku": "SKU-0027", "location": "S001"}),
        ("which day does Union run out of SKU-0002 stock", STOCK,
         {"sku": "SKU-0002", "location": "S003"}),
    ],
    "forecast": [
        ("how many SKU-0016 will customers buy at S004 over the coming 12 days", FORECAST,
         {"sku": "SKU-0016", "location": "S004", "horizon_days": 12}),
        ("what do we expect S001 to sell of SKU-0021 across the next fortnight", FORECAST,
         {"sku": "SKU-0021", "location": "S001", "horizon_days": 14}),
        ("SKU-0013 at Kingston: volume we should expect over 4 weeks", FORECAST,
         {"sku": "SKU-0013", "location": "S004", "horizon_days": 28}),
        ("how much SKU-0026 is Union going to sell in the next ten days", FORECAST,
         {"sku": "SKU-0026", "location": "S003", "horizon_days": 10}),
        ("forecasted units for SKU-0009 at S002 for a fortnight", FORECAST,
         {"sku": "SKU-0009", "location": "S002", "horizon_days": 14}),
    ],
    "sourcing": [
        ("who might we get SKU-0006 from if the primary lets us down?", SUPPLIERS,
         {"sku": "SKU-0006"}),
        ("second-source options for SKU-0011", SUPPLIERS, {"sku": "SKU-0011"}),
        ("where else can we buy SKU-0027 from, supplier-wise?", SUPPLIERS, {"sku": "SKU-0027"}),
        ("which suppliers besides the main one carry SKU-0019", SUPPLIERS, {"sku": "SKU-0019"}),
        ("we want a contingency vendor for SKU-0002 - who?", SUPPLIERS, {"sku": "SKU-0002"}),
    ],
    "what_if": [
        ("what if S003 trades 18% brisker than planned?", WHAT_IF, {"demand_factor": 1.18}),
        ("the SKU-0003 promo at S002 may outrun the plan by 25% - still ok?", WHAT_IF,
         {"promo_factor": 1.25}),
        ("suppose S001 comes in 30% flatter than the forecast", WHAT_IF, {"demand_factor": 0.7}),
        ("if the promotion on SKU-0009 at S003 exceeds plan by a quarter, are we short?",
         WHAT_IF, {"promo_factor": 1.25}),
        ("Kingston might see 35% heavier footfall than expected - what's the fallout?", WHAT_IF,
         {"demand_factor": 1.35}),
    ],
}  # fmt: skip


def first_call_fits(calls: list[dict[str, Any]], tool: str, args: dict[str, Any]) -> bool:
    """Whether a turn's first tool call is `tool` with every argument of `args`.

    A factor is compared to two decimals ("by a third" is 1.3333 or 1.33).
    """
    if not calls or calls[0]["name"] != tool:
        return False
    got = calls[0].get("args") or {}
    for key, want in args.items():
        have = got.get(key)
        if isinstance(want, float):
            if not isinstance(have, (int, float)) or abs(float(have) - want) > 0.01:
                return False
        elif have != want:
            return False
    return True
