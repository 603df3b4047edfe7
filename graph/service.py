"""Run copilot turns and resume approvals: the one entry point for the CLI, API and bots.

Resuming is strict: a thread that is not waiting, or an interrupt id that is not the pending
one, is an error — never a silent new run (LangGraph would otherwise start or replay a thread).
"""

from __future__ import annotations

import json
import uuid
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Command, StateSnapshot

from graph.approval import (
    ApprovalAnswer,
    ApprovalRequest,
    DecisionItem,
    Outcome,
    match_decisions,
)
from graph.checkpoint import latest_thread_ids, open_checkpointer
from graph.context import Context
from graph.graph import build_graph
from graph.locks import ThreadLocks
from graph.nodes import own_part
from stockpilot.actions import Action, parse_action
from stockpilot.asking import checked_question, checked_thread_id
from stockpilot.vocabulary import (
    GATE_NAME,
    MAX_EDIT_QTY,
    ActionKind,
    Decision,
    ProposalStatus,
)
from tools.insight import status_word
from tools.workspace import Workspace

# LangGraph's tool runtime declares its context as None and warns when serialising ours.
warnings.filterwarnings("ignore", message=r"(?s).*PydanticSerializationUnexpectedValue.*context")


class NotWaitingError(RuntimeError):
    """Raised when a decision is sent to a thread that is not waiting for one."""


class StaleInterruptError(RuntimeError):
    """Raised when a decision names an interrupt that is not the pending one."""


@dataclass(frozen=True)
class PendingAction:
    """One action waiting at the approval gate."""

    interrupt_id: str
    proposal_id: str
    kind: str
    args: dict[str, Any]
    description: str
    value: float | None
    # The draft checks' warnings (cover above the class maximum, no need), for the approver.
    warnings: list[str] = field(default_factory=list)

    @property
    def action(self) -> Action:
        """Return the action as a typed object."""
        return parse_action(self.kind, self.args)


@dataclass(frozen=True)
class TurnResult:
    """What a turn (or a resume) produced."""

    thread_id: str
    answer: str
    pending: list[PendingAction] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    committed: list[dict[str, Any]] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "thread_id": self.thread_id,
            "answer": self.answer,
            "pending": [p.__dict__ for p in self.pending],
            "outcomes": self.outcomes,
            "committed": self.committed,
            "tool_calls": self.tool_calls,
        }


@dataclass(frozen=True)
class InboxItem:
    """A pending proposal joined with the interrupt its thread waits on."""

    thread_id: str
    interrupt_id: str
    proposal_id: str
    kind: ActionKind
    args: dict[str, Any]
    value: float
    description: str
    created_by: str
    created_at: datetime
    age_seconds: float
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ThreadView:
    """A thread as stored: its messages, what it waits on, what it committed."""

    thread_id: str
    messages: list[dict[str, Any]]
    pending: list[PendingAction]
    committed: list[dict[str, Any]]
    outcomes: list[Outcome]


def _new_thread_id() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def _checked(text: str, thread_id: str | None) -> tuple[str, str]:
    """Return the question as asked and the thread id (a new one when none is given)."""
    checked_question(text)
    return text, checked_thread_id(thread_id) if thread_id is not None else _new_thread_id()


