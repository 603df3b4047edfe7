"""Run copilot turns and resume approvals: the one entry point for the CLI, API and bots.

Resuming is strict: a thread that is not waiting, or an interrupt id that is not the pending
one, is an error — never a silent new run (LangGraph would otherwise start or replay a thread).
"""

from __future__ import annotations

import threading
import uuid
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Command

from graph.checkpoint import open_checkpointer
from graph.context import Context
from graph.graph import build_graph
from tools.workspace import Workspace

Decision = Literal["approve", "edit", "reject", "respond"]

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


@dataclass(frozen=True)
class TurnResult:
    """What a turn (or a resume) produced."""

    thread_id: str
    answer: str
    pending: list[PendingAction] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
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


class Copilot:
    """The compiled copilot graph with its checkpointer, workspace and model."""

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        checkpointer: BaseCheckpointSaver | None = None,
        model: BaseChatModel | None = None,
    ):
        self.workspace = workspace or Workspace()
        self._owns_checkpointer = checkpointer is None
        self.checkpointer = checkpointer or open_checkpointer(self.workspace.settings)
        self.graph = build_graph(self.checkpointer)
        self.context = Context(workspace=self.workspace, model=model)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def close(self) -> None:
        """Release the checkpointer's connections (when this copilot opened them)."""
        if not self._owns_checkpointer:
            return
        conn = getattr(self.checkpointer, "conn", None)
        close = getattr(conn, "close", None)
        if callable(close):
            close()

    def _lock(self, thread_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(thread_id, threading.Lock())

    @staticmethod
    def _config(thread_id: str) -> RunnableConfig:
        return {"configurable": {"thread_id": thread_id}, "recursion_limit": 40}

    def ask(self, text: str, *, user: str, thread_id: str | None = None) -> TurnResult:
        """Run one planner turn on a thread (a new thread when none is given)."""
        thread_id = thread_id or f"t-{uuid.uuid4().hex[:12]}"
        role = self.workspace.policy.role_of(user) or "unknown"
        with self._lock(thread_id):
            before = self._message_count(thread_id)
            self.graph.invoke(
                {"messages": [HumanMessage(text)], "user": user, "role": role},
                self._config(thread_id),
                context=self.context,
                durability="sync",
            )
            return self._result(thread_id, since=before, decided=False)

    def pending(self, thread_id: str) -> list[PendingAction]:
        """Return the actions a thread is waiting on (empty when it is not waiting)."""
        state = self.graph.get_state(self._config(thread_id))
        out: list[PendingAction] = []
        for intr in state.interrupts:
            value = intr.value if isinstance(intr.value, dict) else {}
            requests = value.get("action_requests", [])
            meta = {p["proposal_id"]: p for p in value.get("proposals", [])}
            for req in requests:
                args = dict(req.get("args", {}))
                pid = str(args.pop("proposal_id", ""))
                out.append(
                    PendingAction(
                        interrupt_id=intr.id,
                        proposal_id=pid,
                        kind=str(req.get("name", "")),
                        args=args,
                        description=str(req.get("description", "")),
                        value=meta.get(pid, {}).get("value"),
                    )
                )
        return out

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
            ids = [i.id for i in state.interrupts]
            if interrupt_id is None:
                interrupt_id = ids[0]
            elif interrupt_id not in ids:
                raise StaleInterruptError(
                    f"interrupt {interrupt_id!r} is not pending on thread {thread_id!r} "
                    f"(pending: {', '.join(ids)})"
                )
            actions = [a for a in self.pending(thread_id) if a.interrupt_id == interrupt_id]
            if proposal_id is not None and proposal_id not in {a.proposal_id for a in actions}:
                raise StaleInterruptError(
                    f"proposal {proposal_id!r} is not waiting on thread {thread_id!r}"
                )
            if decision == "edit" and qty is None:
                raise ValueError("an edit needs the new quantity")
            decisions = [
                _decision(a, decision, qty, message)
                for a in actions
                if proposal_id is None or a.proposal_id == proposal_id
            ]
            before = self._message_count(thread_id)
            self.graph.invoke(
                Command(resume={interrupt_id: {"user": user, "decisions": decisions}}),
                self._config(thread_id),
                context=self.context,
                durability="sync",
            )
            return self._result(thread_id, since=before)

    def recover(self, thread_id: str) -> TurnResult | None:
        """Finish a thread that stopped mid-run (e.g. killed between approval and commit).

        Returns None when there is nothing to finish. Re-running is safe: decisions are atomic
        per proposal and ERP writes are idempotent per proposal id.
        """
        with self._lock(thread_id):
            state = self.graph.get_state(self._config(thread_id))
            if state.interrupts or not state.next:
                return None
            before = self._message_count(thread_id)
            self.graph.invoke(
                None, self._config(thread_id), context=self.context, durability="sync"
            )
            return self._result(thread_id, since=before)

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
            pending=self.pending(thread_id),
            outcomes=list(values.get("outcomes", [])) if decided else [],
            committed=list(values.get("committed", [])),
            tool_calls=calls,
        )


def _decision(
    action: PendingAction, decision: Decision, qty: int | None, message: str | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"type": decision, "proposal_id": action.proposal_id}
    if decision == "edit":
        out["edited_action"] = {"name": action.kind, "args": {"qty": qty}}
    if message:
        out["message"] = message
    return out
