"""Spell-correct a policy question against the playbook's own words before it is searched.

A misspelt term ("negitive stock", "shrinck") embeds far from the section it means, so the
right passage ranks low or not at all. The vocabulary is the stored playbook's words (titles,
section headings and text) and the exception types; a word of the question that is not in it
is replaced by its one close match, and left alone otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from stockpilot.vocabulary import ExceptionType

WORD = re.compile(r"[A-Za-z]+")
MIN_LENGTH = 5
"""Shorter words are too often another real word one letter away."""
CUTOFF = 85.0
"""The least similarity (rapidfuzz ratio) at which a word is read as a playbook word."""


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Return the lower-case words of the texts and of the exception types."""
    words = {w.lower() for text in texts for w in WORD.findall(text)}
    words.update(part for t in ExceptionType for part in t.value.split("_"))
    return frozenset(words)


def correct_query(query: str, vocab: frozenset[str]) -> str:
    """Return the query with each word the playbook lacks replaced by its close playbook word."""
    if not vocab:
        return query
    # Sorted: equal scores go to the first choice, and a set's order changes from one process
    # to the next (string hashing), so unsorted the same question could search differently.
    choices = sorted(vocab)

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        lower = word.lower()
        if len(lower) < MIN_LENGTH or lower in vocab:
            return word
        got = process.extractOne(lower, choices, scorer=fuzz.ratio, score_cutoff=CUTOFF)
        return str(got[0]) if got else word

    return WORD.sub(fix, query)
