"""Rule questions: a limit, a deadline or a permission asked in general is the playbook's.

A question that names no particular thing and asks at what figure, by when or whether
something may be done is answered from the playbook, even when its nouns ("phantom", "late
supplier", "routine replenishment") are those of a data look-up; its one-line answer is the
sentence that states the limit or the time allowed. The same nouns with a particular item,
store or document stay a look-up. Each answer runs on the real playbook's search results.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from agents.offline import parse, rules
from agents.offline.messages import Call, Result
from knowledge import KnowledgeBase
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


def answer(text: str, kb: KnowledgeBase) -> str:
    """Run a request to its answer, its searches on the real playbook; only searches allowed."""
    intent, req = parse(text, (), None, as_of=AS_OF)
    results: list[Result] = []
    for _ in range(4):
        step = intent.handler(req, results)
        if isinstance(step, str):
            return step
        for call in step:
            assert isinstance(call, Call) and call.name == "search_policies", (text, call)
            found = [p.to_dict() for p in kb.search(call.args["query"], k=call.args.get("k", 3))]
            data = {"query": call.args["query"], "passages": found}
            results.append(Result(call.name, call.args, json.dumps(data), data))
    raise AssertionError(f"no answer for {text!r}")


def in_short(text: str) -> str:
    """The answer's first line: the rule in one line."""
    return text.splitlines()[0]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (
            "once a shelf is flagged as possible phantom stock, how many days does the store "
            "have to do the count?",
            "3 working days",
        ),
        ("when on-hand goes below zero at a shop, by when must it be recounted?", "2 working days"),
        ("below what on-time rate does a supplier end up on a performance plan?", "85 %"),
        ("small store moves: under which value is a transfer line not raised?", "150"),
        ("up to which amount may an approver approve an order?", "25,000"),
        (
            "is a planner allowed to ship stock out of a location with suspected phantom stock "
            "before anyone counts it?",
            "until it has been counted",
        ),
        (
            "do we have to let an item drop under its reorder point before the weekly review "
            "orders it?",
            "not allowed",
        ),
    ],
)
def test_a_rule_question_leads_with_the_sentence_that_sets_the_rule(
    text: str, rule: str, kb: KnowledgeBase
) -> None:
    assert parse(text, (), None, as_of=AS_OF)[0].name.startswith("policy")
    reply = answer(text, kb)
    assert rule in in_short(reply), reply[:600]
    assert "Sources:" in reply


def test_a_fee_is_approved_as_the_expedite_procedure_says_not_by_order_value(
    kb: KnowledgeBase,
) -> None:
    reply = answer("the carrier quotes a 2,300 rush fee on that PO; who may approve that?", kb)
    assert "Procurement Manager" in in_short(reply)
    assert "Who approves by order value" not in reply


@pytest.mark.parametrize(
    "text",
    [
        "the carrier quotes a 900 rush fee - who may approve that?",
        "a 40,000 order came in; who should sign that off?",
    ],
)
def test_asking_who_may_approve_in_a_later_clause_is_a_question(text: str) -> None:
    assert parse(text, (), None, as_of=AS_OF)[0].name.startswith("policy")


@pytest.mark.parametrize(
    "text",
    [
        "approve that - who cares about the queue",
        "sign off on it; nobody will check",
        "just commit this, the approver is out",
    ],
)
def test_an_instruction_to_approve_is_still_refused_whatever_clause_follows(text: str) -> None:
    assert parse(text, (), None, as_of=AS_OF)[0].name == "refuse"


@pytest.mark.parametrize(
    "text",
    [
        "how long have we got before SKU-0001 runs out at S003?",
        "can we see the late POs?",
        "what's flagged as phantom stock at S003?",
        "which store has the most money at risk?",
        "can I get the order list for SUP-02?",
    ],
)
def test_a_question_about_particular_things_or_a_look_up_is_not_a_rule_question(
    text: str,
) -> None:
    assert not parse(text, (), None, as_of=AS_OF)[0].name.startswith("policy")


def test_naming_a_particular_thing_makes_it_a_data_question() -> None:
    assert rules.is_rule_question("at what value does a transfer stop being worth it?", {})
    assert not rules.is_rule_question(
        "at what value does a transfer stop being worth it?", {"location": ["S003"]}
    )
    assert not rules.is_rule_question("what's the deadline on PO-000123?", {})


def test_an_id_shaped_like_the_networks_names_a_particular_thing(
    hub_resolver: Resolver,
) -> None:
    text = "how long does HUB-7 have to count a flagged item?"
    assert rules.is_rule_question(text, {})
    assert not rules.is_rule_question(text, {}, hub_resolver)
    assert not rules.is_rule_question(text.replace("HUB-7", "SKU-9999"), {}, hub_resolver)
    assert rules.is_rule_question(
        "how long does a store have to count a flagged item?", {}, hub_resolver
    )
    assert not rules.is_rule_question("what's the deadline on overstock:SKU-0001@S003?", {})


@pytest.mark.parametrize(
    "text",
    [
        "which stores are below the safety stock threshold right now?",
        "list the items past the overstock cut-off",
        "what SKUs are over the tolerance at the moment?",
        "show me the lines beyond the reorder trigger point",
    ],
)
def test_a_request_for_the_things_past_a_limit_is_a_look_up_not_a_rule_question(
    text: str,
) -> None:
    assert not rules.is_rule_question(text, {})
    assert not parse(text, (), None, as_of=AS_OF)[0].name.startswith("policy")


@pytest.mark.parametrize(
    "text",
    [
        "Urgent. why wait, commit the transfer",
        "why not commit it now",
        "fine - why hold off, approve the order",
    ],
)
def test_an_instruction_opening_with_why_wait_is_refused(text: str) -> None:
    assert parse(text, (), None, as_of=AS_OF)[0].name == "refuse"


@pytest.mark.parametrize(
    "text",
    [
        "pls tell me how we handle phantom stock",
        "how do I get a PO expedited",
        "is it ok if I approve my own PO?",
    ],
)
def test_how_a_procedure_is_done_or_ones_own_order_is_a_rule_question(text: str) -> None:
    assert rules.is_rule_question(text, {})


def test_a_permission_after_a_clause_of_context_is_searched_alone() -> None:
    text = "I'm covering approvals this week - is it ok for me to approve a PO I keyed in myself?"
    assert rules.is_rule_question(text, {})
    assert rules.asked_part(text) == "is it ok for me to approve a PO I keyed in myself?"
