"""One router per resource, mounted under /v1 (health and metrics at the root)."""
