"""Post the daily exception briefing to a Slack channel (`stockpilot brief --slack-channel`)."""

from __future__ import annotations

from slack_sdk import WebClient

from stockpilot.settings import Settings
from ui.briefing import Briefing
from ui.slack.blocks import briefing_blocks, briefing_text


class SlackNotConfiguredError(RuntimeError):
    """Raised when posting to Slack without a bot token."""


def post_briefing(settings: Settings, channel: str, briefing: Briefing) -> str:
    """Post the briefing as Block Kit to `channel`; return the message timestamp.

    Raises `SlackNotConfiguredError` without a bot token and `slack_sdk.errors.SlackApiError`
    when Slack refuses (e.g. `not_in_channel`).
    """
    if settings.slack_bot_token is None:
        raise SlackNotConfiguredError("STOCKPILOT_SLACK_BOT_TOKEN is not set: cannot post to Slack")
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url
    )
    response = client.chat_postMessage(
        channel=channel, text=briefing_text(briefing), blocks=briefing_blocks(briefing)
    )
    return str(response["ts"])
