"""Test helpers shared across test packages (local fakes of external services)."""
