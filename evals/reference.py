"""The scripted reference model: each planner turn makes the dataset's reference tool calls.

A dataset turn carries `reference_calls` ([{"name", "args"}]). The model finds the current turn's
calls from the planner messages of the thread so far (the approval gate's reports are named and
not planner messages), counts the calls it has made since the latest message, and emits the next
call, or the turn's answer once all were made (or once the gate has reported a decision: then it
only tells what happened). An argument written "{proposal}" or "$proposal" is the thread's latest
drafted proposal id, read from earlier tool results.

The threads validation and generator (`evals.threads`) play one conversation at a time, by turn
index (`load`); the grammar validation (`evals.grammar.validate`) plays a whole dataset through the
grader with one model, by the thread's planner messages (`load_threads`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.scripted import ScriptedChatModel

PROPOSAL = "{proposal}"
PLACEHOLDERS = (PROPOSAL, "$proposal")
"""The ways a dataset writes "the thread's latest drafted proposal" in an argument."""

Calls = list[dict[str, Any]]
Answer = Callable[[int, list[str]], str]
"""The answer of a turn, given its index (from 0) and its tool results (as the tools wrote them)."""
Plan = Callable[[Sequence[str]], Calls]
"""The reference calls of the turn whose thread so far is these planner messages."""


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
        if value in PLACEHOLDERS:
            out[key] = latest_proposal(messages) or "P-none"
    return out


def _by_turn(calls: Sequence[Calls]) -> Plan:
    def plan(said: Sequence[str]) -> Calls:
        turn = len(said) - 1
        return list(calls[turn]) if 0 <= turn < len(calls) else []

    return plan


class ReferenceScript:
    """The reference calls of a thread's planner turns, and how each is answered."""

    def __init__(self) -> None:
        self.plan: Plan = _by_turn([])
        self.answer: Answer = lambda index, results: "Done."

    def load(self, calls: list[Calls], answer: Answer) -> None:
        """Set the conversation to play: the calls of each planner turn, and the answers."""
        self.plan, self.answer = _by_turn(calls), answer

    def load_threads(self, calls: Mapping[tuple[str, ...], Calls], answer: Answer) -> None:
        """Set the calls of every thread at once, keyed by its planner messages so far."""
        self.plan = lambda said: list(calls.get(tuple(said), []))
        self.answer = answer

    def respond(self, messages: Sequence[BaseMessage]) -> AIMessage | str:
        """Return the next reference call of the current turn, or its answer."""
        humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        said = [str(messages[i].content) for i in humans if not getattr(messages[i], "name", None)]
        turn = len(said) - 1
        since = list(messages[humans[-1] + 1 :]) if humans else []
        made = sum(1 for m in since if isinstance(m, AIMessage) and m.tool_calls)
        plan = self.plan(said)
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
                        "type": "tool_call",
                    }
                ],
            )
        results = [
            m.content if isinstance(m.content, str) else json.dumps(m.content)
            for m in since
            if isinstance(m, ToolMessage)
        ]
        return self.answer(turn, results)

    def model(self) -> ScriptedChatModel:
        """Return a chat model that replies with this script."""
        return ScriptedChatModel(respond=self.respond)
