"""Run the evaluation suites in one command, write the report and compare with a baseline.

`run_eval` runs the closed-loop simulation (`evals.sim_suite`), the agent evaluation
(`evals.agent_eval`) and the forecast backtest (`evals.forecast_eval`, on the demo network and on
the generated hard cases of `evals.forecast_cases`) at a size ("ci": small,
the whole run in about a minute on 2 cores; "full": the 20-store x 300-SKU x 730-day demo
network) and writes results.json, report.md and report.html under `out` (`evals.report`).

`compare_to_baseline` checks the headline metrics (`headline_metrics`) against a baseline and
returns the regressions: a metric worse than the baseline by more than its tolerance
(`TOLERANCES`; an absolute one on rates, a relative one on ratios) or missing from a suite
that ran. Improvements never count as regressions; suites that did not run are not checked.

Baseline file (``evals/baseline.json``, written by `write_baseline` from a CI-size run)::

    {
      "format": 1,
      "size": "ci",                 # size of the run it was taken from
      "llm": "offline",             # LLM the agent suite used
      "created": "2026-06-30T12:00:00+00:00",
      "metrics": {                  # `headline_metrics` of that run; null where not measured
        "sim.cost_ratio_to_oracle": 1.08,
        "sim.fill_rate": 0.972,
        "agent.overall": 0.91,
        "agent.faithfulness": 0.95,
        "agent.adversarial": 0.88,
        "forecast.wape": 0.39
      },
      "tolerances": {...}           # `TOLERANCES` at creation, for the reader only
    }

Regenerate it after an intended change of behaviour with `write_baseline(run_eval("all",
out=...), Path("evals/baseline.json"))` and commit it with the change.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import inspect
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from evals.report import to_jsonable, write_report

Progress = Callable[[str, int, int], None]
Suite = Literal["sim", "agent", "forecast", "all"]
Size = Literal["ci", "full"]
SimPath = Literal["engine", "graph"]
# The simulation's StockPilot path by size when none is asked for: the graph (drafted, approved
# and committed through the copilot) at CI size; the engine at full size, where the graph path
# takes about an hour (the CI-size test checks that both paths give the same numbers).
DEFAULT_PATH: dict[str, str] = {"ci": "graph", "full": "engine"}
SUITES: tuple[str, ...] = ("sim", "agent", "forecast")
BUCKETS: tuple[str, ...] = ("day", "week", "month")  # what the forecast backtest scores in
# How the forecast backtest forecasts declining daily series (= planning.forecast.DECLINE_METHODS).
DECLINES: tuple[str, ...] = ("smoothed", "fitted")
BUCKET_DEMO_DAYS = 1096  # three years: two of history before the first weekly/monthly cut-off
AGENT_SPLITS: tuple[str, ...] = ("dev", "heldout")  # = evals.agent_eval.SPLITS, not imported here
BASELINE_FORMAT = 1
STOCKPILOT_POLICY = "stockpilot"  # policy name in the simulation results (case-insensitive)
DEMO_SEED = 7
DEMO_AS_OF = datetime.date(2026, 6, 30)  # fixed, so runs on different days compare

# Per size: the simulation config wanted (the keys SimConfig accepts are used), the demo
# network the forecast backtest runs on and the backtest settings.
SIZES: dict[str, dict[str, dict[str, Any]]] = {
    "ci": {
        "sim": {"stores": 3, "skus": 12, "horizon_days": 56, "seed": DEMO_SEED},
        "forecast_network": {"stores": 4, "skus": 30, "days": 730},
        "forecast": {"horizon": 28, "origins": 4},
        "forecast_cases": {"series": 200},
    },
    "full": {
        "sim": {
            "stores": 20,
            "skus": 300,
            "history_days": 640,  # with the 90-day horizon: the 730-day demo network
            "horizon_days": 90,
            "seed": DEMO_SEED,
        },
        "forecast_network": {"stores": 20, "skus": 300, "days": 730},
        "forecast": {"horizon": 28, "origins": 4},
        "forecast_cases": {"series": 1000},
    },
}
# Other names SimConfig may give a concept; the first one it accepts is used.
_SIM_ALIASES = {
    "stores": ("stores", "n_stores", "num_stores"),
    "skus": ("skus", "n_skus", "num_skus"),
    "horizon_days": ("horizon_days", "horizon", "sim_days", "days"),
    "history_days": ("history_days",),
    "seed": ("seed",),
}

# better: which direction is good; abs: allowed absolute worsening; rel: allowed relative one.
TOLERANCES: dict[str, dict[str, Any]] = {
    "sim.cost_ratio_to_oracle": {"better": "lower", "rel": 0.05},
    "sim.fill_rate": {"better": "higher", "abs": 0.02},
    "agent.overall": {"better": "higher", "abs": 0.02},
    "agent.faithfulness": {"better": "higher", "abs": 0.02},
    "agent.adversarial": {"better": "higher", "abs": 0.02},
    "forecast.wape": {"better": "lower", "rel": 0.05},
}


def run_eval(
    suite: Suite,
    *,
    llm: str = "offline",
    out: Path,
    size: Size = "ci",
    progress: Progress | None = None,
    data_dir: Path | None = None,
    split: str = "dev",
    path: SimPath | None = None,
    bucket: str = "day",
    decline: str = "fitted",
) -> dict[str, Any]:
    """Run `suite` ("all": every suite) at `size`, write the report under `out`; return results.

    `split` chooses the agent dataset: "dev" (the default) or "heldout" (`agent_eval.SPLITS`).
    `path` is the simulation's StockPilot path (default `DEFAULT_PATH[size]`). `bucket` ("day",
    "week", "month") is the bucket the forecast backtest scores in (`evals.forecast_eval`).
    `decline` ("smoothed", "fitted") is how the forecast backtest's StockPilot forecasts a
    significantly declining daily series (`planning.forecast.daily_periods`).

    With `data_dir` (a CSV interchange folder) the simulation replays that imported history and
    the forecast backtest runs on it, instead of the demo network. A suite whose module is not
    there yet records ``{"error": ...}`` instead of failing the run. The returned dict also holds
    ``files``: the written paths by kind.
    """
    data = None
    if data_dir is not None:
        from erp.csvio import read_csv_dir

        data = read_csv_dir(data_dir)
    if suite not in (*SUITES, "all"):
        raise ValueError(f"unknown suite {suite!r}; expected one of {[*SUITES, 'all']}")
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; expected one of {list(SIZES)}")
    if split not in AGENT_SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {list(AGENT_SPLITS)}")
    sim_path = path or DEFAULT_PATH[size]
    if sim_path not in ("engine", "graph"):
        raise ValueError(f"unknown path {sim_path!r}; expected engine or graph")
    if bucket not in BUCKETS:
        raise ValueError(f"unknown bucket {bucket!r}; expected one of {list(BUCKETS)}")
    if decline not in DECLINES:
        raise ValueError(f"unknown decline {decline!r}; expected one of {list(DECLINES)}")
    wanted = SUITES if suite == "all" else (suite,)
    started = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    results: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "sim": lambda: _run_sim(size, progress, data, sim_path),
        "agent": lambda: _run_agent(llm, progress, split),
        "forecast": lambda: _run_forecast(size, progress, data, bucket, decline),
    }
    for name in wanted:
        t0 = time.perf_counter()
        results[name] = runners[name]()
        seconds[name] = round(time.perf_counter() - t0, 2)
    results["meta"] = {
        "suite": suite,
        "size": size,
        "llm": llm,
        "split": split,
        "started": started.isoformat(),
        "seconds": seconds,
        "data": str(data_dir) if data_dir is not None else "demo",
        "bucket": bucket,
        "decline": decline,
    }
    if progress is not None:
        progress("report", 0, 1)
    files = write_report(results, Path(out))
    if progress is not None:
        progress("report", 1, 1)
    results["files"] = {k: str(p) for k, p in files.items()}
    return results


def _optional(module: str) -> Any | None:
    """Import `module`; None when that module itself does not exist (yet)."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


