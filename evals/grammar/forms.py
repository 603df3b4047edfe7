"""How planners name things, and the noise of a chat message.

Every entity has several surface forms (its id, the id in lower case, "store 7", "S7", "DC
south", "south DC", the store's or supplier's name, the item's description); the generator
picks one at random and keeps only forms the tools' resolver maps back to the same id. The
noise functions add one typo to an ordinary word, drop punctuation, prepend a chatty lead-in
or append a polite ending.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

LEAD_INS = (
    "hey, quick one: ",
    "hi - ",
    "morning! ",
    "quick q: ",
    "ok so ",
    "sorry to bug you, ",
    "hey there, ",
    "one more thing: ",
    "hiya, ",
    "question for you: ",
    "right, ",
    "so ",
    "hello! ",
    "before my 10am: ",
    "fyi need this for the ops call - ",
)
WRITE_LEAD_INS = (
    "hey, ",
    "hi - ",
    "morning! ",
    "ok so ",
    "right, ",
    "one more thing: ",
    "hiya, ",
    "ok, ",
)
"""Lead-ins for a drafting request: none of them makes it read as a question."""
POLITE = (
    " thanks",
    " pls",
    " please",
    ", thanks!",
    " ty",
    " cheers",
    ", thank you",
    " thx",
    " when you get a sec",
    ", much appreciated",
)
PUNCTUATION = re.compile(r"[?!.,:;']")


@dataclass(frozen=True)
class Form:
    """One way of writing an entity, with the tag that names the form."""

    text: str
    kind: str


def sku_forms(sku: str, description: str, unique_description: bool) -> list[Form]:
    """Return the ways a planner writes a SKU id (the description only when no other SKU has it)."""
    number = int(sku.split("-")[1])
    out = [
        Form(sku, "id"),
        Form(sku.lower(), "lower_id"),
        Form(f"sku {number}", "number"),
    ]
    if unique_description:
        out += [Form(description, "name"), Form(description.lower(), "name_lower")]
    return out


def store_forms(location_id: str, name: str) -> list[Form]:
    """Return the ways a planner writes a store: S004, s004, store 4, S4, Hanover, hanover store."""
    number = int(location_id[1:])
    return [
        Form(location_id, "id"),
        Form(location_id.lower(), "lower_id"),
        Form(f"store {number}", "store_n"),
        Form(f"S{number}", "short_id"),
        Form(name, "name"),
        Form(f"{name.lower()} store", "name_store"),
    ]


def dc_forms(location_id: str, name: str) -> list[Form]:
    """Return the ways a planner writes a DC: DC-SOUTH, dc-south, DC south, south DC, its name."""
    region = location_id.split("-", 1)[1].lower()
    return [
        Form(location_id, "id"),
        Form(location_id.lower(), "lower_id"),
        Form(f"DC {region}", "dc_region"),
        Form(f"{region} DC", "region_dc"),
        Form(f"the {region} dc", "the_region_dc"),
        Form(name, "name"),
    ]


def supplier_forms(supplier_id: str, name: str) -> list[Form]:
    """Return the ways a planner writes a supplier: SUP-02, sup-02, supplier 2, its name, short."""
    number = int(supplier_id.split("-")[1])
    short = name.split()[0]
    return [
        Form(supplier_id, "id"),
        Form(supplier_id.lower(), "lower_id"),
        Form(f"supplier {number}", "number"),
        Form(name, "name"),
        Form(short, "short_name"),
        Form(short.lower(), "short_lower"),
    ]


def category_forms(category: str, accepts: Callable[[str], bool]) -> list[Form]:
    """Return a category as written, in lower case, and plural when the tools read it."""
    out = [Form(category, "name"), Form(category.lower(), "name_lower")]
    plural = category.lower() + "s"
    if not category.lower().endswith("s") and accepts(plural):
        out.append(Form(plural, "plural"))
    return out


def typo(word: str, rng: random.Random) -> str:
    """Return the word with one slip: two neighbouring letters swapped, one dropped or doubled."""
    i = rng.randrange(1, len(word) - 2)
    how = rng.choice(("swap", "drop", "double"))
    if how == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if how == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    return word[:i] + word[i + 1 :]


SLOT = re.compile(r"\{[a-z_]+\}")
ORDINARY = re.compile(r"(?<![{\w-])[a-z]{5,}(?![\w}-])")


def with_typo(template: str, rng: random.Random) -> str | None:
    """Return the template with one typo in an ordinary word (never a slot), or None."""
    spans = [m for m in ORDINARY.finditer(template) if not _in_slot(template, m.start())]
    if not spans:
        return None
    m = rng.choice(spans)
    return template[: m.start()] + typo(m.group(), rng) + template[m.end() :]


def _in_slot(text: str, at: int) -> bool:
    return any(s.start() <= at < s.end() for s in SLOT.finditer(text))


def without_punctuation(text: str) -> str:
    """Return the message with its punctuation dropped (ids keep their hyphens)."""
    return re.sub(r"\s+", " ", PUNCTUATION.sub("", text)).strip()
