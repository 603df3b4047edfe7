"""The graph's nodes: the agent, the one approval gate, the review of decisions, the ERP commit.

Only `commit` writes to the ERP, and only proposals a human approved at the gate reach it. The
gate node itself has no side effects because LangGraph re-runs an interrupted node from its
first line on resume; decisions are recorded by `review`, whose proposal transition is atomic.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from datetime import date
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langgraph.config import get_config
from langgraph.prebuilt import ToolNode
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agents.focus import focus_of
from agents.offline import OfflinePlannerModel
from agents.prompts import READ_ONLY_MARK, SYSTEM_PROMPT
from erp.connector import ErpUnavailableError, ErpWriteError, committed_document, write_action
from erp.governance import Proposal, ProposalNotPendingError, ProposalStateError
from graph.approval import (
    ApprovalRequest,
    DecisionItem,
    DecisionMismatchError,
    Outcome,
    match_decisions,
)
from graph.context import Context
from graph.state import State
from stockpilot.actions import ActionError, parse_action
from stockpilot.faults import fault_point
from stockpilot.vocabulary import GATE_NAME, Decision, OutcomeKind, ProposalStatus, RefusalReason
from tools.insight import resolver
from tools.planner import TOOLS
from tools.workspace import Workspace

ALLOWED_DECISIONS = [d.value for d in Decision]
LARGEST_STORABLE = 2**63 - 1
"""The checkpointer stores integers up to int64; a larger one in a tool call breaks the thread."""

tool_node = ToolNode(TOOLS)


def _ctx(runtime: Runtime[Context]) -> Context:
    return runtime.context if isinstance(runtime.context, Context) else Context()


def _role(ctx: Context, user: str, state: State) -> str:
    """Return the user's role for the prompt, marked "read only" when they may draft nothing.

    "victor (viewer, read only)": the model then refuses every write before calling a tool.
    """
    role = state.get("role", "unknown")
    try:
        may_write = ctx.ws().policy.may_draft(user)
    except (LookupError, OSError, ValueError):
        may_write = False
    return role if may_write else f"{role}, {READ_ONLY_MARK}"


def agent(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Ask the chat model for the next step: tool calls, or the answer to the planner."""
    ctx = _ctx(runtime)
    try:
        as_of = ctx.ws().plans.as_of().isoformat()
    except LookupError:
        as_of = "unknown (the store is empty)"
    focus = focus_of(state["messages"])
    user = state.get("user", "unknown")
    system = SYSTEM_PROMPT.format(as_of=as_of, user=user, role=_role(ctx, user, state))
    if described := focus.describe():
        system += f"\nThread focus (from this conversation's tool results): {described}\n"
    model = ctx.chat_model()
    if isinstance(model, OfflinePlannerModel):
        with contextlib.suppress(LookupError):
            model = model.with_resolver(resolver(ctx.ws()))
    response = model.bind_tools(TOOLS).invoke([SystemMessage(system), *state["messages"]])
    return {"messages": [_storable(response)], "focus": focus.as_dict()}


