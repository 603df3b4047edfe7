"""Phrasings of four persona request classes, written for the offline model's tests on the seed-7
network (S001 Riverside, S002 Monroe, S003 Union, S004 Kingston; SUP-01 Acme Foods Co., SUP-05
Pacific Rim Imports, SUP-06 Voltix Electronics, SUP-10 Metro Distributors; the Organic Plush
Bear is both SKU-0022 and SKU-0027):

- `letters`: a buyer's e-mail whose question is one sentence in the middle (greeting, context,
  a remark, a signature around it);
- `terse_whatif`: a senior planner's what-if in shorthand ("what-if SUP-05 +10d");
- `non_native`: a non-native speaker's word order and phrasing ("What the store Union must
  receive now from replenishment?", "is it comin?");
- `names`: an item said by its name words in another order or with a typo, or by an id that
  differs from another by one digit ("SKU-0012" is never SKU-001 and a quantity of 2).

Each class has `DEV` phrasings (used while the readings were built) and `HELD_OUT` ones, written
at the same time and run only at the end (tests/agents/test_offline_persona_forms_holdout.py).
A case is (turns, tools, arguments): the last turn's first call must be one of `tools` with
every argument given (None: the argument is absent). `ASK` instead of tools: the last turn
names every candidate of a shared name (asked back, or each looked up), never one alone (the
Organic Plush Bears unless `candidates` says which).
"""

from __future__ import annotations

from typing import Any

from tests.agents.conftest import ask

Case = tuple[tuple[str, ...], tuple[str, ...], dict[str, Any]]

ASK = ("(ask)",)
"""Both Organic Plush Bears (SKU-0022, SKU-0027) named or looked up, never one of them alone."""
STATUS = ("get_proposal_status", "list_proposals")
WHAT_IF = ("run_what_if",)
TOTALS = ("summarize_exceptions",)
STOCK = ("get_inventory",)
EXCEPTIONS = ("list_exceptions",)
LANES = ("get_lanes",)
ORDERS = ("get_routine_orders",)

DEV: dict[str, list[Case]] = {
    "letters": [
        (
            (
                "Hi team,\n\nI hope you all had a good weekend. I'm preparing for a supplier "
                "review with Pacific Rim Imports next week. Could you tell me which of their "
                "purchase orders are late at the moment?\n\nMany thanks,\nJo (Imports)",
            ),
            ("get_supplier_status",),
            {"supplier_id": "SUP-05"},
        ),
        (
            (
                "Dear all,\n\nI've recently inherited the Toys range from a colleague. How much "
                "money is at risk in Toys right now, and which item accounts for most of it?"
                "\n\nKind regards,\nSam",
            ),
            TOTALS,
            {"category": "Toys", "by": "sku"},
        ),
        (
            (
                "Hello,\n\nWe're reviewing rain wear ahead of the wet season. Could you share the "
                "demand forecast for Everyday Rain Jacket at Union over the next two weeks? I'm "
                "mostly interested in whether any promotion lift is in it.\n\nBest,\nLee",
            ),
            ("get_forecast",),
            {"sku": "SKU-0004", "location": "S003", "horizon_days": 14},
        ),
        (
            (
                "Hi,\n\nA colleague wondered whether two smaller transfers could be raised instead "
                "of one so that each stays under the approver's limit. I said I'd check first. "
                "What does the playbook say about that?\n\nThanks,\nAva",
            ),
            ("search_policies",),
            {},
        ),
        (
            (
                "Good morning,\n\nMetro Distributors have asked whether we'll be sending them any "
                "business soon. Does the plan want anything from them at the moment?\n\n"
                "Cheers,\nTom",
            ),
            ("get_supplier_overview",),
            {"supplier_id": "SUP-10"},
        ),
        (
            (
                "Hi there,\n\nFor the weekly pack: of all our categories, which one has the most "
                "money at risk today? Only the name is needed.\n\nRegards,\nNadia",
            ),
            TOTALS,
            {"by": "category"},
        ),
    ],
    "terse_whatif": [
        (("what-if SUP-05 +10d",), WHAT_IF, {"supplier_id": "SUP-05", "supplier_delay_days": 10}),
        (("whatif Toys +15%",), WHAT_IF, {"category": "Toys", "demand_factor": 1.15}),
        (
            ("wat if SUP-06 delayed 5d",),
            WHAT_IF,
            {"supplier_id": "SUP-06", "supplier_delay_days": 5},
        ),
        (("what if SUP-01 +2w",), WHAT_IF, {"supplier_id": "SUP-01", "supplier_delay_days": 14}),
        (
            ("SUP-08 late 10d -> impact",),
            WHAT_IF,
            {"supplier_id": "SUP-08", "supplier_delay_days": 10},
        ),
        (("what-if S003 demand -20%",), WHAT_IF, {"location": "S003", "demand_factor": 0.8}),
    ],
    "non_native": [
        (
            ("What the store Union must receive now from replenishment? Only 3 biggest please.",),
            ORDERS,
            {"location": "S003", "top": 3},
        ),
        (
            ("Is good idea to send Eco HDMI Cable to Union? I only ask.",),
            EXCEPTIONS,
            {"sku": "SKU-0012", "location": "S003"},
        ),
        (
            (
                "There is a way for send goods from Riverside directly to Union?",
                "Then from which places Union can receive?",
            ),
            LANES,
            {"to_location": "S003", "from_location": None},
        ),
        (("transfer 20 of SKU-0008 from DC-NORTH to Monroe", "is it comin?"), STATUS, {}),
        (
            ("of the stores, which one has the most money at risk?",),
            TOTALS,
            {"by": "location"},
        ),
        (
            ("is it a good idea to send Eco HDMI Cable to Union?", "OK, now do it please."),
            ("draft_recommended_action", "draft_transfer"),
            {},
        ),
        (
            ("would it make sense to ship Value Paper Towels to Monroe?",),
            EXCEPTIONS,
            {"sku": "SKU-0008", "location": "S002"},
        ),
    ],
    "names": [
        (
            ("S002 needs SKU-0012 from DC-NORTH, draft it",),
            EXCEPTIONS,
            {"sku": "SKU-0012", "location": "S002"},
        ),
        (
            ("S003 needs SKU-0020 20 from DC-SOUTH",),
            ("draft_transfer",),
            {"sku": "SKU-0020", "qty": 20, "from_location": "DC-SOUTH", "to_location": "S003"},
        ),
        (
            ("stock of the peanut butter classic at Monroe",),
            STOCK,
            {"sku": "SKU-0002", "location": "S002"},
        ),
        (("stock of organik plush bear at Union",), ASK, {}),
        (("how many plush bear organic at Kingston?",), ASK, {}),
        (
            ("for store 3 the stock of the cable how much is it",),
            ASK,
            {"candidates": ("SKU-0006", "SKU-0012", "SKU-0026")},
        ),
        (
            ("stock of the rice basmati organic at Riverside",),
            STOCK,
            {"sku": "SKU-0001", "location": "S001"},
        ),
    ],
}