def _run_sim(
    size: str, progress: Progress | None, data: Any = None, path: str = "graph"
) -> dict[str, Any]:
    """Run the closed-loop simulation at `size` on `path` (replaying `data` when given)."""
    mod = _optional("evals.sim_suite")
    if mod is None:
        return {"error": "evals.sim_suite is not available"}
    config = sim_config(mod.SimConfig, size)
    if hasattr(config, "graph_path"):
        config = dataclasses.replace(config, graph_path=path == "graph")

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(f"sim:{stage}", done, total)

    if data is not None:
        replayed: dict[str, Any] = mod.run_simulation(config, progress=report, data=data)
        return replayed
    result: dict[str, Any] = mod.run_simulation(config, progress=report)
    return result


def sim_config(config_cls: Any, size: str) -> Any:
    """Build the simulation config for `size`: `config_cls.for_size(size)` if it has one."""
    if hasattr(config_cls, "for_size"):
        return config_cls.for_size(size)
    params = inspect.signature(config_cls).parameters
    kwargs = {}
    for concept, value in SIZES[size]["sim"].items():
        name = next((a for a in _SIM_ALIASES.get(concept, (concept,)) if a in params), None)
        if name is not None:
            kwargs[name] = value
    return config_cls(**kwargs)


def _run_agent(llm: str, progress: Progress | None, split: str = "dev") -> dict[str, Any]:
    """Run the agent evaluation on the dataset of `split` with `llm`."""
    mod = _optional("evals.agent_eval")
    if mod is None:
        return {"error": "evals.agent_eval is not available"}

    def report(*args: Any) -> None:
        # agent_eval calls progress(done, total, case_result); accept (stage, done, total) too.
        if progress is not None:
            stage, done, total = args if isinstance(args[0], str) else ("agent", *args[:2])
            progress(str(stage), int(done), int(total))

    if split == "dev":
        result: dict[str, Any] = mod.run_agent_eval(llm=llm, progress=report)
    else:
        result = mod.run_agent_eval(mod.dataset_of(split), llm=llm, progress=report)
        if split in mod.AGGREGATE_ONLY_SPLITS:  # no case of the held-out split in any report
            result = mod.aggregates_only(result)
    result["split"] = split
    return result


