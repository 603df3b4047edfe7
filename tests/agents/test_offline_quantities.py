"""A quantity the planner gave that is no whole number of units (`agents.offline.quantities`):
named and refused for a step that drafts or amends, never replaced by another quantity."""

from __future__ import annotations

from typing import Any

import pytest

from agents.focus import ProposalNote
from agents.offline.handlers import _redraft_words
from agents.offline.messages import Call, Result, instruction
from agents.offline.quantities import unreadable, unreadable_answer
from agents.offline.render import _render_draft
from agents.offline.resourcing import _instruction as resourcing_instruction
from graph.service import Copilot
from tests.agents.conftest import ask

DRAFT = Call(
    "draft_transfer",
    {"sku": "SKU-0012", "from_location": "DC-SOUTH", "to_location": "S003", "qty": 20},
)
FIX = Call("draft_recommended_action", {"exception_id": "stockout_risk:SKU-0012@S003"})
AMEND = Call("amend_proposal", {"proposal_id": "PR-1", "qty": 3})
LOOKUP = Call("get_inventory", {"sku": "SKU-0012"})


@pytest.mark.parametrize(
    ("text", "said", "call"),
    [
        ("transfer -20 SKU-0012 from DC-SOUTH to S003", "-20", FIX),
        ("transfer 1e30 SKU-0012 from DC-SOUTH to S003", "1e30", FIX),
        ("transfer minus 20 SKU-0012 from DC-SOUTH to S003", "minus 20", DRAFT),
        ("transfer negative 5 SKU-0012 from DC-SOUTH to S003", "negative 5", DRAFT),
        ("transfer 20.5 SKU-0012 from DC-SOUTH to S003", "20.5", DRAFT),
        ("make it 2.5E3", "2.5E3", AMEND),
    ],
)
def test_a_quantity_that_is_no_whole_number_is_named(text: str, said: str, call: Call) -> None:
    found = unreadable(text, [call])
    assert found is not None and found[0] == said
    assert f"**{said}**" in unreadable_answer(*found, [call])


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ("transfer 20 SKU-0012 from DC-SOUTH to S003", DRAFT),
        ("transfer 20.0 SKU-0012 from DC-SOUTH to S003", DRAFT),
        ("make it 10 minus 3", AMEND),  # a change by 3 units, not a quantity below zero
        ("cut it 10.5%", AMEND),
        ("add 1.5 cases", AMEND),
        ("order 20 SKU-0012 for S003 at 74.57 each", DRAFT),
        ("transfer 20 SKU-0012 from DC-SOUTH to S003 by 2026-07-01", DRAFT),
        ("between 20-30 of SKU-0012 to S003", DRAFT),
        ("what's -20 SKU-0012 worth?", LOOKUP),  # a look-up writes nothing
    ],
)
def test_a_whole_quantity_or_no_quantity_is_read_past(text: str, call: Call) -> None:
    assert unreadable(text, [call]) is None


@pytest.mark.parametrize(
    ("call", "example"),
    [
        (DRAFT, "**transfer <qty> SKU-0012 from DC-SOUTH to S003**"),
        (
            Call(
                "draft_purchase_order",
                {"sku": "SKU-0012", "location_id": "S003", "supplier_id": "SUP-01", "qty": 5},
            ),
            "**order <qty> SKU-0012 for S003 from SUP-01**",
        ),
        (AMEND, "**make it <qty>**"),
    ],
)
def test_the_refusal_gives_the_instruction_with_its_quantity_open(call: Call, example: str) -> None:
    """The example is the draft's own instruction (`instruction`), its quantity left open."""
    assert f", e.g. {example}." in unreadable_answer("-20", "below zero", [call])


ZERO_DRAFT = Call(
    "draft_transfer",
    {"sku": "SKU-0012", "from_location": "DC-SOUTH", "to_location": "S003", "qty": 0},
)


@pytest.mark.parametrize(
    ("text", "said", "call"),
    [
        ("transfer 0 SKU-0012 from DC-SOUTH to S003", "0", ZERO_DRAFT),
        ("transfer 0.0 SKU-0012 from DC-SOUTH to S003", "0.0", ZERO_DRAFT),
        ("transfer zero SKU-0012 from DC-SOUTH to S003", "zero", FIX),  # engine-sized otherwise
    ],
)
def test_a_zero_quantity_is_named_and_a_positive_whole_number_asked(
    text: str, said: str, call: Call
) -> None:
    found = unreadable(text, [call])
    assert found == (said, "zero units")
    answer = unreadable_answer(*found, [call])
    assert f"**{said}** is zero units" in answer and "positive whole number" in answer


@pytest.mark.parametrize(
    "text",
    [
        "transfer 20 SKU-0012 from DC-SOUTH to S003, it has zero on hand",
        "transfer 20 SKU-0012 from DC-SOUTH to S003 by 2026-07-01",
    ],
)
def test_a_zero_that_is_not_the_quantity_is_read_past(text: str) -> None:
    assert unreadable(text, [DRAFT]) is None


def test_zero_units_are_refused_in_the_conversation_not_drafted(copilot: Copilot) -> None:
    [result] = ask(copilot, "transfer 0 SKU-0012 from DC-SOUTH to S003")
    assert result.tool_calls == [] and result.pending == []
    assert "**0** is zero units" in result.answer
    assert "**transfer <qty> SKU-0012 from DC-SOUTH to S003**" in result.answer


@pytest.mark.parametrize("qty", [0, -5])
def test_a_failed_draft_never_suggests_its_quantity_again(qty: int) -> None:
    """The suggestion after a draft that failed its checks leaves a quantity of 0 or -5 open."""
    args = {"sku": "SKU-0012", "from_location": "DC-NORTH", "to_location": "S003", "qty": qty}
    data = {
        "status": "invalid",
        "errors": [f"quantity must be a positive whole number (got {qty})"],
        "alternatives": {
            "lanes_into": [{"from_location": "DC-SOUTH", "lead_time_days": 1, "on_hand": 181}]
        },
    }
    text = _render_draft(Result("draft_transfer", args, "{}", data=data))
    assert "say **transfer <qty> of SKU-0012 from DC-SOUTH to S003**" in text


@pytest.mark.parametrize(
    ("tool", "kind", "args", "said"),
    [
        (
            "draft_transfer",
            "transfer",
            {"sku": "SKU-0012", "from_location": "DC-SOUTH", "to_location": "S003", "qty": 20},
            "transfer 20 SKU-0012 from DC-SOUTH to S003",
        ),
        (
            "draft_purchase_order",
            "purchase_order",
            {"sku": "SKU-0012", "location_id": "S003", "supplier_id": "SUP-01", "qty": 5},
            "order 5 SKU-0012 for S003 from SUP-01",
        ),
    ],
)
def test_a_draft_is_said_again_with_the_one_instruction_helper(
    tool: str, kind: str, args: dict[str, Any], said: str
) -> None:
    """Redrafting a withdrawn or re-sourced proposal, and the refusal's example, all say the
    draft as `messages.instruction` renders it (the refusal with its quantity left open)."""
    note = ProposalNote("PR-1", kind, "withdrawn", args)
    assert instruction(Call(tool, args)) == said
    assert _redraft_words(args) == said
    assert resourcing_instruction(note) == said
    example = said.replace(f" {args['qty']} ", " <qty> ", 1)
    assert f"e.g. **{example}**" in unreadable_answer("-20", "below zero", [Call(tool, args)])
