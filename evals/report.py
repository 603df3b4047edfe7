"""Write the evaluation report: results.json, report.md and a self-contained report.html.

`results` holds one entry per suite that ran, any of them may be missing:

- ``sim`` (`evals.sim_suite.run_simulation`): policies, inventory_over_time, trajectories,
  targets, target_met, config;
- ``agent`` (`evals.agent_eval.run_agent_eval`): scores, cases, n;
- ``forecast`` (`evals.forecast_eval.run_forecast_eval`): overall, by_class, class_counts, ...;
- ``meta`` (optional): suite, size, llm, started, seconds per suite.

A suite entry ``{"error": "..."}`` renders as "not available". The content is built once as a
list of blocks (`build_blocks`) and the plots as PNG bytes (`build_plots`), both pure; the
markdown links the PNGs written under ``plots/``, the HTML embeds them as base64 data URIs and
needs no other file.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

ORACLE = "oracle"
STOCKPILOT = "stockpilot"
MAX_TRAJECTORIES = 4
MAX_CASES = 10
CLASS_ORDER = ("smooth", "erratic", "intermittent", "lumpy")
DPI = 100


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1-3)."""

    level: int
    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table of plain-text cells."""

    header: list[str]
    rows: list[list[str]]
    left: int = 1  # leading text columns, left-aligned; the others are right-aligned


@dataclass(frozen=True)
class Image:
    """A plot, by its key in `build_plots`."""

    key: str
    caption: str


Block = Heading | Para | Table | Image


def write_report(results: dict[str, Any], out: Path) -> dict[str, Path]:
    """Write results.json, report.md, report.html and the plot PNGs under `out`; return paths."""
    out = Path(out)
    plot_dir = out / "plots"
    plot_dir.mkdir(parents=True, exist_ok=True)
    clean = to_jsonable(results)
    blocks = build_blocks(clean)
    plots = build_plots(clean)
    paths: dict[str, Path] = {
        "json": out / "results.json",
        "markdown": out / "report.md",
        "html": out / "report.html",
    }
    paths["json"].write_text(json.dumps(clean, indent=2, allow_nan=False) + "\n", "utf-8")
    for key, png in plots.items():
        paths[f"plot_{key}"] = plot_dir / f"{key}.png"
        paths[f"plot_{key}"].write_bytes(png)
    paths["markdown"].write_text(render_markdown(blocks, plots), "utf-8")
    paths["html"].write_text(render_html(blocks, plots), "utf-8")
    return paths


def to_jsonable(obj: Any) -> Any:
    """Return `obj` with numpy values as Python ones and NaN / inf as None."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    return obj


# --- content --------------------------------------------------------------------------------


def build_blocks(results: dict[str, Any]) -> list[Block]:
    """Return the report content for the suites present in `results`."""
    meta = results.get("meta") or {}
    blocks: list[Block] = [Heading(1, "StockPilot evaluation report")]
    suites = [s for s in ("sim", "agent", "forecast") if s in results]
    facts = [f"Suites: {', '.join(suites) or 'none'}"]
    for key in ("size", "llm", "started"):
        if meta.get(key):
            facts.append(f"{key}: {meta[key]}")
    if meta.get("decline") not in (None, "fitted"):  # not the default forecast of declines
        facts.append(f"declining series: {meta['decline']}")
    if meta.get("seconds"):
        facts.append(
            "time: " + ", ".join(f"{k} {_num(v, 1)} s" for k, v in meta["seconds"].items())
        )
    blocks.append(Para(" · ".join(facts)))
    if "sim" in results:
        blocks += _sim_blocks(results["sim"])
    if "agent" in results:
        blocks += _agent_blocks(results["agent"])
    if "forecast" in results:
        blocks += _forecast_blocks(results["forecast"])
    return blocks


def _error_blocks(title: str, res: Any) -> list[Block] | None:
    if isinstance(res, dict) and "error" in res:
        return [Heading(2, title), Para(f"Not available: {res['error']}")]
    if not isinstance(res, dict):
        return [Heading(2, title), Para("Not available: no result.")]
    return None


