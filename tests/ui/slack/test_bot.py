"""The Slack bot end to end: signed requests in, fake Slack Web API out, the real graph between."""

from __future__ import annotations

import json
import threading
import time

from tests.api.copilot_app import auth, draft_transfer
from tests.graph.conftest import erp_documents
from tests.support.fake_slack import event_body, signed_headers
from tests.ui.slack.conftest import SECRET, SlackHarness, block_text, button_values
from ui.approvals import CardRef
from ui.slack import blocks as bk
from ui.slack.bot import thread_id_for


def _pending_card(env: SlackHarness, qty: int = 20) -> tuple[CardRef, dict[str, str]]:
    """Have alice ask for a transfer in a channel thread; return the card's reference."""
    env.env.script.turns.append(draft_transfer(qty))
    assert env.mention("move some A to S1").status_code == 200
    cards = env.cards()
    assert len(cards) == 1
    buttons = button_values(cards[0]["blocks"])
    ref = CardRef.decode(buttons[bk.APPROVE])
    assert ref is not None
    env.fake.clear()
    return ref, buttons


def _proposal(env: SlackHarness, pid: str):
    proposal = env.env.workspace.governance.proposals.get(pid)
    assert proposal is not None
    return proposal


def test_a_mention_is_answered_in_its_thread_with_an_approval_card(slack_env: SlackHarness) -> None:
    slack_env.env.script.turns.append(draft_transfer(20))
    response = slack_env.mention("move 20 A to S1", ts="1700000000.000100")
    assert response.status_code == 200
    posts = slack_env.fake.calls("chat.postMessage")
    assert [p["thread_ts"] for p in posts] == ["1700000000.000100"] * 2
    assert all(p["channel"] == "C001" for p in posts)
    card = slack_env.cards()[0]
    assert set(button_values(card["blocks"])) == {bk.APPROVE, bk.REJECT, bk.EDIT, bk.RESPOND}
    assert "Transfer 20 × A from DC1 to S1" in block_text(card["blocks"])
    # The Slack thread is the copilot thread: same id, the question and the pending proposal.
    copilot = slack_env.client.app.state.copilot  # type: ignore[attr-defined]
    thread = copilot.thread(thread_id_for("C001", "1700000000.000100"))
    assert thread is not None and thread.messages[0]["content"] == "move 20 A to S1"
    assert [a.proposal_id for a in thread.pending] == [
        json.loads(button_values(card["blocks"])[bk.APPROVE])["p"]
    ]
    assert slack_env.fake.requests[0]["auth"] == "Bearer xoxb-test-token"


def test_a_reply_in_the_thread_continues_the_same_copilot_thread(slack_env: SlackHarness) -> None:
    slack_env.mention("first question", ts="1700000000.000100")
    slack_env.event(
        {
            "type": "app_mention",
            "user": "UALICE",
            "text": "<@UBOT> second question",
            "channel": "C001",
            "ts": "1700000000.000200",
            "thread_ts": "1700000000.000100",
        },
        event_id="Ev-second",
    )
    copilot = slack_env.client.app.state.copilot  # type: ignore[attr-defined]
    thread = copilot.thread(thread_id_for("C001", "1700000000.000100"))
    users = [m["content"] for m in thread.messages if m["role"] == "user"]
    assert users == ["first question", "second question"]
    assert not copilot.has_thread(thread_id_for("C001", "1700000000.000200"))


def test_direct_messages_are_answered_and_bot_messages_ignored(slack_env: SlackHarness) -> None:
    dm = {
        "type": "message",
        "channel_type": "im",
        "channel": "D001",
        "user": "UBOB",
        "text": "hello",
        "ts": "1700000000.000300",
    }
    slack_env.event(dm, event_id="Ev-dm")
    assert [p["channel"] for p in slack_env.fake.calls("chat.postMessage")] == ["D001"]
    slack_env.fake.clear()
    slack_env.event({**dm, "bot_id": "B001", "ts": "1700000000.000301"}, event_id="Ev-bot")
    slack_env.event(
        {**dm, "channel_type": "channel", "ts": "1700000000.000302"}, event_id="Ev-chan"
    )
    assert slack_env.fake.calls("chat.postMessage") == []


