"""Nearest-neighbour reading of a request the intent table and the scored fallback both missed.

The scored fallback (`agents.offline.general.Fallback`) compares a request with the phrasings
the intents declare. This module widens the comparison to a *bank* of labelled planner
requests: the read-only intents' own phrasings, plus the single-turn requests of the agent
datasets that are development data (the dev split, the paraphrase split and the released
held-out splits, `BANK_FILES`), each labelled by the one read-only tool its reference
trajectory calls. The request is compared with every bank entry by TF-IDF cosine similarity
over words and character n-grams (`general.features`, entities masked as kind words); the tool
whose best entry is close enough (`CONFIDENT`) and leads the runner-up tool by `MARGIN` is
the reading, and `intent_for` turns it into the read-only intent that calls it for the
entities the request names ("get_inventory" with a SKU and a store is `inventory_pair`).

Safety: the labels are read-only tools only (`TOOL_INTENTS`); a request that drafts, amends,
withdraws, approves or overrides is never in the bank and never read here, and the caller
(`agents.offline.intents._guess`) still checks that the intent's first step is read-only tool
calls that carry every entity the request named; anything else gets the suggestions.

Leave-one-split-out: a dataset scored by the agent evaluation must not lend its own requests
to the bank (`leave_out`), or the score would measure memory, not understanding.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from agents.offline import general
from agents.offline.safety import writes_requested

DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
BANK_FILES: tuple[Path, ...] = (
    DATASETS / "agent_v1.jsonl",
    DATASETS / "agent_paraphrase.jsonl",
    *(DATASETS / "heldout" / f"agent_heldout_v{n}.jsonl" for n in range(1, 12)),
)
"""The datasets whose single-turn requests are labelled examples (development data only)."""


def _inventory(kinds: frozenset[str]) -> str | None:
    if {"sku", "location"} <= kinds:
        return "inventory_pair"
    if "sku" in kinds:
        return "inventory_sku"
    return "inventory_location" if "location" in kinds else None


def _suppliers(kinds: frozenset[str]) -> str | None:
    if "supplier" in kinds:
        return "supplier_status"
    return "suppliers_of_sku" if "sku" in kinds else "all_suppliers"


def _only(name: str) -> Callable[[frozenset[str]], str | None]:
    return lambda kinds: name


TOOL_INTENTS: dict[str, Callable[[frozenset[str]], str | None]] = {
    "get_inventory": _inventory,
    "get_network_position": _only("network"),
    "list_exceptions": _only("exceptions"),
    "summarize_exceptions": _only("totals"),
    "get_open_supply": _only("open_supply"),
    "get_forecast": _only("forecast"),
    "get_supplier_status": _suppliers,
    "get_supplier_overview": _only("supplier_overview"),
    "get_routine_orders": _only("routine_orders"),
    "get_item": _only("item"),
    "get_lanes": _only("lanes"),
    "list_proposals": _only("proposals"),
    "list_forecast_overrides": _only("forecast_overrides"),
    "explain_exception": _only("why_flagged"),
    "run_what_if": _only("what_if"),
    "search_policies": _only("policy"),
}
"""Each read-only tool a bank entry may be labelled with -> the intent that calls it, chosen by
the entity kinds the request names (None: no intent fits those kinds)."""

INTENT_TOOLS: dict[str, str] = {
    "inventory_pair": "get_inventory",
    "inventory_sku": "get_inventory",
    "inventory_location": "get_inventory",
    "network": "get_network_position",
    "network_rank": "get_network_position",
    "exceptions": "list_exceptions",
    "exceptions_urgent": "list_exceptions",
    "typed_exceptions": "list_exceptions",
    "open_at_location": "list_exceptions",
    "totals": "summarize_exceptions",
    "open_supply": "get_open_supply",
    "forecast": "get_forecast",
    "supplier_status": "get_supplier_status",
    "suppliers_of_sku": "get_supplier_status",
    "all_suppliers": "get_supplier_status",
    "supplier_overview": "get_supplier_overview",
    "routine_orders": "get_routine_orders",
    "item": "get_item",
    "lanes": "get_lanes",
    "proposals": "list_proposals",
    "forecast_overrides": "list_forecast_overrides",
    "why_flagged": "explain_exception",
    "what_if": "run_what_if",
    "policy": "search_policies",
    "policy_loose": "search_policies",
    "policy_words": "search_policies",
}
"""The read-only intents whose declared phrasings join the bank, labelled by the tool they call."""

CONFIDENT = 0.4
"""Cosine similarity (0-1) of the best bank entry from which a reading is acted on."""
MARGIN = 0.04
"""How far the best tool must lead the runner-up tool."""

ALIASES = (
    (re.compile(r"\b(?:store|shop|branch)\s*#?\s*\d+\b", re.I), " zloc "),
    (re.compile(r"\bS\d{1,3}\b", re.I), " zloc "),
    (re.compile(r"\bdc[\s-]*(?:north|south|east|west|central|\d+)\b", re.I), " zloc "),
    (re.compile(r"\b(?:north|south|east|west|central)\s+dc\b", re.I), " zloc "),
    (re.compile(r"\bsku[\s-]*\d+\b", re.I), " zsku "),
    (re.compile(r"\bsup[\s-]*\d+\b", re.I), " zsup "),
)
"""Aliases a bank request may use for an entity (no network's resolver reads the bank)."""

KINDS = ("sku", "location", "supplier")
_LEFT_OUT: set[Path] = set()
_CACHE: dict[tuple[Path, ...], Retriever] = {}


@dataclass(frozen=True)
class Example:
    """A labelled request of the bank: the tool it calls, its text and where it comes from."""

    tool: str
    text: str
    source: str


def _trajectory_tool(value: Any) -> str | None:
    """Return the one read-only tool a reference trajectory calls (None: not exactly one)."""
    if not isinstance(value, list) or not value:
        return None
    first = value[0] if isinstance(value[0], list) else value
    names = set(first)
    if len(names) != 1:
        return None
    (name,) = names
    return name if name in TOOL_INTENTS else None


def examples_of(path: Path) -> list[Example]:
    """Return the labelled single-turn requests of a dataset file (a missing file: none).

    A case's only request, or a conversation's first (later turns lean on the thread); not
    adversarial ones, not those that must draft, and only where the reference trajectory calls
    exactly one read-only tool of `TOOL_INTENTS`.
    """
    if not path.is_file():
        return []
    out: list[Example] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        turn = next((t for t in case.get("turns", []) if "request" in t), case)
        if case.get("adversarial") or turn.get("adversarial") or turn.get("expected_proposal"):
            continue
        tool = _trajectory_tool(turn.get("expected_trajectory"))
        if tool is not None and isinstance(turn.get("request"), str):
            out.append(Example(tool, turn["request"], path.stem))
    return out


def declared(intents: Iterable[Any]) -> list[Example]:
    """Return the read-only intents' examples, templates and extra phrasings, labelled by tool."""
    out: list[Example] = []
    for intent in intents:
        tool = INTENT_TOOLS.get(intent.name)
        if tool is None:
            continue
        texts = [*intent.examples, *([intent.template] if intent.template else [])]
        texts += list(general.PHRASINGS.get(intent.name, ()))
        out.extend(Example(tool, t, "intents") for t in dict.fromkeys(texts))
    return out


def masked(text: str, found: Mapping[str, Sequence[str]] | None = None) -> str:
    """Return the text with entities as kind words: the resolver's, then the usual aliases."""
    text = general.masked(general.canon_synonyms(text), found)
    for pattern, word in ALIASES:
        text = pattern.sub(word, text)
    return text


@dataclass
class Retriever:
    """TF-IDF nearest neighbours over the bank: which read-only tool a request is closest to."""

    bank: list[Example]
    kinds: list[frozenset[str]] = field(default_factory=list)
    vocab: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    matrix: sparse.csr_matrix = field(default_factory=lambda: sparse.csr_matrix((0, 0)))
    tools: list[str] = field(default_factory=list)
    label: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    needs: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))

    def __post_init__(self) -> None:
        texts = [masked(e.text) for e in self.bank]
        self.kinds = [general._kinds(t) for t in texts]
        counted = [general.features(t) for t in texts]
        df: Counter[str] = Counter(f for c in counted for f in c)
        names = sorted(df)
        self.vocab = {f: i for i, f in enumerate(names)}
        n = len(counted)
        self.idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in names], dtype=float)
        rows = [self._vector(c) for c in counted]
        self.matrix = sparse.vstack(rows, format="csr") if rows else self.matrix
        self.tools = sorted({e.tool for e in self.bank})
        self.label = np.array([self.tools.index(e.tool) for e in self.bank], dtype=int)
        self.needs = np.array([[k in ks for k in KINDS] for ks in self.kinds], dtype=float)

    def _vector(self, counted: Counter[str]) -> sparse.csr_matrix:
        cols = [(self.vocab[f], k) for f, k in counted.items() if f in self.vocab]
        data = np.array([(1.0 + math.log(k)) * self.idf[i] for i, k in cols], dtype=float)
        norm = float(np.linalg.norm(data))
        idx = np.array([i for i, _ in cols], dtype=int)
        return sparse.csr_matrix(
            (data / norm if norm else data, (np.zeros(len(cols), dtype=int), idx)),
            shape=(1, len(self.vocab)),
        )

    def scores(
        self, text: str, found: Mapping[str, Sequence[str]] | None = None
    ) -> list[tuple[float, str]]:
        """Return (similarity, tool) per tool, best first (its closest entry's cosine).

        An entry that names an entity kind the request does not is marked down
        (`general.MISSING_PENALTY` per kind): "stock of X at Y" is not "stock report for Y".
        """
        if not self.bank:
            return []
        query = masked(text, found)
        said = general._kinds(query)
        sims = (self.matrix @ self._vector(general.features(query)).T).toarray().ravel()
        missing = self.needs @ np.array([k not in said for k in KINDS], dtype=float)
        sims = sims - general.MISSING_PENALTY * missing
        best = np.full(len(self.tools), -1.0)
        np.maximum.at(best, self.label, sims)
        return sorted(((float(s), t) for t, s in zip(self.tools, best, strict=True)), reverse=True)

    def tool(self, text: str, found: Mapping[str, Sequence[str]] | None = None) -> str | None:
        """Return the read-only tool a request confidently asks for, or None."""
        ranked = self.scores(text, found)
        if not ranked:
            return None
        top, name = ranked[0]
        runner = ranked[1][0] if len(ranked) > 1 else 0.0
        return name if top >= CONFIDENT and top - runner >= MARGIN else None


