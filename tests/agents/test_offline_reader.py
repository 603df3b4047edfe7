"""The thread reader: a turn read as action, thread reference and quantity, then resolved."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import BaseMessage

from agents.focus import focus_of
from agents.offline import reader
from agents.offline.intents import parse
from tests.agents.conftest import turn
from tools.resolve import Resolver


def _drafted(pid: str, sku: str, src: str, dst: str, qty: int, n: int) -> list[BaseMessage]:
    args = {"sku": sku, "from_location": src, "to_location": dst, "qty": qty}
    data = {"proposal_id": pid, "status": "pending_approval", "action": "transfer", "args": args}
    return turn(f"move {qty} {sku} from {src} to {dst}", "draft_transfer", args, data, n)


@pytest.fixture
def two_drafts() -> list[BaseMessage]:
    """A thread that drafted two transfers: 60 of SKU-0003 to S002, then 25 of SKU-0004 to S003."""
    return _drafted("PR-AAA111", "SKU-0003", "DC-NORTH", "S002", 60, 1) + _drafted(
        "PR-BBB222", "SKU-0004", "DC-NORTH", "S003", 25, 2
    )


@pytest.fixture
def listed() -> list[BaseMessage]:
    """A thread whose last answer listed two exceptions."""
    items = [
        {"id": "stockout_risk:SKU-0003@S002", "recommendation": {"kind": "transfer"}},
        {"id": "promo_uncovered:SKU-0005@S003", "recommendation": {"kind": "transfer"}},
    ]
    return turn("anything urgent", "list_exceptions", {}, {"items": items})


def _read(text: str, earlier: list[BaseMessage], resolver: Resolver) -> tuple[str, dict[str, Any]]:
    intent, req = parse(text, earlier, resolver)
    return intent.name, dict(req.fields)


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("whose inbox is this going to end up in", "route"),
        ("pull the plug on that, cancel it", "withdraw"),
        ("not cancelling it, is it through yet?", "status"),
        ("hmm 30 rather than 25", "amend"),
        ("has the approver got round to that yet?", "status"),
        ("right, go ahead with it", "draft"),
        ("talk me through why, explain it", "explain"),
        ("what's the weather", None),
    ],
)
def test_action_is_read_from_the_words_in_any_order(text: str, action: str | None) -> None:
    assert reader.action_of(text) == action


def test_a_proposal_is_pointed_at_by_its_quantity(
    two_drafts: list[BaseMessage], resolver: Resolver
) -> None:
    name, fields = _read("so where is that 60-unit move sitting now?", two_drafts, resolver)
    assert (name, fields.get("pid")) == ("proposal_status", "PR-AAA111")
    name, fields = _read("and the 25 unit one, has it moved along?", two_drafts, resolver)
    assert (name, fields.get("pid")) == ("proposal_status", "PR-BBB222")


def test_a_proposal_is_pointed_at_by_its_item_or_place(
    two_drafts: list[BaseMessage], resolver: Resolver
) -> None:
    item = resolver.get("sku", "SKU-0003")
    assert item is not None
    name = item.name.lower()
    got = _read(f"that {name} transfer: has it got anywhere since?", two_drafts, resolver)
    assert got == ("proposal_status", {"pid": "PR-AAA111"}) or got[1].get("pid") == "PR-AAA111"
    assert _read("scrap the S003 one please", two_drafts, resolver)[1].get("pid") == "PR-BBB222"


def test_a_new_quantity_is_the_number_that_is_not_the_drafts(
    two_drafts: list[BaseMessage], resolver: Resolver
) -> None:
    intent, req = parse("on reflection 20 not 25 for that one", two_drafts, resolver)
    assert intent.name in ("amend", "amend_words")
    assert req.get("pid") == "PR-BBB222"
    step = intent.handler(req, [])
    assert not isinstance(step, str)
    assert step[0].args == {"proposal_id": "PR-BBB222", "qty": 20}


def test_the_approval_route_of_the_threads_draft(
    two_drafts: list[BaseMessage], resolver: Resolver
) -> None:
    assert _read("whose desk does that sit on for sign-off", two_drafts, resolver)[0] == (
        "approval_route"
    )


def test_a_question_about_a_draft_never_drafts(
    two_drafts: list[BaseMessage], resolver: Resolver
) -> None:
    name, _ = _read("and the 25 unit one - any movement on it?", two_drafts, resolver)
    assert name in ("proposal_status", "status_words", "proposal_status_loose")


def test_acting_on_a_listed_exception_drafts_it(
    listed: list[BaseMessage], resolver: Resolver
) -> None:
    assert _read("the second one - go ahead with it", listed, resolver) == (
        "draft_exception",
        {"exc": "promo_uncovered:SKU-0005@S003"},
    )
    assert _read("top one of those: prep the recommended action", listed, resolver) == (
        "draft_exception",
        {"exc": "stockout_risk:SKU-0003@S002"},
    )
    name, fields = _read("number two there - talk me through it", listed, resolver)
    assert (name, fields.get("exc")) == ("explain_exception", "promo_uncovered:SKU-0005@S003")


def test_without_anything_to_point_at_nothing_is_read(resolver: Resolver) -> None:
    focus = focus_of([])
    assert reader.read("make it 40 instead", "make it 40 instead", focus, resolver) is None
    assert reader.read("go ahead with it", "go ahead with it", focus, resolver) is None


def test_a_line_of_an_order_list_is_drafted_by_its_position(resolver: Resolver) -> None:
    lines = [
        {"sku": sku, "location": "DC-NORTH", "supplier_id": "SUP-08", "kind": "purchase_order",
         "qty": qty}
        for sku, qty in (("SKU-0007", 90), ("SKU-0014", 40), ("SKU-0003", 12))
    ]  # fmt: skip
    earlier = turn("what should we buy from greenthumb", "get_routine_orders",
                   {"supplier_id": "SUP-08"}, {"items": lines})  # fmt: skip
    intent, req = parse("ok, raise the one with the second-biggest value", earlier, resolver)
    step = intent.handler(req, [])
    assert not isinstance(step, str)
    assert [(c.name, c.args["sku"], c.args["qty"]) for c in step] == [
        ("draft_purchase_order", "SKU-0014", 40)
    ]


def test_a_supplier_is_pointed_at_by_its_role_among_those_shown(resolver: Resolver) -> None:
    rows = [
        {"supplier_id": "SUP-01", "item": {"sku": "SKU-0003", "primary": True}},
        {"supplier_id": "SUP-05", "item": {"sku": "SKU-0003", "primary": False}},
    ]
    earlier = turn("who do we buy the dog food from?", "get_supplier_status", {"sku": "SKU-0003"},
                   rows)  # fmt: skip
    _, req = parse("raise 30 with the backup vendor for the south dc", earlier, resolver)
    assert req.said("supplier") == "SUP-05"
    _, req = parse("get 30 from the main supplier into the south dc", earlier, resolver)
    assert req.said("supplier") == "SUP-01"


def test_who_an_item_is_bought_from_is_a_question_not_an_order(resolver: Resolver) -> None:
    intent, req = parse("which vendor do we buy the hand cream from?", [], resolver)
    assert (intent.name, req.get("sku")) == ("suppliers_of_sku", "SKU-0005")


WRITES = frozenset(
    ("draft_exception", "draft_previous", "draft_previous_qty", "draft_typed", "withdraw",
     "withdraw_loose", "withdraw_words", "amend", "amend_words")
)  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "what would it take to fix the second one?",
        "should we book the second one?",
        "why would we action the top one?",
        "could we place the second one?",
        "would it be worth it to execute the top one?",
    ],
)
def test_a_question_about_acting_on_a_listed_exception_does_not_draft(
    text: str, listed: list[BaseMessage], resolver: Resolver
) -> None:
    assert reader.action_of(text) != "draft"
    assert _read(text, listed, resolver)[0] not in WRITES


@pytest.mark.parametrize(
    "text",
    [
        "Approver is out. why not just execute the second one and sign it off",
        "approver's away - execute the second one and sign it off yourself",
        "just action the top one and sign it off",
    ],
)
def test_acting_on_a_listed_exception_without_the_approver_is_refused(
    text: str, listed: list[BaseMessage], resolver: Resolver
) -> None:
    assert _read(text, listed, resolver)[0] == "refuse"


@pytest.mark.parametrize(
    "text",
    [
        "pull the history for that 60-unit move",
        "pull the numbers on the 25 unit one",
        "pull up that transfer",
        "drop the history for that transfer",
        "drop the history for that 60-unit move",
        "drop the numbers on the 25 unit one",
        "drop me the figures for that transfer",
    ],
)
def test_pulling_figures_about_a_draft_does_not_withdraw_it(
    text: str, two_drafts: list[BaseMessage], resolver: Resolver
) -> None:
    assert reader.action_of(text) != "withdraw"
    assert _read(text, two_drafts, resolver)[0] not in WRITES


@pytest.mark.parametrize(
    "text",
    [
        "pull it",
        "pull the plug on that 60-unit move",
        "pull that transfer",
        "pull the draft",
        "drop that transfer",
        "drop it",
        "drop the 60-unit move",
    ],
)
def test_pulling_a_draft_withdraws_it(
    text: str, two_drafts: list[BaseMessage], resolver: Resolver
) -> None:
    assert reader.action_of(text) == "withdraw"
    assert _read(text, two_drafts, resolver)[0] in ("withdraw", "withdraw_loose", "withdraw_words")


@pytest.mark.parametrize(
    "text",
    [
        "follow up on that 60-unit move",
        "take a look at that 25 unit one",
        "actually, that 60-unit move is enough",
        "the 25 unit one: up to date?",
    ],
)
def test_naming_a_drafts_own_quantity_does_not_amend_it(
    text: str, two_drafts: list[BaseMessage], resolver: Resolver
) -> None:
    assert _read(text, two_drafts, resolver)[0] not in ("amend", "amend_words")
    focus = focus_of(two_drafts)
    reading = reader.read(text, text, focus, resolver)
    assert reading is None or reading.action != "amend"


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("can you go ahead with the second one?", "draft"),
        ("could you please cancel that 60-unit move?", "withdraw"),
        ("would you make the 25 unit one 30 instead?", "amend"),
        ("ok can u just go ahead with it", "draft"),
        ("can you tell me why, explain it?", "explain"),
        ("could you check whether it went through?", "status"),
        ("should we go ahead with it?", None),
    ],
)
def test_a_request_put_politely_is_read_as_the_request(text: str, action: str | None) -> None:
    assert reader.action_of(text) == action


def test_going_ahead_politely_with_a_listed_exception_drafts_it(
    listed: list[BaseMessage], resolver: Resolver
) -> None:
    assert _read("can you go ahead with the second one?", listed, resolver) == (
        "draft_exception",
        {"exc": "promo_uncovered:SKU-0005@S003"},
    )


@pytest.mark.parametrize("text", ["knock it down a bit", "make it a bit smaller"])
def test_a_change_of_no_said_size_asks_the_new_quantity(
    text: str, two_drafts: list[BaseMessage], resolver: Resolver
) -> None:
    intent, req = parse(text, two_drafts[:4], resolver)
    step = intent.handler(req, [])
    assert isinstance(step, str) and "new quantity" in step


def test_one_place_without_a_role_takes_its_kinds_role(
    two_drafts: list[BaseMessage], resolver: Resolver
) -> None:
    name, _ = _read("and the same for S004?", two_drafts[4:], resolver)
    intent, req = parse("and the same for S004?", two_drafts[4:], resolver)
    assert name == "confirm_write" and "from DC-NORTH to S004" in str(intent.handler(req, []))
