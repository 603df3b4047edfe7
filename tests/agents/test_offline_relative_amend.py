"""A change by an amount is applied to the pending draft's quantity; a target sets it.

"cut it by 10", "reduce it by 4", "trim it by 5", "bump it by 8", "add 12 to it", "3 more":
the draft's quantity changes by that much (never below 1: a change that would leave nothing
changes nothing and says so). "make it 10", "reduce it to 10": the quantity becomes 10. The
answer gives the old and the new quantity. Checked with verbs, ways of naming the draft, PO
and transfer drafts, and a typo.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from agents.offline import parse
from agents.offline.messages import Result
from agents.offline.safety import WRITE_TOOLS
from tools.resolve import Resolver

from .conftest import turn

TRANSFER = {"sku": "SKU-0016", "from_location": "DC-NORTH", "to_location": "S002", "qty": 30}
ORDER = {"sku": "SKU-0016", "location": "DC-NORTH", "supplier_id": "SUP-02", "qty": 30}


def _thread(kind: str) -> Any:
    args = TRANSFER if kind == "transfer" else ORDER
    tool = "draft_transfer" if kind == "transfer" else "draft_po"
    data = {"proposal_id": "PR-1", "status": "pending_approval", "action": kind, "args": args}
    return turn(f"draft the {kind}", tool, args, data)


DOWN = ("cut {ref} by {n}", "reduce {ref} by {n}", "trim {ref} by {n}", "lower {ref} by {n}",
        "take {n} off {ref}", "knock {n} off {ref}", "ok, decrease {ref} by {n} please")  # fmt: skip
UP = ("bump {ref} by {n}", "increase {ref} by {n}", "raise {ref} by {n}", "add {n} to {ref}",
      "add another {n} to {ref}", "bump {ref} up by {n}", "can you add {n} to {ref}")  # fmt: skip
REFS = ("it", "that", "the draft", "the qty")
BARE = (("{n} more please", 1), ("{n} fewer", -1), ("make it {n} less", -1),
        ("actually {n} extra", 1), ("go with {n} more", 1))  # fmt: skip
TYPOS = (("cut it by 10 pls", -10), ("bump it by 8 thx", 8), ("ad 12 to it", 12))

CASES = (
    [(t.format(ref=r, n=n), -n) for t, r, n in itertools.product(DOWN, REFS, (10, 5))]
    + [(t.format(ref=r, n=n), n) for t, r, n in itertools.product(UP, REFS, (12, 8))]
    + [(t.format(n=n), sign * n) for (t, sign), n in itertools.product(BARE, (3, 10))]
    + list(TYPOS)
)


def _step(text: str, kind: str, resolver: Resolver) -> tuple[str, Any, Any]:
    intent, req = parse(text, _thread(kind), resolver)
    return intent.name, intent.handler(req, []), (intent, req)


@pytest.mark.parametrize("kind", ["transfer", "po"])
@pytest.mark.parametrize(("text", "delta"), CASES)
def test_a_change_by_an_amount_is_applied_to_the_drafts_quantity(
    text: str, delta: int, kind: str, resolver: Resolver
) -> None:
    name, step, _ = _step(text, kind, resolver)
    assert isinstance(step, list), (text, name, step)
    assert [(c.name, c.args) for c in step] == [
        ("amend_proposal", {"proposal_id": "PR-1", "qty": 30 + delta})
    ], text


@pytest.mark.parametrize(
    ("text", "qty"),
    [("make it 10", 10), ("reduce it to 10", 10), ("change it to 45", 45), ("cut it to 5", 5),
     ("bump it to 8", 8), ("12 instead", 12)],
)  # fmt: skip
def test_a_target_sets_the_quantity(text: str, qty: int, resolver: Resolver) -> None:
    _, step, _ = _step(text, "transfer", resolver)
    assert isinstance(step, list) and [c.args["qty"] for c in step] == [qty], (text, step)


@pytest.mark.parametrize("text", ["cut it by 30", "reduce it by 45", "take 30 off it", "40 fewer"])
def test_a_change_that_leaves_nothing_writes_nothing_and_says_so(
    text: str, resolver: Resolver
) -> None:
    _, step, _ = _step(text, "transfer", resolver)
    assert isinstance(step, str), (text, step)
    assert "withdraw the draft" in step and "30" in step


@pytest.mark.parametrize(("text", "new"), [("cut it by 10", 20), ("add 12 to it", 42)])
def test_the_answer_gives_the_old_and_the_new_quantity(
    text: str, new: int, resolver: Resolver
) -> None:
    _, step, (intent, req) = _step(text, "transfer", resolver)
    assert isinstance(step, list)
    data = {"proposal_id": "PR-2", "status": "pending_approval", "action": "transfer",
            "args": {**TRANSFER, "qty": new}}  # fmt: skip
    result = Result("amend_proposal", step[0].args, json.dumps(data), data)
    answer = intent.handler(req, [result])
    assert isinstance(answer, str) and f"30 → {new}" in answer, answer
    assert not {c.name for c in step} & (WRITE_TOOLS - {"amend_proposal"})
