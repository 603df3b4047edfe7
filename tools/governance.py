"""Governance over the store: proposals awaiting a decision, the audit log, chat deliveries.

`propose` is the one way a checked action becomes a proposal: it refuses invalid actions and
users the policy does not let draft, re-checks the action under its target's lock against the
orders drafted or written for that target since the snapshot (a second order for a covered
need is cut to the remainder or refused), and audits what it stores. `claim` is the commit's
re-check, under the same lock: it cuts or refuses an approved action whose need another order
has covered since, and claims the need for the one that goes ahead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from erp.governance import (
    AuditAppendError,
    AuditLog,
    Deliveries,
    Proposal,
    ProposalStore,
)
from erp.supply import lock_target, shipped_since, supply_since
from planning.actions import ActionCheck
from planning.network import SupplyLine
from stockpilot.actions import Action, TransferAction
from stockpilot.policy import ApprovalPolicy
from stockpilot.vocabulary import Decision
from tools.drafts import DraftChecks

ATTEMPTS = 50  # a lost race on the audit chain retries the whole transaction


def _shipping(
    conn: Connection, action: Action, *, exclude: str | None = None, drafts: bool = True
) -> list[SupplyLine]:
    """Return the transfers out of a transfer's source not yet written (none for a PO)."""
    if not isinstance(action, TransferAction):
        return []
    return shipped_since(conn, action.sku, action.from_location, exclude=exclude, drafts=drafts)