def _sim_blocks(sim: Any) -> list[Block]:
    failed = _error_blocks("Simulation", sim)
    if failed is not None:
        return failed
    blocks: list[Block] = [Heading(2, "Simulation (closed loop)")]
    config = sim.get("config") or {}
    scalars = [f"{k}={v}" for k, v in config.items() if isinstance(v, str | int | float | bool)]
    if scalars:
        blocks.append(Para("Config: " + ", ".join(scalars)))
    policies: dict[str, dict[str, Any]] = sim.get("policies") or {}
    met = _policy_met(sim.get("target_met"), list(policies))
    header = [
        "Policy",
        "Total cost",
        "Ratio to oracle",
        "Ratio, end stock credited",
        "Fill rate",
        "Fill, servable demand",
        "Avg inventory value",
        "Store days of cover",
        "DC days of cover",
        "DC cover before run-down",
        "DC cover, tail-solved",
        "Lost units",
        "Lost margin",
        "Holding",
        "Ordering",
        "Transfer",
        "Actions",
        "Transfer share",
    ]
    if met:
        header.append("Targets met")
    rows = []
    for name, p in policies.items():
        row = [
            name,
            _money(p.get("total_cost")),
            _num(p.get("cost_ratio_to_oracle"), 3),
            _num(p.get("cost_ratio_end_credited"), 3),
            _pct(p.get("fill_rate")),
            _pct(p.get("fill_rate_servable")),
            _money(p.get("avg_inventory_value")),
            _num(p.get("store_days_of_cover"), 1),
            _num(p.get("dc_days_of_cover"), 1),
            _num(p.get("dc_days_of_cover_before_run_down"), 1),
            _num(p.get("dc_days_of_cover_tail_solved"), 1),
            _num(p.get("lost_units", p.get("lost_sales_units")), 0),
            _money(p.get("lost_margin")),
            _money(p.get("holding_cost")),
            _money(p.get("ordering_cost")),
            _money(p.get("transfer_cost")),
            _num(p.get("actions"), 0),
            _pct(p.get("transfer_share")),
        ]
        if met:
            row.append(met.get(name, ""))
        rows.append(row)
    if rows:
        blocks.append(Table(header, rows))
    if config.get("path"):
        blocks.append(
            Para(
                f"StockPilot ran on the {config['path']} path"
                + (
                    " (drafted, approved and committed through the copilot graph)."
                    if config["path"] == "graph"
                    else " (the engine's orders written straight into the twin)."
                )
            )
        )
    scenarios = sim.get("line_costs") or []
    if scenarios:
        blocks += [
            Heading(3, "Line costs"),
            Para(
                "StockPilot (engine path) and the oracle again, with every transfer and "
                "purchase-order line costing the amount shown. The targets compare the cost "
                "with the end stock credited: the lane cost already paid on what stands in "
                "the stores (or is on its way to them) on the last day, credited back the "
                "same way for every policy and the oracle; the charged ratio is beside it. "
                "DC cover before run-down leaves out each SKU-location's last L + R days, where "
                "a hindsight level may let the stock run down (docs/planning.md); the target "
                "is judged on the full run's DC cover. Oracle DC cover, tail-solved: the "
                "oracle's levels chosen for the run plus a tail of the days shown (its last "
                "four weeks of demand repeated, so every order placed in the run lands inside "
                "it) and its stock measured over the run only; StockPilot never sees the "
                "horizon, so its own cover is the same either way."
            ),
            Table(
                ["Line cost", "StockPilot cost", "Oracle cost", "Ratio",
                 "Ratio, end stock credited", "Fill", "Fill, servable", "Oracle fill",
                 "Store cover", "Oracle store cover", "DC cover", "Oracle DC cover",
                 "DC cover before run-down", "Oracle's", "Oracle DC cover, tail-solved",
                 "Tail days", "Targets met"],
                [
                    [
                        _num(sc.get("line_cost"), 0),
                        _money(sc["stockpilot"].get("total_cost")),
                        _money(sc["oracle_base_stock"].get("total_cost")),
                        _num(sc["stockpilot"].get("cost_ratio_to_oracle"), 3),
                        _num(sc["stockpilot"].get("cost_ratio_end_credited"), 3),
                        _pct(sc["stockpilot"].get("fill_rate")),
                        _pct(sc["stockpilot"].get("fill_rate_servable")),
                        _pct(sc["oracle_base_stock"].get("fill_rate")),
                        _num(sc["stockpilot"].get("store_days_of_cover"), 1),
                        _num(sc["oracle_base_stock"].get("store_days_of_cover"), 1),
                        _num(sc["stockpilot"].get("dc_days_of_cover"), 1),
                        _num(sc["oracle_base_stock"].get("dc_days_of_cover"), 1),
                        _num(sc["stockpilot"].get("dc_days_of_cover_before_run_down"), 1),
                        _num(sc["oracle_base_stock"].get("dc_days_of_cover_before_run_down"), 1),
                        _num(sc["oracle_base_stock"].get("dc_days_of_cover_tail_solved"), 1),
                        _num(sc["oracle_base_stock"].get("tail_days"), 0),
                        _mark((sc.get("target_met") or {}).get("all")),
                    ]
                    for sc in scenarios
                ],
            ),
        ]  # fmt: skip
    blocks += _matched_fill_blocks(sim.get("matched_fill"))
    targets = _target_rows(sim.get("targets"), sim.get("target_met"))
    if targets:
        blocks += [Heading(3, "Targets"), Table(["Target", "Goal", "Value", "Met"], targets, 2)]
    blocks.append(Image("sim_cost_fill", "Total cost and fill rate per policy"))
    if sim.get("inventory_over_time"):
        blocks.append(Image("sim_inventory", "Inventory value over time per policy"))
    if sim.get("trajectories"):
        blocks.append(Image("sim_trajectories", "On hand and demand of a few SKU-locations"))
    return blocks


