"""Spell-correcting a policy question against the playbook's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.spelling import correct_query, vocabulary

CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"


@pytest.fixture(scope="module")
def words() -> frozenset[str]:
    return vocabulary(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md")))


@pytest.mark.parametrize(
    ("question", "corrected"),
    [
        ("how do we handle negitive stock?", "how do we handle negative stock?"),
        ("rule for shrinck?", "rule for shrink?"),
        ("what about phantam inventroy", "what about phantom inventory"),
        ("is a stockuot risk urgent?", "is a stockout risk urgent?"),
    ],
)
def test_a_misspelt_playbook_term_is_corrected(
    question: str, corrected: str, words: frozenset[str]
) -> None:
    assert correct_query(question, words) == corrected


def test_known_words_ids_and_short_words_are_left_alone(words: frozenset[str]) -> None:
    question = "who approves a PO over 25,000 from SUP-05 for S003?"
    assert correct_query(question, words) == question
    assert correct_query("negitive stock", frozenset()) == "negitive stock"


def test_the_vocabulary_holds_the_exception_types() -> None:
    assert {"stockout", "anomaly", "promo"} <= vocabulary([])


def test_a_tie_between_playbook_words_is_corrected_alike_in_every_process() -> None:
    import os
    import subprocess
    import sys

    code = (
        "from knowledge.spelling import correct_query\n"
        "print(correct_query('the stcking rule', frozenset({'stocking', 'stacking', 'sticking', 'stucking', 'rule'})))"
    )
    seen = set()
    for seed in range(4):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        seen.add(done.stdout.strip())
    assert len(seen) == 1, seen