def _run_forecast(
    size: str,
    progress: Progress | None,
    data: Any = None,
    bucket: str = "day",
    decline: str = "fitted",
) -> dict[str, Any]:
    """Backtest the forecaster on `data`, else on the demo network of `size`, in `bucket`.

    In weeks or months the backtest settings are `BUCKET_BACKTEST`'s, and the demo network
    holds at least `BUCKET_DEMO_DAYS` of history (a year before the cut-offs and the horizon).
    """
    from erp.demo import generate_demo
    from evals.forecast_cases import run_bucket_cases, run_forecast_cases
    from evals.forecast_eval import BUCKET_BACKTEST, run_forecast_eval

    settings = SIZES[size]["forecast"] if bucket == "day" else BUCKET_BACKTEST[bucket]
    if data is not None:
        imported: dict[str, Any] = run_forecast_eval(
            data, progress=progress, bucket=bucket, decline=decline, **settings
        )
        imported["network"] = {"source": "imported"}
        return imported

    network = dict(SIZES[size]["forecast_network"])
    if bucket != "day":
        network["days"] = max(network["days"], BUCKET_DEMO_DAYS)
    net = generate_demo(seed=DEMO_SEED, as_of=DEMO_AS_OF, **network)
    result = run_forecast_eval(
        net.data, progress=progress, bucket=bucket, decline=decline, **settings
    )
    result["network"] = dict(network, seed=DEMO_SEED, as_of=str(DEMO_AS_OF))
    if bucket == "day":
        result["cases"] = run_forecast_cases(
            series=SIZES[size]["forecast_cases"]["series"],
            seed=DEMO_SEED,
            progress=progress,
            decline=decline,
            **settings,
        )
    elif bucket == "month":
        result["cases"] = run_bucket_cases(
            series=SIZES[size]["forecast_cases"]["series"], seed=DEMO_SEED, progress=progress
        )
    return result


