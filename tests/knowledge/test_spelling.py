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
