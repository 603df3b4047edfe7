"""The two StockPilot paths of the simulation give the same numbers at CI size.

The graph path drafts every order through the copilot, has it approved at the gate and commits
it through the connector; the engine path writes the engine's orders straight into the twin.
The full-size report runs the engine path (the graph path takes about an hour there), so this
checks that nothing on the production path (draft checks, approval limits, commit re-checks)
changes what StockPilot does.
"""

from __future__ import annotations

from dataclasses import replace

from evals.sim_suite import run_simulation
from evals.simulate import SimConfig

METRICS = (
    "total_cost",
    "fill_rate",
    "lost_sales_units",
    "holding_cost",
    "ordering_cost",
    "transfer_cost",
    "purchase_orders",
    "transfers",
    "store_days_of_cover",
    "dc_days_of_cover",
    "rejected_writes",
)


def test_graph_path_matches_the_engine_path_at_ci_size() -> None:
    config = SimConfig(
        stores=3, skus=12, horizon_days=56, seed=7, policies=("stockpilot",), line_cost_scenarios=()
    )
    engine = run_simulation(replace(config, graph_path=False))
    graph = run_simulation(replace(config, graph_path=True))
    assert engine["config"]["path"] == "engine" and graph["config"]["path"] == "graph"
    a, b = engine["policies"]["stockpilot"], graph["policies"]["stockpilot"]
    assert {k: a[k] for k in METRICS} == {k: b[k] for k in METRICS}
    assert b["committed"] == b["drafted"] == a["purchase_orders"] + a["transfers"]
    assert b["draft_refused"] == b["gate_refused"] == b["commit_failed"] == 0
