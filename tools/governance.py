"""Governance over the store: proposals awaiting a decision, the audit log, chat deliveries.

`propose` is the one way a checked action becomes a proposal: it refuses invalid actions and
users the policy does not let draft, and audits what it stores.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from erp.governance import AuditLog, Deliveries, Proposal, ProposalStore
from planning.actions import ActionCheck
from stockpilot.policy import ApprovalPolicy


class Governance:
    """The proposal store, the hash-chained audit log and the record of inbound chat events."""

    def __init__(self, engine: Engine, policy: Callable[[], ApprovalPolicy]):
        self.engine = engine
        self._policy = policy
        self.proposals = ProposalStore(engine)  # drafted actions awaiting or past a decision
        self.audit = AuditLog(engine)  # the hash-chained audit log
        self.deliveries = Deliveries(engine)  # inbound chat events, handled at most once

    def propose(
        self,
        check: ActionCheck,
        *,
        thread_id: str,
        user: str,
        exception_id: str | None = None,
        reason: str = "",
    ) -> Proposal:
        """Store a valid action as a proposal awaiting a decision, and audit it."""
        if not check.ok:
            raise ValueError("; ".join(check.errors))
        policy = self._policy()
        if not policy.may_draft(user):
            role = policy.role_of(user) or "unknown user"
            raise PermissionError(f"{user} ({role}) may not draft actions")
        description = check.description
        if exception_id:
            description += f"\n- For exception `{exception_id}`"
        if reason:
            description += f"\n- Why: {reason}"
        proposal = self.proposals.create(
            thread_id=thread_id,
            kind=check.kind,
            args=check.args,
            value=check.value,
            description=description,
            evidence={**check.evidence, "exception_id": exception_id, "reason": reason},
            created_by=user,
        )
        self.audit.append(
            "proposal",
            user,
            thread_id=thread_id,
            proposal_id=proposal.id,
            payload={
                "kind": check.kind,
                "args": check.args,
                "value": check.value,
                "exception_id": exception_id,
            },
        )
        return proposal