CHANGE = re.compile(
    r"\b(?:approv\w*|reject\w*|withdraw\w*|cancel\w*|amend\w*|revok\w*|commit\w*|"
    r"sign\w*\s+off|undo|override\w*|edit\w*|draft\w*|raise|place|book|expedite|prep\w*|"
    r"arrange\w*|set\s+up|sort\s+out|go\s+ahead|proceed)\b",
    re.IGNORECASE,
)
"""Words that ask for a change or about one: such a request is never read by retrieval (the
table's own patterns, or the suggestions, answer it)."""


def readable(text: str, *, thread: bool = True) -> bool:
    """Return whether retrieval may read a request: not one that asks for a change.

    In a thread, not one that points into it either ("the first one", "that"): a follow-up is
    the thread's to resolve. A conversation's first request has nothing to point at, so its
    "it" is its own ("the Oxford shop: what is on its way to it?").
    """
    if CHANGE.search(text) or writes_requested(text) or general.ACTION_LEAD.search(text):
        return False
    return not (thread and general.THREAD_POINTER.search(text))


def intent_for(tool: str | None, found: Mapping[str, Sequence[str]]) -> str | None:
    """Return the read-only intent that calls `tool` for the entity kinds a request names."""
    if tool is None or tool not in TOOL_INTENTS:
        return None
    return TOOL_INTENTS[tool](frozenset(k for k, ids in found.items() if ids))


