"""The offline model's last word on an answer: it never says nothing was looked up when this
turn's tools did (`agents.offline.model._looked_up`)."""

from __future__ import annotations

from agents.offline.messages import Result
from agents.offline.model import _looked_up


def test_an_answer_after_look_ups_does_not_say_nothing_was_looked_up() -> None:
    said = (
        "I can't tell which request that is, so I have not looked anything up or drafted anything."
    )
    looked = Result("list_exceptions", {}, "{}", {"items": []})
    answer = _looked_up(said, [looked])
    assert "not looked anything up" not in answer and "`list_exceptions`" in answer
    assert _looked_up(said, []) == said
