"""The Slack bot: mentions, direct messages and `/stockpilot` talk to the copilot; cards decide.

slack-bolt in HTTP mode (`AsyncApp`), mounted on the API at `POST /slack/events` for events,
interactivity and the slash command. Every request's signature and timestamp are verified by
bolt with the signing secret (401 otherwise). Listeners only acknowledge and schedule: the
copilot work (tens of ms to seconds) runs after the ack in a background task, in a worker
thread, so Slack always gets its answer within 3 seconds; `drain()` waits for that work.

A Slack thread is a copilot thread: its id is derived from the channel and the thread's root
timestamp, so the mapping needs no table and survives restarts. Clicks on approval cards
resume the graph as the clicking user's StockPilot identity (config/identities.yaml); a card
whose approval is no longer pending is updated with the current state and nothing is decided.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from api.auth import Principal
from graph.service import Copilot, PendingAction
from stockpilot.asking import refused_question
from stockpilot.identities import IdentityMap
from stockpilot.settings import Settings
from stockpilot.vocabulary import MAX_EDIT_QTY
from ui.approvals import CardRef, CardState, OutcomeHook, decide_card_async
from ui.slack import blocks as bk

log = logging.getLogger("stockpilot.slack")

MENTION = re.compile(r"<@[UW][A-Z0-9]+(\|[^>]*)?>")
HELP = (
    "Ask me about today's exceptions, stock positions, forecasts or suppliers, e.g. "
    "`/stockpilot exceptions top 5`, or mention me in a thread. Proposed transfers and "
    "purchase orders come back as cards to approve."
)


def thread_id_for(channel: str, thread_ts: str) -> str:
    """Return the copilot thread id of a Slack thread (deterministic: no mapping table)."""
    return f"slack-{channel}-{thread_ts}"


class SlackBot:
    """The bolt app, its listeners and the background work they schedule."""

    def __init__(
        self,
        settings: Settings,
        *,
        copilot: Callable[[], Copilot],
        identities: IdentityMap,
        on_outcomes: OutcomeHook | None = None,
    ):
        if settings.slack_signing_secret is None or settings.slack_bot_token is None:
            raise ValueError(
                "the Slack bot needs STOCKPILOT_SLACK_SIGNING_SECRET and STOCKPILOT_SLACK_BOT_TOKEN"
            )
        self._token = settings.slack_bot_token.get_secret_value()
        self._copilot = copilot
        self.identities = identities
        self._on_outcomes = on_outcomes
        self._tasks: set[asyncio.Task[None]] = set()
        self._seen_events: OrderedDict[str, None] = OrderedDict()
        self.app = AsyncApp(
            name="stockpilot",
            signing_secret=settings.slack_signing_secret.get_secret_value(),
            client=AsyncWebClient(base_url=settings.slack_api_url),
            authorize=self._authorizer(),  # a static bot token: no auth.test call
            # Listeners only ack and schedule, so answering after them is still immediate.
            process_before_response=True,
        )
        self._register()

    # ----- plumbing -----------------------------------------------------------------------

    def _authorizer(self) -> Callable[..., Coroutine[Any, Any, AuthorizeResult]]:
        token = self._token

        # bolt passes arguments by parameter name, so this is a plain function, not a method.
        async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)

        return authorize

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` after the ack, in the background (errors are logged)."""
        task = asyncio.get_running_loop().create_task(self._guard(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every scheduled piece of work has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    @staticmethod
    async def _guard(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("Slack background work failed")

    def _first_time(self, event_id: str | None) -> bool:
        """Return False for an event already handled (Slack redelivers on timeouts).

        Recorded in the store, so a redelivery reaching another worker, or arriving after a
        restart, is recognised too; the in-memory set only saves the query for repeats here.
        """
        if not event_id:
            return True
        if event_id in self._seen_events:
            return False
        self._seen_events[event_id] = None
        while len(self._seen_events) > 2000:
            self._seen_events.popitem(last=False)
        return self._copilot().workspace.governance.deliveries.first(f"slack:{event_id}")

    def principal(self, slack_user: str | None) -> Principal | None:
        """Return the StockPilot user and role behind a Slack user id (None when unknown)."""
        user = self.identities.slack_user(slack_user)
        if user is None:
            return None
        role = self._copilot().workspace.policy.role_of(user)
        return Principal(user=user, role=role) if role else None

    def asker(self, slack_user: str | None) -> str:
        """Return who a question is asked as: the mapped user, or `slack:<id>` (read only)."""
        found = self.principal(slack_user)
        return found.user if found else f"slack:{slack_user or 'unknown'}"

    # ----- listeners ----------------------------------------------------------------------

    def _register(self) -> None:
        # bolt passes listener arguments by parameter name, so listeners are plain functions.
        app = self.app

        async def on_mention(body: dict[str, Any], event: dict[str, Any]) -> None:
            await self._on_mention(body, event)

        async def on_message(body: dict[str, Any], event: dict[str, Any]) -> None:
            await self._on_message(body, event)

        async def on_command(ack: AsyncAck, command: dict[str, Any]) -> None:
            await self._on_command(ack, command)

        async def on_action(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
            await self._on_action(ack, body, action)

        async def on_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
            await self._on_modal(ack, body, view)

        app.event("app_mention")(on_mention)
        app.event("message")(on_message)
        app.command("/stockpilot")(on_command)
        app.action(re.compile(r"^sp_(approve|reject|edit|respond)$"))(on_action)
        app.view(bk.EDIT_VIEW)(on_modal)
        app.view(bk.RESPOND_VIEW)(on_modal)

    async def _on_mention(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if not self._first_time(body.get("event_id")):
            return
        channel = str(event.get("channel", ""))
        root = str(event.get("thread_ts") or event.get("ts") or "")
        text = MENTION.sub("", str(event.get("text", ""))).strip()
        self.spawn(self._converse(channel, root, text, event.get("user")))

    async def _on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        # Direct messages only; channel messages reach the bot as mentions.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        if not self._first_time(body.get("event_id")):
            return
        channel = str(event.get("channel", ""))
        root = str(event.get("thread_ts") or event.get("ts") or "")
        self.spawn(self._converse(channel, root, str(event.get("text", "")).strip(), event["user"]))

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        text = str(command.get("text", "")).strip()
        if not text or text.lower() == "help":
            await ack(text=HELP)
            return
        if (refused := refused_question(text)) is not None:
            await ack(text=refused)
            return
        await ack()
        self.spawn(self._slash(command, text))

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        ref = CardRef.decode(action.get("value"))
        decision = bk.ACTION_DECISIONS.get(str(action.get("action_id")))
        container = body.get("container") or {}
        channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
        ts = str(container.get("message_ts") or (body.get("message") or {}).get("ts") or "")
        message = body.get("message") or {}
        root = str(message.get("thread_ts") or ts)
        slack_user = str((body.get("user") or {}).get("id", ""))
        if ref is None or decision is None or not channel or not ts:
            return
        if not self._may_decide(slack_user):
            self.spawn(self._refuse(channel, slack_user))
            return
        if decision in ("edit", "respond"):
            meta = {"c": channel, "ts": ts, "root": root}
            self.spawn(self._open_modal(str(body.get("trigger_id", "")), decision, ref, meta))
            return
        self.spawn(self._decide(ref, slack_user, decision, channel, ts, root))

    async def _on_modal(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        decision = "edit" if view.get("callback_id") == bk.EDIT_VIEW else "respond"
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            meta = {}
        ref = CardRef.decode(meta.get("ref"))
        values = (view.get("state") or {}).get("values") or {}
        note = ((values.get(bk.NOTE_BLOCK) or {}).get(bk.NOTE_INPUT) or {}).get("value")
        note = str(note).strip() if note else None
        qty: int | None = None
        if decision == "edit":
            raw = ((values.get(bk.QTY_BLOCK) or {}).get(bk.QTY_INPUT) or {}).get("value")
            try:
                qty = int(str(raw))
            except ValueError:
                qty = None
            if qty is None or not 1 <= qty <= MAX_EDIT_QTY:
                await ack(
                    response_action="errors",
                    errors={bk.QTY_BLOCK: f"Enter a whole number from 1 to {MAX_EDIT_QTY:,}."},
                )
                return
        elif not note:
            await ack(response_action="errors", errors={bk.NOTE_BLOCK: "Write your answer."})
            return
        await ack()
        slack_user = str((body.get("user") or {}).get("id", ""))
        if ref is None or not meta.get("c") or not meta.get("ts"):
            return
        channel, ts, root = str(meta["c"]), str(meta["ts"]), str(meta.get("root") or meta["ts"])
        if not self._may_decide(slack_user):
            self.spawn(self._refuse(channel, slack_user))
            return
        self.spawn(
            self._decide(ref, slack_user, decision, channel, ts, root, qty=qty, message=note)
        )

    def _may_decide(self, slack_user: str) -> bool:
        who = self.principal(slack_user)
        return who is not None and who.can("decide")

    # ----- the work after the ack ---------------------------------------------------------

    def _client(self) -> AsyncWebClient:
        return AsyncWebClient(token=self._token, base_url=self.app.client.base_url)

    async def _converse(self, channel: str, root: str, text: str, slack_user: Any) -> None:
        client = self._client()
        if not text:
            await client.chat_postMessage(channel=channel, thread_ts=root, text=HELP)
            return
        if (refused := refused_question(text)) is not None:
            await client.chat_postMessage(channel=channel, thread_ts=root, text=refused)
            return
        user = self.asker(str(slack_user) if slack_user else None)
        thread = thread_id_for(channel, root)
        copilot = self._copilot()
        result = await anyio.to_thread.run_sync(
            lambda: copilot.ask(text, user=user, thread_id=thread)
        )
        await client.chat_postMessage(
            channel=channel,
            thread_ts=root,
            text=bk.mrkdwn(result.answer or "(no answer)"),
            blocks=bk.answer_blocks(result.answer),
        )
        await self._post_cards(client, channel, root, thread, result.pending)

    async def _slash(self, command: dict[str, Any], text: str) -> None:
        client = self._client()
        channel = str(command.get("channel_id", ""))
        slack_user = str(command.get("user_id", ""))
        asked = f"<@{bk.escape(slack_user)}> asked: _{bk.escape(text)}_"
        try:
            posted = await client.chat_postMessage(
                channel=channel, text=f"{asked}\n:hourglass_flowing_sand: working on it…"
            )
        except SlackApiError as exc:
            # Not in the channel (or it is private): answer the asker alone, without cards.
            await self._answer_privately(command, text, str(exc.response.get("error")))
            return
        root = str(posted["ts"])
        thread = thread_id_for(channel, root)
        user = self.asker(slack_user)
        copilot = self._copilot()
        result = await anyio.to_thread.run_sync(
            lambda: copilot.ask(text, user=user, thread_id=thread)
        )
        await client.chat_update(
            channel=channel,
            ts=root,
            text=f"{asked}\n{bk.mrkdwn(result.answer)}",
            blocks=[bk.context(asked), *bk.answer_blocks(result.answer)],
        )
        await self._post_cards(client, channel, root, thread, result.pending)

    async def _answer_privately(self, command: dict[str, Any], text: str, why: str) -> None:
        user = self.asker(str(command.get("user_id", "")))
        copilot = self._copilot()
        result = await anyio.to_thread.run_sync(lambda: copilot.ask(text, user=user))
        note = f"I can't post in this channel ({why}); invite me to get approval cards here."
        if result.pending:
            note += f" {len(result.pending)} action(s) wait in the approvals inbox."
        url = str(command.get("response_url", ""))
        if url:
            from slack_sdk.webhook.async_client import AsyncWebhookClient

            await AsyncWebhookClient(url).send(
                text=bk.mrkdwn(result.answer),
                blocks=[*bk.answer_blocks(result.answer), bk.context(note)],
                response_type="ephemeral",
            )

    async def _post_cards(
        self,
        client: AsyncWebClient,
        channel: str,
        root: str,
        thread: str,
        pending: list[PendingAction],
    ) -> None:
        for action in pending:
            state = CardState.waiting(thread, action)
            await client.chat_postMessage(
                channel=channel,
                thread_ts=root,
                text=bk.escape(state.summary),
                blocks=bk.card_blocks(state),
            )

    async def _refuse(self, channel: str, slack_user: str) -> None:
        client = self._client()
        who = self.principal(slack_user)
        if who is None:
            text = (
                f"You are not mapped to a StockPilot user (Slack id {slack_user}), so you can "
                "read and ask but not decide; nothing was changed. An admin can add you to "
                "config/identities.yaml."
            )
        else:
            text = f"{who.user} ({who.role}) may not decide approvals; nothing was changed."
        await client.chat_postEphemeral(channel=channel, user=slack_user, text=text)

    async def _open_modal(
        self, trigger_id: str, decision: str, ref: CardRef, meta: dict[str, Any]
    ) -> None:
        client = self._client()
        copilot = self._copilot()
        proposal = await anyio.to_thread.run_sync(
            lambda: copilot.workspace.governance.proposals.get(ref.proposal_id)
        )
        qty = proposal.args.get("qty") if proposal is not None else None
        await client.views_open(
            trigger_id=trigger_id, view=bk.decision_modal(decision, ref, meta, qty)
        )

    async def _decide(
        self,
        ref: CardRef,
        slack_user: str,
        decision: str,
        channel: str,
        ts: str,
        root: str,
        *,
        qty: int | None = None,
        message: str | None = None,
    ) -> None:
        who = self.principal(slack_user)
        if who is None:  # mapping changed since the click was checked
            await self._refuse(channel, slack_user)
            return
        state = await decide_card_async(
            self._copilot(),
            ref,
            user=who.user,
            decision=decision,
            qty=qty,
            message=message,
            on_outcomes=self._on_outcomes,
        )
        client = self._client()
        await client.chat_update(
            channel=channel, ts=ts, text=bk.escape(state.summary), blocks=bk.card_blocks(state)
        )
        if state.answer:
            await client.chat_postMessage(
                channel=channel,
                thread_ts=root,
                text=bk.mrkdwn(state.answer),
                blocks=bk.answer_blocks(state.answer),
            )
        await self._post_cards(client, channel, root, ref.thread_id, state.new_pending)
