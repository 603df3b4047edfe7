"""The Teams bot through botbuilder's TestAdapter: conversations, cards and decisions."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount

from tests.api.copilot_app import ApiEnv, draft_transfer
from tests.graph.conftest import erp_documents
from tests.ui.teams.conftest import ALICE, BOB, CAROL
from ui.approvals import CardRef
from ui.teams import cards
from ui.teams.bot import thread_id_for

pytestmark = pytest.mark.anyio


def _card(activity: Activity) -> dict[str, Any]:
    (attachment,) = activity.attachments
    assert attachment.content_type == cards.CARD_CONTENT_TYPE
    return attachment.content


def _submits(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["data"]["decision"]: a["data"] for a in card.get("actions", [])}


def _text(card: dict[str, Any]) -> str:
    return " ".join(
        run["text"] for b in card["body"] if b["type"] == "RichTextBlock" for run in b["inlines"]
    )


async def _ask_for_transfer(env: ApiEnv, adapter: TestAdapter, qty: int = 20) -> tuple[str, dict]:
    """Have alice ask for a transfer; return the card's activity id and its decisions."""
    env.script.turns.append(draft_transfer(qty))
    await adapter.send(
        Activity(
            type="message",
            text="move A to S1",
            from_property=ChannelAccount(id="29:alice", aad_object_id=ALICE),
        )
    )
    answer, card = adapter.get_next_activity(), adapter.get_next_activity()
    assert answer.type == "message" and adapter.get_next_activity() is None
    return str(adapter._next_id), _submits(_card(card))


async def _submit(
    adapter: TestAdapter, aad: str | None, data: dict[str, Any], card_id: str = "7", **inputs: Any
) -> None:
    await adapter.send(
        Activity(
            type="message",
            value={**data, **inputs},
            reply_to_id=card_id,
            from_property=ChannelAccount(id="29:x", aad_object_id=aad),
        )
    )


async def test_a_message_is_answered_and_a_proposal_comes_back_as_a_card(
    teams, api_env: ApiEnv
) -> None:
    bot, adapter = teams
    api_env.script.turns.append(draft_transfer(20))
    await adapter.send(
        Activity(
            type="message",
            text="move 20 A to S1",
            from_property=ChannelAccount(id="29:alice", aad_object_id=ALICE),
        )
    )
    answer, card_activity = adapter.get_next_activity(), adapter.get_next_activity()
    assert answer.text and answer.text_format == "markdown"
    card = _card(card_activity)
    assert card["type"] == "AdaptiveCard" and "Transfer 20 × A from DC1 to S1" in _text(card)
    assert [a["type"] for a in card["actions"]] == ["Action.Submit"] * 4
    assert set(_submits(card)) == {"approve", "edit", "reject", "respond"}
    assert {i["id"] for i in card["body"] if i["type"].startswith("Input.")} == {
        cards.QTY_INPUT,
        cards.REASON_INPUT,
    }
    # The conversation is the copilot thread, asked as alice.
    thread = bot._copilot().thread(thread_id_for("Convo1"))
    assert thread.messages[0]["content"] == "move 20 A to S1"
    assert CardRef.from_dict(_submits(card)["approve"]).thread_id == thread_id_for("Convo1")
    proposal = api_env.workspace.governance.proposals.get(thread.pending[0].proposal_id)
    assert proposal.created_by == "alice"


async def test_messages_in_one_conversation_continue_one_thread(teams) -> None:
    bot, adapter = teams
    await adapter.send("first")
    await adapter.send("second")
    thread = bot._copilot().thread(thread_id_for("Convo1"))
    assert [m["content"] for m in thread.messages if m["role"] == "user"] == ["first", "second"]
    assert thread_id_for("Convo1") == thread_id_for("Convo1") != thread_id_for("Convo2")
    assert len(thread_id_for("19:x" * 100)) <= 64


async def test_approving_updates_the_card_and_commits_once_a_second_click_commits_nothing(
    teams, api_env: ApiEnv
) -> None:
    _, adapter = teams
    card_id, decisions = await _ask_for_transfer(api_env, adapter)
    await _submit(adapter, BOB, decisions["approve"], card_id)
    (update,) = adapter.updated_activities
    assert update.id == card_id
    ref = CardRef.from_dict(decisions["approve"])
    proposal = api_env.workspace.governance.proposals.get(ref.proposal_id)
    assert proposal.status == "committed" and proposal.decided_by == "bob"
    assert f"Approved by bob · committed as {proposal.document_id}" in _text(_card(update))
    assert "actions" not in _card(update)
    assert erp_documents(api_env.workspace)["ledger"] == 1

    await _submit(adapter, BOB, decisions["approve"], card_id)
    assert erp_documents(api_env.workspace)["ledger"] == 1
    again = _card(adapter.updated_activities[-1])
    assert "out of date" in _text(again) and "committed as" in _text(again)


