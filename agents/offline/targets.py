"""A target position at a DC: "top DC-NORTH up to 800 of <item>", "bring DC south to 500 units".

A DC is replenished from a supplier, so a level asked for at a DC is a purchase order, never a
transfer: the order goes to the supplier the request names, else the item's only supplier,
else its primary one (the item master's flag, as `get_supplier_status` gives it for the item);
with several and none primary, the planner is asked which. The level is a target position, as
for a store ("top S003 up to 40", `agents.offline.bounds.fill_to`): the item's position at the
DC (on hand, in transit and on order, `get_inventory`) is looked up and the gap to the level is
ordered, rounded as the planning engine rounds every purchase order (`round_up_to_pack`: at
least the supplier's MOQ for the item, in whole case packs of the item master, `get_item`);
nothing is drafted when the position is already at the level. The answer says each step. The
item is the one the request names, else the thread's; with neither, the planner is asked for it
before anything is looked up.
"""

from __future__ import annotations

import re
from typing import Any

from agents.offline import handlers as h
from agents.offline.bounds import fill_to, position_of
from agents.offline.messages import Call, Request, Result, Step
from agents.offline.safety import write_not_meant
from planning.policy import round_up_to_pack

LEVEL = (
    r"(?:a\s+(?:level|position|total|target)\s+of\s+)?(?P<n>\d[\d,]*)\b"
    r"(?!\s*(?:%|days?|weeks?|x\b))"
)
NOT_A_PLACE = (
    r"(?:pos?|orders?|purchase|transfers?|moves?|drafts?|proposals?|requests?|lines?|it|this|"
    r"that|them|one|down|PR-\w+|PO-\w+)\b"
)
TARGET_WORDS = re.compile(
    r"\b(?:top|fill|bring|take|build|get|restock|replenish|stock)\s+(?:up\s+)?"
    r"(?P<words>(?:(?!" + NOT_A_PLACE + r")[\w'-]+\s+){0,4}?)(?:back\s+)?(?:up\s+)?to\s+" + LEVEL,
    re.I,
)
"""A level to fill to said of a place: a verb, the place (and item) within four words, the level.

None of the words is a draft or an order ("bring the DC-NORTH PO to 300" amends that PO) or a
direction down ("take DC-SOUTH down to 200" is no level to fill to)."""
LOOKUPS = ("get_supplier_status", "get_item", "get_inventory")


def _dcs(text: str, resolver: Any) -> list[str]:
    """Return the DCs a text names: the network's, else (no network known) ids like DC-NORTH."""
    if resolver is None:
        return re.findall(r"(?<![\w-])DC-[A-Z0-9]+(?![\w-])", text)
    return [dc for dc in resolver.dcs() if re.search(rf"(?<![\w-]){re.escape(dc)}(?![\w-])", text)]


STORE_LEVEL = re.compile(
    r"\b(?:bring|get|take|fill|build|restock|replenish)\s+"
    r"(?P<words>(?!\d)(?:(?!" + NOT_A_PLACE + r"|up\b|back\b)[\w'-]+\s+){1,4}?)(?:back\s+)?to\s+"
    r"(?=" + LEVEL + r")",
    re.I,
)
"""A level asked for at a place with "up" unsaid ("bring S003 to 40 of <item>", "get store 3 to
40 units"): read as "top <place> up to 40" when the place is a store (`store_level`)."""
STORE_SAID = re.compile(r"(?<![\w-])S\d{2,}(?![\w-])|\b(?:store|shop)\s*(?:#|no\.?\s*)?\d+\b", re.I)
"""A store said by its id or its number ("S003", "store 3")."""


def _names_store(words: str, resolver: Any) -> bool:
    """Return whether words name a store (not a DC): by id or number, else a network's name."""
    if _dcs(words, resolver):
        return False
    if STORE_SAID.search(words):
        return True
    if resolver is None:
        return False
    dcs = set(resolver.dcs())
    found = resolver.mentions(words, kinds=("location",))
    return bool(found) and all(m.entity.id not in dcs for m in found)


