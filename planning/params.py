"""Hold the parameters the planning engine runs with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanParams:
    """Parameters of one planning run (defaults match `docs/planning.md`)."""

    horizon_days: int = 56
    service_level: float = 0.95
    review_period_days: int = 7
    overstock_days: int = 120
    history_days: int = 730
    bias_window_days: int = 28
    bias_threshold: float = 0.3
    bias_min_units: float = 28.0
    bias_sigma_k: float = 3.0
    phantom_min_days: int = 7
    phantom_probability: float = 0.001
