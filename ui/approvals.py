"""Approval cards for the chat surfaces: which approval a card decides, and what it shows now.

Surface-neutral: Slack (Block Kit) and Teams (Adaptive Cards) render a `CardState`. Deciding
goes through `graph.service.Copilot.decide` exactly as the HTTP API does; a card whose approval
is no longer pending (decided elsewhere, a second click, a stale interrupt) decides nothing and
shows the proposal's current state.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio

from erp.connector import ErpUnavailableError
from erp.governance import Proposal
from graph.approval import Outcome
from graph.service import Copilot, NotWaitingError, PendingAction, StaleInterruptError
from stockpilot.vocabulary import Decision, OutcomeKind, ProposalStatus

STALE_NOTE = (
    "This card was out of date: the approval was decided elsewhere or has moved on. It now "
    "shows the current state; your click changed nothing."
)
# The outcomes a card explains in a note: the decision did not go through (yet).
NOT_THROUGH = (
    OutcomeKind.REFUSED,
    OutcomeKind.ALREADY_DECIDED,
    OutcomeKind.PENDING,
    OutcomeKind.FAILED,
)
# Told what a decision did (the API's metrics count bot decisions too).
OutcomeHook = Callable[[list[Outcome]], None]


@dataclass(frozen=True)
class CardRef:
    """The approval a card's buttons decide: thread, interrupt and proposal ids."""

    thread_id: str
    interrupt_id: str
    proposal_id: str

    def as_dict(self) -> dict[str, str]:
        """Return the compact form carried by buttons (keys t, i, p)."""
        return {"t": self.thread_id, "i": self.interrupt_id, "p": self.proposal_id}

    def encode(self) -> str:
        """Return the compact JSON carried in a button value or modal metadata."""
        return json.dumps(self.as_dict(), separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Any) -> CardRef | None:
        """Read the compact form; None when it is not a complete card reference."""
        if not isinstance(data, dict):
            return None
        parts = [data.get(k) for k in ("t", "i", "p")]
        if not all(isinstance(p, str) and p and len(p) <= 128 for p in parts):
            return None
        return cls(*[str(p) for p in parts])

    @classmethod
    def decode(cls, value: str | None) -> CardRef | None:
        """Parse a button value; None when it is not a card reference."""
        try:
            return cls.from_dict(json.loads(value or ""))
        except ValueError:
            return None


def money(value: float | None) -> str:
    """Format an amount the way every surface does (12,345.67)."""
    return "—" if value is None else f"{value:,.2f}"


def status_text(proposal: Proposal) -> str:
    """Describe a proposal's state in one line: who decided what, which document was written."""
    who = proposal.decided_by or "someone"
    if proposal.status == ProposalStatus.PENDING:
        return "Waiting for approval"
    if proposal.decision == Decision.RESPOND:
        line = f"{who} responded instead of approving"
    elif proposal.status == "committed":
        line = f"Approved by {who} · committed as {proposal.document_id}"
    elif proposal.status == "approved":
        line = f"Approved by {who}; being written to the ERP"
    elif proposal.status == "rejected":
        line = f"Rejected by {who}"
    elif proposal.status == "failed":
        line = f"Approved by {who} but not written: {proposal.failure_reason or 'unknown'}"
    else:
        line = f"Status {proposal.status}"
    if proposal.decision == "edit":
        line += f" (quantity edited to {proposal.args.get('qty')})"
    return line


@dataclass
class CardState:
    """What a card shows now, and what else a decision produced."""

    ref: CardRef
    proposal: Proposal | None
    live: PendingAction | None = None
    note: str | None = None
    answer: str = ""
    new_pending: list[PendingAction] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        """Return True when the card should still offer the decisions."""
        return self.live is not None

    @property
    def summary(self) -> str:
        """Return the one-line text of the card (notification fallback)."""
        if self.live is not None:
            return f"Approval needed: {self.live.action.summary()}"
        if self.proposal is None:
            return f"Proposal {self.ref.proposal_id} does not exist; nothing was changed."
        what = self.proposal.action.summary()
        return f"{what}: {status_text(self.proposal)}"

    @classmethod
    def waiting(cls, thread_id: str, action: PendingAction) -> CardState:
        """Return the card of an action a turn just left waiting at the gate."""
        ref = CardRef(thread_id, action.interrupt_id, action.proposal_id)
        return cls(ref=ref, proposal=None, live=action)


def current_card(copilot: Copilot, ref: CardRef, *, note: str | None = None) -> CardState:
    """Return the card of a proposal as it stands now (pending at its live interrupt, or not)."""
    proposal = copilot.workspace.governance.proposals.get(ref.proposal_id)
    if proposal is None or proposal.thread_id != ref.thread_id:
        return CardState(ref=ref, proposal=None, note=note)
    live = None
    if proposal.status == ProposalStatus.PENDING:
        live = next(
            (a for a in copilot.pending(ref.thread_id) if a.proposal_id == proposal.id), None
        )
    fresh = CardRef(ref.thread_id, live.interrupt_id, proposal.id) if live else ref
    return CardState(ref=fresh, proposal=proposal, live=live, note=note)


def decide_card(
    copilot: Copilot,
    ref: CardRef,
    *,
    user: str,
    decision: str,
    qty: int | None = None,
    message: str | None = None,
) -> CardState:
    """Resume the card's approval with one decision; return the card as it now stands.

    Blocking (run it in a worker thread). The copilot enforces the approver's authority (a
    refusal leaves the approval pending at a new interrupt, shown on the card). When the
    approval is no longer pending nothing is decided and the card shows the current state.
    """
    if decision not in set(Decision):
        raise ValueError(f"unknown decision {decision!r}; one of {', '.join(Decision)}")
    if decision == Decision.EDIT and qty is None:
        raise ValueError("an edit needs the new quantity")
    before = {a.proposal_id for a in copilot.pending(ref.thread_id)}
    try:
        result = copilot.decide(
            ref.thread_id,
            user=user,
            decision=Decision(decision),
            interrupt_id=ref.interrupt_id,
            proposal_id=ref.proposal_id,
            qty=qty,
            message=message,
        )
    except (NotWaitingError, StaleInterruptError):
        return current_card(copilot, ref, note=STALE_NOTE)
    except ErpUnavailableError as exc:
        deferred = (
            f"Approved, not yet written to the ERP: {exc}. Recovery writes it once it answers."
        )
        return current_card(copilot, ref, note=deferred)
    mine = next((o for o in result.outcomes if o["proposal_id"] == ref.proposal_id), None)
    note = None
    if mine is not None and mine["outcome"] in NOT_THROUGH:
        label = mine["outcome"].replace("_", " ").capitalize()
        note = f"{label}: {mine.get('message') or 'no reason given'}"
    state = current_card(copilot, ref, note=note)
    state.answer = result.answer
    state.outcomes = result.outcomes
    state.new_pending = [a for a in result.pending if a.proposal_id not in before]
    return state


async def decide_card_async(
    copilot: Copilot,
    ref: CardRef,
    *,
    user: str,
    decision: str,
    qty: int | None = None,
    message: str | None = None,
    on_outcomes: OutcomeHook | None = None,
) -> CardState:
    """Run `decide_card` on a worker thread (the graph and store block), then report outcomes."""
    state = await anyio.to_thread.run_sync(
        lambda: decide_card(copilot, ref, user=user, decision=decision, qty=qty, message=message)
    )
    if on_outcomes is not None and state.outcomes:
        on_outcomes(state.outcomes)
    return state
