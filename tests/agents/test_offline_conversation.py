"""The conversation around the thread's drafts, read with the network's names.

- A draft named by what it is about ("the hoodie transfer", "my Harbor order", "the move to
  Kingston") is the thread's draft: a question about what became of it reads its status, a new
  quantity amends it, "who signs it off" reads its approval route. A phrase that names
  something no draft of the thread is about is left to the other intents.
- An exception of the last list is pointed at by words of its item's name, its category, its
  type or its place ("the jeans one", "that overstock one", "the pasta one at Union"); a
  request to act on it takes the one whose recommendation can be drafted when the item is
  listed twice (a stockout and an anomaly of one place), and several that fit are asked about.
- A drafting verb with a quantity, an item, a source and a destination is a transfer ("draft 30
  of the hoodie from the south DC to Kingston").
- "same question for <place>", "ditto for", "repeat that for" ask the previous request again
  for the place named.
- "any of it", "30 of that item" is the thread's item; a one-word name several items share
  ("the hoodie shortage at Kingston") is read as the one flagged at the place; "anything worth
  acting on at <place>" lists the place's exceptions.
- "go ahead with the Union transfer" after an explained need that another place's transfer
  covers drafts for the thread's place (the place named is the transfer's source).
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import BaseMessage

from agents.offline import parse
from tests.agents.conftest import turn
from tools.resolve import Resolver


def drafted_transfer(n: int = 1, pid: str = "PR-T1") -> list[BaseMessage]:
    args = {"sku": "SKU-0010", "from_location": "DC-SOUTH", "to_location": "S004", "qty": 30}
    data = {"proposal_id": pid, "status": "pending_approval", "action": "transfer", "args": args}
    return turn("send 30 ultra hoodie from dc south to kingston", "draft_transfer", args, data, n)


def drafted_order(n: int = 2, pid: str = "PR-P1") -> list[BaseMessage]:
    args = {"sku": "SKU-0023", "location_id": "DC-NORTH", "supplier_id": "SUP-09", "qty": 120}
    data = {
        "proposal_id": pid,
        "status": "pending_approval",
        "action": "purchase_order",
        "args": args,
    }
    return turn("buy 120 deluxe pasta from harbor for the north dc", "draft_purchase_order", args,
                data, n)  # fmt: skip


def step(text: str, earlier: list[BaseMessage], resolver: Resolver) -> tuple[str, Any]:
    intent, req = parse(text, earlier, resolver, None)
    out = intent.handler(req, [])
    return intent.name, out if isinstance(out, str) else [(c.name, c.args) for c in out]


@pytest.mark.parametrize(
    "text",
    [
        "has anyone actioned the hoodie transfer yet?",
        "did the approver touch my ultra hoodie move",
        "any word on the kingston transfer?",
        "what happened with the transfer to kingston?",
        "has the hoodie xfer been looked at",
    ],
)
def test_a_draft_named_by_its_item_or_place_is_asked_about(text: str, resolver: Resolver) -> None:
    name, out = step(text, drafted_transfer(), resolver)
    assert out == [("get_proposal_status", {"proposal_id": "PR-T1"})], name


@pytest.mark.parametrize(
    ("text", "pid"),
    [
        ("any news on the harbor order?", "PR-P1"),
        ("has my pasta PO been approved", "PR-P1"),
        ("did the hoodie transfer go through?", "PR-T1"),
        ("what number did they settle on for the harbour order?", "PR-P1"),
    ],
)
def test_of_two_drafts_the_one_named_is_read(text: str, pid: str, resolver: Resolver) -> None:
    earlier = drafted_transfer() + drafted_order()
    _, out = step(text, earlier, resolver)
    assert out == [("get_proposal_status", {"proposal_id": pid})]


def test_a_new_quantity_for_the_named_draft_amends_that_one(resolver: Resolver) -> None:
    earlier = drafted_transfer() + drafted_order()
    _, out = step("make the hoodie transfer 24 instead", earlier, resolver)
    assert out == [("amend_proposal", {"proposal_id": "PR-T1", "qty": 24})]


def test_who_signs_off_the_named_draft(resolver: Resolver) -> None:
    earlier = drafted_transfer() + drafted_order()
    _, out = step("who needs to approve the hoodie transfer?", earlier, resolver)
    assert out == [("get_approval_route", {"proposal_id": "PR-T1"})]


@pytest.mark.parametrize(
    "text",
    ["any news on the plush bear order?", "has the transfer to union been approved?"],
)
def test_a_phrase_no_draft_is_about_is_not_the_drafts_status(text: str, resolver: Resolver) -> None:
    _, out = step(text, drafted_transfer(), resolver)
    assert out != [("get_proposal_status", {"proposal_id": "PR-T1"})]


LIST = [
    "stockout_risk:SKU-0024@S003",
    "inventory_anomaly:SKU-0024@S003",
    "overstock:SKU-0023@S001",
    "stockout_risk:SKU-0023@S004",
    "late_po:SKU-0008@DC-NORTH:PO-000123",
]


def listed() -> list[BaseMessage]:
    items = [{"id": i} for i in LIST]
    return turn("what needs attention?", "list_exceptions", {"top": 10}, {"items": items}, 1)


@pytest.mark.parametrize(
    ("text", "tool", "exc"),
    [
        ("sort out the denim one", "draft_recommended_action", LIST[0]),
        ("pls fix that jeans one", "draft_recommended_action", LIST[0]),
        ("the overstock one - what's the story?", "explain_exception", LIST[2]),
        ("tell me more about the pasta one at kingston", "explain_exception", LIST[3]),
        ("ok do the pasta one at S001", "draft_recommended_action", LIST[2]),
        ("explain the paper towels one", "explain_exception", LIST[4]),
        ("and the household one?", "explain_exception", LIST[4]),
    ],
)
def test_a_listed_exception_is_pointed_at_by_words(
    text: str, tool: str, exc: str, resolver: Resolver
) -> None:
    _, out = step(text, listed(), resolver)
    assert isinstance(out, list), out
    name, args = out[0]
    if name == "list_exceptions" and tool == "explain_exception":
        # the item and place named: that place's exceptions of the item, then the explanation
        sku, _, place = exc.partition(":")[2].partition("@")
        assert (args.get("sku"), args.get("location")) == (sku, place)
        return
    assert name == tool and args.get("exception_id") == exc, out


def test_words_that_fit_several_listed_ones_are_asked(resolver: Resolver) -> None:
    _, out = step("the pasta one - what's going on with it?", listed(), resolver)
    assert isinstance(out, str) and "SKU-0023@S001" in out and "SKU-0023@S004" in out


@pytest.mark.parametrize(
    "text",
    [
        "draft 30 ultra hoodie from the south dc to kingston",
        "prep a transfer of 30 hoodies from DC south to S004",
        "Draft 30 of sku 10 to kingston from the south DC",
        "line up 30 ultra hoodie from dc-south into kingston",
    ],
)
def test_a_drafting_verb_with_both_ends_is_a_transfer(text: str, resolver: Resolver) -> None:
    _, out = step(text, [], resolver)
    args = {"sku": "SKU-0010", "from_location": "DC-SOUTH", "to_location": "S004", "qty": 30}
    assert out == [("draft_transfer", args)]


def test_a_drafting_verb_from_a_supplier_is_no_transfer(resolver: Resolver) -> None:
    _, out = step("raise 30 ultra hoodie from threadline to the south dc", [], resolver)
    assert isinstance(out, list) and out[0][0] != "draft_transfer"


@pytest.mark.parametrize(
    "text",
    ["same question for kingston", "ditto for S004", "repeat that for kingston please",
     "and the same check at kingston?"],
)  # fmt: skip
def test_the_same_question_for_another_place(text: str, resolver: Resolver) -> None:
    earlier = turn("any stockouts at union?", "list_exceptions",
                   {"top": 10, "type": "stockout_risk", "location": "S003"}, {"items": []}, 1)  # fmt: skip
    _, out = step(text, earlier, resolver)
    assert isinstance(out, list) and out[0][0] == "list_exceptions", out
    assert out[0][1].get("location") == "S004" and out[0][1].get("type") == "stockout_risk"


def explained_stockout() -> list[BaseMessage]:
    exc = "stockout_risk:SKU-0010@S004"
    return turn("what's up at kingston", "explain_exception", {"exception_id": exc}, {"id": exc}, 1)


@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [
        ("is there any of it at union?", "get_inventory", {"sku": "SKU-0010", "location": "S003"}),
        ("how much of that item does the north dc hold", "get_inventory",
         {"sku": "SKU-0010", "location": "DC-NORTH"}),
        ("send 12 of it from union to kingston", "draft_transfer",
         {"sku": "SKU-0010", "from_location": "S003", "to_location": "S004", "qty": 12}),
    ],
)  # fmt: skip
def test_it_is_the_threads_item(
    text: str, tool: str, args: dict[str, Any], resolver: Resolver
) -> None:
    _, out = step(text, explained_stockout(), resolver)
    assert isinstance(out, list) and out[0][0] == tool, out
    assert {k: out[0][1].get(k) for k in args} == args


@pytest.mark.parametrize(
    "text",
    [
        "prep the transfer for the cable shortage at union",
        "sort out the cable stockout at S003",
        "get the cable gap at union covered",
    ],
)
def test_a_shared_one_word_name_in_trouble_looks_at_the_places_exceptions(
    text: str, resolver: Resolver
) -> None:
    # "cable" is the name of three items: the place's exceptions tell which one.
    _, out = step(text, [], resolver)
    assert isinstance(out, list) and out[0][0] == "list_exceptions", out
    assert out[0][1].get("location") == "S003"


@pytest.mark.parametrize(
    "text",
    [
        "anything at kingston worth acting on?",
        "what needs action at S004",
        "whats actionable in store 4",
    ],
)
def test_worth_acting_on_lists_the_places_exceptions(text: str, resolver: Resolver) -> None:
    _, out = step(text, [], resolver)
    assert isinstance(out, list) and out[0][0] == "list_exceptions", out
    assert out[0][1].get("location") == "S004"


@pytest.mark.parametrize(
    "text",
    ["fine, go ahead with the union transfer then", "ok go with that S003 transfer",
     "right, do the union transfer"],
)  # fmt: skip
def test_the_covering_transfer_named_by_its_source_is_the_threads_need(
    text: str, resolver: Resolver
) -> None:
    exc = "stockout_risk:SKU-0010@S004"
    record = {"id": exc, "recommendation": {"kind": "none"}}
    earlier = turn("why nothing for the hoodie at kingston", "explain_exception",
                   {"exception_id": exc}, record, 1)  # fmt: skip
    name, out = step(text, earlier, resolver)
    assert name == "draft_previous"
    assert isinstance(out, list) and out[0][0] == "list_exceptions", out
    assert (out[0][1].get("sku"), out[0][1].get("location")) == ("SKU-0010", "S004")
