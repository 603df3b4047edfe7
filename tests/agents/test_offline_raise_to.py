"""A pending draft raised "up to N" ("raise it up to 300", "bump the qty up to 250") is amended
to N: the planner's new quantity, not a cap on the engine's (SKU-0016 at S002's engine line is
200, below each N here, so a cap would amend to 200) nor a level to fill the store to."""

from __future__ import annotations

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask

DRAFT = "transfer 20 SKU-0016 from DC-NORTH to S002"


@pytest.mark.parametrize(
    "amend, qty",
    [
        ("raise it up to 300", 300),
        ("take it up to 300", 300),
        ("bump the quantity up to 250", 250),
        ("push that transfer up to 320", 320),
        ("can u increase it up to 275", 275),
        ("raise the qty up to 240", 240),
        ("ok bump this one up to 310", 310),
    ],
)
def test_raised_up_to_n_is_the_new_quantity(copilot: Copilot, amend: str, qty: int) -> None:
    _, result = ask(copilot, DRAFT, amend)
    amends = [c for c in result.tool_calls if c["name"] == "amend_proposal"]
    assert [c["args"]["qty"] for c in amends] == [qty], (amend, result.tool_calls)
    assert "get_routine_orders" not in [c["name"] for c in result.tool_calls]