def test_a_redelivered_event_is_handled_once(slack_env: SlackHarness) -> None:
    for _ in range(2):
        slack_env.mention("hello", ts="1700000000.000400")
    assert len(slack_env.fake.calls("chat.postMessage")) == 1


def test_a_redelivery_to_another_instance_is_handled_once_too(slack_env: SlackHarness) -> None:
    """Slack may retry on any worker (or after a restart): the store remembers the event id."""
    body = event_body(
        {
            "type": "app_mention",
            "user": "UALICE",
            "text": "<@UBOT> hello",
            "channel": "C001",
            "ts": "1700000000.000500",
        },
        "Ev-retry-1",
    )
    slack_env.post(body)
    other = SlackHarness(slack_env.env, slack_env.env.client(), slack_env.fake)
    assert other.bot is not slack_env.bot
    response = other.post(body)
    assert response.status_code == 200
    assert len(slack_env.fake.calls("chat.postMessage")) == 1


def test_an_approval_click_commits_exactly_once_and_a_second_click_commits_nothing(
    slack_env: SlackHarness,
) -> None:
    ref, buttons = _pending_card(slack_env)
    assert erp_documents(slack_env.env.workspace)["ledger"] == 0
    assert slack_env.click("UBOB", bk.APPROVE, buttons[bk.APPROVE]).status_code == 200
    proposal = _proposal(slack_env, ref.proposal_id)
    assert proposal.status == "committed" and proposal.decided_by == "bob"
    assert erp_documents(slack_env.env.workspace) == {
        "ledger": 1,
        "purchase_orders": 0,
        "transfers": 1,
    }
    (update,) = slack_env.fake.calls("chat.update")
    assert update["channel"] == "C001" and update["ts"] == "1700000000.000002"
    assert f"Approved by bob · committed as {proposal.document_id}" in block_text(update["blocks"])
    assert "out of date" not in block_text(update["blocks"])
    assert button_values(update["blocks"]) == {}  # decided: no more buttons
    slack_env.fake.clear()

    slack_env.click("UBOB", bk.APPROVE, buttons[bk.APPROVE])  # the same card, clicked again
    assert erp_documents(slack_env.env.workspace)["ledger"] == 1
    (again,) = slack_env.fake.calls("chat.update")
    assert "out of date" in block_text(again["blocks"])
    assert f"Approved by bob · committed as {proposal.document_id}" in block_text(again["blocks"])
    assert _proposal(slack_env, ref.proposal_id).version == proposal.version


def test_a_click_on_a_card_decided_in_the_api_updates_the_card_and_commits_nothing(
    slack_env: SlackHarness,
) -> None:
    ref, buttons = _pending_card(slack_env)
    decided = slack_env.client.post(
        f"/v1/approvals/{ref.thread_id}/{ref.interrupt_id}",
        json={"decision": "reject", "message": "not this week"},
        headers=auth("carol"),
    )
    assert decided.status_code == 200, decided.text
    slack_env.click("UBOB", bk.APPROVE, buttons[bk.APPROVE])
    proposal = _proposal(slack_env, ref.proposal_id)
    assert proposal.status == "rejected" and proposal.decided_by == "carol"
    assert erp_documents(slack_env.env.workspace)["ledger"] == 0
    (update,) = slack_env.fake.calls("chat.update")
    text = block_text(update["blocks"])
    assert "Rejected by carol" in text and "not this week" in text and "out of date" in text
    assert button_values(update["blocks"]) == {}


def test_an_approval_made_in_slack_is_decided_in_the_api(slack_env: SlackHarness) -> None:
    ref, buttons = _pending_card(slack_env)
    inbox = slack_env.client.get("/v1/approvals", headers=auth("bob")).json()
    assert [i["proposal_id"] for i in inbox["items"]] == [ref.proposal_id]
    slack_env.click("UBOB", bk.APPROVE, buttons[bk.APPROVE])
    assert slack_env.client.get("/v1/approvals", headers=auth("bob")).json()["count"] == 0
    proposal = slack_env.client.get(
        f"/v1/proposals/{ref.proposal_id}", headers=auth("victor")
    ).json()
    assert proposal["status"] == "committed" and proposal["decided_by"] == "bob"
    assert proposal["document_id"]
    late = slack_env.client.post(
        f"/v1/approvals/{ref.thread_id}/{ref.interrupt_id}",
        json={"decision": "approve"},
        headers=auth("carol"),
    )
    assert late.status_code == 409


