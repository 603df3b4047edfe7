import json

import pytest

from evals import knowledge_eval
from evals.knowledge_eval import Question, evaluate_embedding, load_questions
from knowledge import KnowledgeError

DOC = """---
title: {title}
owner: Ops
version: 1
date: 2026-01-01
---
## 1. {a}
{a_text}

## 2. {b}
{b_text}
"""


@pytest.fixture
def tiny_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cash.md").write_text(
        DOC.format(
            title="Cash handling",
            a="Till counts",
            a_text="Two people count the till float at close.",
            b="Banking",
            b_text="Takings are banked daily before noon.",
        )
    )
    (corpus / "safety.md").write_text(
        DOC.format(
            title="Store safety",
            a="Fire exits",
            a_text="Fire exits are kept clear and checked every morning.",
            b="Ladders",
            b_text="Only trained staff use ladders above two metres.",
        )
    )
    return corpus


def test_recall_and_mrr_are_computed_from_ranks(tiny_corpus, tmp_path):
    questions = [
        Question("q1", "who counts the till float", (("cash.md", "1"),)),
        Question("q2", "are fire exits checked", (("safety.md", "1"),), kind="paraphrase"),
        Question("q3", "when is money banked", (("safety.md", "2"),)),  # wrong on purpose
    ]
    score = evaluate_embedding("hashing", corpus=tiny_corpus, questions=questions, k=1)
    assert score.n == 3
    assert score.recall_at_k == pytest.approx(2 / 3)
    assert 0 < score.mrr < 1  # q3's label is found, but not first
    assert [m["id"] for m in score.misses] == ["q3"]
    assert score.misses[0]["got"] == ["cash.md §2"]
    assert score.by_kind == {"direct": 0.5, "paraphrase": 1.0}
    assert score.ingest_seconds is not None and len(score.query_ms) == 3
    assert score.to_dict()["recall@1"] == pytest.approx(0.6667)


def test_the_labelled_set_loads(tmp_path):
    questions = load_questions()
    assert len(questions) >= 30 and len({q.id for q in questions}) == len(questions)
    assert {q.kind for q in questions} == {"direct", "paraphrase"}
    bad = tmp_path / "q.jsonl"
    bad.write_text(json.dumps({"id": "a", "question": "x", "doc": "d.md"}) + "\n")
    with pytest.raises(KnowledgeError, match=r"q\.jsonl, line 1: field 'section_no'"):
        load_questions(bad)
    bad.write_text("{not json\n")
    with pytest.raises(KnowledgeError, match="line 1: not JSON"):
        load_questions(bad)


def test_main_prints_a_line_per_embedding(capsys):
    assert knowledge_eval.main(["--embedding", "hashing"]) == 0
    output = capsys.readouterr().out
    assert "labelled questions" in output and "hashing  recall@3" in output
