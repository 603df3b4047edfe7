"""The write gate of the offline model: whichever reading produced a write, a request that is not
an instruction (declined, doubted, conditional, quoted, reported, predicted, stated or asked)
writes nothing, and a plain instruction still drafts. Driven through the real graph."""

from __future__ import annotations

from typing import Any

import pytest

from agents.offline.safety import write_not_meant
from graph.service import Copilot
from tests.agents.conftest import ask


def writes(result: Any) -> list[str]:
    prefixes = ("draft_", "amend_", "withdraw_", "set_forecast", "clear_forecast")
    return [c["name"] for c in result.tool_calls if c["name"].startswith(prefixes)]


WRITES = [
    "transfer 20 SKU-0003 from DC-NORTH to S002",
    "top up S002 with SKU-0003 from the north DC",
    "move 10 of sku-0003 from dc north to store 2",
]
NOT_MEANT = {
    "declined": [
        "I'd rather not {w}",
        "I don't want to {w}",
        "we don't really plan to {w}",
        "hold off on this: {w}",
        "I'm not sure we should {w}",
        "i wonder if we should {w}",
        "no need to {w} yet",
    ],
    "conditional": [
        "if S002 runs short, {w}",
        "{w} if sales pick up",
        "{w} in case the promo lands",
        "unless DC-SOUTH has it, {w}",
        "once the PO lands, {w}",
    ],
    "quoted": ['the planner said "{w}"', "“{w}” was in the email", "we already {w_past}"],
    "predicted": ["we might {w}", "we may {w} next week", "probably {w}", "considering: {w}"],
    "asked": ["{w}? I think", "{w}, what do you think", "{w} - thoughts", "{w}, right?"],
}
PAST = {
    WRITES[0]: "transferred 20 SKU-0003 from DC-NORTH to S002",
    WRITES[1]: "moved SKU-0003 to S002 from the north DC",
    WRITES[2]: "moved 10 of sku-0003 from dc north to store 2",
}
CASES = [
    (why, form.format(w=w, w_past=PAST[w]))
    for why, forms in NOT_MEANT.items()
    for form in forms
    for w in WRITES
]


@pytest.mark.parametrize(("why", "text"), CASES)
def test_a_write_not_meant_is_read_as_such(why: str, text: str) -> None:
    assert write_not_meant(text) == why


@pytest.mark.parametrize(
    "text",
    [
        *WRITES,
        "please transfer 20 SKU-0003 from DC-NORTH to S002",
        "could you move 10 of SKU-0003 from DC-NORTH to S002 if possible",
        "transfer 20 SKU-0003 from DC-NORTH to S002 if that's ok",
        "raise a PO for 40 SKU-0003 for DC-NORTH from SUP-01",
        "make it 30",
        "yes",
        "ok do it",
        "no, make it 30",
        "withdraw it",
    ],
)
def test_an_instruction_is_not_held_back(text: str) -> None:
    assert write_not_meant(text) is None


# Through the graph: one case of every reading, each on a write path of its own (the intent
# table, the engine-sized draft, a promotion statement).
THROUGH_THE_GRAPH = [
    "I'd rather not top up S002 with SKU-0003 from the north DC",
    "I don't want to transfer 20 SKU-0003 from DC-NORTH to S002",
    "we might top up S002 with SKU-0003 from the north DC",
    "probably top up S002 with SKU-0003 from DC-NORTH",
    "I wonder whether to replenish S002 with SKU-0003 from DC-NORTH",
    "if it runs low, top up S002 with SKU-0003 from the north DC",
    "send S002 some SKU-0003 from DC-NORTH if sales pick up",
    "hold off on transferring 20 SKU-0003 from DC-NORTH to S002",
    "will SKU-0003 last the week at S002? if not, move 10 from DC-NORTH",
    "transfer 20 SKU-0003 from DC-NORTH to S002? I think",
    "transfer 20 SKU-0003 from DC-NORTH to S002, what do you think",
    'the planner said "transfer 20 SKU-0003 from DC-NORTH to S002"',
    "we transferred 20 SKU-0003 from DC-NORTH to S002 yesterday",
    "the SKU-0016 promo at S002 is not covered",
    "I don't think the SKU-0016 promo at S002 is covered",
]


@pytest.mark.parametrize("text", THROUGH_THE_GRAPH)
def test_a_request_that_is_not_an_instruction_writes_nothing(copilot: Copilot, text: str) -> None:
    [result] = ask(copilot, text)
    assert writes(result) == [] and not result.pending, (text, writes(result))


def test_the_answer_says_nothing_was_written_and_how_to_ask(copilot: Copilot) -> None:
    [result] = ask(copilot, "I'd rather not transfer 20 SKU-0003 from DC-NORTH to S002")
    assert "have not drafted" in result.answer
    assert "transfer 20 SKU-0003 from DC-NORTH to S002" in result.answer


@pytest.mark.parametrize(
    "text",
    ["transfer 20 SKU-0003 from DC-NORTH to S002", "please move 20 SKU-0003 to S002 from DC-NORTH"],
)
def test_a_plain_instruction_still_drafts(copilot: Copilot, text: str) -> None:
    [result] = ask(copilot, text)
    assert writes(result) == ["draft_transfer"] and result.pending