# --- baseline -------------------------------------------------------------------------------


def headline_metrics(results: dict[str, Any]) -> dict[str, float | None]:
    """Return the headline metrics of the suites in `results` (None where not measured)."""
    out: dict[str, float | None] = {}
    sim = results.get("sim")
    if isinstance(sim, dict):
        policies = sim.get("policies") or {}
        name = next((k for k in policies if str(k).lower() == STOCKPILOT_POLICY), None)
        sp = policies.get(name) or {} if name is not None else {}
        out["sim.cost_ratio_to_oracle"] = _float(sp.get("cost_ratio_to_oracle"))
        out["sim.fill_rate"] = _float(sp.get("fill_rate"))
    agent = results.get("agent")
    if isinstance(agent, dict):
        scores = agent.get("scores") or {}
        for key in ("overall", "faithfulness", "adversarial"):
            out[f"agent.{key}"] = _float(scores.get(key))
    fc = results.get("forecast")
    if isinstance(fc, dict):
        overall = (fc.get("overall") or {}).get("stockpilot") or {}
        out["forecast.wape"] = _float(overall.get("wape"))
    return out


def compare_to_baseline(
    results: dict[str, Any],
    baseline: dict[str, Any],
    tolerances: dict[str, dict[str, Any]] = TOLERANCES,
) -> list[str]:
    """Return one line per headline metric of `results` worse than `baseline` beyond tolerance.

    `baseline` is a baseline file's content (or full results). Raises ValueError when both
    name their size and the sizes differ: such numbers do not compare.
    """
    base_size = baseline.get("size") or (baseline.get("meta") or {}).get("size")
    size = (results.get("meta") or {}).get("size")
    if base_size and size and base_size != size:
        raise ValueError(f"baseline is for size {base_size!r}, results for {size!r}")
    base = baseline["metrics"] if "metrics" in baseline else headline_metrics(baseline)
    current = headline_metrics(results)
    regressions = []
    for name, tol in tolerances.items():
        ref = _float(base.get(name))
        if ref is None or name.split(".")[0] not in results:
            continue
        value = current.get(name)
        if value is None:
            regressions.append(f"{name}: missing (baseline {ref:.4f})")
            continue
        allowed = float(tol.get("abs", 0.0)) + float(tol.get("rel", 0.0)) * abs(ref)
        worse = value - ref if tol.get("better") == "lower" else ref - value
        if worse > allowed + 1e-12:
            regressions.append(
                f"{name}: {value:.4f} vs baseline {ref:.4f} "
                f"(worse by {worse:.4f}, tolerance {allowed:.4f})"
            )
    return regressions


def baseline_payload(results: dict[str, Any]) -> dict[str, Any]:
    """Return the baseline file content for `results` (see the module docstring)."""
    meta = results.get("meta") or {}
    return {
        "format": BASELINE_FORMAT,
        "size": meta.get("size"),
        "llm": meta.get("llm"),
        "created": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        "metrics": headline_metrics(results),
        "tolerances": TOLERANCES,
    }


def write_baseline(results: dict[str, Any], path: Path) -> dict[str, Any]:
    """Write the baseline of `results` to `path` as JSON; return what was written."""
    payload = to_jsonable(baseline_payload(results))
    Path(path).write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n", "utf-8")
    return dict(payload)


def load_baseline(path: Path) -> dict[str, Any]:
    """Read a baseline file written by `write_baseline`."""
    data: dict[str, Any] = json.loads(Path(path).read_text("utf-8"))
    if data.get("format") != BASELINE_FORMAT:
        raise ValueError(f"{path}: unsupported baseline format {data.get('format')!r}")
    return data


def _float(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    f = float(v)
    return f if f == f and abs(f) != float("inf") else None
