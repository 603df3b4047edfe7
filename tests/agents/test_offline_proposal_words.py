"""Follow-ups on the thread's own draft, drafting verbs and record changes, in everyday words.

In a thread that has drafted a proposal, a short message that takes it back, gives it a new
quantity or asks what became of it acts on that proposal; "set it up" after a look-up drafts;
a request to mark an order received in the ERP, or to decide as someone one stands in for,
is refused before any tool call. Each class is read with several phrasings of our own.
"""

from __future__ import annotations

import json
import re

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agents.offline import parse
from agents.offline.handlers import _left_over
from agents.offline.messages import MAX_DRAFTS, Request, Result

DRAFTED = (
    HumanMessage("transfer 40 of SKU-0001 from DC-NORTH to S001"),
    AIMessage(
        "",
        tool_calls=[
            {
                "name": "draft_transfer",
                "args": {"sku": "SKU-0001", "from_location": "DC-NORTH", "to_location": "S001",
                         "qty": 40},
                "id": "c1",
            }
        ],
    ),
    ToolMessage('{"proposal_id": "PR-1", "status": "pending_approval"}', tool_call_id="c1"),
)  # fmt: skip
"""A thread that drafted a proposal still pending."""
LOOKED_UP = (
    HumanMessage("stock of SKU-0001 at S001"),
    AIMessage(
        "",
        tool_calls=[{"name": "get_inventory", "args": {"sku": "SKU-0001", "location": "S001"},
                     "id": "c2"}],
    ),
    ToolMessage("[]", tool_call_id="c2"),
)  # fmt: skip
"""A thread that looked at SKU-0001 at S001 and drafted nothing."""


def first_call(text: str, earlier: tuple = DRAFTED) -> tuple[str, object]:
    intent, req = parse(text, earlier)
    assert isinstance(req, Request)
    step = intent.handler(req, [])
    return intent.name, step if isinstance(step, str) else [(c.name, c.args) for c in step]


@pytest.mark.parametrize(
    "text",
    [
        "scrap that, not needed after all",
        "bin it, we're fine",
        "not required any more, we sorted it with the store next door",
        "chuck that one, the delivery landed",
        "hold off on it - we don't need it now",
    ],
)
def test_taking_the_draft_back_withdraws_it(text: str) -> None:
    _, step = first_call(text)
    assert step == [("withdraw_proposal", {"proposal_id": "PR-1"})]


@pytest.mark.parametrize(
    ("text", "qty"),
    [
        ("actually 48 is plenty, bring the quantity down to that", 48),
        ("they come in sixes so round it up to 72", 72),
        ("trim that to 36 pls", 36),
        ("let's go 90 on that one, we'll need the buffer", 90),
    ],
)
def test_a_new_quantity_amends_the_draft(text: str, qty: int) -> None:
    _, step = first_call(text)
    assert step == [("amend_proposal", {"proposal_id": "PR-1", "qty": qty})]


@pytest.mark.parametrize(
    "text",
    [
        "any word back from bob on that one?",
        "what did bob decide on it?",
        "has that PO been placed yet, and under what number?",
        "so what came of it in the end",
        "heard anything from the approver?",
    ],
)
def test_asking_what_became_of_the_draft_reads_its_status(text: str) -> None:
    _, step = first_call(text)
    assert step == [("get_proposal_status", {"proposal_id": "PR-1"})]


@pytest.mark.parametrize(
    "text",
    ["scrap that, not needed after all", "trim that to 36 pls", "what did bob decide on it?"],
)
def test_without_a_draft_these_do_not_act_on_one(text: str) -> None:
    name, _ = first_call(text, LOOKED_UP)
    assert name not in ("withdraw_words", "amend_words", "status_words")


@pytest.mark.parametrize(
    "text",
    ["don't scrap it, bob will look at it today", "what if demand rises 20%?",
     "who needs to approve this?"],
)  # fmt: skip
def test_other_follow_ups_are_not_read_as_a_withdrawal(text: str) -> None:
    name, _ = first_call(text)
    assert name not in ("withdraw_words", "withdraw_loose", "withdraw")


@pytest.mark.parametrize(
    "text",
    ["go on then, set it up", "fine, go ahead and sort it", "alright then, write that one up",
     "ok sort it out"],
)  # fmt: skip
def test_setting_it_up_after_a_look_up_drafts_the_engines_action(text: str) -> None:
    name, _ = first_call(text, LOOKED_UP)
    assert name == "draft_previous"


@pytest.mark.parametrize(
    "text",
    ["S001 is short on SKU-0001; write up 50 from DC-NORTH",
     "line up 30 of SKU-0001 from DC-NORTH for S001"],
)  # fmt: skip
def test_writing_up_a_quantity_from_a_location_drafts_a_transfer(text: str) -> None:
    _, step = first_call(text, ())
    assert isinstance(step, list) and step[0][0] == "draft_transfer"
    assert step[0][1]["from_location"] == "DC-NORTH" and step[0][1]["to_location"] == "S001"


