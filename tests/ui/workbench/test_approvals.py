"""The approvals inbox against the real API: sorting, evidence, bulk approve within authority."""

from __future__ import annotations

from tests.ui.workbench.conftest import table
from ui.workbench.approvals import age_text, sort_items


def test_inbox_lists_sorts_and_bulk_approves(app_test, live_api):
    small = live_api.draft_transfer(qty=10)  # value 40: within bob's 100
    big = live_api.copilot.ask("fix promo_uncovered:A@S1", user="alice").pending[0]  # 212
    at = app_test("approvals", user="bob")
    assert not at.exception
    inbox = table(at, "within my authority")
    assert {small["proposal_id"], big.proposal_id} <= set(inbox["proposal"])
    at.selectbox(key="inbox-sort").set_value("Value (lowest first)").run()
    values = list(table(at, "within my authority")["value"])
    assert values == sorted(values)
    at.selectbox(key="inbox-sort").set_value("Value (highest first)").run()
    assert list(table(at, "within my authority")["value"]) == sorted(values, reverse=True)
    # Evidence: the drafted description with the engine's numbers.
    assert any("For exception `promo_uncovered:A@S1`" in m.value for m in at.markdown)
    # Select everything within authority, and the big one too: one commits, one is refused.
    at.button(key="select-within").click().run()
    assert at.checkbox(key=f"sel-{small['proposal_id']}").value
    assert not at.checkbox(key=f"sel-{big.proposal_id}").value
    at.checkbox(key=f"sel-{big.proposal_id}").check().run()
    at.button(key="bulk-approve").click().run()
    assert not at.exception
    results = table(at, "outcome").set_index("proposal")
    committed = live_api.workspace.governance.proposals.get(small["proposal_id"])
    assert committed.status == "committed"
    assert results.loc[small["proposal_id"], "outcome"] == "committed"
    assert results.loc[small["proposal_id"], "ERP document"] == committed.document_id
    assert results.loc[big.proposal_id, "outcome"] == "refused"
    assert "100" in results.loc[big.proposal_id, "message"]
    assert live_api.workspace.governance.proposals.get(big.proposal_id).status == "pending"
    assert any(committed.document_id in s.value for s in at.success)


def test_only_within_authority_and_empty_state(app_test, live_api):
    live_api.draft_transfer(qty=10)
    at = app_test("approvals", user="bob")
    at.toggle(key="inbox-mine").set_value(True).run()
    assert all(table(at, "within my authority")["value"] <= 100)
    at.number_input(key="inbox-min").set_value(1_000_000.0).run()
    assert any("Nothing is waiting" in i.value for i in at.info)


def test_viewer_sees_the_inbox_but_cannot_approve(app_test, live_api):
    drafted = live_api.draft_transfer(qty=5)
    at = app_test("approvals", user="victor")
    at.checkbox(key=f"sel-{drafted['proposal_id']}").check().run()
    at.button(key="bulk-approve").click().run()
    results = table(at, "outcome").set_index("proposal")
    assert results.loc[drafted["proposal_id"], "outcome"] == "error"
    assert "may not decide" in results.loc[drafted["proposal_id"], "message"]
    assert live_api.workspace.governance.proposals.get(drafted["proposal_id"]).status == "pending"


def test_sort_and_age_helpers():
    items = [
        {"proposal_id": "a", "value": 5.0, "age_seconds": 10.0},
        {"proposal_id": "b", "value": 50.0, "age_seconds": 5.0},
    ]
    assert [i["proposal_id"] for i in sort_items(items, "Age (oldest first)")] == ["a", "b"]
    assert [i["proposal_id"] for i in sort_items(items, "Value (highest first)")] == ["b", "a"]
    assert age_text(40) == "40 s" and age_text(7500) == "2 h 5 min" and age_text(90000) == "1 d 1 h"
