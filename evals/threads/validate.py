"""Validate a generated conversation set: play it with the reference model through the grader.

Every planner turn makes its `reference_calls` on the evaluation's own harness and answers with
its expected facts (the first form of each) and, for a turn that names a listed exception, that
exception's id. The grader (`evals.agent_eval.score_conversation`) must then find no fact
missing, every expected proposal and pending count right, and every approver's decision
applied; anything else is a defect of the set.

    python -m evals.threads.validate --dataset evals/datasets/agent_threads.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from evals.agent_eval import Decide, load_dataset, score_conversation, summarize
from evals.threads.reference import ReferenceHarness

DEFAULT = Path(__file__).resolve().parents[1] / "datasets" / "agent_threads.jsonl"


def _answers(turns: list[dict[str, Any]]) -> list[str]:
    out = []
    for t in turns:
        parts = [str(f[0] if isinstance(f, list) else f) for f in t.get("expected_facts") or []]
        if t.get("expect_listed") is not None:
            parts += [str(c["args"].get("exception_id", "")) for c in t["reference_calls"]]
        out.append("Reference answer: " + "; ".join(parts) if parts else "Done.")
    return out


def _pick(answers: list[str], index: int, results: list[Any]) -> str:
    return answers[index]


def validate(dataset: Path = DEFAULT) -> dict[str, Any]:
    """Play every conversation with the reference model and return the grader's counts."""
    data = load_dataset(dataset)
    raw = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines() if line]
    results = []
    decisions = decisions_failed = 0
    with tempfile.TemporaryDirectory(prefix="stockpilot-threads-check-") as tmp:
        harness = ReferenceHarness(Path(tmp), data)
        try:
            for index, (case, line) in enumerate(zip(data.cases, raw, strict=True)):
                planner = [t for t in line["turns"] if "request" in t]
                answers = _answers(planner)
                harness.script.load(
                    [t["reference_calls"] for t in planner], partial(_pick, answers)
                )
                steps = harness.converse(case, thread_id=f"check-{index:03d}-{case.id}")
                for step, got in zip(case.steps, steps, strict=True):
                    if isinstance(step, Decide):
                        decisions += 1
                        decisions_failed += got is not None
                results.append(score_conversation(case, steps))
        finally:
            harness.close()
    turns = [t for r in results for t in r.get("turns") or [r]]
    return {
        "conversations": len(results),
        "turns": len(turns),
        "passed": sum(r["passed"] for r in results),
        "facts_missing": sum(1 for t in turns for f in t["failures"] if f.startswith("facts")),
        "proposal_checks": sum(1 for t in turns if t["checks"]["proposal"] is not None),
        "proposal_failed": sum(1 for t in turns if t["checks"]["proposal"] is False),
        "decisions": decisions,
        "decisions_failed": decisions_failed,
        "scores": summarize(results),
        "failures": [
            {"id": r["id"], "failures": r["failures"]} for r in results if not r["passed"]
        ],
    }


def main(argv: list[str] | None = None) -> int:
    """Validate from the command line; exit 1 when the reference model does not pass it all."""
    parser = argparse.ArgumentParser(prog="python -m evals.threads.validate", description=__doc__)
    parser.add_argument("--dataset", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    report = validate(args.dataset)
    print(json.dumps(report, indent=2))
    return 0 if report["passed"] == report["conversations"] else 1


if __name__ == "__main__":
    sys.exit(main())
