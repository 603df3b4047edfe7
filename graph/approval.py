"""The approval contract: what the gate asks, what a resume answers, what a decision did.

The request follows LangChain's HumanInTheLoopMiddleware (`action_requests` / `review_configs`;
decisions approve, edit, reject, respond), with each action's `proposal_id` in its args and a
`proposals` list of what the approver needs to judge (kind, value, drafter). A resume answers
with the deciding user and one decision per decided proposal, each naming its `proposal_id`:
decisions are matched by id only, never by position, and a decision that names no proposal at
the gate, or one twice, is refused before anything is decided (`match_decisions`).

Every decision, and every commit, produces one `Outcome`: its kind (`OutcomeKind`) and, when it
did not go through, a `RefusalReason` (what the metrics count), next to the human message. All
of it is plain JSON: it is kept in checkpoints and sent by the API as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, TypedDict


class ActionRequest(TypedDict):
    """One action to decide: its kind, its args (with `proposal_id`) and its description."""

    name: str
    args: dict[str, Any]
    description: str


class ReviewConfig(TypedDict):
    """Which decisions an action allows."""

    action_name: str
    allowed_decisions: list[str]


class ProposalSummary(TypedDict):
    """What the approver judges a proposal by, beside its action."""

    proposal_id: str
    kind: str
    value: float
    created_by: str
    # The draft checks' warnings (cover above the class maximum, no need); also in the
    # description.
    warnings: NotRequired[list[str]]


class ApprovalRequest(TypedDict):
    """The approval gate's interrupt payload."""

    action_requests: list[ActionRequest]
    review_configs: list[ReviewConfig]
    proposals: list[ProposalSummary]


class EditedAction(TypedDict):
    """An edit's new args (only the proposal's own fields are taken, re-validated)."""

    name: str
    args: dict[str, Any]


class DecisionItem(TypedDict):
    """One human decision on one proposal."""

    type: str  # a `Decision` value
    proposal_id: str
    edited_action: NotRequired[EditedAction]
    message: NotRequired[str]


class ApprovalAnswer(TypedDict):
    """The resume value of the gate: who decides, and the decisions."""

    user: str
    decisions: list[DecisionItem]


class Outcome(TypedDict):
    """What one decision (and the commit after it) did to one proposal."""

    proposal_id: str
    outcome: str  # an `OutcomeKind` value
    reason: str | None  # a `RefusalReason` value when it did not go through, else None
    action: NotRequired[str]
    decision: NotRequired[str]
    decided_by: NotRequired[str]
    message: NotRequired[str]
    document_id: NotRequired[str | None]
    cut: NotRequired[str]  # how the quantity was cut to what other orders left of the need


class DecisionMismatchError(ValueError):
    """Raised when a resume's decisions do not pair one-to-one with the proposals at the gate."""


def match_decisions(shown: Sequence[str], answer: Any) -> dict[str, DecisionItem]:
    """Pair decisions with the proposals shown at the gate, by proposal id only.

    Returns {proposal_id: decision} for the proposals decided (the others stay pending). Raises
    DecisionMismatchError when the answer has no decision list, a decision names no proposal or
    one not at the gate, a proposal gets two decisions, or there are more decisions than
    proposals.
    """
    given = answer.get("decisions") if isinstance(answer, Mapping) else None
    if not isinstance(given, list):
        raise DecisionMismatchError("the answer has no list of decisions")
    if len(given) > len(shown):
        raise DecisionMismatchError(
            f"{len(given)} decisions for {len(shown)} proposal(s) at the gate"
        )
    matched: dict[str, DecisionItem] = {}
    for i, decision in enumerate(given, 1):
        pid = decision.get("proposal_id") if isinstance(decision, Mapping) else None
        if not pid:
            raise DecisionMismatchError(f"decision {i} names no proposal_id")
        if pid not in shown:
            raise DecisionMismatchError(
                f"decision {i} names {pid!r}, which is not at the gate ({', '.join(shown)})"
            )
        if pid in matched:
            raise DecisionMismatchError(f"proposal {pid!r} has two decisions")
        matched[pid] = decision
    return matched
