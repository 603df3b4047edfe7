"""A policy answer keeps the search's clearly leading passage and quotes the table row that
answers: a figure the question gives ("at 300 days of cover") picks the row whose range holds
it ("271–365"), not the first row of the ladder. Run on the real playbook's search results."""

from __future__ import annotations

import json
from datetime import date

import pytest

from agents.offline import parse
from agents.offline.messages import Call, Result
from knowledge import KnowledgeBase

AS_OF = date(2026, 6, 30)


def in_short(text: str, kb: KnowledgeBase) -> str:
    """Run a policy request to its answer on the real playbook; return its "In short" line."""
    intent, req = parse(text, (), None, as_of=AS_OF)
    results: list[Result] = []
    for _ in range(4):
        step = intent.handler(req, results)
        if isinstance(step, str):
            return next((line for line in step.splitlines() if "In short" in line), step)
        for call in step:
            assert isinstance(call, Call) and call.name == "search_policies", (text, call)
            found = [p.to_dict() for p in kb.search(call.args["query"], k=call.args.get("k", 3))]
            data = {"query": call.args["query"], "passages": found}
            results.append(Result(call.name, call.args, json.dumps(data), data))
    raise AssertionError(f"no answer for {text!r}")


@pytest.mark.parametrize(
    "question, row",
    [
        ("how deep is the markdown at 300 days of cover?", "271–365"),
        ("what markdown applies at 320 days of cover?", "271–365"),
        ("we're sitting on 150 days of cover, what does the markdown policy say?", "120–180"),
        ("markdown policy for 400 days of cover?", "over 365"),
    ],
)
def test_the_row_holding_the_asked_figure_answers(
    question: str, row: str, kb: KnowledgeBase
) -> None:
    line = in_short(question, kb)
    assert row in line and "§4" in line, (question, line)