def retriever(intents: Iterable[Any], files: Sequence[Path] | None = None) -> Retriever:
    """Return the retriever over the intents' phrasings and the bank files not left out.

    Built on first use and cached per set of files (a few hundred requests: well under a
    second); `leave_out` changes the set.
    """
    kept = tuple(
        f for f in (BANK_FILES if files is None else files) if f.resolve() not in _LEFT_OUT
    )
    if kept not in _CACHE:
        bank = declared(intents) + [e for f in kept for e in examples_of(f)]
        _CACHE[kept] = Retriever(bank)
    return _CACHE[kept]


@contextmanager
def leave_out(*paths: Path) -> Iterator[None]:
    """Keep the given dataset files' requests out of the bank while scoring them."""
    added = {p.resolve() for p in paths} - _LEFT_OUT
    _LEFT_OUT.update(added)
    try:
        yield
    finally:
        _LEFT_OUT.difference_update(added)


def leave_one_split_out(
    intents: Iterable[Any], files: Sequence[Path] | None = None
) -> dict[str, Any]:
    """Score each bank file's requests with that file left out: {split: {n, right, wrong}}.

    `right`: the confident tool is the reference one; `wrong`: a confident other tool (a wrong
    answer); the rest would get suggestions. `all` sums the splits.
    """
    intents = list(intents)
    files = BANK_FILES if files is None else files
    out: dict[str, Any] = {}
    total = Counter[str]()
    for path in files:
        with leave_out(path):
            ret = retriever(intents, files)
            got = [(e.tool, ret.tool(e.text)) for e in examples_of(path)]
        row = {
            "n": len(got),
            "right": sum(want == tool for want, tool in got),
            "wrong": sum(tool is not None and tool != want for want, tool in got),
        }
        out[path.stem] = row
        total.update(row)
    out["all"] = dict(total)
    return out
