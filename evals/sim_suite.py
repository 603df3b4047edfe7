"""The simulation suite: every policy and the base-stock oracle on one world, compared.

`run_simulation` builds the world (`evals.simulate.build_world`), runs each configured policy
(`evals.policies`) through the twin, solves the oracle, and returns JSON-ready results: metrics
per policy, inventory over time, a few trajectories and the headline targets.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import asdict
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from evals.policies import make_policy, oracle_base_stock
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

__all__ = ["TARGETS", "SimConfig", "run_simulation"]

# Issue 13's targets for StockPilot: total cost within 5 % of the hindsight oracle, fill of
# at least 98 %, and the DCs holding no more than 10 % more days of cover than the oracle's.
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
    over_time["oracle_base_stock"] = [round(float(v), 2) for v in oracle["inventory_value"]]
    base = oracle["metrics"]["total_cost"]
    for m in results.values():
        m["cost_ratio_to_oracle"] = round(m["total_cost"] / base, 4) if base > 0 else None
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
        "target_met": _targets(results),
        "line_costs": line_cost_scenarios(config, data),
    }


def _targets(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return whether StockPilot meets the headline targets (None where a run is missing)."""
    sp, oracle = results.get("stockpilot"), results.get("oracle_base_stock")
    out: dict[str, Any] = {"cost_ratio": None, "fill_rate": None, "dc_days_of_cover": None}
    if sp is None:
        return out
    ratio = sp.get("cost_ratio_to_oracle")
    out["cost_ratio"] = ratio is not None and ratio <= TARGETS["cost_ratio_max"]
    out["cost_ratio_value"] = ratio
    out["fill_rate"] = sp["fill_rate"] >= TARGETS["fill_rate_min"]
    out["fill_rate_value"] = sp["fill_rate"]
    if oracle is not None and oracle.get("dc_days_of_cover"):
        cover = sp["dc_days_of_cover"] / oracle["dc_days_of_cover"]
        out["dc_days_of_cover"] = cover <= TARGETS["dc_days_of_cover_vs_oracle_max"]
        out["dc_days_of_cover_value"] = round(cover, 4)
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
        oracle = oracle_base_stock(world)["metrics"]
        base = oracle["total_cost"]
        out.append(
            {
                "line_cost": float(cost),
                "path": "engine",
                "stockpilot": {
                    **{k: sp[k] for k in SCENARIO_METRICS},
                    "cost_ratio_to_oracle": round(sp["total_cost"] / base, 4) if base > 0 else None,
                },
                "oracle_base_stock": {k: oracle[k] for k in SCENARIO_METRICS},
            }
        )
    return out


SCENARIO_METRICS = (
    "total_cost",
    "fill_rate",
    "avg_inventory_value",
    "store_days_of_cover",
    "dc_days_of_cover",
)
