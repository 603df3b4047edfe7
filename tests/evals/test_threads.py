"""The generated multi-turn conversations: a deterministic generator, well-formed cases that
the evaluation loads, every follow-up class present with enough templates, and a small drawn set
that the reference model passes through the grader."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from evals.agent_eval import Case, Decide, load_dataset, meta_path
from evals.threads import templates
from evals.threads.generate import CLASS_COUNTS, NETWORK, generate, write
from evals.threads.validate import validate

DATASET = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "agent_threads.jsonl"
CLASSES = set(CLASS_COUNTS)


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATASET)


def test_the_set_is_large_and_loads(dataset):
    turns = [t for c in dataset.cases for t in c.requests]
    assert len(dataset.cases) >= 80
    assert len(turns) >= 220
    assert all(len(c.requests) >= 2 for c in dataset.cases)


def test_every_class_is_present_with_enough_templates(dataset):
    present = Counter(t for c in dataset.cases for t in c.tags if t in CLASSES)
    assert set(present) == CLASSES
    assert all(n >= 15 for n in templates.count_templates().values()), templates.count_templates()


def test_the_network_is_not_another_datasets(dataset):
    assert dataset.network["seed"] == NETWORK["seed"]
    for other in DATASET.parent.glob("*.meta.json"):
        if other.name != meta_path(DATASET).name:
            assert json.loads(other.read_text())["network"]["seed"] != NETWORK["seed"]


def test_turns_are_well_formed(dataset):
    raw = [json.loads(line) for line in DATASET.read_text().splitlines() if line]
    for case, line in zip(dataset.cases, raw, strict=True):
        planner = [t for t in line["turns"] if "request" in t]
        assert all("reference_calls" in t for t in planner), case.id
        for step in case.steps:
            if isinstance(step, Decide):
                continue
            assert isinstance(step, Case)
            assert step.tags, step.id
            # A drafting turn names a quantity only when its request states it.
            p = step.expected_proposal
            if p is not None and p.qty_min is not None:
                assert str(p.qty_min) in step.request or any(
                    str(p.qty_min) in s.request for s in case.requests
                ), step.id
        pending = [s.pending_after for s in case.requests if s.pending_after is not None]
        assert all(0 <= n <= 1 for n in pending), case.id  # never two drafts for one need


def test_decisions_sit_between_turns(dataset):
    decided = [c for c in dataset.cases if any(isinstance(s, Decide) for s in c.steps)]
    assert decided
    for c in decided:
        assert not isinstance(c.steps[-1], Decide)
        assert {s.decision.value for c in decided for s in c.steps if isinstance(s, Decide)} == {
            "approve",
            "reject",
            "edit",
        }


def test_the_generator_is_deterministic_and_its_draws_pass_the_grader(tmp_path):
    counts = dict.fromkeys(CLASS_COUNTS, 1)
    first, second = generate(counts=counts), generate(counts=counts)
    assert first == second
    path = tmp_path / "mini.jsonl"
    write(first, path)
    shutil.copy(meta_path(DATASET), meta_path(path))
    report = validate(path)
    assert report["facts_missing"] == 0 and report["decisions_failed"] == 0, report["failures"]
    assert report["passed"] == report["conversations"] == len(CLASS_COUNTS)