class Copilot:
    """The compiled copilot graph with its checkpointer, workspace and model."""

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        checkpointer: BaseCheckpointSaver | None = None,
        model: BaseChatModel | None = None,
    ):
        self.workspace = workspace or Workspace.open()
        self._owns_checkpointer = checkpointer is None
        self.checkpointer = checkpointer or open_checkpointer(self.workspace.settings)
        self.graph = build_graph(self.checkpointer)
        self.context = Context(workspace=self.workspace, model=model)
        self.locks = ThreadLocks(self.checkpointer)

    def close(self) -> None:
        """Release the checkpointer's connections (when this copilot opened them)."""
        if not self._owns_checkpointer:
            return
        conn = getattr(self.checkpointer, "conn", None)
        close = getattr(conn, "close", None)
        if callable(close):
            close()

    def _lock(self, thread_id: str) -> AbstractContextManager[None]:
        """Hold the thread's lock, across processes (see graph.locks)."""
        return self.locks.hold(thread_id)

    @staticmethod
    def _config(thread_id: str) -> RunnableConfig:
        return {"configurable": {"thread_id": thread_id}, "recursion_limit": 40}

    def ask(self, text: str, *, user: str, thread_id: str | None = None) -> TurnResult:
        """Run one planner turn on a thread (a new thread when none is given).

        A question or thread id `stockpilot.asking` refuses raises InvalidAsk (naming the
        field) before anything is written.
        """
        text, thread_id = _checked(text, thread_id)
        role = self.workspace.policy.role_of(user) or "unknown"
        with self._lock(thread_id):
            self._finish_stopped(thread_id)
            before = self._message_count(thread_id)
            self.graph.invoke(
                {"messages": [HumanMessage(text)], "user": user, "owner": user, "role": role},
                self._config(thread_id),
                context=self.context,
                durability="sync",
            )
            return self._result(thread_id, since=before, decided=False)

    def open_thread(self, *, user: str, thread_id: str | None = None) -> str:
        """Start an empty, idle thread (so it can be read before its first message)."""
        thread_id = checked_thread_id(thread_id) if thread_id is not None else _new_thread_id()
        role = self.workspace.policy.role_of(user) or "unknown"
        with self._lock(thread_id):
            if self.graph.get_state(self._config(thread_id)).created_at is None:
                # Recorded as the gate's (empty) answer: the graph routes that to the end.
                self.graph.update_state(
                    self._config(thread_id),
                    {"user": user, "owner": user, "role": role, "decisions": None},
                    as_node="approval",
                )
        return thread_id

    def stream(
        self, text: str, *, user: str, thread_id: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Run one planner turn like `ask`, yielding events as they happen.

        Events are dicts {"event": name, "data": payload}: `token` ({"text"}: model text
        deltas), `tool` ({"name", "args"} when called, {"name", "summary"} when it returns),
        `pending` ({"pending": [...]}: the approval cards) and, last, `done` (the TurnResult as
        `as_dict()`). Closing the iterator early stops the run at its last checkpoint
        (`recover` finishes it). A refused question or thread id raises InvalidAsk as `ask`.
        """
        text, thread_id = _checked(text, thread_id)
        role = self.workspace.policy.role_of(user) or "unknown"
        with self._lock(thread_id):
            self._finish_stopped(thread_id)
            before = self._message_count(thread_id)
            names: dict[str, str] = {}
            parts: Iterator[tuple[str, Any]] = self.graph.stream(  # type: ignore[assignment]
                {"messages": [HumanMessage(text)], "user": user, "owner": user, "role": role},
                self._config(thread_id),
                stream_mode=["messages", "updates"],
                context=self.context,
                durability="sync",
            )
            for mode, chunk in parts:
                if mode == "messages":
                    message, meta = chunk
                    delta = _text(message) if isinstance(message, AIMessage) else ""
                    if delta and meta.get("langgraph_node") == "agent":
                        yield {"event": "token", "data": {"text": delta}}
                elif mode == "updates" and isinstance(chunk, dict):
                    yield from _tool_events(chunk, names)
            result = self._result(thread_id, since=before, decided=False)
            if result.pending:
                yield {
                    "event": "pending",
                    "data": {"pending": [p.__dict__ for p in result.pending]},
                }
            yield {"event": "done", "data": result.as_dict()}

    def has_thread(self, thread_id: str) -> bool:
        """Return True when the thread has been started."""
        return self.graph.get_state(self._config(thread_id)).created_at is not None

    def thread(self, thread_id: str) -> ThreadView | None:
        """Return a thread's messages, pending actions and commits (None when unknown)."""
        state = self.graph.get_state(self._config(thread_id))
        values = state.values or {}
        if not values and state.created_at is None:
            return None
        return ThreadView(
            thread_id=thread_id,
            messages=[_message(m) for m in values.get("messages", [])],
            pending=self._waiting(state),
            committed=list(values.get("committed", [])),
            outcomes=list(values.get("outcomes", [])),
        )

    def inbox(
        self,
        *,
        location: str | None = None,
        kind: str | None = None,
        min_value: float | None = None,
        max_value: float | None = None,
        decidable_by: str | None = None,
        limit: int = 500,
    ) -> list[InboxItem]:
        """Return every pending proposal some thread waits on, oldest first, filtered.

        `decidable_by` keeps what that user may approve within the policy's authority. A
        pending proposal whose thread is not waiting on it (a run stopped mid-way) is left
        out: it cannot be decided until `recover` brings the thread back to the gate.
        """
        policy = self.workspace.policy
        now = datetime.now(UTC)
        waiting: dict[str, dict[str, PendingAction]] = {}
        items: list[InboxItem] = []
        for p in self.workspace.governance.proposals.list(
            status=ProposalStatus.PENDING, limit=limit
        ):
            if kind is not None and p.kind != kind:
                continue
            if min_value is not None and p.value < min_value:
                continue
            if max_value is not None and p.value > max_value:
                continue
            if location is not None and location not in p.action.locations:
                continue
            if decidable_by is not None and (
                not policy.authorize(decidable_by, p.kind, p.value).allowed
                or own_part(p, decidable_by)  # their own draft or amend: someone else decides
            ):
                continue
            if p.thread_id not in waiting:
                waiting[p.thread_id] = {a.proposal_id: a for a in self.pending(p.thread_id)}
            action = waiting[p.thread_id].get(p.id)
            if action is None:
                continue
            items.append(
                InboxItem(
                    thread_id=p.thread_id,
                    interrupt_id=action.interrupt_id,
                    proposal_id=p.id,
                    kind=p.kind,
                    args=action.args,
                    value=p.value,
                    description=p.description,
                    created_by=p.created_by,
                    created_at=p.created_at,
                    age_seconds=round((now - p.created_at).total_seconds(), 3),
                    warnings=list(p.evidence.get("warnings", [])),
                )
            )
        items.sort(key=lambda i: (i.created_at, i.proposal_id))
        return items

    def pending(self, thread_id: str) -> list[PendingAction]:
        """Return the actions a thread is waiting on (empty when it is not waiting)."""
        return self._waiting(self.graph.get_state(self._config(thread_id)))

    def _waiting(self, state: StateSnapshot) -> list[PendingAction]:
        """Return the actions at the thread's gate that are still pending in the store.

        A proposal withdrawn (or rejected) from another thread no longer waits here, although
        the thread's gate still shows it until the thread resumes. An approved one stays: its
        resume replays the approval and the commit writes it once.
        """
        return [a for a in _pending_of(state) if self._still_pending(a.proposal_id)]

    def _still_pending(self, proposal_id: str) -> bool:
        p = self.workspace.governance.proposals.get(proposal_id)
        return p is not None and p.status != ProposalStatus.REJECTED

    def decide(
        self,
        thread_id: str,
        *,
        user: str,
        decision: Decision,
        interrupt_id: str | None = None,
        proposal_id: str | None = None,
        qty: int | None = None,
        message: str | None = None,
    ) -> TurnResult:
        """Resume a waiting thread with one decision for its pending actions (or one of them)."""
        with self._lock(thread_id):
            state = self.graph.get_state(self._config(thread_id))
            if not state.interrupts:
                raise NotWaitingError(f"thread {thread_id!r} is not waiting for a decision")
            pending = _pending_of(state)
            ids = [i.id for i in state.interrupts]
            if interrupt_id is None:
                interrupt_id = ids[0]
            elif interrupt_id not in ids:
                raise StaleInterruptError(
                    f"interrupt {interrupt_id!r} is not pending on thread {thread_id!r} "
                    f"(pending: {', '.join(ids)})"
                )
            actions = [a for a in pending if a.interrupt_id == interrupt_id]
            if proposal_id is not None and proposal_id not in {a.proposal_id for a in actions}:
                raise StaleInterruptError(
                    f"proposal {proposal_id!r} is not waiting on thread {thread_id!r}"
                )
            # A proposal withdrawn or rejected from another thread is not decided again: the
            # answer says so instead.
            gone = [a.proposal_id for a in actions if not self._still_pending(a.proposal_id)]
            actions = [a for a in actions if a.proposal_id not in gone]
            if proposal_id is not None and proposal_id in gone:
                return TurnResult(
                    thread_id=thread_id,
                    answer=f"Nothing was decided: {self._no_longer_waiting([proposal_id])}",
                    pending=self._waiting(state),
                    outcomes=[],
                    committed=list((state.values or {}).get("committed", [])),
                    tool_calls=[],
                )
            decision = Decision(decision)
            if decision == Decision.EDIT and qty is None:
                raise ValueError("an edit needs the new quantity")
            if qty is not None and (
                isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_EDIT_QTY
            ):
                # Refused before resuming: a number no checkpoint can store breaks the thread.
                raise ValueError(
                    f"qty (--qty) must be a whole number from 1 to {MAX_EDIT_QTY:,}, not {qty}; "
                    "nothing was decided and the proposal still waits"
                )
            # With nothing left at the gate the resume decides nothing: the gate says why and
            # the thread stops waiting.
            answer: ApprovalAnswer = {
                "user": user,
                "decisions": [
                    _decision(a, decision, qty, message)
                    for a in actions
                    if proposal_id is None or a.proposal_id == proposal_id
                ],
            }
            # Checked before resuming: a resume value the gate cannot apply would stay bound
            # to the interrupt.
            match_decisions([a.proposal_id for a in actions], answer)
            before = len((state.values or {}).get("messages", []))
            self.graph.invoke(
                Command(resume={interrupt_id: answer}),
                self._config(thread_id),
                context=self.context,
                durability="sync",
            )
            if gone and not actions:
                # The gate had nothing left to decide and the thread stopped waiting: it says why.
                said = f"Nothing was decided: {self._no_longer_waiting(gone)}"
                self.graph.update_state(
                    self._config(thread_id),
                    {"messages": [AIMessage(said)], "decisions": None},
                    as_node="approval",
                )
            result = self._result(thread_id, since=before)
            if gone and actions:
                return replace(
                    result, answer=f"{self._no_longer_waiting(gone)}\n\n{result.answer}".strip()
                )
            return result

    def recover(self, thread_id: str) -> TurnResult | None:
        """Finish a thread that stopped mid-run (e.g. killed between approval and commit).

        Returns None when there is nothing to finish. Re-running is safe: decisions are atomic
        per proposal and ERP writes are idempotent per proposal id.
        """
        with self._lock(thread_id):
            if not stopped(self.graph.get_state(self._config(thread_id))):
                return None
            before = self._message_count(thread_id)
            self.graph.invoke(
                None, self._config(thread_id), context=self.context, durability="sync"
            )
            return self._result(thread_id, since=before)

    def _finish_stopped(self, thread_id: str) -> None:
        """Finish a run that stopped mid-way before a new message starts another.

        A new input would start the graph afresh and drop the stopped run's next step (a
        commit, or the gate for a fresh draft), stranding its proposals. The caller holds
        the thread's lock.
        """
        if stopped(self.graph.get_state(self._config(thread_id))):
            self.graph.invoke(
                None, self._config(thread_id), context=self.context, durability="sync"
            )

    def _message_count(self, thread_id: str) -> int:
        values = self.graph.get_state(self._config(thread_id)).values or {}
        return len(values.get("messages", []))

    def _result(self, thread_id: str, *, since: int, decided: bool = True) -> TurnResult:
        state = self.graph.get_state(self._config(thread_id))
        values = state.values or {}
        new: list[BaseMessage] = values.get("messages", [])[since:]
        answers = [m for m in new if isinstance(m, AIMessage) and not m.tool_calls]
        calls = [
            {"name": c["name"], "args": c["args"]}
            for m in new
            if isinstance(m, AIMessage)
            for c in m.tool_calls
        ]
        return TurnResult(
            thread_id=thread_id,
            answer=str(answers[-1].content) if answers else "",
            pending=self._waiting(state),
            outcomes=list(values.get("outcomes", [])) if decided else [],
            committed=list(values.get("committed", [])),
            tool_calls=calls,
        )

    def _no_longer_waiting(self, ids: list[str]) -> str:
        """Say why these proposals no longer wait: "P-1 is withdrawn by bob, so it …"."""
        said = []
        for pid in ids:
            p = self.workspace.governance.proposals.get(pid)
            said.append(f"{pid} is {status_word(p) if p is not None else 'unknown'}")
        one = len(ids) == 1
        return (
            f"{' and '.join(said)}, so {'it no longer waits' if one else 'they no longer wait'} "
            "for a decision in this conversation."
        )


def stopped(state: StateSnapshot) -> bool:
    """Say whether a thread's run stopped mid-way (killed, or its stream closed early).

    Such a state has a next step, or a finished task whose checkpoint was never written
    (then `next` is empty but `tasks` is not), and no interrupt: it is not at the gate.
    """
    return not state.interrupts and bool(state.next or state.tasks)


def _pending_of(state: StateSnapshot) -> list[PendingAction]:
    """Return the actions a thread state waits on (empty when it is not waiting)."""
    out: list[PendingAction] = []
    for intr in state.interrupts:
        if not isinstance(intr.value, dict):
            continue
        request = cast(ApprovalRequest, intr.value)
        values = {p["proposal_id"]: p["value"] for p in request.get("proposals", [])}
        warnings = {p["proposal_id"]: list(p.get("warnings", [])) for p in request["proposals"]}
        for req in request.get("action_requests", []):
            args = dict(req["args"])
            pid = str(args.pop("proposal_id", ""))
            out.append(
                PendingAction(
                    interrupt_id=intr.id,
                    proposal_id=pid,
                    kind=req["name"],
                    args=args,
                    description=req["description"],
                    value=values.get(pid),
                    warnings=warnings.get(pid, []),
                )
            )
    return out


def _text(message: BaseMessage) -> str:
    """Return a message's text (content blocks joined)."""
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(
        b if isinstance(b, str) else str(b.get("text", ""))
        for b in content
        if isinstance(b, str) or b.get("type") == "text"
    )


def _message(m: BaseMessage) -> dict[str, Any]:
    """Return a message as JSON-ready dict: role, content, name, tool calls, a tool's summary."""
    role = {"human": "user", "ai": "assistant", "tool": "tool", "system": "system"}.get(
        m.type, m.type
    )
    out: dict[str, Any] = {"role": role, "content": _text(m), "name": m.name}
    if isinstance(m, AIMessage) and m.tool_calls:
        out["tool_calls"] = [{"name": c["name"], "args": c["args"]} for c in m.tool_calls]
    if isinstance(m, ToolMessage):  # the same few words the stream's `tool` events carry
        out["summary"] = _summary(m.name or "tool", m)
    return out


def _tool_events(update: dict[str, Any], names: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Turn one node update into compact `tool` events (calls, then results).

    `names` maps tool-call ids to tool names across the turn (a tool that returns a state
    update makes a ToolMessage without a name).
    """
    for node, values in update.items():
        parts = values if isinstance(values, list) else [values]
        messages = [m for v in parts if isinstance(v, dict) for m in v.get("messages", [])]
        for m in messages:
            if node == "agent" and isinstance(m, AIMessage):
                for c in m.tool_calls:
                    names[str(c.get("id"))] = c["name"]
                    yield {"event": "tool", "data": {"name": c["name"], "args": c["args"]}}
            elif node == "tools" and isinstance(m, ToolMessage):
                name = m.name or names.get(m.tool_call_id, "tool")
                yield {"event": "tool", "data": {"name": name, "summary": _summary(name, m)}}


_NOUNS = {
    "get_inventory": "positions",
    "list_exceptions": "exceptions",
    "get_supplier_status": "suppliers",
}


def _summary(name: str, message: ToolMessage) -> str:
    """Summarise a tool result in a few words, e.g. "get_inventory → 20 positions"."""
    text = _text(message)
    if message.status == "error":
        return f"{name} → error: {text[:120]}"
    try:
        data = json.loads(text)
    except ValueError:
        return f"{name} → {text[:80]}"
    if isinstance(data, list):
        return f"{name} → {len(data)} {_NOUNS.get(name, 'items')}"
    if not isinstance(data, dict):
        return f"{name} → {str(data)[:80]}"
    if data.get("error"):
        return f"{name} → error: {str(data['error'])[:120]}"
    if data.get("proposal_id"):
        return f"{name} → {data.get('status', 'drafted')} {data['proposal_id']}"
    if data.get("status"):
        errors = "; ".join(str(e) for e in data.get("errors", []))[:120]
        return f"{name} → {data['status']}" + (f": {errors}" if errors else "")
    for key, value in data.items():
        if isinstance(value, list):
            return f"{name} → {len(value)} {key}"
    return f"{name} → {', '.join(list(data)[:4])}"


def _decision(
    action: PendingAction, decision: Decision, qty: int | None, message: str | None
) -> DecisionItem:
    out: DecisionItem = {"type": decision.value, "proposal_id": action.proposal_id}
    if decision == Decision.EDIT:
        out["edited_action"] = {"name": action.kind, "args": {"qty": qty}}
    if message:
        out["message"] = message
    return out


# -- thread list (for the workbench) --------------------------------------------------------------


@dataclass(frozen=True)
class ThreadSummary:
    """One line of a thread list: what it is about, when it last moved, what it waits on."""

    thread_id: str
    owner: str | None
    user: str | None
    title: str
    last_message: str
    updated_at: str | None
    message_count: int
    pending: int


def _summary_of(
    thread_id: str, values: dict[str, Any], interrupts: Any, updated: Any
) -> ThreadSummary:
    """Summarise one thread's state for a thread list."""
    messages: list[BaseMessage] = values.get("messages", [])
    asked = [m for m in messages if isinstance(m, HumanMessage) and m.name != GATE_NAME]
    said = [m for m in messages if isinstance(m, AIMessage) and not m.tool_calls and _text(m)]
    title = " ".join(_text(asked[0]).split()) if asked else "(new thread)"
    last = " ".join(_text(said[-1]).split()) if said else ""
    pending = sum(
        len(i.value.get("action_requests", [])) for i in interrupts if isinstance(i.value, dict)
    )
    return ThreadSummary(
        thread_id=thread_id,
        owner=values.get("owner") or values.get("user"),
        user=values.get("user"),
        title=title[:120],
        last_message=last[:200],
        updated_at=str(updated) if updated else None,
        message_count=len(messages),
        pending=pending,
    )


def list_threads(
    copilot: Copilot, *, user: str | None = None, limit: int = 50, scan: int = 500
) -> list[ThreadSummary]:
    """Return the newest threads (of `user`: the one who opened it or last wrote in it).

    At most `scan` of the most recently active threads are looked at.
    """
    out: list[ThreadSummary] = []
    for thread_id in latest_thread_ids(copilot.checkpointer, scan):
        state = copilot.graph.get_state(Copilot._config(thread_id))
        values = state.values or {}
        if user is not None and user not in (values.get("owner"), values.get("user")):
            continue
        out.append(_summary_of(thread_id, values, state.interrupts, state.created_at))
        if len(out) >= limit:
            break
    return out
