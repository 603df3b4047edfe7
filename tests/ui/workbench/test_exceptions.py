"""The exceptions page against the real API: filters, totals, and preparing an action."""

from __future__ import annotations

from tests.ui.workbench.conftest import table


def test_exceptions_totals_filters_and_prepare_action(app_test, live_api):
    at = app_test("exceptions", user="alice")
    assert not at.exception
    listed = table(at, "recommendation")
    assert list(listed["id"]) == [r["id"] for r in live_api.workspace.queries.exceptions()]
    labels = {m.label: m.value for m in at.metric}
    assert labels["promo_uncovered"] == "315" and labels["inventory_anomaly"] == "6"
    at.selectbox(key="exc-type").set_value("inventory_anomaly").run()
    assert list(table(at, "recommendation")["id"]) == ["inventory_anomaly:B@S2"]
    # A review-only exception has nothing to prepare.
    assert at.button(key="fix-inventory_anomaly:B@S2").disabled
    at.selectbox(key="exc-type").set_value("all").run()
    at.number_input(key="exc-min").set_value(1_000_000.0).run()
    assert any("No exceptions match" in i.value for i in at.info)
    at.number_input(key="exc-min").set_value(0.0).run()
    at.button(key="fix-promo_uncovered:A@S1").click().run()
    assert not at.exception
    thread_id = at.session_state["thread_id"]
    [pending] = live_api.copilot.pending(thread_id)
    # The card drafts the engine's own recommendation for that exception, quantity included.
    engine = live_api.workspace.queries.exception("promo_uncovered:A@S1")["recommendation"]
    assert engine["kind"] == "transfer" and engine["qty"] > 0
    assert pending.args == {
        "from_location": engine["from_location"],
        "qty": engine["qty"],
        "sku": "A",
        "to_location": "S1",
    }
    assert engine["from_location"] == "DC1"
    assert at.button(key=f"chart-{pending.proposal_id}")  # the card is shown in the chat
    assert any("may not decide" in i.value for i in at.info)  # alice drafts; approvers decide


def test_category_filter_reaches_the_api(app_test):
    at = app_test("exceptions")
    at.text_input(key="exc-category").input("Garden").run()
    assert any("No exceptions match" in i.value for i in at.info)
    at.text_input(key="exc-category").input("Household").run()
    assert len(table(at, "recommendation")) == 2
