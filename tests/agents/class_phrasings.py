"""Phrasings of the reading classes fixed after the v11 analysis, written for their tests.

Each case is (turns of one thread, network, expected calls of the last turn). The network is
"two" (the seed-7 test network: S001 Riverside, S002 Monroe, S003 Union, S004 Kingston under
DC-NORTH and DC-SOUTH; SUP-01 Acme ... SUP-10 Metro) or "three" (the same seed with six stores
and a third DC, DC-03, feeding S005 Marion and S006 Cleveland). Each expected call is (tool,
arguments it must carry); every one must be among the last turn's calls. The words are the
tests' own, with typos and aliases on purpose. `DEV` was used while the readings were built;
`HELD_OUT` (a third) was written at the same time and only run at the end
(tests/agents/test_offline_class_readings_holdout.py).
"""

from __future__ import annotations

from typing import Any

Expected = list[tuple[str, dict[str, Any]]]
Case = tuple[tuple[str, ...], str, Expected]

SUMMARY = "summarize_exceptions"
SUPPLY = "get_open_supply"
LIST = "list_exceptions"
PROPOSALS = "list_proposals"
DRAFT_A = "transfer 20 SKU-0012 from DC-SOUTH to S003"
DRAFT_B = "transfer 10 SKU-0005 from DC-NORTH to S002"

DEV: dict[str, list[Case]] = {
    # a courtesy "if" is no what-if; "double-check" doubles nothing; "two things" is no quantity
    "polite": [
        (("Hi team,\n\nquick one before Monday's call: of our stores, which carries the most "
          "money at risk today? If possible the figure as well.\n\nThanks, Bob",), "two",
         [(SUMMARY, {"by": "location"})]),
        (("If it's no trouble, which shop has the biggest exposure right now?",), "two",
         [(SUMMARY, {"by": "location"})]),
        (("I wanted to double-check something: which category has the most at risk? if it's "
          "easy, the amount too",), "two", [(SUMMARY, {"by": "category"})]),
        (("Hello,\n\nI have two things for you if you have a minute. First, how many exceptions "
          "are open at the stores under DC-SOUTH in total? Second, which of those stores is "
          "worst in money terms?\n\nRegards",), "two",
         [(SUMMARY, {"by": "location", "served_by": "DC-SOUTH"})]),
    ],
    # one priority's part of the money at risk
    "priority_share": [
        (("how much of the risk is P1?",), "two", [(SUMMARY, {"by": "priority"})]),
        (("what share of our exposure sits in priority 2 exceptions",), "two",
         [(SUMMARY, {"by": "priority"})]),
        (("how much of the risk at the south stores is P1?",), "two",
         [(SUMMARY, {"by": "priority", "served_by": "DC-SOUTH"})]),
    ],
    # several DCs' stores in one list, compared
    "regions": [
        (("DC-NORTH vs DC-SOUTH stores - which group is worse money-wise?",), "three",
         [(SUMMARY, {"served_by": "DC-NORTH"}), (SUMMARY, {"served_by": "DC-SOUTH"})]),
        (("compare the stores under north, south and DC-03 on money at risk",), "three",
         [(SUMMARY, {"served_by": "DC-NORTH"}), (SUMMARY, {"served_by": "DC-SOUTH"}),
          (SUMMARY, {"served_by": "DC-03"})]),
        (("how are the south and DC-03 groups doing on exceptions, side by side?",), "three",
         [(SUMMARY, {"served_by": "DC-SOUTH"}), (SUMMARY, {"served_by": "DC-03"})]),
    ],
    # open supply keeps its DC (by number or region word) and its window (a weekday, a follow-up)
    "inbound": [
        (("whats coming into the 3rd dc in the next ten days",), "three",
         [(SUPPLY, {"location": "DC-03", "within_days": 10})]),
        (("whats due into DC-SOUTH by friday",), "two",
         [(SUPPLY, {"location": "DC-SOUTH", "within_days": 3})]),
        (("whats inbound to S002 over the next 10 days", "same window for the north dc"), "two",
         [(SUPPLY, {"location": "DC-NORTH", "within_days": 10})]),
    ],
    # which drafts still wait: the list, never one draft's status
    "waiting": [
        (("what's still waiting?",), "two", [(PROPOSALS, {"status": "pending"})]),
        ((DRAFT_A, DRAFT_B, "what's still waiting on approval?"), "two",
         [(PROPOSALS, {"status": "pending"})]),
        (("which of mine are still waiting for sign-off",), "two",
         [(PROPOSALS, {"status": "pending"})]),
    ],
    # what is open with a supplier: its open orders
    "supplier_open": [
        (("what've we got outstanding with Northwind",), "two",
         [(SUPPLY, {"supplier_id": "SUP-02"})]),
        (("whats still in the pipeline from acme",), "two", [(SUPPLY, {"supplier_id": "SUP-01"})]),
        (("anything open with SUP-03?",), "two", [(SUPPLY, {"supplier_id": "SUP-03"})]),
    ],
    # a place's situation: its exceptions, not its stock table
    "situation": [
        (("whats the sitch at kingston",), "two", [(LIST, {"location": "S004"})]),
        (("give me the situation report for union",), "two", [(LIST, {"location": "S003"})]),
        (("whats the sit-rep for the south dc",), "two", [(LIST, {"location": "DC-SOUTH"})]),
    ],
}  # fmt: skip