def _unstorable(value: Any) -> Any:
    """Return the first number in `value` no checkpoint can store (beyond int64, NaN, inf)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) > LARGEST_STORABLE else None
    if isinstance(value, float):
        return None if value == value and abs(value) != float("inf") else value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        for item in value:
            if (found := _unstorable(item)) is not None:
                return found
    return None


def _storable(response: BaseMessage) -> BaseMessage:
    """Return the model's step, or a refusal in words when a tool call carries such a number.

    Whatever the model (the offline one reading "transfer 99999999999999999999 …", or an LLM),
    the step is written to the checkpoint before any tool runs: an unstorable argument would
    fail that write and every later turn of the thread, so the step is refused here instead.
    """
    for call in getattr(response, "tool_calls", None) or []:
        for name, value in (call.get("args") or {}).items():
            if (bad := _unstorable(value)) is not None:
                return AIMessage(
                    f"I can't use {name}={bad} in {call['name']}: it is beyond any quantity "
                    f"StockPilot can record (at most {LARGEST_STORABLE:,}). Nothing was "
                    "drafted or changed; tell me the quantity you mean."
                )
    return response


def _pending(ws: Workspace, ids: list[str]) -> list[Proposal]:
    found = [ws.governance.proposals.get(pid) for pid in ids]
    return [p for p in found if p is not None and p.status == ProposalStatus.PENDING]


def approval(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Pause for a human decision on every pending proposal (the one approval gate).

    The answer is matched to the proposals shown by proposal id only; an answer that does not
    match (`match_decisions`) decides nothing and is reported by `review`. Raising here would
    keep the bad answer as the interrupt's resume value and block the thread.
    """
    proposals = _pending(_ctx(runtime).ws(), state.get("pending", []))
    if not proposals:
        return {"pending": {"replace": []}, "decisions": None}
    request: ApprovalRequest = {
        "action_requests": [
            {
                "name": p.kind.value,
                "args": {**p.args, "proposal_id": p.id},
                "description": p.description,
            }
            for p in proposals
        ],
        "review_configs": [
            {"action_name": p.kind.value, "allowed_decisions": ALLOWED_DECISIONS} for p in proposals
        ],
        "proposals": [
            {
                "proposal_id": p.id,
                "kind": p.kind.value,
                "value": p.value,
                "created_by": p.created_by,
                # Sanity warnings of the draft checks (also at the top of the description).
                "warnings": p.evidence.get("warnings", []),
            }
            for p in proposals
        ],
    }
    answer = interrupt(request)
    user = answer.get("user") if isinstance(answer, dict) else None
    try:
        decisions = match_decisions([p.id for p in proposals], answer)
    except DecisionMismatchError as exc:
        return {"decisions": {}, "decided_by": user, "decision_error": str(exc)}
    return {"decisions": decisions, "decided_by": user, "decision_error": None}


def _review_one(ws: Workspace, user: str, proposal: Proposal, decision: DecisionItem) -> Outcome:
    """Apply one decision: authority, edit re-validation, then the atomic pending transition."""
    thread = _thread()
    pid = proposal.id
    kind = str(decision.get("type", ""))
    note = decision.get("message")
    out: Outcome = {
        "proposal_id": pid,
        "action": proposal.kind.value,
        "decision": kind,
        "decided_by": user,
        "outcome": OutcomeKind.PENDING.value,
        "reason": None,
    }
    if kind not in ALLOWED_DECISIONS:
        out["message"] = f"unknown decision {kind!r}"
        return out
    args, value = proposal.args, proposal.value
    cut = ""
    if kind == Decision.EDIT:
        edited = dict(decision.get("edited_action", {}).get("args") or {})
        args = {**proposal.args, **{k: v for k, v in edited.items() if k in proposal.args}}
        try:
            edit = parse_action(proposal.kind, args)
            # Other orders for the target since the snapshot count; this one is not its own.
            check = ws.drafts.check(edit, exclude=proposal.id)
            errors, args, value = check.errors, check.args, check.value
            if check.ok and check.action.qty != edit.qty:  # others cover part of the need
                covering = ", ".join(x["proposal_id"] for x in check.evidence["supply_since"])
                cut = (
                    f"edit cut from {edit.qty} to {check.action.qty} units: "
                    f"{covering} cover the rest"
                )
        except ActionError as exc:
            errors = [str(exc)]
        if errors:
            msg = "; ".join(errors)
            ws.governance.audit.append(
                "refusal",
                user,
                thread_id=thread,
                proposal_id=pid,
                payload={"decision": kind, "args": args, "reason": msg},
            )
            out["outcome"] = OutcomeKind.REFUSED.value
            out["reason"] = RefusalReason.VALIDATION.value
            out["message"] = f"edit refused: {msg}"
            return out
    if kind in (Decision.APPROVE, Decision.EDIT):
        auth = ws.policy.authorize(user, proposal.kind, value)
        if auth.allowed and (own := own_part(proposal, user)):
            # Segregation of duties (approval matrix §7): drafting and approving are separate.
            auth = dataclasses.replace(
                auth,
                allowed=False,
                reason=f"{user} {own} {pid}: nobody may approve a proposal they drafted or "
                "amended (segregation of duties); another approver decides it",
            )
        if not auth.allowed:
            ws.governance.audit.append(
                "refusal",
                user,
                thread_id=thread,
                proposal_id=pid,
                payload={"decision": kind, "value": value, "reason": auth.reason},
            )
            out["outcome"] = OutcomeKind.REFUSED.value
            out["reason"] = RefusalReason.AUTHORITY.value
            out["message"] = auth.reason
            return out
    try:
        decided = ws.governance.proposals.decide(
            pid,
            user=user,
            decision=kind,
            note=note,
            args=args if kind == Decision.EDIT else None,
            value=value if kind == Decision.EDIT else None,
            # The decision and its audit entry commit in one transaction.
            record=lambda conn, p: ws.governance.audit.append_in(
                conn,
                "decision",
                user,
                thread_id=thread,
                proposal_id=pid,
                payload={
                    "decision": kind,
                    "args": p.args,
                    "value": p.value,
                    "note": note,
                    # An edit is the approver's: the drafter and the quantity before and after.
                    **(
                        {
                            "drafted_by": proposal.created_by,
                            "previous_qty": proposal.args.get("qty"),
                            "qty": p.args.get("qty"),
                        }
                        if kind == Decision.EDIT
                        else {}
                    ),
                },
            ),
        )
    except ProposalNotPendingError as exc:
        current = exc.proposal
        mine = current.decided_by == user and current.decision == kind
        if mine and current.status in (ProposalStatus.APPROVED, ProposalStatus.COMMITTED):
            out["outcome"] = OutcomeKind.APPROVED.value  # ours, replayed after a restart
            return out
        out["outcome"] = OutcomeKind.ALREADY_DECIDED.value
        out["reason"] = RefusalReason.ALREADY_DECIDED.value
        out["message"] = f"already {current.status} by {current.decided_by or 'someone else'}"
        return out
    approved = decided.status == ProposalStatus.APPROVED
    out["outcome"] = (OutcomeKind.APPROVED if approved else OutcomeKind.REJECTED).value
    if note:
        out["message"] = note
    if cut:
        out["cut"] = cut
    return out


