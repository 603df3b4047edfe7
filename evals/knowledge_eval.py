"""Score knowledge-base retrieval on the labelled planner questions (recall@3 and MRR).

Each line of `evals/datasets/knowledge_questions.jsonl` is a planner question labelled with the
playbook file (`doc`) and section number (`section_no`) that answers it, plus optional `also`
sections that answer it equally well. A question is a hit at k when any labelled section is among
the first k passages; MRR uses the rank of the first labelled section within the first 10.

    python -m evals.knowledge_eval [--embedding hashing|minilm|all] [--k 3]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge import EMBEDDINGS, KnowledgeBase, KnowledgeError
from knowledge.embeddings import minilm_available
from stockpilot.settings import PROJECT_ROOT, Settings

QUESTIONS_FILE = PROJECT_ROOT / "evals" / "datasets" / "knowledge_questions.jsonl"
MRR_DEPTH = 10


@dataclass(frozen=True)
class Question:
    """A labelled planner question and the sections that answer it."""

    id: str
    question: str
    answers: tuple[tuple[str, str], ...]
    kind: str = "direct"


@dataclass
class RetrievalScore:
    """Retrieval quality of one embedding on the question set."""

    embedding: str
    k: int
    n: int
    recall_at_k: float
    mrr: float
    by_kind: dict[str, float] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    ingest_seconds: float | None = None
    query_ms: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the score as a JSON-ready dict."""
        return {
            "embedding": self.embedding,
            "k": self.k,
            "n": self.n,
            f"recall@{self.k}": round(self.recall_at_k, 4),
            "mrr": round(self.mrr, 4),
            "by_kind": {kind: round(v, 4) for kind, v in self.by_kind.items()},
            "misses": self.misses,
            "ingest_seconds": self.ingest_seconds,
        }


def load_questions(path: Path | str = QUESTIONS_FILE) -> list[Question]:
    """Read the labelled questions; a malformed line raises KnowledgeError naming it."""
    path = Path(path)
    questions: list[Question] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}, line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KnowledgeError(f"{where}: not JSON ({exc.msg})") from exc
        for name in ("id", "question", "doc", "section_no"):
            if not isinstance(row.get(name), str) or not row[name].strip():
                raise KnowledgeError(f"{where}: field {name!r} is missing or not a string")
        if row["id"] in seen:
            raise KnowledgeError(f"{where}: duplicate id {row['id']!r}")
        seen.add(row["id"])
        answers = [(row["doc"], row["section_no"])]
        for alt in row.get("also", []):
            if not isinstance(alt, dict) or "doc" not in alt or "section_no" not in alt:
                raise KnowledgeError(f"{where}: field 'also' must list {{doc, section_no}}")
            answers.append((str(alt["doc"]), str(alt["section_no"])))
        questions.append(
            Question(row["id"], row["question"], tuple(answers), str(row.get("kind", "direct")))
        )
    if not questions:
        raise KnowledgeError(f"{path.name}: no questions")
    return questions


def evaluate(
    kb: KnowledgeBase, questions: list[Question], *, k: int = 3, embedding: str | None = None
) -> RetrievalScore:
    """Return recall@k and MRR of `kb` on `questions` (latency per query recorded)."""
    hits = 0
    reciprocal = 0.0
    per_kind: dict[str, list[int]] = {}
    misses: list[dict[str, Any]] = []
    query_ms: list[float] = []
    for q in questions:
        started = time.perf_counter()
        passages = kb.search(q.question, k=max(k, MRR_DEPTH))
        query_ms.append((time.perf_counter() - started) * 1000)
        found = [(p.source, p.section_no) for p in passages]
        rank = next((i for i, f in enumerate(found, 1) if f in q.answers), None)
        hit = rank is not None and rank <= k
        hits += hit
        reciprocal += 1.0 / rank if rank else 0.0
        per_kind.setdefault(q.kind, []).append(int(hit))
        if not hit:
            misses.append(
                {
                    "id": q.id,
                    "question": q.question,
                    "expected": [f"{d} §{s}" for d, s in q.answers],
                    "got": [f"{d} §{s}" for d, s in found[:k]],
                    "rank": rank,
                }
            )
    n = len(questions)
    return RetrievalScore(
        embedding=embedding or kb.embedding_name,
        k=k,
        n=n,
        recall_at_k=hits / n,
        mrr=reciprocal / n,
        by_kind={kind: sum(v) / len(v) for kind, v in sorted(per_kind.items())},
        misses=misses,
        query_ms=query_ms,
    )


def evaluate_embedding(
    embedding: str,
    *,
    corpus: Path | None = None,
    questions: list[Question] | None = None,
    k: int = 3,
    workdir: Path | None = None,
) -> RetrievalScore:
    """Ingest the playbook into a fresh store with `embedding` and score it."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        settings = Settings(knowledge_dir=Path(tmp), chroma_url=None)
        kb = KnowledgeBase(settings, embedding=embedding)
        started = time.perf_counter()
        kb.ingest(corpus or settings.knowledge_corpus_dir)
        ingest_seconds = time.perf_counter() - started
        score = evaluate(kb, questions or load_questions(), k=k, embedding=embedding)
    score.ingest_seconds = round(ingest_seconds, 3)
    return score


def available_embeddings() -> list[str]:
    """Return the embeddings that can run here (minilm only when its extra is installed)."""
    return [e for e in EMBEDDINGS if e != "minilm" or minilm_available()]


def main(argv: list[str] | None = None) -> int:
    """Print recall@k and MRR for each requested embedding."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--embedding", default="all", choices=[*EMBEDDINGS, "all"])
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print JSON, misses included")
    args = parser.parse_args(argv)
    names = available_embeddings() if args.embedding == "all" else [args.embedding]
    questions = load_questions()
    scores = [evaluate_embedding(name, questions=questions, k=args.k) for name in names]
    if args.json:
        print(json.dumps([s.to_dict() for s in scores], indent=2))
        return 0
    print(f"{len(questions)} labelled questions")
    for s in scores:
        kinds = ", ".join(f"{kind} {v:.3f}" for kind, v in s.by_kind.items())
        print(
            f"{s.embedding:8s} recall@{s.k} {s.recall_at_k:.3f}  MRR {s.mrr:.3f}  ({kinds}); "
            f"misses: {', '.join(m['id'] for m in s.misses) or 'none'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
