"""Entity resolution: SKUs, locations and suppliers named the way planners write them.

One place turns "store 7", "S7", "s007", "DC south", "south DC", "the Greenville store",
"sku 12", "Organic Pasta", "Acme" or "supplier 3" into the network's ids. Every tool resolves its
id arguments here, and the offline planner model finds the entities of a request with the same
`Resolver`, so both understand the same forms.

Each entity gets surface forms built from the data: its id in any case and spacing, the id's
number after a kind word ("store 7", "sku 12", "supplier 3"), its name or description, a DC's
region both ways round ("DC north", "north DC"), a supplier's leading name words ("Blue Ridge"),
plus the aliases of the aliases file (`STOCKPILOT_ALIASES_FILE`). Lookups compare normalised
forms (lower case, punctuation as spaces, numbers without leading zeros); when none is equal, a
fuzzy match (rapidfuzz) is used above a confidence threshold. A form with a number only ever
matches forms with the same numbers ("S13" is never S003). Two close candidates are ambiguous:
the caller asks, naming them.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from planning.network import NetworkData

EntityKind = Literal["sku", "location", "supplier"]
KINDS: tuple[EntityKind, ...] = ("sku", "location", "supplier")
KIND_LABEL: dict[EntityKind, str] = {"sku": "SKU", "location": "location", "supplier": "supplier"}

CONFIDENT = 88.0
"""Fuzzy score (0-100) from which a match is used without asking."""
POSSIBLE = 72.0
"""Fuzzy score from which a candidate is offered when nothing is confident."""
CLOSE_MARGIN = 4.0
"""Two candidates this close in score (and both confident) are ambiguous."""
TYPO_MIN_LENGTH = 6
"""A place or supplier name at least this long may be written with one typo in free text."""
MAX_NGRAM = 5
"""The longest phrase (in words) looked up when finding entities in free text."""

KIND_WORDS: dict[EntityKind, tuple[str, ...]] = {
    "sku": ("sku", "item", "product", "article"),
    "location": ("location", "loc", "site"),
    "supplier": ("supplier", "vendor", "sup"),
}
STORE_WORDS = ("store", "shop", "branch", "s")
DC_WORDS = ("dc", "distribution center", "distribution centre", "warehouse", "depot")
NAME_NOISE = frozenset(
    {
        "co",
        "inc",
        "ltd",
        "llc",
        "group",
        "supply",
        "supplies",
        "traders",
        "imports",
        "wholesale",
        "distributors",
        "the",
        "and",
        "of",
    }
)
"""Words that never make a supplier's short name on their own."""
FREE_TEXT_STOP = frozenset(
    {
        "store",
        "stores",
        "the",
        "dc",
        "all",
        "item",
        "items",
        "sku",
        "supplier",
        "north",
        "south",
        "east",
        "west",
        "value",
        "order",
        "stock",
    }
)
"""Single words that are too common to be taken as a name when found in free text."""
TYPO_STOP = frozenset(
    """
    whose those these where there their theirs which while whilst about above below under
    after before again other others every would could should might shall since until being
    doing going having today tomorrow yesterday thanks hello first second third fourth fifth
    right whats wheres theres thats heres youre theyre maybe never always still quite
    instead waiting sitting pending approve approved approval ahead along whole
    to of in at on by or and for from into onto via vs per is it we us so no
    """.split()  # noqa: SIM905
)
"""Everyday words never read as a typo of a name ("whose" is not "hose", "those" not "hose"),
nor as part of one ("store to store" is not "store Troy")."""
ORDINALS: dict[int, tuple[str, ...]] = {
    1: ("first", "1 st"),
    2: ("second", "2 nd"),
    3: ("third", "3 rd"),
    4: ("fourth", "4 th"),
    5: ("fifth", "5 th"),
    6: ("sixth", "6 th"),
    7: ("seventh", "7 th"),
    8: ("eighth", "8 th"),
    9: ("ninth", "9 th"),
}
"""A DC's number as an ordinal, in comparison form ("3rd" is "3 rd")."""
HEAD_STOP = frozenset({"plug", "pack", "case", "cases", "lift", "sale"})
"""Head nouns of item names that planners also use as verbs or units ("plug the gap")."""


