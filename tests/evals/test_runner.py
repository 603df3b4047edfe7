"""Tests for the evaluation runner (evals.runner): baseline checks and the forecast suite."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from evals.runner import (
    TOLERANCES,
    compare_to_baseline,
    headline_metrics,
    load_baseline,
    run_eval,
    sim_config,
    write_baseline,
)


def _results(
    ratio: float = 1.08, fill: float = 0.97, overall: float = 0.9, wape: float = 0.4
) -> dict:
    return {
        "sim": {
            "policies": {
                "oracle": {"cost_ratio_to_oracle": 1.0, "fill_rate": 0.99},
                "StockPilot": {"cost_ratio_to_oracle": ratio, "fill_rate": fill},
            }
        },
        "agent": {"scores": {"overall": overall, "faithfulness": 0.95, "adversarial": 0.9}},
        "forecast": {"overall": {"stockpilot": {"wape": wape}, "seasonal_naive": {"wape": 0.5}}},
        "meta": {"size": "ci", "llm": "offline"},
    }


def test_headline_metrics() -> None:
    assert headline_metrics(_results()) == {
        "sim.cost_ratio_to_oracle": 1.08,
        "sim.fill_rate": 0.97,
        "agent.overall": 0.9,
        "agent.faithfulness": 0.95,
        "agent.adversarial": 0.9,
        "forecast.wape": 0.4,
    }
    assert headline_metrics({"forecast": {"error": "x"}}) == {"forecast.wape": None}


def test_compare_accepts_within_tolerance(tmp_path: Path) -> None:
    written = write_baseline(_results(), tmp_path / "baseline.json")
    baseline = load_baseline(tmp_path / "baseline.json")
    assert baseline["metrics"] == written["metrics"] and baseline["size"] == "ci"
    # Inside the tolerance: +4 % relative on cost ratio and WAPE, -0.015 on rates.
    near = _results(ratio=1.08 * 1.04, fill=0.955, overall=0.885, wape=0.4 * 1.04)
    assert compare_to_baseline(near, baseline, TOLERANCES) == []
    # Improvements are never regressions.
    assert compare_to_baseline(_results(ratio=1.0, fill=1.0, overall=1.0, wape=0.1), baseline) == []


def test_compare_flags_regressions_beyond_tolerance(tmp_path: Path) -> None:
    baseline = write_baseline(_results(), tmp_path / "baseline.json")
    worse = _results(ratio=1.08 * 1.06, fill=0.945, overall=0.87, wape=0.4 * 1.06)
    found = compare_to_baseline(worse, baseline, TOLERANCES)
    assert [line.split(":")[0] for line in found] == [
        "sim.cost_ratio_to_oracle",
        "sim.fill_rate",
        "agent.overall",
        "forecast.wape",
    ]
    # A suite that ran without its metric regresses; a suite that did not run is not checked.
    partial = {"forecast": {"error": "boom"}, "meta": {"size": "ci"}}
    assert compare_to_baseline(partial, baseline) == ["forecast.wape: missing (baseline 0.4000)"]
    # Full results work as the baseline too; other sizes do not compare.
    assert compare_to_baseline(worse, _results(), {"sim.fill_rate": TOLERANCES["sim.fill_rate"]})
    with pytest.raises(ValueError, match="size"):
        compare_to_baseline({**worse, "meta": {"size": "full"}}, baseline)


def test_sim_config_maps_size_onto_config_fields() -> None:
    class Cfg:
        def __init__(self, n_stores: int = 1, skus: int = 1, horizon: int = 1) -> None:
            self.kw = {"n_stores": n_stores, "skus": skus, "horizon": horizon}

    assert sim_config(Cfg, "ci").kw == {"n_stores": 3, "skus": 12, "horizon": 56}

    class WithSizes:
        @classmethod
        def for_size(cls, size: str) -> str:
            return f"sized {size}"

    assert sim_config(WithSizes, "full") == "sized full"


def test_forecast_suite_end_to_end(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    out = tmp_path / "eval"
    results = run_eval("forecast", out=out, size="ci", progress=lambda *a: calls.append(a))
    assert set(results) == {"forecast", "meta", "files"}
    fc = results["forecast"]
    assert fc["n_series"] > 50 and fc["overall"]["stockpilot"]["wape"] > 0
    # its time is reported (speed targets live in benchmarks, not in a timed test)
    assert results["meta"]["size"] == "ci" and results["meta"]["seconds"]["forecast"] > 0
    assert ("report", 1, 1) in calls and any(c[0] == "forecast" for c in calls)
    for name in ("results.json", "report.md", "report.html", "plots/forecast_accuracy.png"):
        assert (out / name).is_file()
    saved = json.loads((out / "results.json").read_text())
    assert saved["forecast"]["overall"] == fc["overall"]
    assert "Forecast accuracy" in (out / "report.md").read_text()
    write_baseline(results, tmp_path / "b.json")
    assert compare_to_baseline(results, load_baseline(tmp_path / "b.json")) == []


def test_run_eval_rejects_unknown_suite_and_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        run_eval("nope", out=tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        run_eval("forecast", out=tmp_path, size="huge")  # type: ignore[arg-type]


def test_sim_and_agent_suites_through_their_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = types.ModuleType("evals.sim_suite")

    class SimConfig:
        def __init__(
            self, stores: int = 1, skus: int = 1, horizon_days: int = 1, seed: int = 0
        ) -> None:
            self.stores, self.skus, self.horizon_days = stores, skus, horizon_days

    def run_simulation(config: SimConfig, progress=None) -> dict:
        progress("stockpilot", 1, 2)
        return {
            "policies": {"stockpilot": {"cost_ratio_to_oracle": 1.0, "fill_rate": 0.9}},
            "config": {"stores": config.stores, "horizon_days": config.horizon_days},
        }

    sim.SimConfig = SimConfig  # type: ignore[attr-defined]
    sim.run_simulation = run_simulation  # type: ignore[attr-defined]
    agent = types.ModuleType("evals.agent_eval")

    def run_agent_eval(*, llm: str, progress=None) -> dict:
        progress(3, 4, {"id": "c3"})  # agent_eval's own progress signature
        return {"scores": {"overall": 1.0}, "llm": llm, "n": 4, "cases": []}

    agent.run_agent_eval = run_agent_eval  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "evals.sim_suite", sim)
    monkeypatch.setitem(sys.modules, "evals.agent_eval", agent)
    calls: list[tuple] = []
    r = run_eval("sim", out=tmp_path / "s", progress=lambda *a: calls.append(a))
    assert r["sim"]["config"] == {"stores": 3, "horizon_days": 56}
    r = run_eval("agent", llm="openai", out=tmp_path / "a", progress=lambda *a: calls.append(a))
    assert r["agent"]["llm"] == "openai"
    assert calls == [
        ("sim:stockpilot", 1, 2),
        ("report", 0, 1),
        ("report", 1, 1),
        ("agent", 3, 4),
        ("report", 0, 1),
        ("report", 1, 1),
    ]


def test_missing_suite_module_is_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "evals.sim_suite", None)
    r = run_eval("sim", out=tmp_path)
    assert r["sim"] == {"error": "evals.sim_suite is not available"}
    assert "Not available" in (tmp_path / "report.md").read_text()


def test_the_agent_split_is_chosen_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    agent = types.ModuleType("evals.agent_eval")
    seen: list[object] = []

    def run_agent_eval(dataset: object = None, *, llm: str, progress=None) -> dict:
        seen.append(dataset)
        case = {"id": "case-that-failed", "passed": False, "failures": ["facts: 'x' missing"]}
        return {"scores": {"overall": 0.5}, "llm": llm, "n": 1, "cases": [case]}

    from evals.agent_eval import AGGREGATE_ONLY_SPLITS, aggregates_only

    agent.run_agent_eval = run_agent_eval  # type: ignore[attr-defined]
    agent.dataset_of = lambda split: Path(f"{split}.jsonl")  # type: ignore[attr-defined]
    agent.AGGREGATE_ONLY_SPLITS = AGGREGATE_ONLY_SPLITS  # type: ignore[attr-defined]
    agent.aggregates_only = aggregates_only  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "evals.agent_eval", agent)
    dev = run_eval("agent", out=tmp_path / "d")
    held = run_eval("agent", out=tmp_path / "h", split="heldout")
    assert seen == [None, Path("heldout.jsonl")]
    assert dev["agent"]["split"] == "dev" and held["agent"]["split"] == "heldout"
    assert held["meta"]["split"] == "heldout"
    # The held-out split's report files name no case; the dev split's list its failures.
    for folder, named in ((tmp_path / "d", True), (tmp_path / "h", False)):
        text = "".join(p.read_text(errors="ignore") for p in folder.rglob("*") if p.is_file())
        assert ("case-that-failed" in text) is named, folder
    assert held["agent"]["failed_n"] == 1 and "cases" not in held["agent"]
    with pytest.raises(ValueError, match="split"):
        run_eval("agent", out=tmp_path / "x", split="test")
