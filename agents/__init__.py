"""Chat models for the copilot: the offline planner model and OpenAI-compatible models."""
