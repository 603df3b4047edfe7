"""The simulation suite: every policy and the base-stock oracle on one world, compared.

`run_simulation` builds the world (`evals.simulate.build_world`), runs each configured policy
(`evals.policies`) through the twin, solves the oracle, and returns JSON-ready results: metrics
per policy, inventory over time, a few trajectories and the headline targets.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from dataclasses import asdict
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from evals.policies import (
    SCALABLE_POLICIES,
    make_policy,
    oracle_base_stock,
    oracle_scaled,
    oracle_tail_cover,
)
from evals.simulate import (
    Progress,
    SimConfig,
    Twin,
    World,
    build_world,
    metrics,
    run_policy,
)
from planning.network import NetworkData

__all__ = ["TARGETS", "SimConfig", "matched_fill", "run_simulation"]

# Issue 13's targets for StockPilot: total cost within 5 % of the hindsight oracle, fill of
# at least 98 %, and the DCs holding no more than 10 % more days of cover than the oracle's.
# The cost compared is the finite-horizon one with the stock left at the end valued the same
# way for every policy and the oracle (`total_cost_end_credited`: the lane cost already paid on
# the store stock of the last day is credited back); the charged total is reported beside it.
TARGETS: dict[str, Any] = {
    "cost_ratio_max": 1.05,
    "fill_rate_min": 0.98,
    "dc_days_of_cover_vs_oracle_max": 1.10,
}


def _trajectory_rows(world: World) -> list[int]:
    """Return three rows to plot: the busiest store, a median store, the busiest DC."""
    tot = world.demand.sum(axis=1)
    st = np.flatnonzero(~world.is_dc)
    dc = np.flatnonzero(world.is_dc)
    busy = st[np.argsort(-tot[st], kind="stable")]
    picks = [int(busy[0]), int(busy[len(busy) // 2])] if len(busy) else []
    if len(dc):
        sku_tot = pd.Series(tot).groupby(world.sku).sum()
        picks.append(int(dc[np.argmax(pd.Series(world.sku[dc]).map(sku_tot).to_numpy())]))
    return list(dict.fromkeys(picks))


def run_simulation(
    config: SimConfig, progress: Progress | None = None, *, data: NetworkData | None = None
) -> dict[str, Any]:
    """Run every configured policy and the base-stock oracle; return JSON-ready results."""
    if data is not None:  # replay an imported history: the horizon ends on its last day
        config = dataclasses.replace(config, end_date=data.as_of)
    world = build_world(config, data)
    results: dict[str, dict[str, Any]] = {}
    over_time: dict[str, list[float]] = {}
    twins: dict[str, Twin] = {}
    for name in config.policies:
        policy = make_policy(name, config)
        t0 = time.perf_counter()
        twin = run_policy(world, policy, progress)
        m = metrics(twin)
        m["seconds"] = round(time.perf_counter() - t0, 2)
        m.update(getattr(policy, "stats", {}))
        results[name] = m
        twins[name] = twin
        over_time[name] = [
            round(float(v), 2) for v in (twin.end_on_hand * world.unit_cost[:, None]).sum(axis=0)
        ]
    t0 = time.perf_counter()
    oracle = oracle_base_stock(world)
    oracle["metrics"]["seconds"] = round(time.perf_counter() - t0, 2)
    results["oracle_base_stock"] = oracle["metrics"]
    results["oracle_base_stock"].update(_tail_figures(world))
    over_time["oracle_base_stock"] = [round(float(v), 2) for v in oracle["inventory_value"]]
    base = oracle["metrics"]["total_cost"]
    credited = oracle["metrics"]["total_cost_end_credited"]
    for m in results.values():
        m["cost_ratio_to_oracle"] = round(m["total_cost"] / base, 4) if base > 0 else None
        if "total_cost_end_credited" in m:
            m["cost_ratio_end_credited"] = _ratio(m["total_cost_end_credited"], credited)
    trajectories = []
    for r in _trajectory_rows(world):
        trajectories.append(
            {
                "sku": str(world.sku[r]),
                "location": str(world.location[r]),
                "location_type": "dc" if world.is_dc[r] else "store",
                "demand": world.demand[r].tolist()
                if not world.is_dc[r]
                else {n: tw.pulled[r, :-1].tolist() for n, tw in twins.items()},
                "on_hand": {n: tw.end_on_hand[r].tolist() for n, tw in twins.items()},
            }
        )
    scenarios = line_cost_scenarios(config, data)
    matched = (
        matched_fill(world, config, results, oracle["levels"]) if "stockpilot" in results else None
    )
    cfg = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(config).items()}
    cfg["policies"] = list(config.policies)
    cfg["line_cost_scenarios"] = list(config.line_cost_scenarios)
    cfg["path"] = "graph" if config.graph_path else "engine"
    cfg["locations"] = len(set(world.location))
    cfg["sku_locations"] = world.n
    return {
        "config": cfg,
        "policies": results,
        "inventory_over_time": over_time,
        "trajectories": trajectories,
        "targets": dict(TARGETS),
        "target_met": _with_line_costs(_targets(results), scenarios),
        "line_costs": scenarios,
        "matched_fill": matched,
    }


def _with_line_costs(met: dict[str, Any], scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    """Add whether the targets hold at each line-cost scenario; `all` then needs every one."""
    at = {f"{sc['line_cost']:g}": bool(sc["target_met"].get("all")) for sc in scenarios}
    if at:
        met["at_line_costs"] = at
        if "all" in met:
            met["all"] = bool(met["all"]) and all(at.values())
    return met


MATCH_KEYS = ("avg_inventory_value", "store_days_of_cover", "dc_days_of_cover")
MATCH_STEP = 1.25  # each further try scales the levels by this much more (or less)
MATCH_TRIES = 5  # tries per direction before a fill counts as out of reach


def _bracket(run: Any, target: float, first: dict[str, Any]) -> list[tuple[float, dict[str, Any]]]:
    """Return (scale, metrics) points from scale 1 outwards until the fill passes `target`.

    Stops early when a step moves the fill away from `target` (more stock is not always more
    fill: larger store levels drain a DC that starts with the same stock).
    """
    points = [(1.0, first)]
    up = first["fill_rate"] < target
    scale, last = 1.0, first["fill_rate"]
    for _ in range(MATCH_TRIES):
        scale = scale * MATCH_STEP if up else scale / MATCH_STEP
        m = run(scale)
        points.append((scale, m))
        if (m["fill_rate"] >= target) == up or (m["fill_rate"] < last if up else False):
            break
        last = m["fill_rate"]
    return sorted(points, key=lambda p: p[0])


def _at_fill(points: list[tuple[float, dict[str, Any]]], target: float) -> dict[str, Any]:
    """Interpolate scale and `MATCH_KEYS` linearly in fill between the points around `target`."""
    out: dict[str, Any] = {
        "points": [
            {"scale": round(k, 4), "fill_rate": m["fill_rate"], **{c: m[c] for c in MATCH_KEYS}}
            for k, m in points
        ],
        "reached": False,
    }
    for (k0, a), (k1, b) in itertools.pairwise(points):
        f0, f1 = a["fill_rate"], b["fill_rate"]
        if min(f0, f1) <= target <= max(f0, f1):
            w = 0.0 if f1 == f0 else (target - f0) / (f1 - f0)
            out.update({c: round(a[c] + w * (b[c] - a[c]), 2) for c in MATCH_KEYS})
            out["scale"] = round(k0 + w * (k1 - k0), 4)
            out["reached"] = True
            return out
    # Out of reach: the run whose fill came closest (the most fill it reached, or the least).
    k, best = min(
        points, key=lambda p: (abs(p[1]["fill_rate"] - target), p[1]["avg_inventory_value"])
    )
    out["best"] = {
        "scale": round(k, 4),
        "fill_rate": best["fill_rate"],
        **{c: best[c] for c in MATCH_KEYS},
    }
    return out


def matched_fill(
    world: World, config: SimConfig, results: dict[str, dict[str, Any]], levels: np.ndarray
) -> dict[str, Any]:
    """Return the inventory each policy needs to reach StockPilot's fill, per echelon.

    The baselines (min-max: s and S; naive cover: X and Y days) and the oracle (its hindsight
    levels) are run again with their levels scaled by `MATCH_STEP` steps from 1 until their fill
    passes StockPilot's; the inventory value and the days of cover at that fill are interpolated
    linearly in fill between the two runs around it. A policy whose fill never gets there is
    reported with the run that came closest (`best`). StockPilot is the reference; PO-only (the
    engine without transfers) is shown as run.
    """
    target = float(results["stockpilot"]["fill_rate"])
    sp = results["stockpilot"]
    out: dict[str, Any] = {
        "fill_rate": target,
        "policies": {
            "stockpilot": {"scale": 1.0, "reached": True, **{c: sp[c] for c in MATCH_KEYS}}
        },
    }
    for name in SCALABLE_POLICIES:
        if name not in results:
            continue

        def run(scale: float, name: str = name) -> dict[str, Any]:
            return metrics(run_policy(world, make_policy(name, config, scale=scale)))

        out["policies"][name] = _at_fill(_bracket(run, target, results[name]), target)
    first = oracle_scaled(world, levels, 1.0)
    out["policies"]["oracle_base_stock"] = _at_fill(
        _bracket(lambda k: oracle_scaled(world, levels, k), target, first), target
    )
    base = float(sp["avg_inventory_value"]) or 1.0
    for m in out["policies"].values():
        if m.get("reached"):
            m["inventory_vs_stockpilot"] = round(float(m["avg_inventory_value"]) / base, 4)
        elif "best" in m:
            m["best"]["inventory_vs_stockpilot"] = round(
                float(m["best"]["avg_inventory_value"]) / base, 4
            )
    return out


def _targets(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return whether StockPilot meets the headline targets (None where a run is missing)."""
    sp, oracle = results.get("stockpilot"), results.get("oracle_base_stock")
    if sp is not None and oracle is not None and "cost_ratio_to_oracle" not in sp:
        base = oracle["total_cost"]
        sp = {**sp, "cost_ratio_to_oracle": round(sp["total_cost"] / base, 4) if base else None}
    out: dict[str, Any] = {"cost_ratio": None, "fill_rate": None, "dc_days_of_cover": None}
    if sp is None:
        return out
    charged = sp.get("cost_ratio_to_oracle")
    ratio = sp.get("cost_ratio_end_credited")
    if ratio is None and oracle is not None and "total_cost_end_credited" in sp:
        ratio = _ratio(sp["total_cost_end_credited"], oracle["total_cost_end_credited"])
    if ratio is None:
        ratio = charged
    out["cost_ratio"] = ratio is not None and ratio <= TARGETS["cost_ratio_max"]
    out["cost_ratio_value"] = ratio
    out["cost_ratio_charged_value"] = charged
    fill = sp.get("fill_rate_servable", sp["fill_rate"])
    out["fill_rate"] = fill >= TARGETS["fill_rate_min"]
    out["fill_rate_value"] = fill
    out["fill_rate_all_demand_value"] = sp["fill_rate"]
    if oracle is not None and oracle.get("dc_days_of_cover"):
        cover = sp["dc_days_of_cover"] / oracle["dc_days_of_cover"]
        out["dc_days_of_cover"] = cover <= TARGETS["dc_days_of_cover_vs_oracle_max"]
        out["dc_days_of_cover_value"] = round(cover, 4)
    # The going-concern yardstick (`evals.simulate.echelon_cover`), beside the target's figure:
    # informational, never what the target is judged on.
    before = (
        sp.get("dc_days_of_cover_before_run_down"),
        (oracle or {}).get("dc_days_of_cover_before_run_down"),
    )
    if before[0] is not None and before[1]:
        out["dc_days_of_cover_before_run_down_vs_oracle"] = round(before[0] / before[1], 4)
    # The oracle solved for a run with a tail beyond the horizon (`evals.policies.
    # oracle_tail_cover`), measured over the run: informational as well.
    tail = (oracle or {}).get("dc_days_of_cover_tail_solved")
    if tail:
        out["dc_days_of_cover_vs_tail_solved_oracle"] = round(sp["dc_days_of_cover"] / tail, 4)
    out["all"] = all(out[k] for k in ("cost_ratio", "fill_rate", "dc_days_of_cover"))
    return out