HELD_OUT: dict[str, list[Case]] = {
    "polite": [
        (("If you've got a sec - of all the DCs, which one is sitting on the most money at "
          "risk?",), "two", [(SUMMARY, {"by": "location"})]),
        (("Morning, Alice here,\n\nbefore the ops review I need to double check one number: "
          "what's the total money at risk at S003? if possible split by type.\n\nthanks",),
         "two", [(SUMMARY, {"location": "S003"})]),
    ],
    "priority_share": [
        (("what percentage of the exposure is p2?",), "two", [(SUMMARY, {"by": "priority"})]),
        (("of the money at risk, how much is priority 1 stuff",), "two",
         [(SUMMARY, {"by": "priority"})]),
    ],
    "regions": [
        (("north, south or DC-03 stores: where's the most money at risk?",), "three",
         [(SUMMARY, {"served_by": "DC-NORTH"}), (SUMMARY, {"served_by": "DC-SOUTH"}),
          (SUMMARY, {"served_by": "DC-03"})]),
    ],
    "inbound": [
        (("whats inbound to the north warehouse before monday",), "two",
         [(SUPPLY, {"location": "DC-NORTH", "within_days": 6})]),
        (("arrivals into region 3's dc over the next fortnight",), "three",
         [(SUPPLY, {"location": "DC-03", "within_days": 14})]),
    ],
    "waiting": [
        ((DRAFT_A, "what's still queued up for approval"), "two",
         [(PROPOSALS, {"status": "pending"})]),
    ],
    "supplier_open": [
        (("what do we have open with Threadline right now",), "two",
         [(SUPPLY, {"supplier_id": "SUP-07"})]),
        (("anything outstanding from metro?",), "two", [(SUPPLY, {"supplier_id": "SUP-10"})]),
    ],
    "situation": [
        (("whats the state of play at monroe",), "two", [(LIST, {"location": "S002"})]),
        (("what's the situaton at riverside",), "two", [(LIST, {"location": "S001"})]),
    ],
}  # fmt: skip


def calls_fit(calls: list[dict[str, Any]], expected: Expected) -> bool:
    """Whether every expected call is among a turn's calls, with every argument it names."""
    return all(
        any(
            c["name"] == tool and all((c.get("args") or {}).get(k) == v for k, v in args.items())
            for c in calls
        )
        for tool, args in expected
    )