def test_unknown_and_non_approver_users_cannot_decide(slack_env: SlackHarness) -> None:
    ref, buttons = _pending_card(slack_env)
    slack_env.click("UNOBODY", bk.APPROVE, buttons[bk.APPROVE])
    slack_env.click("UALICE", bk.APPROVE, buttons[bk.APPROVE])
    slack_env.click("UVICTOR", bk.EDIT, buttons[bk.EDIT])
    ephemeral = slack_env.fake.calls("chat.postEphemeral")
    assert [e["user"] for e in ephemeral] == ["UNOBODY", "UALICE", "UVICTOR"]
    assert "not mapped to a StockPilot user" in ephemeral[0]["text"]
    assert "alice (planner) may not decide" in ephemeral[1]["text"]
    assert slack_env.fake.calls("chat.update") == [] and slack_env.fake.calls("views.open") == []
    assert _proposal(slack_env, ref.proposal_id).status == "pending"
    assert [e.event for e in slack_env.env.workspace.governance.audit.entries(limit=50)].count(
        "decision"
    ) == 0


def test_unknown_users_can_still_ask(slack_env: SlackHarness) -> None:
    slack_env.mention("what needs attention today?", user="UNOBODY", ts="1700000000.000500")
    copilot = slack_env.client.app.state.copilot  # type: ignore[attr-defined]
    assert copilot.thread(thread_id_for("C001", "1700000000.000500")) is not None
    assert len(slack_env.fake.calls("chat.postMessage")) == 1


def test_reject_updates_the_card_and_writes_nothing(slack_env: SlackHarness) -> None:
    ref, buttons = _pending_card(slack_env)
    slack_env.click("UBOB", bk.REJECT, buttons[bk.REJECT])
    assert _proposal(slack_env, ref.proposal_id).status == "rejected"
    assert erp_documents(slack_env.env.workspace)["ledger"] == 0
    (update,) = slack_env.fake.calls("chat.update")
    assert "Rejected by bob" in block_text(update["blocks"])


def test_edit_opens_a_modal_and_its_submission_commits_the_edited_quantity(
    slack_env: SlackHarness,
) -> None:
    ref, buttons = _pending_card(slack_env, qty=20)
    slack_env.click("UCAROL", bk.EDIT, buttons[bk.EDIT])
    (opened,) = slack_env.fake.calls("views.open")
    view = opened["view"]
    assert opened["trigger_id"] == "trigger-1" and view["callback_id"] == bk.EDIT_VIEW
    assert view["blocks"][0]["element"]["initial_value"] == "20"

    bad = slack_env.submit("UCAROL", view, {bk.QTY_BLOCK: {bk.QTY_INPUT: {"value": "0"}}})
    assert bad.json()["response_action"] == "errors" and bk.QTY_BLOCK in bad.json()["errors"]
    assert _proposal(slack_env, ref.proposal_id).status == "pending"

    ok = slack_env.submit(
        "UCAROL",
        view,
        {
            bk.QTY_BLOCK: {bk.QTY_INPUT: {"value": "12"}},
            bk.NOTE_BLOCK: {bk.NOTE_INPUT: {"value": "two cases"}},
        },
    )
    assert ok.status_code == 200
    proposal = _proposal(slack_env, ref.proposal_id)
    assert (
        proposal.status == "committed"
        and proposal.args["qty"] == 12
        and proposal.decision == "edit"
    )
    (update,) = slack_env.fake.calls("chat.update")
    assert update["ts"] == "1700000000.000002"
    assert "quantity edited to 12" in block_text(update["blocks"])
    assert erp_documents(slack_env.env.workspace)["transfers"] == 1


