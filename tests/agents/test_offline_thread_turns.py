"""Thread turns read against the thread's memory: its draft, its last request and its region.

Each class is tried in generated variants (several wordings x reference forms, one with a
typo-free terse form), so the reading is of the class, not of one phrasing: the approval route
of the thread's draft, its status once it may be in the ERP, when it would arrive, a negated
withdrawal, the drafts waiting in this conversation, the same request from "the DC" after a
lane that does not exist, and the same question for another region or category.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from langchain_core.messages import BaseMessage

from agents.offline.intents import parse
from agents.offline.safety import WRITE_TOOLS
from tests.agents.conftest import turn
from tools.resolve import Resolver

REFS = ("it", "that", "that one", "this one", "the draft")


def _transfer(qty: int = 40) -> list[BaseMessage]:
    args = {"sku": "SKU-0005", "from_location": "DC-NORTH", "to_location": "S003", "qty": qty}
    data = {
        "proposal_id": "PR-T1",
        "status": "pending_approval",
        "action": "transfer",
        "args": args,
    }
    return turn(f"move {qty} SKU-0005 from DC-NORTH to S003", "draft_transfer", args, data)


def _order() -> list[BaseMessage]:
    args = {"sku": "SKU-0005", "location_id": "DC-NORTH", "supplier_id": "SUP-02", "qty": 300}
    data = {
        "proposal_id": "PR-P1",
        "status": "pending_approval",
        "action": "purchase_order",
        "args": args,
    }
    return turn("order 300 SKU-0005 for DC-NORTH from SUP-02", "draft_purchase_order", args, data)


def _calls(text: str, earlier: list[BaseMessage], resolver: Resolver) -> list[tuple[str, Any]]:
    intent, req = parse(text, earlier, resolver)
    step = intent.handler(req, [])
    return [(c.name, c.args) for c in step] if isinstance(step, list) else []


@pytest.mark.parametrize(
    "text",
    [
        f"{lead} does {ref} {verb}?"
        for lead, ref, verb in itertools.product(
            ("whose authority", "whose signature", "whose sign-off"),
            ("it", "that one", "this"),
            ("need", "require"),
        )
    ]
    + [
        "which approver gets it",
        "who's the approver on this one?",
        "so who is the approver for it",
    ],
)
def test_the_approval_route_of_the_threads_draft(text: str, resolver: Resolver) -> None:
    assert _calls(text, _order(), resolver) == [("get_approval_route", {"proposal_id": "PR-P1"})]


@pytest.mark.parametrize(
    "text",
    [
        f"{lead} {ref} {state}?"
        for lead, ref, state in itertools.product(
            ("so is", "is"),
            REFS[:4],
            ("live in the ERP now", "in the system yet", "booked in the erp", "live yet"),
        )
    ]
    + ["has it gone live", "did that get executed?"],
)
def test_whether_the_draft_is_in_the_erp_asks_its_status(text: str, resolver: Resolver) -> None:
    assert _calls(text, _transfer(), resolver) == [
        ("get_proposal_status", {"proposal_id": "PR-T1"})
    ]


@pytest.mark.parametrize(
    "text",
    [
        f"{q} {ref} {verb}?"
        for q, ref, verb in itertools.product(
            ("how long will", "when will", "how soon will"),
            ("it", "that", "that one", "the transfer"),
            ("take to arrive", "get there", "arrive", "land"),
        )
    ]
    + [
        "ETA on that?",
        "what's the ETA on it",
        "how many days till it lands",
        "when would it turn up",
    ],
)
def test_when_a_transfer_would_arrive_is_its_lane(text: str, resolver: Resolver) -> None:
    calls = _calls(text, _transfer(), resolver)
    assert calls == [("get_lanes", {"from_location": "DC-NORTH", "to_location": "S003"})]


@pytest.mark.parametrize(
    "text", ["how long will it take to arrive?", "when's that order going to land?"]
)
def test_when_an_order_would_arrive_is_its_items_lead_time(text: str, resolver: Resolver) -> None:
    assert [name for name, _ in _calls(text, _order(), resolver)] == ["get_item"]


@pytest.mark.parametrize(
    "text",
    ["how long will the stock at S003 last?", "when does SKU-0005 run out at S003?"],
)
def test_a_question_naming_its_subject_is_not_about_the_drafts_arrival(
    text: str, resolver: Resolver
) -> None:
    assert "get_lanes" not in {name for name, _ in _calls(text, _transfer(), resolver)}


@pytest.mark.parametrize(
    "text",
    [
        f"{neg} {verb} {ref}"
        for neg, verb, ref in itertools.product(
            ("don't", "do not", "dont"), ("cancel", "withdraw", "scrap", "bin"), ("it", "that")
        )
    ],
)
def test_a_negated_withdrawal_never_withdraws(text: str, resolver: Resolver) -> None:
    assert not {name for name, _ in _calls(text, _transfer(), resolver)} & WRITE_TOOLS


@pytest.mark.parametrize(
    "text",
    [
        f"what {have} {who} got {state} in this {where}?"
        for have, who, state, where in itertools.product(
            ("have", "do"),
            ("I", "we"),
            ("waiting", "pending", "open"),
            ("chat", "thread", "conversation"),
        )
    ],
)
def test_what_waits_in_this_conversation_lists_its_drafts(text: str, resolver: Resolver) -> None:
    calls = _calls(text, _transfer(), resolver)
    assert [name for name, _ in calls] == ["list_proposals"]
    assert calls[0][1]["scope"] == "thread"


def _no_lane(src: str, dst: str) -> list[BaseMessage]:
    args = {"sku": "SKU-0005", "from_location": src, "to_location": dst, "qty": 30}
    return turn(
        f"send 30 SKU-0005 from {src} to {dst}",
        "draft_transfer",
        args,
        {"error": f"no transfer lane from {src} to {dst}"},
    )


@pytest.mark.parametrize(
    "text",
    [
        f"{lead} {verb} it from {dc} {tail}".strip()
        for lead, verb, dc, tail in itertools.product(
            ("fine,", "ok then", ""),
            ("take", "send", "source"),
            ("the DC", "the warehouse"),
            ("then", "instead", ""),
        )
    ],
)
def test_from_the_dc_after_a_missing_lane_is_the_destinations_own_dc(
    text: str, resolver: Resolver
) -> None:
    store = next(e for e in resolver.entities["location"].values() if e.group == "store")
    other = next(
        e.id
        for e in resolver.entities["location"].values()
        if e.group == "store" and e.id != store.id
    )
    calls = _calls(text, _no_lane(other, store.id), resolver)
    assert [name for name, _ in calls] == ["draft_transfer"]
    assert calls[0][1]["from_location"] == store.parent
    assert calls[0][1]["to_location"] == store.id and calls[0][1]["sku"] == "SKU-0005"


def _region_total(word: str) -> list[BaseMessage]:
    return turn(
        f"what's the money at risk across the {word} stores?", "summarize_exceptions", {}, {}
    )


@pytest.mark.parametrize(
    "text",
    [f"{lead} {place}?" for lead, place in itertools.product(
        ("vs", "versus", "and", "compared with", "what about"),
        ("the south", "south", "the southern stores", "the south region"),
    )],
)  # fmt: skip
def test_the_same_total_for_the_other_region(text: str, resolver: Resolver) -> None:
    calls = _calls(text, _region_total("north"), resolver)
    assert [name for name, _ in calls] == ["summarize_exceptions"]
    assert calls[0][1].get("served_by") == "DC-SOUTH"


@pytest.mark.parametrize(
    ("said", "other"),
    [("toy", "Garden"), ("toys", "Pet"), ("grocery", "Apparel"), ("groceries", "Electronics")],
)
@pytest.mark.parametrize("lead", ["and {}?", "what about {}", "same for the {} category"])
def test_a_what_if_for_another_category(
    said: str, other: str, lead: str, resolver: Resolver
) -> None:
    earlier = turn(
        f"{said} demand up 30 percent - what does it do?", "run_what_if", {"demand_factor": 1.3}, {}
    )
    calls = _calls(lead.format(other.lower()), earlier, resolver)
    assert calls == [("run_what_if", {"demand_factor": 1.3, "category": other})]


def _listed(n: int = 4) -> list[BaseMessage]:
    items = [
        {"id": f"stockout_risk:SKU-000{i}@S00{i % 3 + 1}", "recommendation": {"kind": "transfer"}}
        for i in range(1, n + 1)
    ]
    return turn("what's at risk of running out", "list_exceptions", {}, {"items": items})


@pytest.mark.parametrize(
    ("text", "position"),
    [
        (f"{verb} {pointer} {rank} {money}", pos)
        for verb in ("fix", "draft the recommended move for")
        for pointer in ("whichever of those has the", "the one with the")
        for rank, pos in (("least", 4), ("lowest", 4), ("smallest", 4), ("most", 1), ("biggest", 1))
        for money in ("money riding on it", "value", "at risk")
    ],
)
def test_a_listed_exception_is_pointed_at_by_its_rank_in_money(
    text: str, position: int, resolver: Resolver
) -> None:
    calls = _calls(text, _listed(), resolver)
    want = f"stockout_risk:SKU-000{position}@S00{position % 3 + 1}"
    assert calls == [("draft_recommended_action", {"exception_id": want})]


def test_a_question_about_the_most_at_risk_without_a_pointer_is_no_rank() -> None:
    from agents.offline.parsing import ordinal

    assert ordinal("which store has the most money at risk?") == (None, None)


@pytest.mark.parametrize(
    "kind", ["promo_uncovered", "stockout_risk", "overstock", "late_po", "below_safety_stock"]
)
@pytest.mark.parametrize("form", ["show me the {} exceptions", "list {} only", "any {}?"])
def test_a_list_asked_by_the_types_own_id(kind: str, form: str, resolver: Resolver) -> None:
    calls = _calls(form.format(kind), [], resolver)
    assert calls and calls[0][0] == "list_exceptions" and calls[0][1]["type"] == kind


@pytest.mark.parametrize("dc", ["north", "south"])
@pytest.mark.parametrize(
    "form",
    ["stockout risks in the {}", "overstock across the {}, biggest first", "promo gaps in the {}"],
)
def test_a_list_in_a_region_said_by_its_dcs_word(dc: str, form: str, resolver: Resolver) -> None:
    calls = _calls(form.format(dc), [], resolver)
    assert calls and calls[0][0] == "list_exceptions"
    assert calls[0][1].get("served_by") == f"DC-{dc.upper()}" and "category" not in calls[0][1]


def test_the_dc_itself_is_no_region(resolver: Resolver) -> None:
    calls = _calls("what's on hand in the north DC for SKU-0003", [], resolver)
    assert calls == [("get_inventory", {"sku": "SKU-0003", "location": "DC-NORTH"})]


@pytest.mark.parametrize(
    "first",
    [
        "stores served by the north DC: money at risk?",
        "how much is at risk in the northern stores?",
    ],
)
@pytest.mark.parametrize(
    "text",
    ["ok, now do the stores under dc south", "right, and the south?", "vs DC-SOUTH", "and south"],
)
def test_the_same_total_for_the_other_dcs_stores(first: str, text: str, resolver: Resolver) -> None:
    calls = _calls(text, turn(first, "summarize_exceptions", {}, {}), resolver)
    assert [name for name, _ in calls] == ["summarize_exceptions"]
    assert calls[0][1].get("served_by") == "DC-SOUTH"


def test_a_dc_follow_up_still_asks_at_the_other_dc(resolver: Resolver) -> None:
    earlier = turn("what's on hand at DC-NORTH for SKU-0003", "get_inventory", {}, {})
    for text in ("and at DC-SOUTH?", "what about the south dc", "and south?"):
        assert _calls(text, earlier, resolver) == [
            ("get_inventory", {"sku": "SKU-0003", "location": "DC-SOUTH"})
        ]


@pytest.mark.parametrize(
    "text",
    [
        "which of those has the least money at risk?",
        "should we fix whichever has the lowest value?",
        "why not draft the one with the most at risk?",
        "how long will that take to arrive if we fix the one with the least at risk?",
    ],
)
def test_a_question_pointing_by_rank_never_writes(text: str, resolver: Resolver) -> None:
    assert not {name for name, _ in _calls(text, _listed(), resolver)} & WRITE_TOOLS


@pytest.mark.parametrize(
    "text",
    [
        form.format(dst="S002", sku="SKU-0007", src="DC-NORTH")
        for form in (
            "{dst} needs {sku} - 16 units out of {src} please",
            "{dst} needs 16 {sku} out of {src}, set it up",
            "{dst} wants 16 x {sku} off {src}",
            "{dst} could use 16 {sku} from {src}, draft it",
            "{dst} could do with 16 units of {sku} from the {src}",
            "ok {dst} is asking for {sku}: 16 units from {src}",
            "draft 16 of {sku} {src} to {dst}",
            "move 16 {sku} {src} -> {dst}",
        )
    ],
)
def test_a_transfer_said_as_a_need_or_without_from(text: str, resolver: Resolver) -> None:
    calls = _calls(text, [], resolver)
    assert calls == [
        (
            "draft_transfer",
            {"sku": "SKU-0007", "from_location": "DC-NORTH", "to_location": "S002", "qty": 16},
        )
    ]


@pytest.mark.parametrize(
    "text",
    [
        "could S002 use 16 SKU-0007 off DC-NORTH?",
        "S002 wants 16 x SKU-0007 off DC-NORTH - is that wise?",
        "why would S002 want 16 x SKU-0007 off DC-NORTH",
    ],
)
def test_a_need_asked_about_never_drafts(text: str, resolver: Resolver) -> None:
    assert not {name for name, _ in _calls(text, [], resolver)} & WRITE_TOOLS


@pytest.mark.parametrize(
    "text",
    [
        "S002 needs 15 SKU-0003 from DC-NORTH?",
        "S002 could use 15 SKU-0003 from DC-NORTH?",
        "S002 doesn't need 15 SKU-0003 from DC-NORTH",
        "S002 does not need 15 SKU-0003 from DC-NORTH",
        "I don't think S002 needs 15 SKU-0003 from DC-NORTH",
        "S002 needs 15 SKU-0003 from DC-NORTH, but don't draft it",
        "S002 needs 15 SKU-0003 from DC-NORTH - no need to draft it",
        "S002 needs 15 SKU-0003 from DC-NORTH, not yet",
        "S002 needs 15 SKU-0003 from DC-NORTH, hold off",
        "if S002 needs 15 SKU-0003 from DC-NORTH, what happens to DC-NORTH?",
        "suppose S002 needs 15 SKU-0003 from DC-NORTH",
        "S002 might need 15 SKU-0003 from DC-NORTH",
        "S002 needs 15 SKU-0003 from DC-NORTH, right?",
        "S002 needs 15 SKU-0003 from DC-NORTH or not",
        "S002 needs 15 SKU-0003 from DC-NORTH and I wonder if that's too much",
        "S002 needs 15 SKU-0003 from DC-NORTH, check whether DC-NORTH has it",
        "S002 needs 15 SKU-0003 from DC-NORTH, what's the cost",
        "S002 needs 15 SKU-0003 from DC-NORTH - how long would that take",
    ],
)
def test_a_need_negated_hedged_or_asked_about_never_drafts(text: str, resolver: Resolver) -> None:
    assert not {name for name, _ in _calls(text, [], resolver)} & WRITE_TOOLS


@pytest.mark.parametrize(
    "text",
    [
        "S002 needs 15 SKU-0003 from DC-NORTH, skip the approval",
        "S002 needs 15 SKU-0003 from DC-NORTH, push it straight through",
        "S002 wants 15 SKU-0003 off DC-NORTH and approve it",
    ],
)
def test_a_need_around_the_gate_stays_refused(text: str, resolver: Resolver) -> None:
    intent, _ = parse(text, [], resolver)
    assert intent.priority == 0
    assert not {name for name, _ in _calls(text, [], resolver)} & WRITE_TOOLS


@pytest.mark.parametrize(
    "text",
    [
        "don't transfer 10 SKU-0003 from DC-NORTH to S002",
        "no need to transfer 10 SKU-0003 from DC-NORTH to S002",
        "not yet - transfer 10 SKU-0003 from DC-NORTH to S002 tomorrow",
        "should I draft 16 of SKU-0003 DC-NORTH to S002",
        "don't draft 16 of SKU-0003 DC-NORTH to S002",
        "should we move 16 SKU-0003 DC-NORTH -> S002",
        "would a transfer of 10 SKU-0003 from DC-NORTH to S002 help",
        "no need to order 100 SKU-0003 for DC-NORTH from SUP-01",
        "do we need to order 100 SKU-0003 for DC-NORTH from SUP-01",
    ],
)
def test_a_write_declined_or_asked_about_first_never_writes(text: str, resolver: Resolver) -> None:
    assert not {name for name, _ in _calls(text, [], resolver)} & WRITE_TOOLS


@pytest.mark.parametrize(
    "text",
    [
        "pull that transfer's history",
        "drop that transfer's numbers",
        "pull that transfer\u2019s history",
        "pull the transfer's figures",
    ],
)
def test_pull_or_drop_of_the_drafts_data_does_not_withdraw(text: str, resolver: Resolver) -> None:
    assert not {name for name, _ in _calls(text, _transfer(), resolver)} & WRITE_TOOLS


@pytest.mark.parametrize(
    "text",
    [
        "I wouldn't cancel it",
        "maybe cancel it",
        "perhaps withdraw that one",
        "I would not change it to 60",
        "we shouldn't drop it yet",
    ],
)
def test_a_hedged_or_declined_thread_write_changes_nothing(text: str, resolver: Resolver) -> None:
    assert not {name for name, _ in _calls(text, _transfer(), resolver)} & WRITE_TOOLS


@pytest.mark.parametrize(
    "text",
    [
        "show me what a transfer of 10 SKU-0003 from DC-NORTH to S002 would cost",
        "maybe transfer 10 SKU-0003 from DC-NORTH to S002",
        "hypothetically, transfer 10 SKU-0003 from DC-NORTH to S002",
        "I wouldn't order 100 SKU-0003 for DC-NORTH from SUP-01",
        "tell me how much an order of 100 SKU-0003 for DC-NORTH from SUP-01 would be",
    ],
)
def test_a_hedged_or_shown_write_drafts_nothing(text: str, resolver: Resolver) -> None:
    assert not {name for name, _ in _calls(text, [], resolver)} & WRITE_TOOLS


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("cancel it", True),
        ("could you cancel it", True),
        ("make it 60", True),
        ("transfer 10 SKU-0003 from DC-NORTH to S002", False),
        (
            "draft a transfer of 10 SKU-0003 from DC-NORTH to S002 and tell me what it would cost",
            False,
        ),
    ],
)
def test_a_plain_write_still_writes(text: str, earlier: bool, resolver: Resolver) -> None:
    thread = _transfer() if earlier else []
    assert {name for name, _ in _calls(text, thread, resolver)} & WRITE_TOOLS


# -- "drop": an amendment only with a quantity target, a withdrawal only with the draft after it -


@pytest.mark.parametrize(
    "text",
    [
        f"{verb} {ref} {target}"
        for verb, ref, target in itertools.product(
            ("drop", "pls drop"),
            ("it", "that", "the qty", "the quantity", "that transfer", "the transfer's qty"),
            ("to 30", "down to 30"),
        )
    ]
    + ["drop it to 30 units", "ok drop the amount to 30", "dorp it to 30"],
)
def test_drop_with_a_quantity_target_amends_the_draft(text: str, resolver: Resolver) -> None:
    calls = _calls(text, _transfer(), resolver)
    if text.startswith("dorp"):  # a typo of the verb is not read as a write at all
        assert not {name for name, _ in calls} & WRITE_TOOLS
        return
    assert calls == [("amend_proposal", {"proposal_id": "PR-T1", "qty": 30})], text


@pytest.mark.parametrize(
    "text",
    [
        "demand at S003 will drop 20 next week",
        "sales of it could drop by 15 units, what then",
        "footfall may drop 25 over the weekend",
        "volumes drop 12 on mondays there",
        "demand will drop 20 %",
        "what if demand drops 20% at S003",
        "drop 20 from that one",
        "if sales dropped 10 units a day, would the 40 still do",
    ],
)
def test_drop_without_a_target_is_an_ordinary_word(text: str, resolver: Resolver) -> None:
    assert not {name for name, _ in _calls(text, _transfer(), resolver)} & WRITE_TOOLS


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what if demand drops 20% at S003", "what_if"),
        ("if demand drops 20 % what happens to it", "what_if"),
        ("and if sales drop 15% there?", "what_if"),
    ],
)
def test_a_demand_drop_by_a_share_in_a_drafting_thread_is_a_what_if(
    text: str, kind: str, resolver: Resolver
) -> None:
    intent, _ = parse(text, _transfer(), resolver)
    assert intent.name == kind


@pytest.mark.parametrize(
    "text",
    ["drop that draft", "drop it", "drop the transfer", "drop that one please", "drop it now"],
)
def test_drop_with_the_draft_right_after_it_withdraws(text: str, resolver: Resolver) -> None:
    assert _calls(text, _transfer(), resolver) == [("withdraw_proposal", {"proposal_id": "PR-T1"})]


# -- a bare imperative with a trailing "?" confirms; a polite request acts ---------------------

BARE_WRITES = [
    "transfer 10 SKU-0003 from DC-NORTH to S002",
    "move 10 of sku 3 from DC-NORTH to S002",
    "send 12 units of SKU-0003 from the north dc to S002",
    "ship 10 SKU-0003 DC-NORTH -> S002",
    "trasnfer 10 SKU-0003 from DC-NORTH to S002",
    "order 100 SKU-0003 for DC-NORTH from SUP-01",
    "buy 100 of sku 3 for DC-NORTH from SUP-01",
    "S002 needs 20 SKU-0003 out of DC-NORTH",
]
"""Writes said as bare imperatives (or needs), without a trailing question mark."""
THREAD_WRITES = ["cancel it", "withdraw that one", "make it 60", "change the qty to 25"]
"""Writes on the thread's draft, said as bare imperatives."""