class Governance:
    """The proposal store, the hash-chained audit log and the record of inbound chat events."""

    def __init__(self, engine: Engine, policy: Callable[[], ApprovalPolicy], checks: DraftChecks):
        self.engine = engine
        self._policy = policy
        self._checks = checks  # the draft checks, run again under the target's lock
        self.proposals = ProposalStore(engine)  # drafted actions awaiting or past a decision
        self.audit = AuditLog(engine)  # the hash-chained audit log
        self.deliveries = Deliveries(engine)  # inbound chat events, handled at most once

    def draft_refusal(self, user: str) -> str | None:
        """Return why `user` may not draft actions (their role), or None when they may."""
        policy = self._policy()
        if policy.may_draft(user):
            return None
        role = policy.role_of(user) or "unknown user"
        return f"{user} ({role}) may not draft actions"

    def propose(
        self,
        check: ActionCheck,
        *,
        thread_id: str,
        user: str,
        exception_id: str | None = None,
        reason: str = "",
        edits: Proposal | None = None,
    ) -> Proposal:
        """Store a valid action as a proposal awaiting a decision, and audit it.

        The action is checked again under its target's lock with the orders for that target
        since the snapshot, so of two racing drafts for one need the second drafts only what
        the first leaves (ValueError naming the covering proposal when that is nothing).

        `edits` is the pending proposal this one redrafts with a new quantity (an amend). When
        `user` is not its drafter (an approver changing the quantity at the gate), the drafter
        stays the drafter: the new proposal is theirs (`created_by`, the `proposal` entry's
        actor), and the change is audited as `user`'s `decision` "edit" with the quantity before
        and after. Everyone who amended it so, along its redrafts, is kept in its evidence
        (`amended_by`): like its drafter, none of them may approve it (approval matrix §7).
        """
        drafter = edits.created_by if edits is not None and edits.created_by else user
        edited_by = user if drafter != user else None
        amended_by = sorted(
            {*((edits.evidence or {}).get("amended_by", []) if edits is not None else [])}
            | ({edited_by} if edited_by else set())
        )
        if not check.ok:
            raise ValueError("; ".join(check.errors))
        refusal = self.draft_refusal(user)
        if refusal is not None:
            raise PermissionError(refusal)
        # The quantity asked for: a preview that was already cut is cut again from it.
        asked = check.action.with_qty(int(check.evidence.get("requested_qty", check.action.qty)))
        sku, location = asked.sku, asked.destination
        stock = self._checks.source_stock(asked)
        for attempt in range(ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    lock_target(conn, sku, location)
                    since = supply_since(conn, sku, location)
                    final = self._checks.check(
                        asked, since=since, source_on_hand=stock, shipping=_shipping(conn, asked)
                    )
                    if not final.ok:
                        raise ValueError("; ".join(final.errors))
                    description = final.description
                    if exception_id:
                        description += f"\n- For exception `{exception_id}`"
                    if reason:
                        description += f"\n- Why: {reason}"
                    proposal = self.proposals.create_in(
                        conn,
                        thread_id=thread_id,
                        kind=final.kind,
                        args=final.args,
                        value=final.value,
                        description=description,
                        evidence={
                            **final.evidence,
                            "exception_id": exception_id,
                            "reason": reason,
                            **({"amended_by": amended_by} if amended_by else {}),
                        },
                        created_by=drafter,
                    )
                    edit = (
                        {"replaces": edits.id, "edited_by": edited_by}
                        if edits is not None and edited_by
                        else {}
                    )
                    self.audit.append_in(
                        conn,
                        "proposal",
                        drafter,
                        thread_id=thread_id,
                        proposal_id=proposal.id,
                        payload={
                            "kind": final.kind,
                            "args": final.args,
                            "value": final.value,
                            "exception_id": exception_id,
                            "warnings": final.warnings,
                            **edit,
                        },
                    )
                    if edits is not None and edited_by:
                        self.audit.append_in(
                            conn,
                            "decision",
                            edited_by,
                            thread_id=thread_id,
                            proposal_id=proposal.id,
                            payload={
                                "decision": Decision.EDIT.value,
                                "drafted_by": drafter,
                                "replaces": edits.id,
                                "previous_qty": edits.args.get("qty"),
                                "qty": final.args.get("qty"),
                                "args": final.args,
                                "value": final.value,
                                "status": proposal.status.value,
                            },
                        )
                    return proposal
            except IntegrityError:
                time.sleep(0.001 * (1 + attempt % 10))
        raise AuditAppendError(f"could not record the proposal for {sku} at {location}")

    def claim(self, proposal: Proposal, *, thread_id: str) -> ActionCheck:
        """Re-check an approved proposal just before its ERP write, and claim its need.

        Under the target's lock: the orders claimed or committed for the target since the
        snapshot count as supply. When the need is covered the check fails (the caller refuses
        the commit with its errors); when partly covered the proposal is cut to what is left
        (audited `commit_trimmed`); either way an action that goes ahead is claimed, so a racing
        commit for the same need sees it.
        """
        action = proposal.action
        sku, location = action.sku, action.destination
        stock = self._checks.source_stock(action)  # ERP I/O: before the lock
        for attempt in range(ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    lock_target(conn, sku, location)
                    since = supply_since(conn, sku, location, exclude=proposal.id, drafts=False)
                    shipping = _shipping(conn, action, exclude=proposal.id, drafts=False)
                    check = self._checks.check(
                        action, since=since, source_on_hand=stock, shipping=shipping
                    )
                    if not check.ok:
                        return check
                    cut = int(check.args["qty"]) != int(proposal.args["qty"])
                    claimed = self.proposals.claim_in(
                        conn,
                        proposal.id,
                        args=check.args if cut else None,
                        value=check.value if cut else None,
                    )
                    if claimed is not None and cut:
                        self.audit.append_in(
                            conn,
                            "commit_trimmed",
                            "stockpilot",
                            thread_id=thread_id,
                            proposal_id=proposal.id,
                            payload={
                                "approved_qty": proposal.args["qty"],
                                "qty": check.args["qty"],
                                "value": check.value,
                                "covered_by": check.evidence.get("supply_since", []),
                                "need": check.evidence.get("need"),
                            },
                        )
                    return check
            except IntegrityError:
                time.sleep(0.001 * (1 + attempt % 10))
        raise AuditAppendError(f"could not claim {proposal.id} (chain contention)")
