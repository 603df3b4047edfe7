"""Time the knowledge base and score its retrieval, for each available embedding.

For each embedding: ingest of the shipped playbook into a fresh store (model load included),
re-ingest with nothing changed, a new `KnowledgeBase` object's first search on the persisted
store (what the copilot's tool does per call), query latency p50 / p95 over the labelled
questions (warm), and recall@3 / MRR on them. `--copies N` ingests N renamed copies of the
playbook to see how ingest scales. Prints a Markdown RESULTS table to stdout.

Usage: python benchmarks/bench_knowledge.py [--embedding hashing|minilm|all] [--copies N]
       [--repeat R]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from evals.knowledge_eval import available_embeddings, evaluate, load_questions
from knowledge import KnowledgeBase
from stockpilot.settings import Settings


def _corpus(copies: int, workdir: Path) -> Path:
    source = Settings().knowledge_corpus_dir
    if copies == 1:
        return source
    target = workdir / "corpus"
    target.mkdir()
    for i in range(copies):
        for path in source.glob("*.md"):
            shutil.copy(path, target / f"{path.stem}-{i:03d}.md")
    return target


def bench(embedding: str, copies: int, repeat: int) -> dict[str, float | int | str]:
    """Return the timings and scores of one embedding."""
    questions = load_questions()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = _corpus(copies, Path(tmp))
        settings = Settings(knowledge_dir=Path(tmp) / "store", chroma_url=None)
        started = time.perf_counter()
        kb = KnowledgeBase(settings, embedding=embedding)
        report = kb.ingest(corpus)
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        kb.ingest(corpus)
        reingest_s = time.perf_counter() - started
        started = time.perf_counter()
        KnowledgeBase(settings, embedding=embedding).search(questions[0].question, k=3)
        reopen_ms = (time.perf_counter() - started) * 1000
        score = evaluate(kb, questions, k=3)
        latencies = []
        for _ in range(repeat):
            for q in questions:
                t0 = time.perf_counter()
                kb.search(q.question, k=3)
                latencies.append((time.perf_counter() - t0) * 1000)
    return {
        "embedding": embedding,
        "chunks": report.chunks,
        "ingest_s": ingest_s,
        "reingest_s": reingest_s,
        "reopen_ms": reopen_ms,
        "p50_ms": float(np.percentile(latencies, 50)),
        "p95_ms": float(np.percentile(latencies, 95)),
        "recall3": score.recall_at_k,
        "mrr": score.mrr,
        "n": score.n,
    }


def main() -> None:
    """Run the benchmark and print the RESULTS table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--embedding", default="all", choices=["hashing", "minilm", "all"])
    ap.add_argument("--copies", type=int, default=1, help="copies of the playbook to ingest")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the questions for latency")
    args = ap.parse_args()
    names = available_embeddings() if args.embedding == "all" else [args.embedding]
    rows = [bench(name, args.copies, args.repeat) for name in names]
    print(f"RESULTS (knowledge base; playbook x{args.copies}; {rows[0]['n']} labelled questions)")
    print()
    print(
        "| embedding | chunks | ingest (cold) | re-ingest (unchanged) | new object + first "
        "search | query p50 | query p95 | recall@3 | MRR |"
    )
    print("|---|---|---|---|---|---|---|---|---|")

    def quality(r: dict[str, float | int | str]) -> str:
        # Renamed copies do not match the labels: quality only means something at x1.
        return f"{r['recall3']:.3f} | {r['mrr']:.3f}" if args.copies == 1 else "n/a | n/a"

    for r in rows:
        print(
            f"| {r['embedding']} | {r['chunks']} | {r['ingest_s']:.2f} s | "
            f"{r['reingest_s']:.3f} s | {r['reopen_ms']:.0f} ms | {r['p50_ms']:.1f} ms | "
            f"{r['p95_ms']:.1f} ms | {quality(r)} |"
        )
    if args.embedding == "all" and "minilm" not in names:
        print()
        print("minilm: not installed here (make install-minilm)")


if __name__ == "__main__":
    main()