def own_part(proposal: Proposal, user: str) -> str | None:
    """Say how `user` took part in a proposal ("drafted" / "amended"), or None.

    The drafter (`created_by`, who stays the drafter when someone else amends it) and everyone
    who changed its quantity by an amend (`amended_by` in its evidence, along its redrafts).
    """
    if user == proposal.created_by:
        return "drafted"
    if user in (proposal.evidence or {}).get("amended_by", []):
        return "amended"
    return None


def _thread() -> str:
    return str(get_config().get("configurable", {}).get("thread_id", ""))


def review(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Record the human decisions: check authority, re-validate edits, move proposals on."""
    ws = _ctx(runtime).ws()
    decisions = state.get("decisions") or {}
    user = str(state.get("decided_by") or "")
    error = state.get("decision_error")
    outcomes: list[Outcome] = []
    if error:
        outcomes = [
            {
                "proposal_id": pid,
                "outcome": OutcomeKind.PENDING.value,
                "reason": None,
                "message": f"nothing decided: {error}",
            }
            for pid in state.get("pending", [])
        ]
    for pid, decision in decisions.items():
        proposal = ws.governance.proposals.get(pid)
        if proposal is None:
            continue
        if not user:
            outcomes.append(
                {
                    "proposal_id": pid,
                    "outcome": OutcomeKind.PENDING.value,
                    "reason": None,
                    "message": "no user",
                }
            )
            continue
        outcomes.append(_review_one(ws, user, proposal, decision))
    still = [p.id for p in _pending(ws, state.get("pending", []))]
    return {
        "pending": {"replace": still},
        "outcomes": outcomes,
        "decisions": None,
        "decided_by": None,
        "decision_error": None,
    }


def commit(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    """Write each approved proposal to the ERP once (idempotency key = proposal id), then report."""
    ws = _ctx(runtime).ws()
    erp = ws.connector()
    thread = _thread()
    today = ws.plans.as_of()
    outcomes: list[Outcome] = [Outcome(**o) for o in state.get("outcomes", [])]
    committed: list[dict[str, Any]] = []
    listed = {c.get("document_id") for c in state.get("committed", [])}
    for out in outcomes:
        if out["outcome"] != OutcomeKind.APPROVED:
            continue
        p = ws.governance.proposals.get(out["proposal_id"])
        if p is None:
            continue
        entry = settle_approved(ws, erp, p, thread, today, out)
        if entry is not None and entry["document_id"] not in listed:
            committed.append(entry)
    report = HumanMessage(
        json.dumps({"event": "decisions", "results": outcomes}, default=str), name=GATE_NAME
    )
    return {"committed": committed, "outcomes": outcomes, "messages": [report]}


def settle_approved(
    ws: Workspace, erp: Any, p: Proposal, thread: str, today: date, out: Outcome
) -> dict[str, Any] | None:
    """Bring one approved proposal to the ERP exactly once; update `out` with what happened.

    A document already in the ERP's ledger under the proposal's id (written before a crash)
    is linked, not re-checked: the write itself moved the stock the check would look at.
    Otherwise the action is re-validated and written, idempotently by proposal id. Returns
    the thread's `committed` entry (None when nothing was committed); the commit node lists
    it unless the thread already does.
    """
    if p.status == ProposalStatus.COMMITTED:
        # Committed by an earlier run of this step whose checkpoint was never written (a
        # kill): the thread must still record it. Runs of a thread are serialised.
        out["outcome"] = OutcomeKind.COMMITTED.value
        out["document_id"] = p.document_id
        return _entry(p)
    try:
        doc = committed_document(erp, p.id)
        if doc is None:
            # Re-validated under the target's lock: stock may have moved, and another order
            # may have covered the need since (this one is then cut to the rest, or refused).
            check = ws.governance.claim(p, thread_id=thread)
            if not check.ok:
                reason = "; ".join(check.errors)
                _fail(ws, p, thread, reason, out, RefusalReason.VALIDATION, "not written")
                return None
            approved_qty = p.action.qty
            current = ws.governance.proposals.get(p.id)
            if current is None or current.status != ProposalStatus.APPROVED:
                if current is not None and current.status == ProposalStatus.COMMITTED:
                    out["outcome"] = OutcomeKind.COMMITTED.value
                    out["document_id"] = current.document_id
                    return _entry(current)
                return None
            p = current
            if p.action.qty != approved_qty:
                covering = ", ".join(x["proposal_id"] for x in check.evidence["supply_since"])
                out["cut"] = (
                    f"cut from {approved_qty} to {p.action.qty} units: {covering} already "
                    "cover the rest of the need"
                )
            try:
                fault_point("before:erp_write")
                doc = write_action(erp, p.action, on=today, idempotency_key=p.id)
                fault_point("after:erp_write")
            except ErpWriteError as exc:
                _fail(ws, p, thread, str(exc), out, RefusalReason.ERP, "the ERP refused it")
                return None
    except ErpUnavailableError as exc:
        # Nothing was written: the proposal stays approved and the run stops here, so
        # recovery re-runs this node and writes it once the ERP answers.
        ws.governance.audit.append(
            "commit_deferred",
            "stockpilot",
            thread_id=thread,
            proposal_id=p.id,
            payload={"reason": str(exc), "erp": erp.name},
        )
        raise
    # Racing or replayed commits write the ERP once; the marker and its audit entry
    # commit together, for the one caller that made the change.
    p, _ = ws.governance.proposals.commit_once(
        p.id,
        doc,
        record=lambda conn, cur: ws.governance.audit.append_in(
            conn,
            "commit",
            "stockpilot",
            thread_id=thread,
            proposal_id=cur.id,
            payload={
                "document_id": cur.document_id,
                "kind": cur.kind,
                "args": cur.args,
                "value": cur.value,
            },
        ),
    )
    out["outcome"] = OutcomeKind.COMMITTED.value
    out["document_id"] = doc
    return _entry(p)


def _entry(p: Proposal) -> dict[str, Any]:
    return {"proposal_id": p.id, "kind": p.kind.value, "document_id": p.document_id, **p.args}


def _fail(
    ws: Workspace,
    p: Proposal,
    thread: str,
    reason: str,
    out: Outcome,
    why: RefusalReason,
    prefix: str,
) -> None:
    """Mark a proposal failed and audit it, unless a racing commit already wrote it."""
    try:
        ws.governance.proposals.mark_failed(p.id, reason)
    except ProposalStateError as exc:
        current = exc.proposal
        if current.status == ProposalStatus.COMMITTED:
            out["outcome"] = OutcomeKind.COMMITTED.value
            out["document_id"] = current.document_id
        else:
            # A racing commit failed it first (its re-check): counted as a validation refusal.
            failed = current.status == ProposalStatus.FAILED
            out["outcome"] = current.status.value
            out["reason"] = RefusalReason.VALIDATION.value if failed else None
            out["message"] = current.failure_reason or ""
        return
    ws.governance.audit.append(
        "commit_refused",
        "stockpilot",
        thread_id=thread,
        proposal_id=p.id,
        payload={"reason": reason, "args": p.args},
    )
    out["outcome"] = OutcomeKind.FAILED.value
    out["reason"] = why.value
    out["message"] = f"{prefix}: {reason}"
