"""The product's vocabulary: decisions, action kinds, exception types, statuses, the gate's name.

Every layer imports these instead of repeating the strings. The values are the public JSON
contract (API bodies, CLI `--json`, stored proposals, the README), so they never change; a
`StrEnum` member compares and serialises as its value.
"""

from __future__ import annotations

from enum import StrEnum


class Decision(StrEnum):
    """What a human answers at the approval gate."""

    APPROVE = "approve"
    EDIT = "edit"
    REJECT = "reject"
    # Answer the agent with a message instead of approving: the proposal is withdrawn.
    RESPOND = "respond"


class ActionKind(StrEnum):
    """What the engine recommends for an exception; the first two are drafted as proposals."""

    TRANSFER = "transfer"
    PURCHASE_ORDER = "purchase_order"
    EXPEDITE = "expedite"
    NONE = "none"


# The kinds that become an ERP document (a proposal to approve); the others are advice only.
DRAFTABLE_KINDS: tuple[ActionKind, ...] = (ActionKind.TRANSFER, ActionKind.PURCHASE_ORDER)


class ExceptionType(StrEnum):
    """The exceptions the planning engine raises, in the order reports list them."""

    STOCKOUT_RISK = "stockout_risk"
    BELOW_SAFETY_STOCK = "below_safety_stock"
    OVERSTOCK = "overstock"
    LATE_PO = "late_po"
    PROMO_UNCOVERED = "promo_uncovered"
    FORECAST_BIAS = "forecast_bias"
    INVENTORY_ANOMALY = "inventory_anomaly"


class ProposalStatus(StrEnum):
    """Where a proposal stands: pending -> approved / rejected -> committed / failed."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    COMMITTED = "committed"
    FAILED = "failed"


# The name of the one approval gate: its decision reports are messages with this name.
GATE_NAME = "approval_gate"

# The largest quantity an approver may set when editing at the gate (API, CLI, chat cards and
# `Copilot.decide` share it); anything larger is refused before the thread resumes.
MAX_EDIT_QTY = 10_000_000


class OutcomeKind(StrEnum):
    """What a decision round did to one proposal (committed means written to the ERP)."""

    COMMITTED = "committed"
    APPROVED = "approved"
    REJECTED = "rejected"
    REFUSED = "refused"
    FAILED = "failed"
    ALREADY_DECIDED = "already_decided"
    PENDING = "pending"


class RefusalReason(StrEnum):
    """Why a decision did not go through (the refusals metric's label)."""

    AUTHORITY = "authority"  # above the approver's authority
    VALIDATION = "validation"  # the edit, or the commit's re-check, failed the draft checks
    ALREADY_DECIDED = "already_decided"  # someone else decided first
    ERP = "erp"  # the ERP refused the write


class SalesBucket(StrEnum):
    """The time bucket of the sales history (`STOCKPILOT_SALES_BUCKET`, `eval --bucket`)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class OverrideKind(StrEnum):
    """How a planner's forecast override changes the model's forecast on its days."""

    MULTIPLIER = "multiplier"  # the model's forecast times the value
    RATE = "rate"  # the value replaces the model's forecast (units per day)


class ExceptionSort(StrEnum):
    """The orders of an exception list: the ranking, most urgent first, the earliest risk first."""

    MONEY_AT_RISK = "money_at_risk"
    PRIORITY = "priority"
    FIRST_RISK_DATE = "first_risk_date"


EXCEPTION_SORTS: tuple[str, ...] = tuple(s.value for s in ExceptionSort)
"""The sort names the exception reads accept (in memory and in SQL alike)."""