def store_level(text: str, resolver: Any) -> str:
    """Read a store's level said without "up" as a top-up ("bring S003 to 40": "top S003 up to 40").

    The draft is then sized to the level (`agents.offline.bounds.fill_to`). A DC's level is
    `dc_target`'s; a question or a statement ("should we bring S003 to 40?") is left as it is,
    so nothing is written (`agents.offline.safety.write_not_meant`).
    """
    if write_not_meant(text) is not None:
        return text
    for m in STORE_LEVEL.finditer(text):
        if _names_store(m.group("words"), resolver):
            return text[: m.start()] + "top " + m.group("words") + "up to " + text[m.end() :]
    return text


def read_target(text: str, resolver: Any) -> dict[str, str] | None:
    """Read a level asked for at one DC: the DC (named among the words) and the level."""
    for m in TARGET_WORDS.finditer(text):
        dcs = _dcs(m.group("words"), resolver)
        if len(dcs) == 1:
            return {"loc": dcs[0], "n": m.group("n").replace(",", "")}
    return None


def _supplier(
    req: Request, rows: list[dict[str, Any]], sku: str
) -> tuple[dict[str, Any] | None, str]:
    """Return the supplier row the order goes to and why (said, only or primary), else None."""
    said = req.said("supplier")
    if said is not None:
        row = next((r for r in rows if r.get("supplier_id") == said), None)
        return (row or {"supplier_id": said}), "named"
    if len(rows) == 1:
        return rows[0], "only"
    primary = next((r for r in rows if h._is_primary(r)), None)
    return primary, "primary"


def dc_target(req: Request, results: list[Result]) -> Step:
    """Draft the purchase order that brings an item's position at a DC to the level asked."""
    sku = req.said("sku") or req.focus.sku
    loc, level = req.fields["loc"], int(req.fields["n"])
    if sku is None:
        return h._ask(
            f"the SKU to bring {loc} up to {level} of", f"top {loc} up to {level} of SKU-0012"
        )
    got = {r.name: r for r in results}
    drafted = [r for r in results if r.name.startswith("draft_")]
    if not all(name in got for name in LOOKUPS):
        return [
            Call("get_supplier_status", {"sku": sku}),
            Call("get_item", {"sku": sku}),
            Call("get_inventory", {"sku": sku, "location": loc}),
        ]
    failed = next((got[n] for n in LOOKUPS if got[n].error), None)
    if failed is not None:
        return h._error_text(failed)
    status = got["get_supplier_status"]
    rows = [r for r in status.data if isinstance(r, dict)] if isinstance(status.data, list) else []
    chosen, why = _supplier(req, rows, sku)
    if chosen is None:
        names = ", ".join(str(r.get("supplier_id")) for r in rows) or "none"
        return (
            f"Which supplier should the purchase order for {loc} go to? {sku} has no primary "
            f"supplier among its suppliers ({names}). Say, for example, **top {loc} up to "
            f"{level} of {sku} from <supplier>**."
        )
    sup = str(chosen["supplier_id"])
    gap, rule = fill_to(level, position_of(got["get_inventory"], sku, loc), sku, loc)
    if gap <= 0:
        return f"I have not drafted anything: {rule}"
    item = got["get_item"].data if isinstance(got["get_item"].data, dict) else {}
    pack = item.get("case_pack")
    moq = (chosen.get("item") or {}).get("moq")
    qty = int(round_up_to_pack([gap], [pack or 1], [moq or 0])[0])
    if qty != gap:
        terms = [f"at least the MOQ ({h._qty(moq)})" if moq else ""]
        terms.append(f"in whole cases of {h._qty(pack)}" if pack and float(pack) > 1 else "")
        rule += (
            " Ordered as the planning engine rounds a purchase order ("
            + " ".join(t for t in terms if t)
            + f"), so {qty}."
        )
    whom = {"named": "the supplier you named", "only": f"the only supplier of {sku}"}.get(
        why, f"the primary supplier of {sku}"
    )
    name = f" ({chosen['name']})" if chosen.get("name") else ""
    said = (
        f"{rule}\n\n{loc} is replenished by purchase order, not by transfer: the order goes to "
        f"{sup}{name}, {whom}."
    )
    if drafted:
        return f"{said}\n\n{h._drafts_with_notes(drafted)}"
    return [
        Call(
            "draft_purchase_order",
            {"sku": sku, "location_id": loc, "supplier_id": sup, "qty": qty},
        )
    ]
