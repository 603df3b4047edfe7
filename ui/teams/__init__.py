"""The Microsoft Teams bot: copilot threads and approval cards in Teams (Bot Framework)."""