def _matched_fill_blocks(matched: Any) -> list[Block]:
    """Return the inventory each policy needs at StockPilot's fill, per echelon."""
    if not isinstance(matched, dict) or not matched.get("policies"):
        return []
    rows = []
    for name, m in matched["policies"].items():
        at = m if m.get("reached") else m.get("best") or {}
        closest = f"not reached; closest {_pct(at.get('fill_rate'))}"
        fill = "matched" if m.get("reached") else closest
        rows.append(
            [
                name,
                fill,
                _num(at.get("scale"), 2),
                _money(at.get("avg_inventory_value")),
                _num(at.get("inventory_vs_stockpilot"), 3),
                _num(at.get("store_days_of_cover"), 1),
                _num(at.get("dc_days_of_cover"), 1),
            ]
        )
    return [
        Heading(3, "Inventory at matched fill"),
        Para(
            f"The inventory each policy needs to reach StockPilot's fill "
            f"({_pct(matched.get('fill_rate'))}): min-max (s and S), naive cover (X and Y "
            "days) and the oracle (its hindsight levels) run again with their levels scaled; "
            "inventory and days of cover are interpolated in fill between the two runs around "
            "it. A policy that never reaches that fill shows the run that came closest."
        ),
        Table(
            ["Policy", "Fill", "Level scale", "Avg inventory value", "vs StockPilot",
             "Store cover", "DC cover"],
            rows,
        ),
    ]  # fmt: skip


def _policy_met(target_met: Any, policies: list[str]) -> dict[str, str]:
    """Return ✓/✗ per policy: by policy name, else StockPilot's from an overall ``all`` flag."""
    if not isinstance(target_met, dict):
        return {}
    out = {}
    for name in policies:
        value = target_met.get(name)
        if isinstance(value, bool):
            out[name] = _mark(value)
        elif isinstance(value, dict) and value:
            out[name] = _mark(all(bool(v) for v in _flatten(value).values()))
    sp = next((n for n in policies if n.lower() == STOCKPILOT), None)
    if not out and sp is not None and isinstance(target_met.get("all"), bool):
        out[sp] = _mark(target_met["all"])
    return out


