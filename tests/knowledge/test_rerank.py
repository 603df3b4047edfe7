"""The hybrid ranking: planner words mapped to the playbook's, and the lexical re-rank."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from knowledge import KnowledgeBase
from knowledge.rerank import expand_query, lexical_scores, rerank


@dataclass
class P:
    title: str
    section: str
    text: str
    score: float = 0.0


@pytest.mark.parametrize(
    "query",
    ["can we speed up the late PO?", "is it worth paying to rush it", "how do I fast-track a delivery",
     "when may we hurry an order along"],
)  # fmt: skip
def test_everyday_words_for_expediting_add_the_playbooks_word(query: str) -> None:
    assert expand_query(query).endswith("(expedite)")


def test_a_query_that_has_the_word_already_is_left_alone() -> None:
    assert expand_query("when do we expedite a late PO") == "when do we expedite a late PO"
    assert expand_query("stock levels") == "stock levels"


def test_the_rare_word_counts_more_than_the_shared_ones() -> None:
    shared = P("Orders", "Late orders", "A late order is an order past its date.")
    rare = P("Orders", "Expedites", "Expedite a late order only when it runs out.")
    scores = lexical_scores("expedite a late order", [shared, rare])
    assert scores[1] > scores[0]
    assert rerank("expedite a late order", [shared, rare])[0] is rare
    assert lexical_scores("", [shared]) == [0.0]


@pytest.mark.parametrize(
    "question",
    [
        "what has to be true before we pay to speed up a late PO?",
        "when is it worth paying to get an order rushed",
        "under what conditions do we fast-track a PO",
    ],
)
def test_the_conditions_for_expediting_are_found_in_planner_words(
    question: str, playbook_kb: KnowledgeBase
) -> None:
    found = [(p.source, p.section_no) for p in playbook_kb.search(question, k=5)]
    assert ("supplier-escalation.md", "4") in found, found