def normalise(text: str) -> str:
    """Return the comparison form: lower case, letters and digits split, no leading zeros."""
    text = text.lower().replace("&", " and ")
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = [w.lstrip("0") or "0" if w.isdigit() else w for w in text.split()]
    return " ".join(words)


def _plural(word: str) -> str:
    """Return the plural of an item name's head noun ("hose" -> "hoses", "box" -> "boxes")."""
    if word.endswith(("x", "ch", "sh", "z")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def one_typo(a: str, b: str) -> bool:
    """Return True when two words differ by one typo ("Milfrod" / "Milford").

    A letter missed, added or changed, or two neighbours swapped; both words at least
    `TYPO_MIN_LENGTH` letters long and starting alike.
    """
    if min(len(a), len(b)) < TYPO_MIN_LENGTH or a[0] != b[0] or a == b:
        return False
    return OSA.distance(a, b) <= 1


def _numbers(form: str) -> tuple[str, ...]:
    return tuple(w for w in form.split() if w.isdigit())


@dataclass(frozen=True)
class Entity:
    """One SKU, location or supplier of the network."""

    kind: EntityKind
    id: str
    name: str = ""
    group: str = ""  # a location's type (store, dc), a SKU's category
    parent: str = ""  # a store's source DC

    def label(self) -> str:
        """Return "S003 (Greenville)", or the id alone when it has no name."""
        return f"{self.id} ({self.name})" if self.name and self.name != self.id else self.id


@dataclass(frozen=True)
class Match:
    """An entity found for a phrase: how it was written, the score, where in the text."""

    entity: Entity
    surface: str
    score: float
    start: int = 0
    end: int = 0

    @property
    def exact(self) -> bool:
        """Return True when the phrase is the id itself (any case)."""
        return self.surface.strip().upper() == self.entity.id.upper()

    def named(self) -> str:
        """Say which entity the phrase was taken as: "S003 (store 3)", or the id alone."""
        return self.entity.id if self.exact else f"{self.entity.id} ({self.surface.strip()})"


@dataclass(frozen=True)
class Resolution:
    """The answer for one phrase: a confident match, or the candidates to ask about."""

    kind: EntityKind
    query: str
    match: Match | None
    candidates: tuple[Match, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """Return True when several candidates are too close to choose between."""
        return self.match is None and len(self.candidates) > 1

    def message(self) -> str:
        """Say why the phrase was not resolved, naming the nearest valid ids."""
        label = KIND_LABEL[self.kind]
        near = ", ".join(m.entity.label() for m in self.candidates[:3])
        if self.ambiguous:
            return f"{label} {self.query!r} is ambiguous: did you mean {near}?"
        if near:
            return f"unknown {label} {self.query!r}; nearest: {near}"
        return f"unknown {label} {self.query!r}"


class ResolveError(LookupError):
    """Raised when a phrase names no entity confidently (the message lists the nearest ids)."""

    def __init__(self, resolution: Resolution):
        super().__init__(resolution.message())
        self.resolution = resolution


@dataclass
class Resolver:
    """Surface forms of every entity of a network, for exact and fuzzy lookups."""

    entities: dict[EntityKind, dict[str, Entity]]
    forms: dict[EntityKind, dict[str, set[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.forms:
            self.forms = {kind: {} for kind in KINDS}
        self._keys: dict[EntityKind, list[str]] = {k: list(self.forms[k]) for k in KINDS}
        # Typo candidates in free text: the forms without digits, by their number of words.
        self._plain: dict[EntityKind, dict[int, list[str]]] = {k: {} for k in KINDS}
        for kind in KINDS:
            for key in self._keys[kind]:
                if not _numbers(key):
                    self._plain[kind].setdefault(key.count(" "), []).append(key)
        # A name of two or more words in another order ("sunscreen deluxe" for "Deluxe
        # Sunscreen"): the plain forms by their words sorted.
        self._bags: dict[EntityKind, dict[str, set[str]]] = {k: {} for k in KINDS}
        for kind in KINDS:
            for key in self._keys[kind]:
                if key.count(" ") and not _numbers(key):
                    bag = " ".join(sorted(key.split()))
                    self._bags[kind].setdefault(bag, set()).update(self.forms[kind][key])
        # A SKU written as its bare number ("0042" for SKU-0042): the id's digits as written.
        self._sku_digits: dict[str, set[str]] = {}
        for sku in self.entities["sku"]:
            digits = re.findall(r"\d+", sku)
            if len(digits) == 1:
                self._sku_digits.setdefault(digits[0], set()).add(sku)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_network(
        cls, data: NetworkData, aliases: Mapping[str, Mapping[str, Sequence[str]]] | None = None
    ) -> Resolver:
        """Build the resolver of a snapshot (items, locations, suppliers) and extra aliases."""
        entities: dict[EntityKind, dict[str, Entity]] = {k: {} for k in KINDS}
        forms: dict[EntityKind, dict[str, set[str]]] = {k: {} for k in KINDS}

        def add(kind: EntityKind, entity_id: str, *surfaces: str) -> None:
            for surface in surfaces:
                form = normalise(surface)
                if form:
                    forms[kind].setdefault(form, set()).add(entity_id)

        for row in data.items.itertuples():
            sku, desc = str(row.sku), str(row.description or "")
            entities["sku"][sku] = Entity("sku", sku, desc, str(row.category or ""))
            add("sku", sku, sku, desc)
            words = normalise(desc).split()
            if len(words) >= 3:
                add("sku", sku, " ".join(words[1:]))  # "Eco HDMI Cable" -> "hdmi cable"
                # "Family Size Dog Food" is a "dog food" too (then shared with "Premium Dog Food":
                # asked back with both, never silently the one whose prefix is one word).
                add("sku", sku, *(" ".join(words[-k:]) for k in range(2, len(words))))
                # "the compact basmati" is "Compact Basmati Rice" without its head noun (a prefix
                # several items share is asked back, like any shared form).
                add("sku", sku, *(" ".join(words[:k]) for k in range(2, len(words))))
            if len(words) >= 2 and len(words[-1]) >= 4:
                # "trash bag" / "rain jackets": the name's last two words in the other number.
                last = words[-1][:-1] if words[-1].endswith("s") else f"{words[-1]}s"
                add("sku", sku, f"{words[-2]} {last}")
            noun = words[-1] if len(words) >= 2 else ""
            if len(noun) >= 4 and noun not in FREE_TEXT_STOP | HEAD_STOP and not _numbers(noun):
                # "the hoodie" is "Ultra Hoodie"; a head noun shared by several items
                # ("cable") is asked back with them, like any shared form.
                add("sku", sku, noun, noun[:-1] if noun.endswith("s") else f"{noun}s")
            digits = _numbers(normalise(sku))
            if len(digits) == 1:
                add("sku", sku, *(f"{w} {digits[0]}" for w in KIND_WORDS["sku"]))
        for row in data.locations.itertuples():
            loc, name, kind = str(row.location_id), str(row.name or ""), str(row.type)
            region = str(getattr(row, "region", "") or "")
            parent = str(getattr(row, "source_location", "") or "")
            entities["location"][loc] = Entity("location", loc, name, kind, parent)
            add("location", loc, loc, name)
            add("location", loc, *(f"{w} {loc}" for w in KIND_WORDS["location"]))
            digits = _numbers(normalise(loc))
            if kind == "store":
                add("location", loc, f"{name} store", f"store {name}")
                if len(digits) == 1:
                    add("location", loc, *(f"{w} {digits[0]}" for w in STORE_WORDS))
            else:
                tail = normalise(re.sub(r"(?i)^dc\W*", "", loc))
                places = {tail, normalise(re.sub(r"(?i)distribution cent(er|re)", "", name))}
                if region and kind == "dc":
                    places.add(normalise(region))
                for place in filter(None, places):
                    for word in DC_WORDS:
                        # "region 3's dc", "north's warehouse": the place's DC
                        add("location", loc, f"{word} {place}", f"{place} {word}")
                        add("location", loc, f"{place} s {word}")
                    add("location", loc, f"{place}ern dc", f"{place}ern warehouse")
                number = int(tail) if tail.isdigit() else 0
                if number in ORDINALS:
                    # "the third DC", "3rd warehouse": DC-03 by its number
                    for word in DC_WORDS:
                        add("location", loc, *(f"{o} {word}" for o in ORDINALS[number]))
        for row in data.suppliers.itertuples():
            sup, name = str(row.supplier_id), str(row.name or "")
            entities["supplier"][sup] = Entity("supplier", sup, name)
            add("supplier", sup, sup, name)
            digits = _numbers(normalise(sup))
            if len(digits) == 1:
                add("supplier", sup, *(f"{w} {digits[0]}" for w in KIND_WORDS["supplier"]))
            words = [w for w in normalise(name).split()]
            for n in (1, 2):
                head = words[:n]
                if len(head) == n and head[-1] not in NAME_NOISE and len(" ".join(head)) >= 4:
                    add("supplier", sup, " ".join(head))
        for kind_key, table in (aliases or {}).items():
            kind = _alias_kind(kind_key)
            for entity_id, names in table.items():
                if str(entity_id) in entities[kind]:
                    add(kind, str(entity_id), *[str(n) for n in names])
        # "eco garden hoses", "plush bears": an item's multi-word forms in the plural too.
        for form, ids in list(forms["sku"].items()):
            words = form.split()
            if len(words) >= 2 and not _numbers(form) and not words[-1].endswith("s"):
                plural = " ".join([*words[:-1], _plural(words[-1])])
                forms["sku"].setdefault(plural, set()).update(ids)
        # A form shared by two entities of a kind stays: looking it up is then ambiguous.
        return cls(entities, forms)

    # -- lookups ----------------------------------------------------------------------------

    @property
    def categories(self) -> list[str]:
        """Return the item categories of the network."""
        return sorted({e.group for e in self.entities["sku"].values() if e.group})

    def dcs(self) -> list[str]:
        """Return the ids of the distribution centres."""
        return [e.id for e in self.entities["location"].values() if e.group == "dc"]

    def get(self, kind: EntityKind, entity_id: str) -> Entity | None:
        """Return the entity with this exact id, or None."""
        return self.entities[kind].get(entity_id)

    def ids(self, kind: EntityKind) -> list[str]:
        """Return every id of a kind."""
        return list(self.entities[kind])

    def resolve(self, kind: EntityKind, text: str) -> Resolution:
        """Resolve a phrase meant to name one entity of `kind` (a tool argument)."""
        query = str(text).strip()
        if query in self.entities[kind]:
            return Resolution(kind, query, Match(self.entities[kind][query], query, 100.0))
        form = normalise(query)
        # "the store Greenville", "store S003": drop the leading article and kind words.
        stripped = re.sub(r"^(?:the|our)\s+", "", form)
        for candidate in dict.fromkeys((form, stripped)):
            ids = self.forms[kind].get(candidate)
            if ids:
                matches = tuple(Match(self.entities[kind][i], query, 100.0) for i in sorted(ids))
                if len(matches) == 1:
                    return Resolution(kind, query, matches[0])
                return Resolution(kind, query, None, matches)
        if kind == "sku" and query.isdigit():
            # A bare number in a SKU slot ("0074", "74") is the SKU whose number it is, when
            # exactly one SKU has that number; never a fuzzy neighbour ("0174").
            ids = self.forms["sku"].get(f"sku {form}", set())
            if len(ids) == 1:
                entity = self.entities[kind][next(iter(ids))]
                return Resolution(kind, query, Match(entity, query, 100.0))
        return self._fuzzy(kind, query, stripped)

    def require(self, kind: EntityKind, text: str) -> str:
        """Return the id a phrase names, or raise ResolveError naming the nearest ids."""
        res = self.resolve(kind, text)
        if res.match is None:
            raise ResolveError(res)
        return res.match.entity.id

    def nearest(self, kind: EntityKind, text: str, limit: int = 3) -> list[Entity]:
        """Return the entities whose forms are closest to the phrase (for error messages)."""
        form = normalise(text)
        if not form:
            return []
        found: list[Entity] = []
        for key, _, _ in process.extract(form, self._keys[kind], scorer=fuzz.ratio, limit=20):
            for entity_id in sorted(self.forms[kind][key]):
                entity = self.entities[kind][entity_id]
                if entity not in found:
                    found.append(entity)
        return found[:limit]

    def _fuzzy(
        self,
        kind: EntityKind,
        query: str,
        form: str,
        floor: float = POSSIBLE,
        keys: Sequence[str] | None = None,
    ) -> Resolution:
        """Resolve a form by its closest forms: a confident one clear of the runner-up.

        `keys`: the forms compared (default: every form with the same numbers). A confident
        best within CLOSE_MARGIN of the runner-up is no match: the close ones are candidates.
        """
        if not form:
            return Resolution(kind, query, None)
        digits = _numbers(form)
        if keys is None:
            keys = (
                [k for k in self._keys[kind] if _numbers(k) == digits]
                if digits
                else self._keys[kind]
            )
        scored: dict[str, float] = {}
        for key, score, _ in process.extract(
            form, keys, scorer=fuzz.ratio, limit=12, score_cutoff=floor
        ):
            for entity_id in self.forms[kind][key]:
                scored[entity_id] = max(scored.get(entity_id, 0.0), float(score))
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
        matches = tuple(Match(self.entities[kind][i], query, s) for i, s in ranked[:5])
        if not matches:
            return Resolution(kind, query, None)
        best = matches[0]
        runner_up = matches[1].score if len(matches) > 1 else 0.0
        if best.score >= CONFIDENT and best.score - runner_up >= CLOSE_MARGIN:
            return Resolution(kind, query, best, matches[1:])
        if best.score >= CONFIDENT:
            close = tuple(m for m in matches if best.score - m.score < CLOSE_MARGIN)
            return Resolution(kind, query, None, close)
        return Resolution(kind, query, None, matches)

    # -- free text --------------------------------------------------------------------------

    def mentions(self, text: str, kinds: Iterable[EntityKind] = KINDS) -> list[Match]:
        """Find the entities a free-text request names, left to right, without overlaps.

        Longer phrases win over shorter ones ("DC south" over "south"); exact forms are taken
        first, then single typo'd names ("Greenvile") above the confidence threshold.
        """
        kinds = tuple(kinds)
        spans = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9]+", text)]
        words = [normalise(text[a:b]) for a, b in spans]
        taken = [False] * len(spans)
        found: list[Match] = []
        for n in range(min(MAX_NGRAM, len(spans)), 0, -1):
            for i in range(len(spans) - n + 1):
                if any(taken[i : i + n]):
                    continue
                form = " ".join(words[i : i + n])
                hit = self._exact_in_text(form, kinds)
                if hit is None:
                    continue
                kind, ids = hit
                a, b = spans[i][0], spans[i + n - 1][1]
                surface = text[a:b]
                if len(ids) != 1 or _not_a_name(text, a, b):
                    continue
                found.append(Match(self.entities[kind][next(iter(ids))], surface, 100.0, a, b))
                taken[i : i + n] = [True] * n
        if "sku" in kinds:
            # "move 12 0002 to York", "the 0200 one": a number written with the leading zeros of
            # a SKU id is that SKU (a quantity is never written so); never a duration ("0030 days").
            # A number is no SKU where a SKU is already named ("transfer 0020 SKU-0003": a
            # quantity) or after a document word ("PO 0010", "transfer #0010": its number).
            named = any(m.entity.kind == "sku" for m in found)
            for i, (a, b) in enumerate(spans):
                ids = self._sku_digits.get(text[a:b], set())
                if taken[i] or len(ids) != 1 or text[a] != "0" or DURATION_AFTER.match(text, b):
                    continue
                if named or DOCUMENT_BEFORE.search(text, 0, a):
                    continue
                if a > 0 and (text[a - 1].isalnum() or text[a - 1] in "-_"):
                    continue
                found.append(Match(self.entities["sku"][next(iter(ids))], text[a:b], 100.0, a, b))
                taken[i] = True
        # Typos in names: one to three plain words, no digits, close to a name form ("premum pet
        # shampo" is "Premium Pet Shampoo" when no other name is as close).
        for n in (3, 2, 1):
            for i in range(len(spans) - n + 1):
                if any(taken[i : i + n]):
                    continue
                form = " ".join(words[i : i + n])
                if (
                    any(c.isdigit() for c in form)
                    or len(form) < 5
                    or form in FREE_TEXT_STOP
                    or any(w in TYPO_STOP for w in form.split())
                ):
                    continue
                inner = (" ".join(words[i + 1 : i + n]), " ".join(words[i : i + n - 1]))
                if n > 1 and any(self._exact_in_text(part, kinds) for part in inner):
                    # "the peanut butter": the words name items exactly already (shared by
                    # several, they are asked about), never a near name around them.
                    continue
                best: tuple[float, EntityKind, str] | None = None
                for kind in kinds:
                    keys = self._plain[kind].get(form.count(" "), [])
                    res = self._fuzzy(kind, form, form, floor=CONFIDENT, keys=keys)
                    typo = (res.match.score, res.match.entity.id) if res.match else None
                    if typo is None and not res.candidates and kind != "sku" and n == 1:
                        # "Milfrod": one swapped, missed or extra letter in a place's or a
                        # supplier's name, when exactly one name is that close.
                        near = {i for k in keys if one_typo(form, k) for i in self.forms[kind][k]}
                        if len(near) == 1:
                            typo = (CONFIDENT, next(iter(near)))
                    if typo and (best is None or typo[0] > best[0]):
                        best = (float(typo[0]), kind, typo[1])
                if best is None:
                    continue
                score, kind, entity_id = best
                a, b = spans[i][0], spans[i + n - 1][1]
                entity = self.entities[kind][entity_id]
                found.append(Match(entity, text[a:b], score, a, b))
                taken[i : i + n] = [True] * n
        # A name's words in another order ("the sunscreen premium", "dog food deluxe"), when
        # they are one entity's name only (several: `ambiguous` asks which).
        for n in (3, 2):
            for i in range(len(spans) - n + 1):
                if any(taken[i : i + n]):
                    continue
                hit = self._loose(words[i : i + n], kinds, typos=False)
                if hit is None or len(hit[1]) != 1:
                    continue
                kind, ids = hit
                a, b = spans[i][0], spans[i + n - 1][1]
                found.append(Match(self.entities[kind][next(iter(ids))], text[a:b], 100.0, a, b))
                taken[i : i + n] = [True] * n
        return sorted(found, key=lambda m: m.start)

    def _loose(
        self, words: Sequence[str], kinds: Sequence[EntityKind], *, typos: bool
    ) -> tuple[EntityKind, set[str]] | None:
        """Return the entities a phrase of plain words names in another word order.

        With `typos`, also the entities of the closest name form above the confidence
        threshold ("deluxe sunscren").
        """
        form = " ".join(words)
        if (
            len(words) < 2
            or any(c.isdigit() for c in form)
            or any(w in TYPO_STOP or w in FREE_TEXT_STOP for w in words)
        ):
            return None
        for kind in kinds:
            ids = self._bags[kind].get(" ".join(sorted(words)))
            if ids:
                return kind, set(ids)
        if not typos:
            return None
        best: tuple[float, EntityKind, set[str]] | None = None
        for kind in kinds:
            keys = self._plain[kind].get(form.count(" "), [])
            res = self._fuzzy(kind, form, form, floor=CONFIDENT, keys=keys)
            top = res.match or (res.candidates[0] if res.candidates else None)
            if top is None or (best is not None and top.score <= best[0]):
                continue
            # a clear best is that one; several within CLOSE_MARGIN are all of them
            ids = {res.match.entity.id} if res.match else {m.entity.id for m in res.candidates}
            best = (top.score, kind, ids)
        return None if best is None else (best[1], best[2])

    def ambiguous(
        self, text: str, kinds: Iterable[EntityKind] = KINDS
    ) -> list[tuple[str, tuple[Entity, ...]]]:
        """Return the phrases of a request that name several entities of a kind, with them.

        "organic plush bear" when two SKUs share that description: (phrase, candidates), the
        longest phrase first, none that overlaps a phrase `mentions` resolved.
        """
        kinds = tuple(kinds)
        spans = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9]+", text)]
        words = [normalise(text[a:b]) for a, b in spans]
        taken = [False] * len(spans)
        for m in self.mentions(text, kinds):
            for i, (a, b) in enumerate(spans):
                if a >= m.start and b <= m.end:
                    taken[i] = True
        out: list[tuple[str, tuple[Entity, ...]]] = []
        for n in range(min(MAX_NGRAM, len(spans)), 1, -1):
            for i in range(len(spans) - n + 1):
                if any(taken[i : i + n]):
                    continue
                hit = self._exact_in_text(" ".join(words[i : i + n]), kinds) or self._loose(
                    words[i : i + n], kinds, typos=True
                )  # "sunscreen deluxe", "deluxe sunscren": a shared name in other words
                if hit is None or len(hit[1]) < 2:
                    continue
                kind, ids = hit
                out.append(
                    (
                        text[spans[i][0] : spans[i + n - 1][1]],
                        tuple(self.entities[kind][e] for e in sorted(ids)),
                    )
                )
                taken[i : i + n] = [True] * n
        return out

    def _exact_in_text(
        self, form: str, kinds: Sequence[EntityKind]
    ) -> tuple[EntityKind, set[str]] | None:
        if form in FREE_TEXT_STOP:
            return None
        for kind in kinds:
            ids = self.forms[kind].get(form)
            if ids:
                return kind, ids
        return None


DOCUMENT_BEFORE = re.compile(
    r"\b(?:po|pos|to|tos|transfer|xfer|order|purchase\s+order|document|doc|proposal|pr|"
    r"invoice|receipt|asn|shipment|ticket|ref(?:erence)?|number|no\.?)\s*(?:#|no\.?|number)?"
    r"\s*[:#-]?\s*$|#\s*$",
    re.I,
)
"""A document word just before a number ("PO 0010", "transfer #0010"): the document's number."""
ORDINAL_START = re.compile(
    r"(?i)(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|\d+\s*(?:st|nd|rd|th))\b"
)
RANK_AFTER = re.compile(
    r"(?i)\s+(?:to|that|which|who|where|in\s+line|on\s+(?:the|that|this|your)\s+list|"
    r"of\s+(?:them|those|these|the))\b"
)
"""After an ordinal DC phrase, words that make it a rank ("the first warehouse to run out",
"the second DC on the list"): the thread's list position, never the DC of that number."""
DURATION_AFTER = re.compile(r"\s*(?:%|percent\b|x\b|times\b|days?\b|weeks?\b|months?\b)", re.I)


def _not_a_name(text: str, a: int, b: int) -> bool:
    """Return True when text[a:b] reads as an alias but is not one in its place.

    "it's 15 days": "s 15" is the contraction's "s" and a duration, not store 15; a word after
    an apostrophe starts no name, and a spaced alias ending in a number followed by "days",
    "%" or "x" is that quantity.
    """
    if a > 0 and text[a - 1] in "'’":
        return True
    surface = text[a:b]
    if ORDINAL_START.match(surface) and RANK_AFTER.match(text, b):
        return True  # "the first warehouse to run out": a rank over a list, not DC-01
    return " " in surface and surface[-1].isdigit() and bool(DURATION_AFTER.match(text, b))


def _alias_kind(section: str) -> EntityKind:
    key = section.lower().rstrip("s")
    mapping: dict[str, EntityKind] = {
        "sku": "sku",
        "item": "sku",
        "location": "location",
        "store": "location",
        "supplier": "supplier",
        "vendor": "supplier",
    }
    if key not in mapping:
        raise ValueError(f"aliases: unknown section {section!r} (use skus, locations or suppliers)")
    return mapping[key]


def load_aliases(path: Path | None) -> dict[str, dict[str, list[str]]]:
    """Read the aliases file: {skus|locations|suppliers: {id: [alias, ...]}}; absent is empty."""
    if path is None or not Path(path).exists():
        return {}
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the aliases file: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: the aliases file must be a mapping of sections")
    out: dict[str, dict[str, list[str]]] = {}
    for section, table in raw.items():
        try:
            _alias_kind(str(section))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
        if not isinstance(table, dict):
            raise ValueError(f"{path}: section {section!r} must map ids to lists of aliases")
        out[str(section)] = {}
        for entity_id, names in table.items():
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError(f"{path}: {section}.{entity_id} must be a list of strings")
            out[str(section)][str(entity_id)] = list(names)
    return out


_CACHE: list[tuple[weakref.ref[NetworkData], Path | None, Resolver]] = []
_CACHE_LOCK = threading.Lock()


def resolver_for(data: NetworkData, aliases_file: Path | None = None) -> Resolver:
    """Return the resolver of a snapshot (built once per snapshot object and aliases file)."""
    with _CACHE_LOCK:
        for ref, path, found in _CACHE:
            if ref() is data and path == aliases_file:
                return found
        made = Resolver.from_network(data, load_aliases(aliases_file))
        alive = [e for e in _CACHE if e[0]() is not None][-3:]
        _CACHE[:] = [*alive, (weakref.ref(data), aliases_file, made)]
        return made


def describe(resolver: Resolver, kind: EntityKind, entity_id: str) -> dict[str, Any]:
    """Return {"id", "name"} of an entity for a tool result."""
    entity = resolver.get(kind, entity_id)
    return {"id": entity_id, "name": entity.name if entity else ""}
