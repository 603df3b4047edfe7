"""A level asked for at a store with "up" unsaid is a top-up to that level.

"Bring S003 to 40 of <item>" and "get store 3 to 40 units of <item>" name a target position
at a store, as "top S003 up to 40" does (`agents.offline.bounds.fill_to`): the position is
looked up and a transfer of the gap to the level is drafted for approval. A question ("should
we bring S003 to 40?") drafts nothing. Asked through the real graph on the seed-7 network, in
phrasings of our own (store numbers, names, lower case, a typo).
"""

from __future__ import annotations

import pytest

from graph.service import Copilot
from tests.agents.conftest import ask


def _position(copilot: Copilot, sku: str, store: str) -> float:
    (inv,) = copilot.workspace.queries.inventory(sku=sku, location=store)
    return float(inv["position"])


@pytest.mark.parametrize(
    ("text", "sku", "store", "level"),
    [
        ("bring S003 to 40 of SKU-0012", "SKU-0012", "S003", 40),
        ("get store 3 to 40 units of SKU-0012", "SKU-0012", "S003", 40),
        ("bring s003 to 45 units of sku-0012 please", "SKU-0012", "S003", 45),
        ("bring union to 40 of SKU-0012", "SKU-0012", "S003", 40),
        ("get store 3 back to 50 of SKU-0012", "SKU-0012", "S003", 50),
    ],
)
def test_a_store_level_without_up_is_a_top_up(
    copilot: Copilot, text: str, sku: str, store: str, level: int
) -> None:
    (turn,) = ask(copilot, text)
    names = [c["name"] for c in turn.tool_calls]
    assert "get_inventory" in names, (text, names)
    gap = level - _position(copilot, sku, store)
    assert gap > 0
    (draft,) = turn.pending
    assert draft.kind == "transfer", (text, turn.answer)
    assert (draft.args["sku"], draft.args["to_location"], draft.args["qty"]) == (
        sku,
        store,
        int(gap),
    ), (text, turn.answer)
    assert f"topping up to {level}" in turn.answer


@pytest.mark.parametrize(
    "text",
    [
        "should we bring S003 to 40 of SKU-0012?",
        "would it make sense to get store 3 to 40 units of SKU-0012?",
    ],
)
def test_a_store_level_asked_about_drafts_nothing(copilot: Copilot, text: str) -> None:
    (turn,) = ask(copilot, text)
    names = [c["name"] for c in turn.tool_calls]
    assert not any(n.startswith("draft_") for n in names), (text, names)
    assert not turn.pending, (text, turn.answer)
