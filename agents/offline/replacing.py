"""A draft said to replace the thread's pending one ("ship it from S001 instead").

"Instead", "actually" or "rather" with a new draft for the same item and destination as a
proposal this thread still has pending means the planner changed their mind about it: one
need must not end up with two pending drafts. The new draft is made first; only when it
comes back pending is the old one withdrawn, with the new proposal's id as the audited
reason, so a new draft the checks refuse leaves the old one as it was (nothing stranded).
"""

from __future__ import annotations

import re

from agents.focus import ProposalNote
from agents.offline.messages import Call, Handler, Request, Result, Step

REPLACING = re.compile(r"\b(?:instead|actually|rather)\b", re.I)
"""Words that say a new draft takes the place of the thread's pending one."""
DRAFTS = ("draft_transfer", "draft_purchase_order")
WITHDRAW = "withdraw_proposal"


def _place(args: dict[str, object]) -> object:
    return args.get("to_location") or args.get("location_id")


def _replaced(focus_pending: ProposalNote | None, draft: Result) -> ProposalNote | None:
    """Return the pending proposal a pending new draft replaces (same item and destination)."""
    data = draft.data if isinstance(draft.data, dict) else {}
    if focus_pending is None or data.get("status") != "pending_approval":
        return None
    old = focus_pending.args or {}
    if old.get("sku") != draft.args.get("sku") or _place(old) != _place(draft.args):
        return None
    if focus_pending.proposal_id == data.get("proposal_id"):
        return None
    return focus_pending


def replacing(handler: Handler) -> Handler:
    """Wrap a drafting handler so that a draft said "instead" withdraws the one it replaces."""

    def run(req: Request, results: list[Result]) -> Step:
        withdrawn = [r for r in results if r.name == WITHDRAW]
        own = [r for r in results if r.name != WITHDRAW]
        step = handler(req, own)
        if not isinstance(step, str):
            return step
        drafts = [r for r in own if r.name in DRAFTS]
        old = _replaced(req.focus.last_proposal(pending=True), drafts[-1]) if drafts else None
        if old is None:
            return step
        if not withdrawn:
            new_id = drafts[-1].data.get("proposal_id")
            return [
                Call(WITHDRAW, {"proposal_id": old.proposal_id, "reason": f"replaced by {new_id}"})
            ]
        done = withdrawn[-1]
        if done.error:
            return (
                f"{step}\n\n**Note:** {old.proposal_id} is still pending — it could not be "
                f"withdrawn ({done.error}). Say **withdraw {old.proposal_id}** if the new draft "
                "replaces it."
            )
        return (
            f"{step}\n\n**Replaced:** {old.proposal_id} is withdrawn (audited), so one draft "
            "covers this need."
        )

    return run
