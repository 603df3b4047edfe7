"""The Teams bot: messages talk to the copilot; Adaptive Card actions decide approvals.

A Teams conversation is a copilot thread: its id is derived from the conversation id (a hash,
so the mapping needs no table and survives restarts). Card submissions resume the graph as the
submitting user's StockPilot identity (AAD object id → config/identities.yaml); the card is
then updated in place with the outcome. A card whose approval is no longer pending is updated
with the current state and nothing is decided. Copilot calls run in worker threads.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

import anyio
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, TextFormatTypes

from api.auth import Principal
from graph.service import Copilot, PendingAction
from stockpilot.asking import refused_question
from stockpilot.identities import IdentityMap
from stockpilot.vocabulary import MAX_EDIT_QTY, Decision
from ui.approvals import CardRef, CardState, OutcomeHook, decide_card_async
from ui.teams import cards

log = logging.getLogger("stockpilot.teams")

HELP = (
    "Ask me about today's exceptions, stock positions, forecasts or suppliers, e.g. "
    '"exceptions top 5". Proposed transfers and purchase orders come back as cards to approve.'
)
MAX_QTY = MAX_EDIT_QTY


def thread_id_for(conversation_id: str) -> str:
    """Return the copilot thread id of a Teams conversation (deterministic: no mapping table)."""
    return "teams-" + hashlib.sha256(conversation_id.encode()).hexdigest()[:32]


class TeamsBot(ActivityHandler):
    """Answer messages with the copilot and decide approvals from card submissions."""

    def __init__(
        self,
        *,
        copilot: Callable[[], Copilot],
        identities: IdentityMap,
        on_outcomes: OutcomeHook | None = None,
        authenticated: bool = False,
    ):
        self._copilot = copilot
        self.identities = identities
        self._on_outcomes = on_outcomes
        # Only activities whose Bot Framework JWT was checked (an app id is configured) may
        # decide: without it, who sent a card is whatever the body claims.
        self.authenticated = authenticated

    def principal(self, account: ChannelAccount | None) -> Principal | None:
        """Return the StockPilot user and role behind a Teams account (None when unknown)."""
        user = self.identities.teams_user(getattr(account, "aad_object_id", None))
        if user is None:
            return None
        role = self._copilot().workspace.policy.role_of(user)
        return Principal(user=user, role=role) if role else None

    def asker(self, account: ChannelAccount | None) -> str:
        """Return who a question is asked as: the mapped user, or `teams:<id>` (read only)."""
        found = self.principal(account)
        if found is not None:
            return found.user
        ident = getattr(account, "aad_object_id", None) or getattr(account, "id", None)
        return f"teams:{ident or 'unknown'}"

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Route a card submission to a decision, anything else to the copilot."""
        activity = turn_context.activity
        value = activity.value
        if isinstance(value, dict) and value.get("kind") == cards.SUBMIT_KIND:
            await self._on_submit(turn_context, value)
            return
        text = (TurnContext.remove_recipient_mention(activity) or activity.text or "").strip()
        if not text:
            await turn_context.send_activity(HELP)
            return
        if (refused := refused_question(text)) is not None:
            await turn_context.send_activity(refused)
            return
        user = self.asker(activity.from_property)
        thread = thread_id_for(activity.conversation.id)
        copilot = self._copilot()
        result = await anyio.to_thread.run_sync(
            lambda: copilot.ask(text, user=user, thread_id=thread)
        )
        answer = MessageFactory.text(cards.unlink(result.answer or "(no answer)"))
        answer.text_format = TextFormatTypes.markdown
        await turn_context.send_activity(answer)
        await self._send_cards(turn_context, thread, result.pending)

    async def _send_cards(
        self, turn_context: TurnContext, thread: str, pending: list[PendingAction]
    ) -> None:
        for action in pending:
            state = CardState.waiting(thread, action)
            await turn_context.send_activity(
                MessageFactory.attachment(cards.attachment(cards.card_for(state)))
            )

    async def _on_submit(self, turn_context: TurnContext, value: dict[str, Any]) -> None:
        ref = CardRef.from_dict(value)
        decision = value.get("decision")
        if ref is None or decision not in set(Decision):
            await turn_context.send_activity("That card action is not valid; nothing was changed.")
            return
        if ref.thread_id != thread_id_for(turn_context.activity.conversation.id):
            await turn_context.send_activity(
                "That card belongs to another conversation; nothing was changed."
            )
            return
        if not self.authenticated:
            await turn_context.send_activity(
                "This Teams endpoint runs without Bot Framework authentication (no "
                "STOCKPILOT_TEAMS_APP_ID: development and the Emulator only), so it cannot decide "
                "approvals; nothing was changed."
            )
            return
        who = self.principal(turn_context.activity.from_property)
        if who is None or not who.can("decide"):
            aad = getattr(turn_context.activity.from_property, "aad_object_id", None)
            text = (
                f"You are not mapped to a StockPilot user (AAD object id {aad or 'unknown'}), so "
                "you can read and ask but not decide; nothing was changed. An admin can add you "
                "to config/identities.yaml."
                if who is None
                else f"{who.user} ({who.role}) may not decide approvals; nothing was changed."
            )
            await turn_context.send_activity(text)
            return
        reason = str(value.get(cards.REASON_INPUT) or "").strip() or None
        qty: int | None = None
        if decision == "edit":
            qty = _quantity(value.get(cards.QTY_INPUT))
            if qty is None:
                await turn_context.send_activity(
                    f"Enter a whole quantity from 1 to {MAX_QTY:,} to edit; nothing was changed."
                )
                return
        if decision == "respond" and not reason:
            await turn_context.send_activity(
                "Write your answer in the card's text box to respond; nothing was changed."
            )
            return
        state = await decide_card_async(
            self._copilot(),
            ref,
            user=who.user,
            decision=decision,
            qty=qty,
            message=reason,
            on_outcomes=self._on_outcomes,
        )
        await self._show(turn_context, state)
        if state.answer:
            answer = MessageFactory.text(cards.unlink(state.answer))
            answer.text_format = TextFormatTypes.markdown
            await turn_context.send_activity(answer)
        await self._send_cards(turn_context, ref.thread_id, state.new_pending)

    async def _show(self, turn_context: TurnContext, state: CardState) -> None:
        """Update the submitted card in place (or post the new state when it cannot be)."""
        card = cards.attachment(cards.card_for(state))
        card_id = turn_context.activity.reply_to_id
        if not card_id:
            await turn_context.send_activity(MessageFactory.attachment(card))
            return
        update = Activity(id=card_id, type=ActivityTypes.message, attachments=[card])
        await turn_context.update_activity(update)


def _quantity(raw: Any) -> int | None:
    """Read an Input.Number value (a number or its text) as a whole quantity in range."""
    try:
        number = float(str(raw).strip())
    except ValueError:
        return None
    if not number.is_integer() or not 1 <= number <= MAX_QTY:
        return None
    return int(number)
