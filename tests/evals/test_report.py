"""Tests for the evaluation report writer (evals.report), on small fake results."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np

from evals.report import write_report


def _policy(cost: float, fill: float, ratio: float) -> dict:
    return {
        "fill_rate": fill,
        "fill_rate_servable": min(fill + 0.01, 1.0),
        "lost_units": 12,
        "lost_margin": 40.0,
        "avg_inventory_value": 1500.0,
        "holding_cost": cost * 0.5,
        "ordering_cost": cost * 0.3,
        "transfer_cost": cost * 0.2,
        "total_cost": cost,
        "cost_ratio_to_oracle": ratio,
        "cost_ratio_end_credited": round(ratio - 0.05, 4),
        "actions": 9,
        "transfer_share": 0.1,
    }


def fake_sim() -> dict:
    days = 10
    return {
        "policies": {
            "oracle": _policy(1000.0, 0.99, 1.0),
            "stockpilot": _policy(1080.0, 0.975, 1.08),
            "min_max": _policy(1400.0, 0.93, 1.4),
        },
        "inventory_over_time": {
            "oracle": list(np.linspace(1000, 900, days)),
            "stockpilot": [1100.0] * days,
            "min_max": [1500.0] * days,
        },
        "trajectories": [
            {  # the shape evals.simulate writes
                "sku": "SKU-0",
                "location": "S1",
                "demand": [1, 2, 1, 0, 3] * 2,
                "on_hand": {"stockpilot": [5, 4, 3, 8, 7] * 2, "min_max": [9, 7, 6, 6, 3] * 2},
            },
            *(
                {
                    "sku": f"SKU-{i}",
                    "location": "S1",
                    "policies": {
                        "stockpilot": {"on_hand": [5, 4, 3, 8, 7] * 2, "demand": [1] * 10},
                        "oracle": {"on_hand": [3, 2, 1, 4, 3] * 2, "demand": [1] * 10},
                    },
                }
                for i in range(1, 5)
            ),
        ],
        "targets": {"cost_ratio_max": 1.15, "fill_rate": 0.95},
        "target_met": {
            "cost_ratio": True,
            "cost_ratio_value": 1.08,
            "fill_rate": False,
            "all": False,
        },
        "config": {"stores": 3, "skus": 12, "horizon_days": 10},
    }


def fake_agent() -> dict:
    return {
        "scores": {
            "trajectory_match": 0.9,
            "faithfulness": 0.95,
            "facts": 0.88,
            "proposal": 0.8,
            "adversarial": 1.0,
            "overall": 0.906,
        },
        "cases": [
            {"id": "c1", "passed": False, "failures": ["facts: missing ['S1']", "trajectory: x|y"]},
            {"id": "c2", "passed": True, "failures": []},
        ],
        "n": 2,
        "gates": {"thresholds": {"overall": 0.85, "facts": 0.9}, "failed": ["facts 0.88 < 0.9"]},
    }


def fake_forecast() -> dict:
    m = {"wape": 0.4, "bias": -0.01, "mase": 0.77, "mase_median": 0.78, "n_series": 3}
    m |= {"rmsse": 0.81, "pinball_90": 0.123}
    n = {"wape": 0.53, "bias": 0.02, "mase": 1.01, "mase_median": 1.0, "n_series": 3}
    return {
        "methods": ["stockpilot", "seasonal_naive"],
        "method_labels": {"stockpilot": "StockPilot", "seasonal_naive": "Seasonal naive"},
        "overall": {"stockpilot": m, "seasonal_naive": n},
        "by_class": {
            "smooth": {"stockpilot": m, "seasonal_naive": n},
            "erratic": {},
            "intermittent": {},
            "lumpy": {},
        },
        "class_counts": {"smooth": 3, "erratic": 0, "intermittent": 0, "lumpy": 0},
        "n_series": 3,
        "horizon": 28,
        "origins": 4,
        "cutoffs": ["2026-03-10"],
        "note": "statsforecast skipped: not importable",
    }


def fake_case() -> dict:
    m = {"wape": 0.9, "bias": 0.05, "mase": 0.5, "coverage_90": 0.88, "n_series": 2}
    return {
        "methods": ["stockpilot"],
        "method_labels": {"stockpilot": "StockPilot"},
        "overall": {"stockpilot": m},
        "by_class": {"intermittent": {"stockpilot": m}},
        "class_counts": {"intermittent": 2},
        "n_series": 2,
    }


def test_full_report(tmp_path: Path) -> None:
    results = {
        "sim": fake_sim(),
        "agent": fake_agent(),
        "forecast": {**fake_forecast(), "cases": {"spare_parts": fake_case()}},
        "meta": {"size": "ci", "llm": "offline", "seconds": {"sim": 1.5}},
        "extra": {"bad": math.nan, "arr": np.arange(3)},
    }
    paths = write_report(results, tmp_path)
    for key in ("json", "markdown", "html"):
        assert paths[key].exists() and paths[key].stat().st_size > 0
    assert {p.name for p in (tmp_path / "plots").iterdir()} == {
        "sim_cost_fill.png",
        "sim_inventory.png",
        "sim_trajectories.png",
        "agent_scores.png",
        "forecast_accuracy.png",
    }
    loaded = json.loads(paths["json"].read_text())
    assert loaded["extra"] == {"bad": None, "arr": [0, 1, 2]}
    assert loaded["sim"]["policies"]["stockpilot"]["total_cost"] == 1080.0

    md = paths["markdown"].read_text()
    assert "| stockpilot | 1,080 | 1.080 | 1.030 | 97.5 % | 98.5 % | 1,500 |" in md
    assert "| oracle | 1,000 | 1.000 | 0.950 | 99.0 % | 100.0 % |" in md
    assert "| min_max | 1,400 | 1.400 | 1.350 | 93.0 % | 94.0 % |" in md
    assert (
        "| stockpilot | 1,080 | 1.080 | 1.030 | 97.5 % | 98.5 % | 1,500 | – | – | – | – "
        "| 12 | 40 | 540 | 324 | 216 "
        "| 9 | 10.0 % "
        "| ✗ |" in md
    )
    assert "| cost_ratio | cost_ratio_max: 1.15 | 1.08 | ✓ |" in md
    assert "| fill_rate | 0.95 |  | ✗ |" in md and "| all targets |  |  | ✗ |" in md
    assert "| overall | 0.906 | 0.85 | ✓ |" in md and "| facts | 0.880 | 0.90 | ✗ |" in md
    assert "| faithfulness | 0.950 |  |  |" in md
    assert "Failed gates: facts 0.88 < 0.9" in md
    assert "| c1 | facts: missing ['S1']; trajectory: x\\|y |" in md and "| c2 |" not in md
    assert "| smooth | StockPilot | 3 | 0.400 | 0.770 | 0.810 | -1.0 % | – | 0.123 |" in md
    assert "| smooth | Seasonal naive | 3 | 0.530 | 1.010 | – | +2.0 % | – | – |" in md
    assert "| lumpy | – | 0 | – | – | – | – | – | – |" in md
    assert "### Generated case: spare_parts" in md
    assert "| intermittent | StockPilot | 2 | 0.900 | 0.500 | – | +5.0 % | 0.88 | – |" in md
    assert "![Total cost and fill rate per policy](plots/sim_cost_fill.png)" in md

    page = paths["html"].read_text()
    imgs = re.findall(r'<img src="([^"]+)"', page)
    assert len(imgs) == 5 and all(s.startswith("data:image/png;base64,iVBORw0KGgo") for s in imgs)
    # Self-contained: nothing is fetched from elsewhere.
    assert not re.search(r'(src|href)="(?!data:)', page)
    assert '<td class="l">stockpilot</td><td>1,080</td>' in page


def test_missing_suites_render(tmp_path: Path) -> None:
    paths = write_report({"forecast": fake_forecast()}, tmp_path)
    md = paths["markdown"].read_text()
    assert "Forecast accuracy" in md and "Simulation" not in md and "Agent" not in md
    assert "Suites: forecast" in md
    assert "data:image/png;base64," in paths["html"].read_text()

    paths = write_report({}, tmp_path / "empty")
    assert "Suites: none" in paths["markdown"].read_text()
    assert json.loads(paths["json"].read_text()) == {}


def test_suite_error_and_sparse_sim(tmp_path: Path) -> None:
    sim = {"policies": {"StockPilot": {"total_cost": 10.0}}, "target_met": True}
    paths = write_report(
        {"sim": sim, "agent": {"error": "evals.agent_eval is not available"}}, tmp_path
    )
    md = paths["markdown"].read_text()
    assert "Not available: evals.agent_eval is not available" in md
    assert "| StockPilot | 10 | – | – |" in md
    assert "| all targets |  |  | ✓ |" in md
