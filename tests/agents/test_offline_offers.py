"""A bare yes to "Shall I draft it?" makes exactly the draft offered, once; a bare no writes
nothing (agents/offline/offers.py)."""

from __future__ import annotations

from typing import Any

import pytest

from agents.offline.offers import is_no, is_yes
from agents.offline.settled import is_bare
from graph.service import Copilot
from tests.agents.conftest import ask


def pending(copilot: Copilot, result: Any) -> list[Any]:
    return copilot.workspace.governance.proposals.list(status="pending", thread_id=result.thread_id)


@pytest.mark.parametrize("reply", ["yes", "yes please", "go ahead", "sure, do it", "ok", "Yep!"])
def test_a_yes_carries_out_the_offered_transfer(copilot: Copilot, reply: str) -> None:
    asked, result = ask(copilot, "transfer 12 SKU-0016 from DC-NORTH to S002?", reply)
    assert "Shall I draft it?" in asked.answer
    left = pending(copilot, result)
    assert len(left) == 1, [p.args for p in left]
    assert left[0].kind == "transfer"
    assert left[0].args == {
        "sku": "SKU-0016",
        "from_location": "DC-NORTH",
        "to_location": "S002",
        "qty": 12,
    }


def test_a_yes_carries_out_the_offered_purchase_order(copilot: Copilot) -> None:
    _, result = ask(copilot, "order 48 SKU-0007 for DC-NORTH from SUP-08?", "yes please")
    left = pending(copilot, result)
    assert [
        (p.kind, p.args["sku"], p.args["location_id"], p.args["supplier_id"]) for p in left
    ] == [("purchase_order", "SKU-0007", "DC-NORTH", "SUP-08")]
    assert left[0].args["qty"] == 48


def test_a_yes_to_a_withdrawal_offer_withdraws(copilot: Copilot) -> None:
    first, _, result = ask(
        copilot, "transfer 12 SKU-0016 from DC-NORTH to S002", "withdraw it?", "go ahead"
    )
    assert first.pending and not pending(copilot, result)
    assert "withdrawn" in result.answer


@pytest.mark.parametrize("reply", ["no", "not now", "no thanks", "nope, leave it"])
def test_a_no_writes_nothing_and_says_so(copilot: Copilot, reply: str) -> None:
    _, result = ask(copilot, "transfer 12 SKU-0016 from DC-NORTH to S002?", reply)
    assert not pending(copilot, result)
    assert not [c for c in result.tool_calls if c["name"].startswith(("draft_", "amend_"))]
    assert "not drafted anything" in result.answer


def test_a_yes_with_more_words_is_read_as_said() -> None:
    assert is_yes("yes please") and is_yes("ok") and is_yes("sure, do it")
    assert not is_yes("yes but make it 20") and not is_yes("ok maybe later")
    assert not is_yes("would it make sense?") and not is_yes("")
    assert not is_yes("thanks") and not is_yes("please") and is_yes("ok thanks")
    assert is_no("not now") and is_no("no") and not is_no("no, make it 20")


@pytest.mark.parametrize(
    "reply", ["yes", "ok do that", "sure mate", "ok, order it then", "yes, transfer it now"]
)
def test_a_bare_yes_has_one_reading_for_an_offer_and_for_a_pending_draft(reply: str) -> None:
    """The yes to an offered draft and the confirmation after a draft are the same words."""
    assert is_yes(reply) and is_bare(reply)


@pytest.mark.parametrize("reply", ["yes but make it 20", "ok maybe later", "order 20 more"])
def test_a_reply_with_more_than_a_yes_is_neither_reading(reply: str) -> None:
    assert not is_yes(reply) and not is_bare(reply)
