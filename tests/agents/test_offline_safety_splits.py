"""An order split so that a lower approver can sign each part is refused, and told why.

The whole need's value decides who approves it, so "halve it so carol can sign both halves",
"three POs of 300 so bob can sign himself" or "within what carol signs" are refused before any
tool call (nothing drafted, amended or looked up), with the reason and the single order
offered. Splits for another reason (deliveries, places) and questions about who can sign are
not refused.
"""

from __future__ import annotations

import pytest
from langchain_core.messages import BaseMessage

from agents.offline import parse
from agents.offline.safety import split_for_a_signer
from tests.agents.conftest import turn
from tools.resolve import Resolver


def drafted() -> list[BaseMessage]:
    """A thread whose last turn drafted a transfer that waits for approval."""
    data = {"proposal_id": "PR-0A1B2C", "status": "pending_approval", "action": "transfer"}
    args = {"sku": "SKU-0003", "from_location": "DC-NORTH", "to_location": "S002", "qty": 12}
    return turn("move 12 dog food to Monroe from the north DC", "draft_transfer", args, data)


SPLITS = [
    "halve the Acme PO so carol can sign both halves",
    "break the 900 up into three POs so the store manager can ok each of them",
    "could you cut that order in two so bob can okay it today",
    "put it through as several little orders so a team lead can clear them",
    "raise 3 separate POs of 300 instead, each under what carol signs",
    "can we divide this PO in half so carol can put her name on each part",
    "three POs of 300 rather than one, so it's something bob can sign himself",
    "spread it over a few smaller orders - then any of the planners can approve them",
    "send it as two transfers of 6 so bob can ok each one",
    "order 900 of SKU-0003 from Acme as 3 POs so dave can approve them himself",
]

NOT_SPLITS = [
    "split the 900 into two POs so DC-NORTH gets half",
    "can I halve the order so bob can sign it?",
    "who can sign a PO of 900 units?",
    "would splitting the PO in two let carol approve it?",
    "break the order into 2 deliveries so the store can receive it",
]


def refused(text: str, resolver: Resolver) -> tuple[str, object]:
    intent, req = parse(text, drafted(), resolver, None)
    return intent.name, intent.handler(req, [])


@pytest.mark.parametrize("text", SPLITS)
def test_a_split_for_a_lower_signer_is_refused_with_the_reason(
    text: str, resolver: Resolver
) -> None:
    name, step = refused(text, resolver)
    assert name == "refuse" and isinstance(step, str), (name, step)
    assert "whole need" in step and "one order" in step, step
    assert split_for_a_signer(text)


@pytest.mark.parametrize("text", NOT_SPLITS)
def test_other_splits_and_questions_are_not_refused(text: str, resolver: Resolver) -> None:
    name, _ = refused(text, resolver)
    assert name != "refuse"
    assert not split_for_a_signer(text)