def line_cost_scenarios(config: SimConfig, data: NetworkData | None = None) -> list[dict[str, Any]]:
    """Return StockPilot (engine path) against the oracle with every line costing each amount.

    For each amount in `config.line_cost_scenarios`, transfer and purchase-order lines both
    cost it, in the engine's plan (lot sizes) and in the charges alike.
    """
    out = []
    for cost in config.line_cost_scenarios:
        scenario = dataclasses.replace(
            config,
            order_cost=float(cost),
            transfer_fixed_cost=float(cost),
            policies=("stockpilot",),
            graph_path=False,
        )
        world = build_world(scenario, data)
        sp = metrics(run_policy(world, make_policy("stockpilot", scenario)))
        oracle = {**oracle_base_stock(world)["metrics"], **_tail_figures(world)}
        base = oracle["total_cost"]
        out.append(
            {
                "line_cost": float(cost),
                "path": "engine",
                "stockpilot": {
                    **{k: sp[k] for k in SCENARIO_METRICS},
                    "cost_ratio_to_oracle": round(sp["total_cost"] / base, 4) if base > 0 else None,
                    "cost_ratio_end_credited": _ratio(
                        sp["total_cost_end_credited"], oracle["total_cost_end_credited"]
                    ),
                },
                "oracle_base_stock": {
                    k: oracle[k] for k in (*SCENARIO_METRICS, *ORACLE_TAIL_METRICS)
                },
                "target_met": _targets({"stockpilot": sp, "oracle_base_stock": oracle}),
            }
        )
    return out


def _tail_figures(world: World) -> dict[str, Any]:
    """Return the oracle's cover over the run when solved with a tail (`oracle_tail_cover`)."""
    tail = oracle_tail_cover(world)
    return {
        "tail_days": tail["tail_days"],
        "store_days_of_cover_tail_solved": tail["store_days_of_cover"],
        "dc_days_of_cover_tail_solved": tail["dc_days_of_cover"],
    }


def _ratio(cost: float, base: float) -> float | None:
    """Return `cost / base` to 4 places (None when the base is not positive)."""
    return round(cost / base, 4) if base > 0 else None


SCENARIO_METRICS = (
    "total_cost",
    "total_cost_end_credited",
    "end_stock_credit",
    "fill_rate",
    "fill_rate_servable",
    "avg_inventory_value",
    "store_days_of_cover",
    "dc_days_of_cover",
    "dc_days_of_cover_before_run_down",
)
"""The figures of a line-cost scenario (the oracle's also `ORACLE_TAIL_METRICS`)."""

ORACLE_TAIL_METRICS = (
    "tail_days",
    "store_days_of_cover_tail_solved",
    "dc_days_of_cover_tail_solved",
)