def _target_rows(targets: Any, target_met: Any) -> list[list[str]]:
    """Return (target, goal, value, ✓/✗) rows from the `targets` and `target_met` dicts.

    A flag ``name`` in `target_met` (bool, or None: not measured) takes its value from
    ``name_value`` and its goal from the `targets` entry named ``name`` or starting with it.
    """
    if isinstance(target_met, bool):
        return [["all targets", "", "", _mark(target_met)]]
    goals = _flatten(targets) if isinstance(targets, dict) else {}
    met = _flatten(target_met) if isinstance(target_met, dict) else {}
    rows = []
    for name, flag in met.items():
        if name == "all" or name.endswith("_value") or not (flag is None or isinstance(flag, bool)):
            continue
        key = name if name in goals else next((g for g in goals if g.startswith(name)), None)
        goal = "" if key is None else _cell(goals[key]) if key == name else f"{key}: {goals[key]}"
        value = met.get(f"{name}_value")
        rows.append([name, goal, _cell(value), "–" if flag is None else _mark(flag)])
    if isinstance(met.get("all"), bool):
        rows.append(["all targets", "", "", _mark(met["all"])])
    return rows


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _agent_blocks(agent: Any) -> list[Block]:
    failed = _error_blocks("Agent quality", agent)
    if failed is not None:
        return failed
    blocks: list[Block] = [Heading(2, "Agent quality")]
    cases = [c for c in agent.get("cases") or [] if isinstance(c, dict)]
    n = agent.get("n", len(cases))
    facts = [f"{n} cases"]
    if agent.get("adversarial_n") is not None:
        facts[0] += f" ({agent['adversarial_n']} adversarial)"
    if agent.get("dataset"):
        facts.append(f"dataset {agent['dataset']} {agent.get('version', '')}".strip())
    facts.append(f"LLM {agent.get('llm', 'n/a')}")
    if _is_number(agent.get("model_calls_per_request")):
        facts.append(f"{agent['model_calls_per_request']:g} model calls per request")
    blocks.append(Para(", ".join(facts) + "."))
    scores = agent.get("scores") or {}
    gates = (agent.get("gates") or {}).get("thresholds") or {}
    if scores:
        rows = []
        for k, v in scores.items():
            gate = gates.get(k)
            ok = "" if not _is_number(gate) or not _is_number(v) else _mark(v >= gate)
            rows.append([k, _num(v, 3), _num(gate, 2) if gate is not None else "", ok])
        blocks.append(Table(["Metric", "Score", "Gate", "Met"], rows))
        blocks.append(Image("agent_scores", "Agent scores"))
    failed_gates = (agent.get("gates") or {}).get("failed")
    if failed_gates:
        blocks.append(Para("Failed gates: " + "; ".join(str(g) for g in failed_gates)))
    failing = [c for c in cases if c.get("passed") is False]
    if failing:
        rows = [
            [_cell(c.get("id", "")), "; ".join(str(f) for f in c.get("failures") or [])]
            for c in failing[:MAX_CASES]
        ]
        title = f"Failed cases ({len(failing)} of {len(cases)}"
        title += f", first {MAX_CASES})" if len(failing) > MAX_CASES else ")"
        blocks += [Heading(3, title), Table(["Case", "Failures"], rows, left=2)]
    return blocks


def _forecast_blocks(fc: Any) -> list[Block]:
    failed = _error_blocks("Forecast accuracy", fc)
    if failed is not None:
        return failed
    blocks: list[Block] = [Heading(2, "Forecast accuracy (rolling-origin backtest)")]
    blocks += _forecast_case_blocks(fc, "store series")
    blocks.append(Image("forecast_accuracy", "WAPE by demand class and method (lower is better)"))
    for name, case in (fc.get("cases") or {}).items():
        blocks.append(Heading(3, f"Generated case: {name}"))
        blocks += _forecast_case_blocks(case, "generated series")
    return blocks


