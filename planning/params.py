"""Hold the parameters the planning engine runs with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ClassLevels = tuple[tuple[str, float], ...]
"""(class, value) pairs sorted by class: a hashable, picklable mapping."""


def _pairs(value: Mapping[str, float] | ClassLevels) -> ClassLevels:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), float(v)) for k, v in items))


@dataclass(frozen=True)
class PlanParams:
    """Parameters of one planning run (defaults match `docs/planning.md`).

    `service_levels` maps ABC classes (A, B, C) to target cycle service levels; each
    SKU-location then plans at its SKU's class level. None (the default): every SKU-location
    plans at `service_level`. `max_cover_days` maps classes to the days of cover beyond which a
    draft carries a warning. Mappings given here are stored as sorted (class, value) pairs.
    plans at `service_level`. Mappings given here are stored as sorted (class, value) pairs.

    With `economic_service_level` the target is the critical ratio of the SKU's economics,
    `margin / (margin + holding per day · R)`, capped at `service_level_cap`; the class (or the
    one) level is then a floor. Without it the class level is the target exactly.

    The cost model (one place; the simulation charges the same): holding
    `holding_rate_per_year / 365 × unit cost` per unit-day, `purchase_order_line_cost` per PO
    line, `transfer_line_cost` per transfer line, and excess stock loses
    `markdown_rate_per_year × unit cost` per unit-year to markdown risk. The line costs size
    lots (`lot_sizing`): S = s + max(EOQ − forecast over R, 0).

    `cycle_service_level` (the critical ratio's overage period is the days one order lasts,
    `planning.policy.order_cycle_days`, rather than the review period) is measured and off by
    default (docs/planning.md, "ABC class and service level").

    `dc_review_pulls` (a DC's interval: its stores' review pulls before its next order lands)
    and `dc_counts_store_stock` (a DC's routine position counts its stores' stock above their
    mean position) are measured and off by default (docs/planning.md, "Where the DCs' stock
    came from"): they cut the DCs' cover at a lower cost in most runs, but lost more sales.
    `dc_review_pulls_quantile` (with `dc_review_pulls`: the pulls counted at the SKU-location's
    service-level quantile of the supplier's lateness rather than their expectation) likewise.

    `purchase_lot_cost_tolerance` (0.05): a purchase order's lot (a DC's, a store's without a
    lane) is the smallest share of its EOQ whose ordering plus cycle holding cost is within this
    share of the EOQ's (`planning.policy.lot_scale_within`: 0.730 of the EOQ at 0.05); 0 keeps
    the EOQ. It trades a bounded cost of the lot for DC stock (docs/planning.md, "Where the DC
    cover above the oracle's comes from").

    `moq_round_up_or_skip` (on): a routine purchase order the supplier's MOQ raises above the
    need is placed only when waiting one more review would lose more margin than R days of
    holding the MOQ (`planning.policy.moq_order_beats_waiting`; a DC judged with the stores it
    feeds; docs/planning.md, "Lead time and policy").
    """

    horizon_days: int = 56
    service_level: float = 0.95
    review_period_days: int = 7
    overstock_days: int = 120
    history_days: int = 730
    # The time bucket of the sales rows: "auto" (inferred from their dates), "day", "week",
    # "month" (`planning.buckets`).
    sales_bucket: str = "auto"
    # How a significantly declining daily intermittent series is forecast: "fitted" (the
    # default: the log-linear rate up to its last sale) or "smoothed" (its smoothed level;
    # `planning.forecast.daily_periods`).
    forecast_decline: str = "fitted"
    bias_window_days: int = 28
    bias_threshold: float = 0.3
    bias_min_units: float = 28.0
    bias_sigma_k: float = 3.0
    phantom_min_days: int = 7
    phantom_probability: float = 0.001
    service_levels: Mapping[str, float] | ClassLevels | None = None
    abc_thresholds: Mapping[str, float] | ClassLevels = (("A", 0.80), ("B", 0.95))
    abc_window_days: int = 365
    # A draft that leaves its target more days of cover than its class's figure gets a warning.
    max_cover_days: Mapping[str, float] | ClassLevels = (("A", 90.0), ("B", 105.0), ("C", 120.0))
    economic_service_level: bool = True
    cycle_service_level: bool = False
    service_level_cap: float = 0.995
    echelon_dc_safety_stock: bool = True
    lot_sizing: bool = True
    dc_counts_store_stock: bool = False
    dc_review_pulls: bool = False
    dc_review_pulls_quantile: bool = False
    moq_round_up_or_skip: bool = True
    purchase_lot_cost_tolerance: float = 0.05
    holding_rate_per_year: float = 0.25
    purchase_order_line_cost: float = 25.0
    transfer_line_cost: float = 5.0
    markdown_rate_per_year: float = 0.30

    @property
    def holding_per_unit_day(self) -> float:
        """Return the holding cost of one unit of cost 1 for one day."""
        return self.holding_rate_per_year / 365.0

    def __post_init__(self) -> None:
        """Store the class mappings as sorted pairs, so equal parameters compare equal."""
        if self.service_levels is not None:
            object.__setattr__(self, "service_levels", _pairs(self.service_levels))
        object.__setattr__(self, "abc_thresholds", _pairs(self.abc_thresholds))
        object.__setattr__(self, "max_cover_days", _pairs(self.max_cover_days))

    def class_service_levels(self) -> dict[str, float] | None:
        """Return the service level per ABC class, or None when one level applies to all."""
        return None if self.service_levels is None else dict(_pairs(self.service_levels))

    def class_max_cover_days(self) -> dict[str, float]:
        """Return the most days of cover a draft may leave its target with, per ABC class."""
        return dict(_pairs(self.max_cover_days))

    def abc_cutoffs(self) -> dict[str, float]:
        """Return the cumulative value share up to which SKUs are class A and class B."""
        return dict(_pairs(self.abc_thresholds))