@pytest.mark.parametrize(
    "text",
    [
        "forget chasing them - just mark PO-000123 as received in the ERP",
        "tick PO-000123 off as delivered in the system",
        "mark the late PO as in, it came this morning",
        "can you set that order to closed so the alert goes away",
        "receive PO-000123 in the ERP please",
    ],
)
def test_changing_an_orders_record_in_the_erp_is_refused(text: str) -> None:
    name, step = first_call(text, ())
    assert name == "refuse_record"
    assert isinstance(step, str) and step.startswith("I can't do that")


@pytest.mark.parametrize(
    "text",
    ["has PO-000123 been received yet?", "which POs were delivered late last month?",
     "is the late PO marked as received?"],
)  # fmt: skip
def test_asking_about_an_orders_record_is_not_refused(text: str) -> None:
    name, _ = first_call(text, ())
    assert name != "refuse_record"


@pytest.mark.parametrize(
    "text",
    ["I'm covering for bob today - approve everything pending under his name",
     "standing in for carol this week, reject the pending transfer",
     "filling in for dana: sign off PR-1"],
)  # fmt: skip
def test_deciding_for_someone_one_stands_in_for_is_refused(text: str) -> None:
    name, step = first_call(text)
    assert name == "refuse_impersonation"
    assert isinstance(step, str) and "another person's name" in step


SUPPLIERS = (
    *LOOKED_UP,
    HumanMessage("who supplies it?"),
    AIMessage(
        "", tool_calls=[{"name": "get_supplier_status", "args": {"sku": "SKU-0001"}, "id": "c3"}]
    ),
    ToolMessage(
        '[{"supplier_id": "SUP-09", "name": "Harbor Wholesale", "primary": true, '
        '"lead_time_days": 8, "on_time_rate": 0.96}]',
        tool_call_id="c3",
    ),
)
"""A thread that looked at SKU-0001 at S001, then listed its one supplier."""
NEED = {
    "items": [
        {
            "id": "stockout_risk:SKU-0001@S001",
            "sku": "SKU-0001",
            "location": "S001",
            "recommendation": {
                "kind": "transfer",
                "from_location": "DC-NORTH",
                "to_location": "S001",
                "qty": 30,
            },
        }
    ]
}


@pytest.mark.parametrize(
    "text", ["ok go with them", "let's use that one then", "fine, order it from them"]
)
def test_choosing_the_supplier_just_listed_drafts_a_po_from_it(text: str) -> None:
    intent, req = parse(text, SUPPLIERS)
    first = intent.handler(req, [])
    assert isinstance(first, list) and first[0].name == "list_exceptions"
    listed = Result(first[0].name, first[0].args, json.dumps(NEED), NEED)
    second = intent.handler(req, [listed])
    assert isinstance(second, list), second
    assert (second[0].name, second[0].args["supplier_id"]) == ("draft_purchase_order", "SUP-09")
    assert second[0].args["qty"] == 30  # the engine's quantity for the need


def test_lines_past_the_draft_cap_are_named() -> None:
    offer = [
        {"tool": "draft_purchase_order",
         "args": {"sku": f"SKU-000{i}", "location_id": "DC-NORTH", "supplier_id": "SUP-09"}}
        for i in range(1, 8)
    ]  # fmt: skip
    note = _left_over(offer)
    assert "first five of the lines shown" in note and "at most five a request" in note
    assert not re.search(r"\d", re.sub(r"\b(?:SKU|SUP)-\d+", "", note))  # no figure of our own
    assert "SKU-0006 for DC-NORTH from SUP-09, SKU-0007 for DC-NORTH from SUP-09" in note
    assert _left_over(offer[:MAX_DRAFTS]) == ""


@pytest.mark.parametrize(
    "text",
    ["can S002 lend S001 a few SKU-0001?", "could S002 spare some SKU-0001 for S001",
     "can S001 borrow a handful from S002?"],
)  # fmt: skip
def test_a_loan_between_two_stores_checks_the_lane_first(text: str) -> None:
    name, step = first_call(text, ())
    assert name == "loan_lane"
    assert step == [("get_lanes", {"from_location": "S002", "to_location": "S001"})]


def _explained(kind: str) -> tuple:
    record = {
        "id": "stockout_risk:SKU-0001@S001",
        "type": "stockout_risk",
        "sku": "SKU-0001",
        "location": "S001",
        "recommendation": {"kind": kind, "po_id": "PO-000001"},
    }
    return (
        HumanMessage("why is SKU-0001 at S001 flagged?"),
        AIMessage(
            "",
            tool_calls=[
                {"name": "explain_exception", "args": {"exception_id": record["id"]}, "id": "c9"}
            ],
        ),
        ToolMessage(json.dumps(record), tool_call_id="c9"),
    )


@pytest.mark.parametrize("text", ["ok do it", "go on then, set it up", "fine, sort it out"])
def test_a_review_only_need_is_covered_as_its_need(text: str) -> None:
    intent, req = parse(text, _explained("review"))
    step = intent.handler(req, [])
    assert isinstance(step, list)
    # the need's exceptions, then the action that delivers here (maybe raised elsewhere)
    assert (step[0].name, step[0].args["sku"], step[0].args["location"]) == (
        "list_exceptions", "SKU-0001", "S001",
    )  # fmt: skip


def test_an_expedite_stays_advice() -> None:
    intent, req = parse("ok do it", _explained("expedite"))
    step = intent.handler(req, [])
    assert isinstance(step, list) and step[0].name == "draft_recommended_action"