def _forecast_case_blocks(fc: Any, what: str) -> list[Block]:
    """Facts and one row per (class, method): WAPE, MASE, RMSSE, bias, 90 % coverage, pinball."""
    methods: list[str] = fc.get("methods") or list((fc.get("overall") or {}).keys())
    labels = fc.get("method_labels") or {}
    facts = [f"{fc.get('n_series', 0)} {what}"]
    if fc.get("horizon"):
        unit = fc.get("bucket") or "day"
        facts.append(f"{fc['horizon']}-{unit} horizon, {fc.get('origins', '?')} origins")
    if fc.get("cutoffs"):
        facts.append("cut-offs " + ", ".join(fc["cutoffs"]))
    blocks: list[Block] = [Para("; ".join(facts) + ".")]
    if fc.get("note"):
        blocks.append(Para(f"Note: {fc['note']}"))
    header = ["Class", "Method", "Series", "WAPE", "MASE", "RMSSE", "Bias"]
    header += ["90 % coverage", "Pinball 0.9"]
    counts = fc.get("class_counts") or {}
    by_class = fc.get("by_class") or {}
    classes = [c for c in CLASS_ORDER if c in by_class or c in counts]
    classes += [c for c in by_class if c not in classes]
    groups = [("overall", fc.get("n_series"), fc.get("overall") or {})]
    groups += [(c, counts.get(c), by_class.get(c) or {}) for c in classes]
    rows = []
    for name, count, metrics in groups:
        if not metrics:
            rows.append(_forecast_row(name, "–", count, {}))
        for m in methods:
            if m in metrics:
                rows.append(_forecast_row(name, labels.get(m, m), count, metrics[m]))
    blocks.append(Table(header, rows, left=2))
    return blocks


def _forecast_row(name: str, method: str, count: Any, metrics: dict[str, Any]) -> list[str]:
    return [
        name,
        method,
        _num(count, 0),
        _num(metrics.get("wape"), 3),
        _num(metrics.get("mase"), 3),
        _num(metrics.get("rmsse"), 3),
        _signed_pct(metrics.get("bias")),
        _num(metrics.get("coverage_90"), 2),
        _num(metrics.get("pinball_90"), 3),
    ]


# --- plots ----------------------------------------------------------------------------------


def build_plots(results: dict[str, Any]) -> dict[str, bytes]:
    """Return the PNG plots for the suites present in `results`, by key."""
    plots: dict[str, bytes] = {}
    sim = results.get("sim")
    if isinstance(sim, dict) and "error" not in sim:
        names = [*(sim.get("policies") or {}), *(sim.get("inventory_over_time") or {})]
        for traj in sim.get("trajectories") or []:
            names += list(_trajectory(traj)[1])
        pal = _palette(names)
        if sim.get("policies"):
            plots["sim_cost_fill"] = _png(_plot_cost_fill(sim["policies"], pal))
        if sim.get("inventory_over_time"):
            plots["sim_inventory"] = _png(_plot_inventory(sim["inventory_over_time"], pal))
        if sim.get("trajectories"):
            plots["sim_trajectories"] = _png(_plot_trajectories(sim["trajectories"], pal))
    agent = results.get("agent")
    if isinstance(agent, dict) and agent.get("scores"):
        plots["agent_scores"] = _png(_plot_agent(agent["scores"]))
    fc = results.get("forecast")
    if isinstance(fc, dict) and fc.get("overall"):
        plots["forecast_accuracy"] = _png(_plot_forecast(fc))
    return plots


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return buf.getvalue()


_OTHER_COLOURS = ("#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22")


def _palette(names: list[str]) -> dict[str, str]:
    """Return one colour per name: StockPilot blue, the oracle grey, the others in order."""
    out: dict[str, str] = {}
    others = 0
    for name in dict.fromkeys(names):
        if name.lower() == STOCKPILOT:
            out[name] = "#1f77b4"
        elif name.lower().startswith(ORACLE):
            out[name] = "#7f7f7f"
        else:
            out[name] = _OTHER_COLOURS[others % len(_OTHER_COLOURS)]
            others += 1
    return out


