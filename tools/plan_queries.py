"""Read the plan: ranked exceptions, stock positions, suppliers, what-ifs and forecasts.

Every answer is JSON-ready and comes from the plan tables when the store holds a complete plan
run of its snapshot (`PlanCache.plan_run`: indexed, paged reads; a SKU's own plan for its
detail), else from the plan the `PlanCache` holds in memory (or, for a single series' forecast,
from the store's sales), so the agent tools, the API and the CLI say the same.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from erp import plan_store
from erp.store import (
    load_series,
    load_suppliers,
    location_exists,
    open_purchase_orders,
    sku_exists,
    skus_in_category,
)
from planning.accuracy import rolling_origin
from planning.buckets import forecast_in_buckets, infer_bucket
from planning.censoring import censor, suspect_stockouts
from planning.engine import Plan, position_records
from planning.exceptions import EXCEPTION_TYPES, totals_by_type
from planning.filters import SORTS, filter_exceptions, sort_records, supplier_of
from planning.forecast import BatchForecast, sales_matrix
from planning.promotions import promo_calendar
from planning.series import plan_series
from planning.whatif import Scenario, what_if
from stockpilot.vocabulary import SalesBucket
from tools.errors import NotFoundError, at
from tools.overrides import notes_for
from tools.plan_cache import PlanCache


class PlanQueries:
    """The read questions a planner asks of the current plan."""

    def __init__(self, plans: PlanCache):
        self.plans = plans
        # The plan's exception records (JSON-ready) and an index by id, built once per plan.
        self._records: tuple[Plan, list[dict[str, Any]], dict[str, dict[str, Any]]] | None = None

    def exceptions(
        self,
        *,
        top: int | None = None,
        type: str | None = None,
        location: str | None = None,
        sku: str | None = None,
        category: str | None = None,
        min_money: float | None = None,
        skus: Collection[str] | None = None,
        recommendation: str | None = None,
        locations: Collection[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Return ranked exceptions with their recommendations (JSON-ready; do not mutate).

        `category` keeps the SKUs of that item category, `skus` those SKUs; `min_money` those
        risking at least it; `recommendation` those whose recommended action is of that kind;
        `locations` those at these locations (the stores a DC feeds).
        """
        filters = self._filters(
            category,
            skus=skus,
            type=type,
            location=location,
            sku=sku,
            min_money=min_money,
            rec_kind=recommendation,
            locations=locations,
        )
        run = self.plans.plan_run()
        if run is not None:
            records, _ = plan_store.read_exceptions(
                self.plans.engine, run, filters, limit=None if top is None else max(top, 0)
            )
            return records
        found = filter_exceptions(
            self._exception_index()[0],
            type=type,
            location=location,
            sku=sku,
            skus=filters.skus,
            min_money=min_money,
            top=None if recommendation is not None else top,
            locations=locations,
        )
        if recommendation is None:
            return found
        kept = [r for r in found if (r.get("recommendation") or {}).get("kind") == recommendation]
        return kept if top is None else kept[: max(top, 0)]

    def exception_page(
        self,
        *,
        offset: int,
        limit: int,
        type: str | None = None,
        location: str | None = None,
        sku: str | None = None,
        category: str | None = None,
        min_money: float | None = None,
        priority: int | None = None,
        locations: Collection[str] | None = None,
        supplier_id: str | None = None,
        sort: str = "money_at_risk",
    ) -> tuple[list[dict[str, Any]], int, dict[str, dict[str, Any]]]:
        """Return one page of the filtered exceptions, the filtered total and its totals by type.

        `priority` keeps the exceptions of that priority or more urgent, `supplier_id` those
        whose recommendation orders from that supplier. `sort` (planning.filters.SORTS): the
        ranking, most urgent first or the earliest first risk first, equal keys in the
        ranking's order.
        """
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        run = self.plans.plan_run()
        if run is None:
            records = self.exceptions(
                type=type,
                location=location,
                sku=sku,
                category=category,
                min_money=min_money,
                locations=locations,
            )
            if priority is not None:
                records = [r for r in records if int(r["priority"]) <= int(priority)]
            if supplier_id is not None:
                records = [r for r in records if supplier_of(r) == supplier_id]
            records = sort_records(records, sort)
            return records[offset : offset + limit], len(records), totals_by_type(records)
        filters = self._filters(
            category,
            type=type,
            location=location,
            sku=sku,
            min_money=min_money,
            priority=priority,
            locations=locations,
            supplier_id=supplier_id,
        )
        page, total = plan_store.read_exceptions(
            self.plans.engine, run, filters, sort=sort, offset=offset, limit=limit
        )
        order = {name: i for i, name in enumerate(EXCEPTION_TYPES)}
        rows = sorted(
            plan_store.exception_totals(self.plans.engine, run, filters),
            key=lambda r: order.get(r[0], len(order)),
        )
        return page, total, {k: {"count": n, "money_at_risk": round(m, 2)} for k, n, m in rows}

    def exception_groups(
        self,
        by: str,
        *,
        type: str | None = None,
        location: str | None = None,
        sku: str | None = None,
        category: str | None = None,
        priority: int | None = None,
        locations: Collection[str] | None = None,
        supplier_id: str | None = None,
    ) -> list[tuple[str, int, float, int]] | None:
        """Return (key, count, money at risk, first rank) per group, in SQL; None without a run.

        `by` is one of plan_store.GROUPS (type, priority, location, sku, the recommendation's
        supplier or source) or category (an item's, from the master data).
        """
        run = self.plans.plan_run()
        if run is None:
            return None
        found = plan_store.exception_groups(
            self.plans.engine,
            run,
            "sku" if by == "category" else by,
            self._filters(
                category,
                type=type,
                location=location,
                sku=sku,
                priority=priority,
                locations=locations,
                supplier_id=supplier_id,
            ),
        )
        if by != "category":
            return found
        items = self.plans.entities().items
        cats = dict(zip(items["sku"], items["category"], strict=True))
        merged: dict[str, list[Any]] = {}
        for key, n, money, first in found:
            g = merged.setdefault(str(cats.get(key, "")), [0, 0.0, first])
            g[0], g[1], g[2] = g[0] + n, g[1] + money, min(g[2], first)
        return [(k, int(n), float(m), int(r)) for k, (n, m, r) in merged.items()]

    def open_exception_counts(self) -> dict[str, int] | None:
        """Count today's exceptions by type when that needs no planning (None: it would)."""
        run = self.plans.plan_run()
        if run is not None:
            return {k: n for k, n, _ in plan_store.exception_totals(self.plans.engine, run)}
        result = self.plans.cached()
        if result is None:
            return None
        return {str(k): int(v) for k, v in result.exceptions["type"].value_counts().items()}

    def _category_skus(self, category: str | None) -> set[str] | None:
        if category is None:
            return None
        return skus_in_category(self.plans.engine, category)

    def _filters(
        self, category: str | None, *, skus: Collection[str] | None = None, **fields: Any
    ) -> plan_store.ExceptionFilters:
        """Return the exception filters of a read: `category` narrows `skus` to its items."""
        in_category = self._category_skus(category)
        if skus is not None:
            wanted = set(skus)
            skus = wanted if in_category is None else wanted & in_category
        else:
            skus = in_category
        return plan_store.ExceptionFilters(skus=skus, **fields)

    def _exception_index(self) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
        result = self.plans.plan()
        cached = self._records
        if cached is None or cached[0] is not result:
            records = result.exception_records()
            cached = (result, records, {r["id"]: r for r in records})
            self._records = cached
        return cached[1], cached[2]

    def exception(self, exception_id: str) -> dict[str, Any]:
        """Return one exception by id, with the position and open supply behind it."""
        run = self.plans.plan_run()
        if run is not None:
            found = plan_store.read_exception(self.plans.engine, run, exception_id)
        else:
            found = self._exception_index()[1].get(exception_id)
        if found is None:
            raise NotFoundError(
                f"no exception {exception_id!r} today; ids look like 'stockout_risk:SKU@LOCATION'"
            )
        result = self.plans.plan_of(found["sku"])
        record = dict(found)  # the cached record stays as it is
        row = result.row_of(record["sku"], record["location"])
        if row is not None:
            record["position"] = result.position_records(
                sku=record["sku"], location=record["location"]
            )[0]
            record["open_supply"] = [
                {k: v for k, v in line.items() if k != "arrival_day"}
                for line in result.supply_lines(row)
            ]
        return record

    def inventory(
        self, sku: str | None = None, location: str | None = None, *, top: int = 25
    ) -> list[dict[str, Any]]:
        """Return positions: a SKU across locations, or a location's SKUs by days of cover."""
        if sku is None and location is None:
            raise NotFoundError("name a SKU, a location, or both")
        run = self.plans.plan_run()
        if run is not None:
            records = position_records(
                plan_store.read_positions(self.plans.engine, run, sku=sku, location=location)
            )
        else:
            records = self.plans.plan().position_records(sku=sku, location=location)
        if not records:
            raise NotFoundError(
                f"no stock position for {'SKU ' + repr(sku) if sku else 'location'}" + at(location)
            )
        if sku is None:
            records.sort(key=lambda r: (r["days_of_cover"] is None, r["days_of_cover"]))
            records = records[:top]
        self._note_overrides(records, "location_id")
        return records

    def _note_overrides(self, records: list[dict[str, Any]], location_key: str) -> None:
        """Add `overrides` (notes of the forecast overrides applied) to the records with one."""
        notes = notes_for(
            self.plans,
            [(str(r["sku"]), str(r[location_key])) for r in records],
            self.plans.as_of(),
            int(self.plans.params.horizon_days),
        )
        for r in records:
            found = notes.get((str(r["sku"]), str(r[location_key])))
            if found:
                r["overrides"] = found

    def supplier_status(
        self, supplier_id: str | None = None, sku: str | None = None
    ) -> list[dict[str, Any]]:
        """Return suppliers (one, those of a SKU, or all) with lead times and open/late POs.

        The open lines are counted in the store (`erp.store.open_purchase_orders`), so the
        answer reads the supplier master and a summary, never every order of the network.
        """
        engine = self.plans.engine
        sups = load_suppliers(engine)
        if supplier_id is not None:
            sups = sups[sups["supplier_id"] == supplier_id]
            if sups.empty:
                raise NotFoundError(f"unknown supplier {supplier_id!r}")
        if sku is not None:
            if not sku_exists(engine, sku):
                raise NotFoundError(f"unknown SKU {sku!r}")
            terms = self.plans.reference_of(sku, fresh=False).item_suppliers
            sups = sups[sups["supplier_id"].isin(terms.loc[terms["sku"] == sku, "supplier_id"])]
        as_of = self.plans.as_of()
        orders = open_purchase_orders(
            engine, as_of, supplier_ids=sups["supplier_id"].tolist(), sku=sku
        )
        today = pd.Timestamp(as_of)
        out = []
        for sup in sups.itertuples():
            lines, units, late_lines = orders.per_supplier.get(sup.supplier_id, (0, 0.0, 0))
            late = orders.late[orders.late["supplier_id"] == sup.supplier_id]
            out.append(
                {
                    "supplier_id": sup.supplier_id,
                    "name": sup.name,
                    "lead_time_days": int(sup.lead_time_days),
                    "lead_time_std_days": float(sup.lead_time_std_days),
                    "on_time_rate": float(sup.on_time_rate),
                    "open_po_lines": lines,
                    "open_po_units": units,
                    "late_po_lines": late_lines,
                    "late_pos": [
                        {
                            "po_id": r.po_id,
                            "sku": r.sku,
                            "location": r.location_id,
                            "qty": int(r.qty),
                            "expected_date": r.expected_date.date().isoformat(),
                            "days_late": int((today - r.expected_date).days),
                        }
                        for r in late.itertuples()
                    ],
                }
            )
        return out

    def what_if(self, sku: str, location: str, scenario: Scenario) -> dict[str, Any]:
        """Re-project a SKU-location under a supplier delay or a demand change."""
        result = self.plans.plan_of(sku)
        row = result.row_of(sku, location)
        if row is None:
            raise NotFoundError(f"no stock position for SKU {sku!r}" + at(location))
        return what_if(result, row, scenario)

    def forecast(self, sku: str, location: str, *, horizon: int = 28) -> dict[str, Any]:
        """Return a single-series forecast with intervals, the model used and its accuracy."""
        engine = self.plans.engine
        if not sku_exists(engine, sku):
            raise NotFoundError(f"unknown SKU {sku!r}")
        if not location_exists(engine, location):
            raise NotFoundError(f"unknown location {location!r}")
        ref = self.plans.reference_of(sku)
        as_of = self.plans.as_of()
        params = self.plans.params
        start = as_of - timedelta(days=params.history_days - 1)
        keys = pd.DataFrame({"sku": [sku], "location_id": [location]})
        sales = load_series(self.plans.engine, sku, location, since=start)
        history = sales_matrix(sales, keys, start, as_of)
        uplift = promo_calendar(keys, ref.promotions, as_of + timedelta(days=1), horizon)[0]
        # The plan's own forecast of the row (model choice, bucket, censored history); past its
        # horizon, or for a row the plan does not hold, the same engine on this series alone.
        plan = self.plans.plan_of(sku)
        prow = plan.row_of(sku, location)
        plan_days = 0 if prow is None else min(horizon, plan.demand.shape[1])
        own = None
        if prow is None or horizon > plan_days:
            own = _series_forecast(
                history, start, horizon, uplift, plan.sales_bucket, sales, params.forecast_decline
            )
        if prow is not None:
            alpha = plan.forecast_alpha
            bands = plan_series(
                plan.demand[prow, :plan_days],
                float(plan.positions.iloc[prow]["sigma"]),
                float(alpha[prow]) if alpha is not None else 0.0,
                uplift,
                series_mean=None if own is None else own.mean[0],
            )
            method = str(plan.positions.iloc[prow]["method"])
        else:
            assert own is not None
            bands = plan_series(
                np.zeros(0),
                float(own.sigma[0]),
                float(own.alpha[0]),
                uplift,
                series_mean=own.mean[0],
            )
            method = str(own.method[0])
        acc = rolling_origin(
            history,
            start=start,
            horizon=min(horizon, 28),
            origins=4,
            decline=params.forecast_decline,
        )
        row = acc.iloc[0]
        dates = [as_of + timedelta(days=h) for h in range(1, horizon + 1)]
        out: dict[str, Any] = {
            "sku": sku,
            "location": location,
            "as_of": as_of.isoformat(),
            "method": method,
            "sales_bucket": plan.sales_bucket,
            "plan_days": bands.plan_days,
            "interval": 0.9,
            "history_days": int(history.shape[1]),
            "history_units_last_28d": float(history[0, -28:].sum()),
            "accuracy": {
                k: (None if pd.isna(row[k]) else round(float(row[k]), 4))
                for k in ("wape", "bias", "mase")
            },
            "forecast": [
                {
                    "date": d.isoformat(),
                    "mean": round(float(m), 3),
                    "lower": round(float(lo), 3),
                    "upper": round(float(hi), 3),
                    "promo_uplift": round(float(u), 3),
                }
                for d, m, lo, hi, u in zip(
                    dates, bands.mean, bands.lower, bands.upper, uplift, strict=True
                )
            ],
            "total_mean": round(float(np.sum(bands.mean)), 2),
        }
        self._note_overrides([out], "location")
        return out


def _series_forecast(
    history: np.ndarray,
    start: date,
    horizon: int,
    uplift: np.ndarray,
    bucket: str,
    sales: pd.DataFrame,
    decline: str = "fitted",
) -> BatchForecast:
    """Forecast one series (1, T) as the engine does, in the plan's bucket, suspect runs out."""
    suspect, _ = suspect_stockouts(history)
    fit = censor(history, suspect) if suspect.any() else history
    dates = pd.to_datetime(sales["date"]).to_numpy() if len(sales) else np.array([])
    inferred, week_start = infer_bucket(dates)
    return forecast_in_buckets(
        fit,
        horizon,
        start=start,
        bucket=SalesBucket(bucket),
        week_start=week_start if inferred == bucket else 0,
        uplift=uplift[None, :],
        decline=decline,
    )
