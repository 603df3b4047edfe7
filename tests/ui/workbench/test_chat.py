"""The chat page against the real API: history, streamed turns, approval cards, outcomes."""

from __future__ import annotations

import pytest

from ui.workbench.chat import tool_line


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in (*at.success, *at.warning, *at.error, *at.info)]
    return "\n".join(str(p) for p in parts)


def test_empty_state_invites_a_first_question(app_test):
    at = app_test("chat")
    assert not at.exception
    assert any("Start a conversation" in i.value for i in at.info)


def test_ask_streams_the_answer_with_tool_activity(app_test, live_api):
    at = app_test("chat")
    at.chat_input[0].set_value("what needs attention today?").run()
    assert not at.exception
    assert "promo_uncovered:A@S1" in texts(at)
    assert [s.label for s in at.status] == ["1 tool call"]
    thread_id = at.session_state["thread_id"]
    assert live_api.copilot.has_thread(thread_id)
    # The thread is listed in the sidebar and reloads from the API with its tool activity.
    assert at.button(key=f"thread-{thread_id}").label.startswith("what needs attention")
    at.run()
    assert "🔧 listed today's exceptions (2 found)" in texts(at)


def test_fix_then_approve_shows_the_erp_document(app_test, live_api):
    at = app_test("chat", user="alice")
    at.chat_input[0].set_value("transfer 20 A from DC1 to S1").run()
    [pending] = live_api.copilot.pending(at.session_state["thread_id"])
    # alice (planner) may not decide: the card says who can, and offers no decision.
    assert not [b for b in at.button if b.key == f"approve-{pending.proposal_id}"]
    assert any("alice (planner) may not decide" in i.value for i in at.info)
    # bob approves in the same thread (value 80, within his authority of 100).
    at.selectbox(key="user_picker").set_value("bob").run()
    at.button(key=f"approve-{pending.proposal_id}").click().run()
    assert not at.exception
    proposal = live_api.workspace.governance.proposals.get(pending.proposal_id)
    assert proposal.status == "committed" and proposal.document_id
    assert f"ERP document **{proposal.document_id}**" in texts(at)
    assert any(proposal.document_id in s.value for s in at.success)
    assert not [b for b in at.button if b.key == f"approve-{pending.proposal_id}"]


def test_over_authority_is_refused_and_stays_pending(app_test, live_api):
    at = app_test("chat", user="bob")
    at.chat_input[0].set_value("fix promo_uncovered:A@S1").run()
    [pending] = live_api.copilot.pending(at.session_state["thread_id"])
    assert pending.value > 100
    at.button(key=f"approve-{pending.proposal_id}").click().run()
    assert any("refused" in w.value for w in at.warning)
    assert live_api.workspace.governance.proposals.get(pending.proposal_id).status == "pending"
    # The card is still there (a new interrupt id); reject it with a reason.
    at.text_input(key=f"msg-{pending.proposal_id}").input("too big for now").run()
    at.button(key=f"reject-{pending.proposal_id}").click().run()
    assert live_api.workspace.governance.proposals.get(pending.proposal_id).status == "rejected"
    assert "too big for now" in texts(at)


def test_edit_quantity_commits_the_new_quantity(app_test, live_api):
    drafted = live_api.draft_transfer(qty=20)
    at = app_test("chat", user="bob")
    at.session_state["thread_id"] = drafted["thread_id"]
    at.run()
    pid = drafted["proposal_id"]
    at.number_input(key=f"qty-{pid}").set_value(12).run()
    at.button(key=f"edit-{pid}").click().run()
    proposal = live_api.workspace.governance.proposals.get(pid)
    assert proposal.status == "committed" and proposal.args["qty"] == 12
    assert proposal.document_id in texts(at)


def test_viewer_cannot_chat(app_test):
    at = app_test("chat", user="victor")
    at.chat_input[0].set_value("what needs attention today?").run()
    assert not at.exception
    assert any("Not allowed" in w.value and "victor" in w.value for w in at.warning)


def test_api_down_is_a_clear_error(app_test):
    from tests.support.serve import free_port

    at = app_test("chat", url=f"http://127.0.0.1:{free_port()}")
    assert not at.exception
    assert any("API unavailable" in e.value for e in at.error)


@pytest.mark.parametrize(
    ("name", "args", "summary", "line"),
    [
        (
            "get_inventory",
            {"sku": "SKU-123"},
            "get_inventory → 20 positions",
            "looked up stock of SKU-123 at 20 locations",
        ),
        (
            "get_inventory",
            {"sku": "A", "location": "S1"},
            "1 positions",
            "looked up stock of A at S1",
        ),
        ("list_exceptions", {"top": 10}, "2 items", "listed today's exceptions (2 found)"),
        (
            "search_policies",
            {"query": "who approves"},
            "3 passages",
            "searched the playbook for “who approves” (3 passages)",
        ),
        (
            "draft_transfer",
            {"sku": "A", "qty": 20, "from_location": "DC1", "to_location": "S1"},
            "draft_transfer → pending_approval PR-1",
            "drafted a transfer of 20 A DC1 → S1 → PR-1 (pending approval)",
        ),
        (
            "explain_exception",
            {"exception_id": "x:A@S1"},
            "error: unknown exception",
            "explained x:A@S1 → error: unknown exception",
        ),
        ("get_forecast", {"sku": "A", "location": "S1"}, "", "read the forecast of A at S1"),
    ],
)
def test_tool_activity_reads_like_a_planner_would_say_it(name, args, summary, line):
    assert tool_line(name, args, summary) == line
