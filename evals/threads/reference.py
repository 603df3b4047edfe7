"""A scripted reference model: each planner turn makes the dataset's reference tool calls.

A conversation's turns carry `reference_calls` ([{"name", "args"}]); the model reads which turn
it is on (the count of planner messages in the thread; the approval gate's reports are named and not
counted) and how many calls it has made since
that message, and emits the next call, or the turn's answer once all were made. An argument
written "{proposal}" is the thread's latest drafted proposal id (read from earlier tool results).
The harness is the agent evaluation's own, with this model in place of the offline one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.scripted import ScriptedChatModel
from evals.agent_eval import Dataset, _Harness

PROPOSAL = "{proposal}"

Answer = Callable[[int, list[Any]], str]
"""The answer of a turn, given its index (from 0) and its tool results."""


def latest_proposal(messages: Sequence[BaseMessage]) -> str | None:
    """Return the id of the last proposal a draft or amend tool returned in the thread."""
    found = None
    for m in messages:
        if isinstance(m, ToolMessage) and isinstance(m.content, str):
            try:
                body = json.loads(m.content)
            except ValueError:
                continue
            if isinstance(body, dict) and body.get("status") == "pending_approval":
                found = str(body.get("proposal_id"))
    return found


def _resolve(args: Mapping[str, Any], messages: Sequence[BaseMessage]) -> dict[str, Any]:
    out = dict(args)
    for key, value in args.items():
        if value == PROPOSAL:
            out[key] = latest_proposal(messages) or "P-none"
    return out


class ReferenceScript:
    """The reference calls of one conversation's planner turns, and how each is answered."""

    def __init__(self) -> None:
        self.calls: list[list[dict[str, Any]]] = []
        self.answer: Answer = lambda index, results: "Done."

    def load(self, calls: list[list[dict[str, Any]]], answer: Answer) -> None:
        """Set the conversation to play: the calls of each planner turn, and the answers."""
        self.calls = calls
        self.answer = answer

    def respond(self, messages: Sequence[BaseMessage]) -> AIMessage | str:
        """Return the next reference call of the current turn, or its answer."""
        humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        planner = [i for i in humans if not getattr(messages[i], "name", None)]
        turn = len(planner) - 1
        since = list(messages[humans[-1] + 1 :]) if humans else []
        made = sum(1 for m in since if isinstance(m, AIMessage) and m.tool_calls)
        plan = self.calls[turn] if 0 <= turn < len(self.calls) else []
        answered = any(isinstance(m, AIMessage) and not m.tool_calls for m in since)
        # After the gate's report (a decision between turns) the model only tells what happened.
        answered = answered or bool(humans and getattr(messages[humans[-1]], "name", None))
        if made < len(plan) and not answered:
            call = plan[made]
            return AIMessage(
                "",
                tool_calls=[
                    {
                        "name": call["name"],
                        "args": _resolve(call.get("args") or {}, messages),
                        "id": f"ref-{turn}-{made}",
                    }
                ],
            )
        results = []
        for m in since:
            if isinstance(m, ToolMessage):
                text = m.content if isinstance(m.content, str) else json.dumps(m.content)
                try:
                    results.append(json.loads(text))
                except ValueError:
                    results.append(text)
        return self.answer(turn, results)


class ReferenceHarness(_Harness):
    """The evaluation's harness (same store, network and clean-up) driven by a script."""

    def __init__(self, folder: Path, dataset: Dataset):
        self.script = ReferenceScript()
        super().__init__(
            folder, dataset, "offline", {}, ScriptedChatModel(respond=self.script.respond)
        )
