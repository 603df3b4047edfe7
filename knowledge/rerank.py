"""Hybrid ranking of playbook passages: planner words mapped, then a lexical re-rank.

The embedding (hashing or MiniLM) finds a pool of candidates; `rerank` orders them by the
embedding's score plus a BM25-style lexical score whose word weights (IDF) come from the pool
itself, so the words that tell the candidates apart ("expedite") count more than the words
they all share ("order", "late"), and a word of the section's heading counts more than one of
its body. `expand_query` adds the playbook's word for a planner's everyday one ("speed up",
"rush" -> expedite), so a question need not use the playbook's vocabulary to find its rule.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol, TypeVar

from knowledge.embeddings import tokens

PLANNER_WORDS: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:speed(?:ing|s)?\s+(?:it\s+|them\s+|this\s+|that\s+)?up|sped\s+up|rush(?:ed|es|ing)?|"
        r"hurr(?:y|ied|ies|ying)|fast[- ]?track\w*|accelerat\w*|express\s+(?:freight|shipping|"
        r"delivery))\b",
        "expedite",
    ),
    (r"\b(?:overdue|past\s+due|behind\s+schedule|running\s+late|slipp(?:ed|ing))\b", "late"),
    (r"\b(?:vendors?|suppliers?)\b", "supplier"),
    (r"\b(?:sign(?:s|ed|ing)?[- ]?off|sign-?off|okay|ok)\b", "approve"),
    (r"\b(?:write[- ]?downs?|clearance|discount(?:s|ed|ing)?)\b", "markdown"),
    (r"\b(?:cycle\s+counts?|stock[- ]?takes?|stocktaking)\b", "count"),
    (r"\b(?:route|routes|path|paths)\b", "lane"),
)
"""Everyday planner words and the playbook's word for each (added to the query, not replaced)."""

WEIGHT = 1.0
"""How much the lexical score (0 to about 1) counts beside the embedding's cosine score."""
HEADING = 0.5
"""The extra weight of a query word found in the section's heading."""
K1, B = 1.2, 0.75


class Ranked(Protocol):
    """What a passage must offer to be re-ranked."""

    @property
    def title(self) -> str:
        """The document's title."""

    @property
    def section(self) -> str:
        """The section's heading."""

    @property
    def text(self) -> str:
        """The section's text."""

    @property
    def score(self) -> float:
        """The embedding's score (higher is closer)."""


def expand_query(query: str) -> str:
    """Return the query with the playbook's word added after each everyday one it uses."""
    added = [word for pattern, word in PLANNER_WORDS if re.search(pattern, query, re.I)]
    fresh = [w for w in dict.fromkeys(added) if not re.search(rf"\b{w}", query, re.I)]
    return f"{query} ({' '.join(fresh)})" if fresh else query


def lexical_scores(query: str, passages: Sequence[Ranked]) -> list[float]:
    """Return each passage's BM25-style score for the query, scaled to about 0..1.

    Word weights are the inverse document frequency over the passages given; a query word in
    the section heading adds `HEADING` times its weight.
    """
    want = set(tokens(query))
    if not want or not passages:
        return [0.0 for _ in passages]
    bodies = [Counter(tokens(f"{p.title} {p.text}")) for p in passages]
    heads = [set(tokens(p.section)) for p in passages]
    n = len(passages)
    df = {w: sum(1 for body, head in zip(bodies, heads, strict=True) if w in body or w in head)
          for w in want}  # fmt: skip
    idf = {w: math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5)) for w in want}
    top = sum(idf.values()) * (1 + HEADING) or 1.0
    lengths = [sum(body.values()) for body in bodies]
    average = sum(lengths) / n or 1.0
    out = []
    for body, head, length in zip(bodies, heads, lengths, strict=True):
        total = 0.0
        for w in want:
            tf = body.get(w, 0)
            saturated = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average)) if tf else 0.0
            total += idf[w] * (saturated / (K1 + 1) + (HEADING if w in head else 0.0))
        out.append(total / top)
    return out


P = TypeVar("P", bound=Ranked)


def combined_scores(query: str, passages: Sequence[Ranked]) -> list[float]:
    """Return each passage's embedding score plus `WEIGHT` times its lexical score."""
    lexical = lexical_scores(query, passages)
    return [p.score + WEIGHT * x for p, x in zip(passages, lexical, strict=True)]


def rerank(query: str, passages: Sequence[P]) -> list[P]:
    """Return the passages best first by their combined score (`combined_scores`)."""
    scores = combined_scores(query, passages)
    return [passages[i] for i in sorted(range(len(passages)), key=lambda i: -scores[i])]
