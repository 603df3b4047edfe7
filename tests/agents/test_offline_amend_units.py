"""A change of the pending draft in percent or in case packs (agents/offline/amend_units.py):
"cut it 10%" changes the quantity by that share of it, "add 2 cases" by the item master's case
pack, with the conversion said; a hedged or asked change writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from agents.focus import Focus, ProposalNote
from agents.offline.amend_units import Change, amend_by_unit, new_quantity, read
from agents.offline.messages import Request, Result
from graph.service import Copilot
from tests.agents.conftest import ask

DRAFT = "transfer 40 SKU-0016 from DC-NORTH to S002"
"""A draft of 40; SKU-0016's case pack in the seed-7 item master is read in each test."""


def pending(copilot: Copilot, result: Any) -> list[Any]:
    return copilot.workspace.governance.proposals.list(status="pending", thread_id=result.thread_id)


def case_pack(copilot: Copilot, sku: str) -> int:
    from tools.insight import item_master

    return int(item_master(copilot.workspace, sku)["case_pack"])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("reduce it by 10 percent", 36),
        ("cut it 10%", 36),
        ("bump it up 25 %", 50),
        ("increase the transfer by 15 per cent", 46),
        ("take 20% off it", 32),
        ("5 percent more please", 42),
    ],
)
def test_a_percentage_changes_the_draft_by_that_share(
    copilot: Copilot, change: str, expected: int
) -> None:
    first, result = ask(copilot, DRAFT, change)
    left = pending(copilot, result)
    assert [p.args["qty"] for p in left] == [expected], result.answer
    assert left[0].id != first.pending[0].proposal_id  # withdrawn and redrafted
    assert "rounded to the nearest whole unit" in result.answer
    assert f"40 → {expected}" in result.answer


@pytest.mark.parametrize(
    ("change", "cases", "down", "to"),
    [
        ("lower it by 2 cases", 2, True, False),
        ("add 2 packs", 2, False, False),
        ("make it 5 cases", 5, False, True),
        ("bump it up by 1 case", 1, False, False),
        ("take 3 cartons off", 3, True, False),
    ],
)
def test_cases_are_counted_in_the_item_masters_case_pack(
    copilot: Copilot, change: str, cases: int, down: bool, to: bool
) -> None:
    pack = case_pack(copilot, "SKU-0016")
    _, result = ask(copilot, DRAFT, change)
    units = cases * pack
    expected = units if to else 40 - units if down else 40 + units
    assert [p.args["qty"] for p in pending(copilot, result)] == [expected], result.answer
    assert "get_item" in [c["name"] for c in result.tool_calls]
    assert f"{cases} {'case' if cases == 1 else 'cases'} × {pack} = {units} units" in result.answer


@pytest.mark.parametrize(
    "change",
    [
        "would it make sense to cut it by 10%?",
        "should we reduce it by 10 percent?",
        "maybe add 2 cases",
        "cut it 10%?",
        "don't add 2 cases",
    ],
)
def test_a_hedged_or_asked_change_writes_nothing(copilot: Copilot, change: str) -> None:
    first, result = ask(copilot, DRAFT, change)
    left = pending(copilot, result)
    assert [p.id for p in left] == [first.pending[0].proposal_id]
    assert left[0].args["qty"] == 40


def test_a_purchase_order_is_rounded_to_whole_cases(copilot: Copilot) -> None:
    pack = case_pack(copilot, "SKU-0007")
    qty = 8 * pack
    _, result = ask(copilot, f"order {qty} SKU-0007 for DC-NORTH from SUP-08", "cut it 10%")
    new = [p.args["qty"] for p in pending(copilot, result)]
    assert len(new) == 1 and new[0] % pack == 0 and new[0] < qty, result.answer
    assert f"whole case of {pack}" in result.answer


def _request(text: str) -> Request:
    note = ProposalNote(
        "PR-1",
        "transfer",
        "pending",
        {"sku": "SKU-9", "from_location": "A", "to_location": "B", "qty": 40},
    )
    return Request(text, {}, focus=Focus(proposals=[note]), original=text)


def test_an_unknown_case_pack_is_asked_for_not_guessed() -> None:
    req = _request("lower it by 10 cases")
    first = amend_by_unit(req, [])
    assert isinstance(first, list) and first[0].name == "get_item"
    item = Result("get_item", {"sku": "SKU-9"}, "{}", {"sku": "SKU-9", "case_pack": None})
    answer = amend_by_unit(req, [item])
    assert isinstance(answer, str) and "no case pack" in answer and "units" in answer


def test_readings() -> None:
    assert read("reduce it by 10 percent") == Change("percent", 10, down=True)
    assert read("bump it up 25 %") == Change("percent", 25)
    assert read("make it 5 cases") == Change("pack", 5, to=True)
    assert read("lower it by 10 cases") == Change("pack", 10, down=True)
    assert read("make it 60 instead") is None and read("cut it by 10") is None
    assert new_quantity(Change("percent", 10, down=True), 45, None, "transfer") == (
        41,
        "the draft's 45 units less 10 percent is 41 units (rounded to the nearest whole unit)",
    )
    assert isinstance(new_quantity(Change("percent", 1), 10, None, "transfer"), str)  # no change