async def test_a_card_decided_elsewhere_is_updated_and_nothing_is_decided(
    teams, api_env: ApiEnv
) -> None:
    bot, adapter = teams
    card_id, decisions = await _ask_for_transfer(api_env, adapter)
    ref = CardRef.from_dict(decisions["approve"])
    bot._copilot().decide(
        ref.thread_id, user="carol", decision="reject", interrupt_id=ref.interrupt_id, message="no"
    )
    await _submit(adapter, BOB, decisions["approve"], card_id)
    card = _card(adapter.updated_activities[-1])
    assert "Rejected by carol" in _text(card) and "out of date" in _text(card)
    assert api_env.workspace.governance.proposals.get(ref.proposal_id).decided_by == "carol"
    assert erp_documents(api_env.workspace)["ledger"] == 0


async def test_unknown_users_and_planners_cannot_decide(teams, api_env: ApiEnv) -> None:
    _, adapter = teams
    card_id, decisions = await _ask_for_transfer(api_env, adapter)
    await _submit(adapter, None, decisions["approve"], card_id)
    assert "not mapped to a StockPilot user" in adapter.get_next_activity().text
    await _submit(adapter, ALICE, decisions["approve"], card_id)
    assert "alice (planner) may not decide" in adapter.get_next_activity().text
    assert adapter.updated_activities == []
    assert (
        api_env.workspace.governance.proposals.get(
            CardRef.from_dict(decisions["approve"]).proposal_id
        ).status
        == "pending"
    )


async def test_unknown_users_can_ask(teams) -> None:
    bot, adapter = teams
    await adapter.send(
        Activity(
            type="message",
            text="what needs attention today?",
            from_property=ChannelAccount(id="29:guest"),
        )
    )
    assert adapter.get_next_activity().text
    assert bot._copilot().has_thread(thread_id_for("Convo1"))


async def test_edit_uses_the_card_quantity_and_refuses_a_bad_one(teams, api_env: ApiEnv) -> None:
    _, adapter = teams
    card_id, decisions = await _ask_for_transfer(api_env, adapter)
    pid = CardRef.from_dict(decisions["edit"]).proposal_id
    for bad in ("", "2.5", "0", "abc"):
        await _submit(adapter, CAROL, decisions["edit"], card_id, qty=bad)
        assert "whole quantity" in adapter.get_next_activity().text
    assert api_env.workspace.governance.proposals.get(pid).status == "pending"
    await _submit(adapter, CAROL, decisions["edit"], card_id, qty="12", reason="two cases")
    proposal = api_env.workspace.governance.proposals.get(pid)
    assert (
        proposal.status == "committed"
        and proposal.args["qty"] == 12
        and proposal.decision_note == "two cases"
    )
    assert "quantity edited to 12" in _text(_card(adapter.updated_activities[-1]))


async def test_reject_and_respond(teams, api_env: ApiEnv) -> None:
    _, adapter = teams
    card_id, decisions = await _ask_for_transfer(api_env, adapter)
    await _submit(adapter, BOB, decisions["respond"], card_id)
    assert "Write your answer" in adapter.get_next_activity().text
    await _submit(adapter, BOB, decisions["respond"], card_id, reason="check S2 first")
    proposal = api_env.workspace.governance.proposals.get(
        CardRef.from_dict(decisions["respond"]).proposal_id
    )
    assert proposal.decision == "respond" and proposal.decision_note == "check S2 first"
    assert "bob responded instead of approving" in _text(_card(adapter.updated_activities[-1]))
    assert erp_documents(api_env.workspace)["ledger"] == 0


async def test_a_card_from_another_conversation_or_a_forged_one_decides_nothing(
    teams, api_env: ApiEnv
) -> None:
    _, adapter = teams
    card_id, decisions = await _ask_for_transfer(api_env, adapter)
    other = {**decisions["approve"], "t": thread_id_for("another")}
    await _submit(adapter, BOB, other, card_id)
    assert "another conversation" in adapter.get_next_activity().text
    await _submit(adapter, BOB, {**decisions["approve"], "decision": "delete"}, card_id)
    assert "not valid" in adapter.get_next_activity().text
    assert adapter.updated_activities == [] and erp_documents(api_env.workspace)["ledger"] == 0


async def test_a_refused_edit_keeps_the_card_pending_with_the_reason(
    teams, api_env: ApiEnv
) -> None:
    _, adapter = teams
    card_id, decisions = await _ask_for_transfer(api_env, adapter)
    # An edit the checks refuse (DC1 holds 200 A) is a refusal: nothing decided, still pending.
    await _submit(adapter, BOB, decisions["edit"], card_id, qty="7000")
    card = _card(adapter.updated_activities[-1])
    assert "Refused" in _text(card)
    fresh = _submits(card)["approve"]
    pid = CardRef.from_dict(fresh).proposal_id
    assert api_env.workspace.governance.proposals.get(pid).status == "pending"
    assert erp_documents(api_env.workspace)["ledger"] == 0