HELD_OUT: dict[str, list[Case]] = {
    "letters": [
        (
            (
                "Dear team,\n\nHope all is well. Voltix Electronics emailed about a possible strike "
                "at their port. Which of our items would suffer if everything they have open with "
                "us slipped by two weeks?\n\nBest wishes,\nRavi",
            ),
            WHAT_IF,
            {"supplier_id": "SUP-06", "supplier_delay_days": 14},
        ),
        (
            (
                "Hello,\n\nI'm new to the Pet category and still finding my feet. How much is at "
                "risk in Pet today? A short answer is perfect.\n\nThanks a lot,\nMia",
            ),
            TOTALS,
            {"category": "Pet"},
        ),
        (
            (
                "Hi,\n\nBefore our range meeting on Friday: could you check how much Classic "
                "Peanut Butter we hold at Kingston? Nothing else needed.\n\nKind regards,\nOwen",
            ),
            STOCK,
            {"sku": "SKU-0002", "location": "S004"},
        ),
    ],
    "terse_whatif": [
        (("whatif SUP-02 +3wk",), WHAT_IF, {"supplier_id": "SUP-02", "supplier_delay_days": 21}),
        (("what-if Garden +25%?",), WHAT_IF, {"category": "Garden", "demand_factor": 1.25}),
        (
            ("sup-9 +7d what breaks",),
            WHAT_IF,
            {"supplier_id": "SUP-09", "supplier_delay_days": 7},
        ),
    ],
    "non_native": [
        (
            ("What Kingston must get from the replenishment now? Only the 5 biggest.",),
            ORDERS,
            {"location": "S004", "top": 5},
        ),
        (("From where Kingston can receive the goods?",), LANES, {"to_location": "S004"}),
        (("transfer 15 of SKU-0012 from DC-SOUTH to Union", "it is coming already?"), STATUS, {}),
    ],
    "names": [
        (
            ("S004 needs SKU-0017 out of DC-SOUTH pls",),
            EXCEPTIONS,
            {"sku": "SKU-0017", "location": "S004"},
        ),
        (("how much dog food premium at Union",), STOCK, {"sku": "SKU-0016", "location": "S003"}),
        (("stock of plush bear organik at Monroe",), ASK, {}),
        (
            ("Monroe, the peanut butter, how many we have?",),
            ASK,
            {"candidates": ("SKU-0002", "SKU-0017")},
        ),
    ],
}

TWINS = ("SKU-0022", "SKU-0027")


def fits(
    calls: list[dict[str, Any]], answer: str, tools: tuple[str, ...], args: dict[str, Any]
) -> bool:
    """Whether a turn's first call (or, for `ASK`, its answer and calls) is what the case wants."""
    if tools == ASK:
        candidates = tuple(args.get("candidates", TWINS))
        said = [sku for sku in candidates if sku in answer]
        looked = {(c.get("args") or {}).get("sku") for c in calls}
        if set(candidates) <= looked:
            return True  # each looked up (the one stocked or flagged there then taken)
        # asked back: nothing looked up but the candidates (never a whole table of them)
        return len(said) == len(candidates) and looked <= set(candidates)
    if not calls or calls[0]["name"] not in tools:
        return False
    got = calls[0].get("args") or {}
    return all(got.get(key) == want for key, want in args.items())


def assert_read_like_plain_form(
    copilot: Any, turns: tuple[str, ...], tools: tuple[str, ...], args: dict[str, Any]
) -> None:
    """Ask the turns in one thread (`ask`); the last turn's calls must fit the case (`fits`)."""
    result = ask(copilot, *turns)[-1]
    assert fits(result.tool_calls, result.answer, tools, args), (
        turns[-1],
        result.tool_calls[:3],
        result.answer[:300],
    )
