"""The audit page against the real API: entries and the verify result."""

from __future__ import annotations

from tests.ui.workbench.conftest import table


def test_audit_shows_decisions_and_a_verified_chain(app_test, live_api):
    drafted = live_api.draft_transfer(qty=4)
    live_api.copilot.decide(drafted["thread_id"], user="bob", decision="approve")
    at = app_test("audit", user="victor")
    assert not at.exception
    assert any("Audit chain intact" in s.value for s in at.success)
    trail = table(at, "actor")
    document = live_api.workspace.governance.proposals.get(drafted["proposal_id"]).document_id
    assert document in set(trail["document"])
    at.text_input(key="audit-proposal").input(drafted["proposal_id"]).run()
    events = list(table(at, "actor")["event"])
    assert events == ["commit", "decision", "proposal"]
    at.selectbox(key="audit-event").set_value("refusal").run()
    assert any("No audit entries match" in i.value for i in at.info)
