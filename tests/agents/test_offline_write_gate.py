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
        "in case the promo lands, {w}",
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


X = "20 SKU-0016 from DC-NORTH to S002"
# Found by review: other negations, take-backs, reports, plans and hypotheses that drafted or
# amended, and instructions with a reason attached that must still act.
NOT_INSTRUCTIONS = [
    "transfer 20 SKU-0003 from DC-NORTH to S002?? i think so",
    "TO: 20 x SKU-0016 DC-NORTH -> S002 (already done)",
    "get S002 stocked up on SKU-0016 - not yet",
    "xfer SKU-0016 DC-NORTH -> S002 or not",
    "top S004 up to 100 on SKU-0015 or not",
    "send S002 some SKU-0016 from DC-NORTH or not",
    "top up S002 with SKU-0016 from DC-NORTH or wait",
    f"no transfer of {X} this week",
    f"skip the transfer of {X}",
    f"forget about transferring {X}",
    f"avoid transferring {X}",
    f"stop transferring {X}",
    f"we can't transfer {X}",
    f"nobody should transfer {X}",
    f"dnt transfer {X}",
    f"transferring {X} is not needed",
    f"a transfer of {X} would be overkill",
    f"not now: transfer {X}",
    f"for discussion: transfer {X}",
    f"transfer {X} - just kidding",
    f"transfer {X} — scratch that",
    "no xfer 20 SKU-0016 DC-NORTH -> S002",
    f"let me think about transferring {X}",
    f"I need to decide whether to transfer {X}",
    f"prob transfer {X}",
    f"transfer {X} idk",
    f"transfer {X} or not",
    f"transfer {X} or wait",
    f"we should've transferred {X}",
    f"yesterday transferred {X}",
    "20 SKU-0016 were transferred from DC-NORTH to S002",
    f"we're going to transfer {X} tomorrow",
    f"next week we're transferring {X}",
    "S002 is going to need 20 SKU-0016 from DC-NORTH",
    "DC-NORTH -> S002 20 SKU-0016 was yesterday's move",
    "last week's xfer 20 SKU-0016 DC-NORTH -> S002",
    f"suppose we transfer {X}",
    f"say we transfer {X}, what happens",
    f"imagine transferring {X}",
    "S002 could use 25 SKU-0016 out of DC-NORTH, but let's wait",
    "we cut it by 10 last time",
    "the planner said cut it by 10",
    "they said make it 30",
    "make it 30 or keep it",
    "cut it by 10 or not",
    "withdraw it or keep it",
]
INSTRUCTIONS_WITH_REASONS = [
    "actually 30 is enough",
    "S002 is short 16 units of SKU-0003 from DC-NORTH",
    "rejected? ok make it 25",
    "was it approved? then bump it to 40",
    "S002 sold more than 20 SKU-0003 last week, transfer 20 SKU-0003 from DC-NORTH to S002",
    "never mind, cancel",
    f"transfer {X} for the May promo",
    f"transfer {X} considering the promo",
    f"transfer {X}, no need to rush",
    f"transfer {X} - we don't want a stockout",
    f"transfer {X} in case of a stockout",
    f"transfer {X} before the weekend, we may run out",
    f"transfer {X} as soon as possible",
    "move 10 SKU-0016 from DC-NORTH to S002 once you can",
    "order 40 SKU-0016 for DC-NORTH from SUP-01, the promo starts Monday",
    f"if possible transfer {X}",
    "make it 30",
    "yes",
    "ok do it",
    "no, make it 30",
    "withdraw it",
    "cut it by 10",
    "top up S002 with SKU-0016 from DC-NORTH",
    "S004 is short on pasta, can union spare some?",
    "S003 needs 16 of SKU-0001 out of DC-NORTH",
    "go ahead",
    "please transfer 20 SKU-0003 from DC-NORTH to S002",
    "raise a PO for 40 SKU-0003 for DC-NORTH from SUP-01",
    "TO: 20 x SKU-0016 DC-NORTH -> S002",
    "send S002 some SKU-0016 from DC-NORTH, no rush",
    "draft it",
    "yes draft that",
    "order SKU-0001 for S002 to cover the promo",
    "get it to S003",
]


@pytest.mark.parametrize("text", NOT_INSTRUCTIONS)
def test_more_ways_of_not_instructing_are_read(text: str) -> None:
    assert write_not_meant(text) is not None


@pytest.mark.parametrize("text", INSTRUCTIONS_WITH_REASONS)
def test_an_instruction_with_a_reason_is_not_held_back(text: str) -> None:
    assert write_not_meant(text) is None