def _plot_cost_fill(policies: dict[str, dict[str, Any]], pal: dict[str, str]) -> Figure:
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    ax_cost, ax_fill = fig.subplots(1, 2)
    names = list(policies)
    colours = [pal[n] for n in names]
    cost = [_f(policies[n].get("total_cost")) for n in names]
    fill = [_f(policies[n].get("fill_rate")) * 100 for n in names]
    ax_cost.bar(names, cost, color=colours)
    ax_cost.set_title("Total cost")
    ax_fill.bar(names, fill, color=colours)
    ax_fill.set_title("Fill rate (%)")
    low = min((v for v in fill if math.isfinite(v)), default=0.0)
    ax_fill.set_ylim(max(0.0, low - 5.0), 100.5)
    for ax in (ax_cost, ax_fill):
        ax.tick_params(axis="x", labelrotation=30)
        ax.grid(axis="y", alpha=0.3)
    return fig


def _plot_inventory(series: dict[str, list[float]], pal: dict[str, str]) -> Figure:
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    ax = fig.subplots()
    for name, values in series.items():
        ax.plot([_f(v) for v in values], label=name, color=pal[name], lw=1.4)
    ax.set_xlabel("day")
    ax.set_ylabel("inventory value")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=min(len(series), 4))
    return fig


def _trajectory(traj: dict[str, Any]) -> tuple[list[float], dict[str, list[float]]]:
    """Return (demand, on hand by policy) of a trajectory in either shape.

    Shapes: ``{"demand": [...] | {policy: [...]}, "on_hand": {policy: [...]}}`` or
    ``{"policies": {policy: {"on_hand": [...], "demand": [...]}}}``.
    """
    if isinstance(traj.get("on_hand"), dict):
        on_hand = {str(k): [_f(v) for v in vals] for k, vals in traj["on_hand"].items()}
        raw = traj.get("demand")
        if isinstance(raw, dict):  # per policy (a DC's pulls): show the first
            raw = next(iter(raw.values()), [])
        return [_f(v) for v in raw or []], on_hand
    policies = traj.get("policies") or {}
    demand = next((p.get("demand") for p in policies.values() if p.get("demand")), None) or []
    on_hand = {str(k): [_f(v) for v in p.get("on_hand") or []] for k, p in policies.items()}
    return [_f(v) for v in demand], on_hand


