"""A purchase order asked for is never drafted as a transfer without a word.

"raise a purchase order for SKU-0012 at S003" or "place a PO for X at S003" names the kind of
write the planner wants. When the reading of such a request ends in a transfer (the item's
exception recommends moving stock from a DC, or a transfer was read), the draft is held back and
the answer says what the planning engine recommends — its quantity and source, from the tool
result — and how to ask for either the transfer or a purchase order. A request that also names a
transfer ("transfer … or raise a PO") is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from agents.offline.messages import Call, Result

PO_ASKED = re.compile(
    r"\b(?:purchase\s+orders?|p\.?o\.?s?|(?:from|with)\s+(?:a|the|our|its)\s+(?:primary\s+)?"
    r"(?:supplier|vendor))\b",
    re.I,
)
"""Words that ask for a purchase order ("raise a purchase order", "place a PO")."""
TRANSFER_SAID = re.compile(r"\b(?:transfer\w*|xfer\w*|mov(?:e|ing)|stock\s+move)\b", re.I)
"""Words that ask for (or allow) a transfer as well."""


def _exception(results: Sequence[Result], exception_id: str) -> dict[str, Any] | None:
    """Return the exception record a result of this turn showed, or None."""
    for result in reversed(results):
        data = result.data
        rows = data.get("items") if isinstance(data, dict) and "items" in data else data
        for row in rows if isinstance(rows, list) else [rows]:
            if isinstance(row, dict) and row.get("id") == exception_id:
                return row
    return None


def _transfer_of(call: Call, results: Sequence[Result]) -> dict[str, Any] | None:
    """Return the transfer a draft call would make (its arguments), or None: not a transfer."""
    if call.name == "draft_transfer":
        return dict(call.args)
    if call.name != "draft_recommended_action":
        return None
    record = _exception(results, str(call.args.get("exception_id")))
    rec = (record or {}).get("recommendation") or {}
    actions = rec.get("actions") or [rec]
    moves = [a for a in actions if isinstance(a, dict) and a.get("kind") == "transfer"]
    if record is None or not moves:
        return None
    move = moves[0]
    return {
        "sku": record.get("sku"),
        "from_location": move.get("from_location"),
        "to_location": move.get("to_location") or record.get("location"),
        "qty": move.get("qty"),
        "exception_id": record.get("id"),
    }


def po_kept(text: str, calls: list[Call], results: Sequence[Result]) -> list[Call] | str:
    """Return the calls, or the answer when a purchase order asked for would be a transfer."""
    if not PO_ASKED.search(text) or TRANSFER_SAID.search(text):
        return calls
    for call in calls:
        move = _transfer_of(call, results)
        if move is None:
            continue
        sku, dst = move.get("sku"), move.get("to_location")
        exc = move.get("exception_id")
        via = f" for `{exc}`" if exc else ""
        fix = (
            f"**fix {exc}**"
            if exc
            else (f"**transfer {move.get('qty')} {sku} from {move.get('from_location')} to {dst}**")
        )
        return (
            f"You asked for a purchase order, but the planning engine recommends a **transfer**"
            f"{via}: {move.get('qty')} × {sku} from {move.get('from_location')} to {dst}. I have "
            f"not drafted anything. Say {fix} to draft that transfer, or **order <qty> {sku} "
            f"for {dst} from <supplier>** to draft a purchase order instead (say **who supplies "
            f"{sku}?** to see its suppliers)."
        )
    return calls
