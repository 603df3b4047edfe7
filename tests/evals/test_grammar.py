"""The grammar dataset: regenerable byte for byte, well formed, every template used and filled,
its entity forms read back by the tools, and its reference calls passing the grader."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from typing import Any

import pytest

from evals.agent_eval import DATASETS, load_dataset
from evals.grammar import forms as fm
from evals.grammar import generate as gen
from evals.grammar.bench import NETWORK, Bench
from evals.grammar.validate import missing, validate
from tools.planner import TOOLS

DATASET = DATASETS / "agent_grammar.jsonl"
SLOTS = {
    "sku", "loc", "store", "dc", "supplier", "category", "region", "type", "n", "days", "pct",
    "horizon", "start", "end", "uplift", "qty", "src", "dst",
}  # fmt: skip
MIN_CLASSES = 20
MIN_TEMPLATES = 25


@pytest.fixture(scope="module")
def bench() -> Iterator[Bench]:
    b = Bench()
    yield b
    b.close()


@pytest.fixture(scope="module")
def cases(bench: Bench) -> list[dict[str, Any]]:
    return gen.generate(bench=bench)


def _lines(cases: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)


def test_the_committed_dataset_is_regenerated_byte_for_byte(cases, tmp_path):
    out = tmp_path / "agent_grammar.jsonl"
    gen.write(cases, out)
    assert out.read_bytes() == DATASET.read_bytes()
    meta = DATASET.with_name("agent_grammar.meta.json")
    assert out.with_name("agent_grammar.meta.json").read_bytes() == meta.read_bytes()


def test_the_generator_is_deterministic_and_follows_its_seed(cases, bench):
    assert _lines(gen.generate(bench=bench)) == _lines(cases)
    other = gen.generate(seed=gen.SEED + 1, bench=bench)
    assert _lines(other) != _lines(cases)


def test_every_case_is_well_formed_and_its_reference_calls_follow_a_trajectory():
    data = load_dataset(DATASET)
    names = {t.name for t in TOOLS}
    raw = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines()]
    assert len(data.cases) == len(raw) >= 400
    turns = 0
    for case, row in zip(data.cases, raw, strict=True):
        for step, turn in zip(case.requests, row.get("turns") or [row], strict=True):
            turns += 1
            called = tuple(c["name"] for c in turn["reference_calls"])
            assert set(called) <= names, step.id
            assert step.expected_facts or step.expect_citation, step.id
            assert not re.search(r"[{}]", step.request), step.id
            if step.expected_trajectory is None:
                assert step.match == "any_tool" and called, step.id
            elif step.match == "strict":
                assert called in (step.expected_trajectory, *step.alternatives), step.id
            else:
                wanted = (step.expected_trajectory, *step.alternatives)
                assert any(set(w) <= set(called) for w in wanted), step.id
            if step.expected_proposal is not None:
                assert called[-1].startswith(("draft_", "amend_")), step.id
            else:
                assert step.expect_no_proposal, step.id
    assert turns >= 400
    kinds = {t for c in raw for t in c["tags"]}
    assert {"read_only", "draft", "follow_up"} <= kinds


def test_every_template_of_every_class_is_used_once_and_its_slots_are_known(cases):
    assert len(gen.CLASSES) >= MIN_CLASSES
    for pattern, phrases in gen.FOLLOW_UPS.items():
        used = [c for c in cases if f"variant:{pattern}" in c["tags"]]
        assert len(used) == len(phrases), pattern
    for cls, (templates, _) in gen.CLASSES.items():
        assert len(templates) >= MIN_TEMPLATES, cls
        for _, template in templates:
            assert set(re.findall(r"\{(\w+)\}", template)) <= SLOTS, template
        used = [c for c in cases if f"class:{cls}" in c["tags"]]
        assert len(used) == len(templates), cls
    firsts = [(c.get("turns") or [c])[0]["request"].lower() for c in cases]
    assert len(set(firsts)) == len(firsts)


def test_the_network_is_one_no_other_agent_dataset_uses():
    mine = {k: v for k, v in NETWORK.items() if k != "generator"}
    metas = [*DATASETS.glob("*.meta.json"), *(DATASETS / "heldout").glob("*.meta.json")]
    others = [json.loads(m.read_text())["network"] for m in metas if "grammar" not in m.name]
    assert others
    for net in others:
        assert net.get("seed") != mine["seed"]


def test_every_entity_form_the_generator_uses_reads_back_as_its_entity(bench):
    net = gen.Network(bench, random.Random(0))
    assert net.dropped == []
    for (kind, entity), found in net.forms.items():
        assert len(found) >= 2, (kind, entity)


def test_a_typo_changes_one_ordinary_word_and_never_a_slot():
    rng = random.Random(3)
    for _ in range(200):
        template = "how many days of cover does {loc} have on {sku}?"
        slipped = fm.with_typo(template, rng)
        assert slipped is not None and slipped != template
        assert "{loc}" in slipped and "{sku}" in slipped
        diff = [a != b for a, b in zip(template.split(), slipped.split(), strict=True)]
        assert sum(diff) == 1
    assert fm.without_punctuation("what's at DC-NORTH?") == "whats at DC-NORTH"


def test_the_reference_calls_pass_the_grader(cases, tmp_path):
    """A scripted model making the reference calls meets every fact (a case of each class)."""
    picked: dict[str, dict[str, Any]] = {}
    for c in cases:
        cls = next(t for t in c["tags"] if t.startswith("class:"))
        picked.setdefault("make_it" if "variant:make_it" in c["tags"] else cls, c)
    path = tmp_path / "agent_grammar_sample.jsonl"
    gen.write(list(picked.values()), path)
    report = validate(path)
    assert missing(report) == {}, [c["failures"] for c in report["cases"] if not c["passed"]]
    assert report["scores"]["overall"] == 1.0
