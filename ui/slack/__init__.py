"""The Slack bot: copilot threads and approval cards in Slack (slack-bolt, mounted by the API)."""