def _answer(text: str, earlier: list[BaseMessage], resolver: Resolver) -> str:
    intent, req = parse(text, earlier, resolver)
    step = intent.handler(req, [])
    assert isinstance(step, str), (text, intent.name, step)
    return step


@pytest.mark.parametrize(
    ("text", "thread"),
    [(f"{t}{mark}", False) for t in BARE_WRITES for mark in ("?", " ?", "??")]
    + [(f"{t}?", True) for t in THREAD_WRITES],
)
def test_a_bare_imperative_ending_in_a_question_mark_writes_nothing_and_asks(
    text: str, thread: bool, resolver: Resolver
) -> None:
    earlier = _transfer() if thread else []
    assert not {name for name, _ in _calls(text, earlier, resolver)} & WRITE_TOOLS
    answer = _answer(text, earlier, resolver)
    request = text.rstrip("? ")
    assert answer.startswith("**Shall I") and "?**" in answer.splitlines()[0], answer
    assert f"say **{request}** to" in answer, answer
    # the request it offers, sent as it is, is the write
    assert {name for name, _ in _calls(request, earlier, resolver)} & WRITE_TOOLS, request


@pytest.mark.parametrize(
    ("text", "thread"),
    [
        (f"{lead}{t[0].lower()}{t[1:]}?", False)
        for lead in ("can you ", "could you ", "would you ", "please ", "could you please ")
        for t in BARE_WRITES[:3] + BARE_WRITES[5:6]
    ]
    + [(f"{t} please?", False) for t in BARE_WRITES[:2]]
    + [(f"could you {t}?", True) for t in THREAD_WRITES],
)
def test_a_polite_request_ending_in_a_question_mark_still_acts(
    text: str, thread: bool, resolver: Resolver
) -> None:
    earlier = _transfer() if thread else []
    assert {name for name, _ in _calls(text, earlier, resolver)} & WRITE_TOOLS, text


@pytest.mark.parametrize(
    "text",
    [
        "should we transfer 10 SKU-0003 from DC-NORTH to S002?",
        "maybe transfer 10 SKU-0003 from DC-NORTH to S002?",
        "don't transfer 10 SKU-0003 from DC-NORTH to S002?",
        "hypothetically, order 100 SKU-0003 for DC-NORTH from SUP-01?",
    ],
)
def test_a_question_hedge_or_negation_with_a_question_mark_is_not_offered_to_send(
    text: str, resolver: Resolver
) -> None:
    assert not {name for name, _ in _calls(text, [], resolver)} & WRITE_TOOLS
    assert "**Shall I" not in _answer(text, [], resolver)