def test_respond_sends_the_answer_to_the_copilot(slack_env: SlackHarness) -> None:
    ref, buttons = _pending_card(slack_env)
    slack_env.click("UBOB", bk.RESPOND, buttons[bk.RESPOND])
    view = slack_env.fake.calls("views.open")[0]["view"]
    empty = slack_env.submit("UBOB", view, {bk.NOTE_BLOCK: {bk.NOTE_INPUT: {"value": " "}}})
    assert empty.json()["response_action"] == "errors"
    slack_env.submit(
        "UBOB", view, {bk.NOTE_BLOCK: {bk.NOTE_INPUT: {"value": "use S2 stock first"}}}
    )
    proposal = _proposal(slack_env, ref.proposal_id)
    assert proposal.decision == "respond" and proposal.decision_note == "use S2 stock first"
    assert "bob responded instead of approving" in block_text(
        slack_env.fake.calls("chat.update")[0]["blocks"]
    )
    assert erp_documents(slack_env.env.workspace)["ledger"] == 0


def test_the_slash_command_answers_in_the_channel_and_threads_the_conversation(
    slack_env: SlackHarness,
) -> None:
    slack_env.env.script.turns.append(draft_transfer(20))
    response = slack_env.command("move 20 A to S1")
    assert response.status_code == 200
    placeholder, card = slack_env.fake.calls("chat.postMessage")
    assert "asked: _move 20 A to S1_" in placeholder["text"] and "thread_ts" not in placeholder
    (update,) = slack_env.fake.calls("chat.update")
    root = update["ts"]
    assert card["thread_ts"] == root and button_values(card["blocks"])
    copilot = slack_env.client.app.state.copilot  # type: ignore[attr-defined]
    assert copilot.pending(thread_id_for("C001", root))


def test_the_slash_command_answers_privately_where_the_bot_cannot_post(
    slack_env: SlackHarness,
) -> None:
    slack_env.fake.fail["chat.postMessage"] = "not_in_channel"
    slack_env.command("exceptions top 5")
    (sent,) = slack_env.fake.calls("/response/1")
    assert sent["response_type"] == "ephemeral" and "not_in_channel" in block_text(sent["blocks"])


def test_an_empty_slash_command_gets_help_in_the_ack(slack_env: SlackHarness) -> None:
    response = slack_env.command("")
    assert response.status_code == 200 and "exceptions top 5" in response.text
    assert slack_env.fake.requests == []


def test_slack_gets_its_ack_before_the_copilot_finishes(slack_env: SlackHarness) -> None:
    from langchain_core.messages import AIMessage

    from agents.scripted import ScriptedChatModel
    from graph.service import Copilot

    gate = threading.Event()

    def slow(messages):
        gate.wait(10)
        return AIMessage("done")

    copilot = slack_env.client.app.state.copilot  # type: ignore[attr-defined]
    slow_copilot = Copilot(
        copilot.workspace, checkpointer=copilot.checkpointer, model=ScriptedChatModel(respond=slow)
    )
    slack_env.client.app.state.copilot = slow_copilot  # type: ignore[attr-defined]
    body = event_body(
        {
            "type": "app_mention",
            "user": "UALICE",
            "text": "<@UBOT> hi",
            "channel": "C001",
            "ts": "1700000000.000900",
        }
    )
    started = time.perf_counter()
    response = slack_env.client.post(
        "/slack/events", content=body, headers=signed_headers(SECRET, body)
    )
    acked = time.perf_counter() - started
    assert response.status_code == 200 and acked < 3
    assert slack_env.fake.calls("chat.postMessage") == []  # the answer is still being worked on
    gate.set()
    slack_env.drain()
    assert [p["text"] for p in slack_env.fake.calls("chat.postMessage")] == ["done"]


def test_a_message_too_long_to_ask_is_refused_in_the_thread_and_asks_nothing(
    slack_env: SlackHarness,
) -> None:
    assert slack_env.mention("x" * 4001, ts="1700000000.000200").status_code == 200
    (post,) = slack_env.fake.calls("chat.postMessage")
    assert "at most 4,000" in post["text"] and "Nothing was asked" in post["text"]
    copilot = slack_env.client.app.state.copilot  # type: ignore[attr-defined]
    assert copilot.thread(thread_id_for("C001", "1700000000.000200")) is None
    response = slack_env.command("x" * 4001)
    assert response.status_code == 200 and "Nothing was asked" in response.text