def _plot_trajectories(trajectories: list[dict[str, Any]], pal: dict[str, str]) -> Figure:
    shown = trajectories[:MAX_TRAJECTORIES]
    cols = 2 if len(shown) > 1 else 1
    rows = math.ceil(len(shown) / cols)
    fig = Figure(figsize=(10, 2.8 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    for ax, traj in zip(axes, shown, strict=False):
        demand, on_hand = _trajectory(traj)
        if demand:
            ax.bar(range(len(demand)), demand, color="#dddddd", label="demand")
        for name, values in on_hand.items():
            ax.plot(values, label=f"{name} on hand", color=pal.get(name, "#000000"), lw=1.2)
        ax.set_title(f"{traj.get('sku', '?')} @ {traj.get('location', '?')}", fontsize=9)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
    for ax in axes[len(shown) :]:
        ax.set_visible(False)
    if shown and axes[0].get_legend_handles_labels()[0]:
        axes[0].legend(fontsize=7, ncol=2)
    return fig


def _plot_agent(scores: dict[str, Any]) -> Figure:
    fig = Figure(figsize=(6, 0.4 * len(scores) + 1), layout="constrained")
    ax = fig.subplots()
    names = list(scores)[::-1]
    ax.barh(names, [_f(scores[n]) for n in names], color="#1f77b4")
    ax.set_xlim(0, 1)
    ax.grid(axis="x", alpha=0.3)
    return fig


def _plot_forecast(fc: dict[str, Any]) -> Figure:
    methods: list[str] = fc.get("methods") or list(fc["overall"])
    labels = fc.get("method_labels") or {}
    by_class = fc.get("by_class") or {}
    groups = ["overall"] + [c for c in CLASS_ORDER if by_class.get(c)]
    values = {"overall": fc["overall"], **{c: by_class[c] for c in groups[1:]}}
    fig = Figure(figsize=(8, 3.6), layout="constrained")
    ax = fig.subplots()
    pal = _palette(methods)
    width = 0.8 / max(len(methods), 1)
    x = np.arange(len(groups))
    for i, m in enumerate(methods):
        wape = [_f((values[g].get(m) or {}).get("wape")) for g in groups]
        ax.bar(x + i * width, wape, width, label=labels.get(m, m), color=pal[m])
    ax.set_xticks(x + width * (len(methods) - 1) / 2, groups)
    ax.set_ylabel("WAPE")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


# --- rendering ------------------------------------------------------------------------------


def render_markdown(blocks: list[Block], plots: dict[str, bytes]) -> str:
    """Render the blocks as markdown; images link ``plots/<key>.png``."""
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            lines += ["#" * b.level + " " + b.text, ""]
        elif isinstance(b, Para):
            lines += [b.text, ""]
        elif isinstance(b, Table):
            lines.append("| " + " | ".join(_md_cell(c) for c in b.header) + " |")
            lines.append(
                "|" + "".join("---|" if i < b.left else "---:|" for i in range(len(b.header)))
            )
            lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in b.rows]
            lines.append("")
        elif b.key in plots:
            lines += [f"![{b.caption}](plots/{b.key}.png)", ""]
    return "\n".join(lines).rstrip() + "\n"


def render_html(blocks: list[Block], plots: dict[str, bytes]) -> str:
    """Render the blocks as one HTML page with inline CSS and base64-embedded PNGs."""
    body: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            body.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            body.append(f"<p>{html.escape(b.text)}</p>")
        elif isinstance(b, Table):
            head = "".join(
                f"<th{_left(i, b)}>{html.escape(c)}</th>" for i, c in enumerate(b.header)
            )
            rows = "".join(
                "<tr>"
                + "".join(f"<td{_left(i, b)}>{html.escape(c)}</td>" for i, c in enumerate(r))
                + "</tr>"
                for r in b.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif b.key in plots:
            data = base64.b64encode(plots[b.key]).decode("ascii")
            cap = html.escape(b.caption)
            body.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{cap}">'
                f"<figcaption>{cap}</figcaption></figure>"
            )
    return _HTML.format(body="\n".join(body))


_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>StockPilot evaluation report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: right; }}
th.l, td.l {{ text-align: left; }}
thead {{ background: #f2f4f7; }}
figure {{ margin: 1rem 0; }} img {{ max-width: 100%; }}
figcaption {{ color: #666; font-size: 0.85rem; }}
</style></head>
<body>
{body}
</body></html>
"""


# --- formatting -----------------------------------------------------------------------------


def _left(i: int, table: Table) -> str:
    return ' class="l"' if i < table.left else ""


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _f(v: Any) -> float:
    return float(v) if _is_number(v) else math.nan


def _num(v: Any, digits: int) -> str:
    if not _is_number(v):
        return "–"
    return f"{float(v):,.{digits}f}"


def _money(v: Any) -> str:
    return _num(v, 0)


def _pct(v: Any) -> str:
    return f"{float(v) * 100:.1f} %" if _is_number(v) else "–"


def _signed_pct(v: Any) -> str:
    return f"{float(v) * 100:+.1f} %" if _is_number(v) else "–"


def _mark(ok: Any) -> str:
    return "✓" if ok else "✗"


def _cell(v: Any) -> str:
    if isinstance(v, bool):
        return _mark(v)
    if _is_number(v):
        return f"{v:g}" if isinstance(v, float) else str(v)
    return "" if v is None else str(v)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
