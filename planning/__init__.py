"""Planning engine: forecasting, inventory policy, exceptions and recommendations (pure, no I/O)."""
