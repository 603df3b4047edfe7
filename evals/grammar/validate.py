"""Check a generated dataset with the grader and a scripted model making the reference calls.

The scripted reference model (`evals.reference`) answers each request of the dataset by
calling its `reference_calls` in order on the real graph and tools, then answers with the tool
results as they came back (booleans as yes / no). A fair dataset passes every check under it:
every expected fact is in a reference result, the trajectories match and nothing is drafted
where nothing is expected. The scripted model is handed to the grader's run
(`evals.agent_eval.run_agent_eval(..., model=...)`).

    python -m evals.grammar.validate --dataset evals/datasets/agent_grammar.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from agents.scripted import ScriptedChatModel
from evals import agent_eval
from evals.reference import ReferenceScript

BOOLEAN = re.compile(r": (true|false)\b")


def _calls_by_thread(path: Path) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """Return each turn's reference calls keyed by the planner messages of its thread so far."""
    out: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        said: list[str] = []
        for turn in case.get("turns") or [case]:
            if "request" not in turn:
                continue
            said.append(turn["request"])
            out[tuple(said)] = list(turn.get("reference_calls") or [])
    return out


def render(results: Sequence[str]) -> str:
    """Return the answer made of the tool results: their JSON, booleans written yes / no."""
    return "\n".join(
        BOOLEAN.sub(lambda m: ": yes" if m.group(1) == "true" else ": no", r) for r in results
    )


def scripted_model(calls: Mapping[tuple[str, ...], list[dict[str, Any]]]) -> ScriptedChatModel:
    """Return a model that makes each request's reference calls, then answers with their results."""
    script = ReferenceScript()
    script.load_threads(calls, lambda turn, results: render(results) or "Nothing to look up.")
    return script.model()


def validate(dataset: Path) -> dict[str, Any]:
    """Run the dataset through the grader with the scripted reference model; return the report."""
    model = scripted_model(_calls_by_thread(dataset))
    return agent_eval.run_agent_eval(dataset, model=model)


def missing(report: Mapping[str, Any]) -> dict[str, int]:
    """Count the failures of each kind in a report (0 everywhere for a fair dataset)."""
    counts: dict[str, int] = {}
    for case in report["cases"]:
        for turn in case.get("turns") or [case]:
            for failure in turn.get("failures") or []:
                kind = str(failure).split(":", 1)[0]
                counts[kind] = counts.get(kind, 0) + 1
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    """Validate a dataset from the command line; exit 1 when any check fails."""
    parser = argparse.ArgumentParser(prog="python -m evals.grammar.validate", description=__doc__)
    parser.add_argument("--dataset", type=Path, default=agent_eval.DATASETS / "agent_grammar.jsonl")
    args = parser.parse_args(argv)
    report = validate(args.dataset)
    failed = [c for c in report["cases"] if not c["passed"]]
    print(
        json.dumps(
            {
                "n": report["n"],
                "turns_n": report["turns_n"],
                "turns_passed": report["turns_passed"],
                "scores": report["scores"],
                "failures": missing(report),
                "failed_cases": [{"id": c["id"], "failures": c["failures"]} for c in failed][:30],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
