"""One look-up asked for several places, items or suppliers at once ("at DC-SOUTH and DC-03").

A look-up intent takes one SKU, one location and one supplier; a planner often names two or
three of one kind in a list ("stock of SKU-1 at S003 and S004", and in a thread "what about the
south DC and DC 3 then"). The table reads the first of them; `fan_out` makes the same look-up
for each one named in the list, one tool call each in the same round, and answers with each
answer in turn. Only a read-only one-tool look-up (`handlers.Lookup`) is fanned out, and only a
list of ids of one kind joined by "and", "plus", "&", "or" or commas where the intent's fields hold
the first: a transfer's source and destination, or a comparison of two places, are read by
their own intents as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from agents.offline.handlers import Lookup
from agents.offline.messages import Request, Result, Step
from agents.offline.parsing import entities

if TYPE_CHECKING:
    from agents.offline.intents import Intent

MAX_EACH = 4
"""The most entities of one kind a look-up is made for in one request."""
SLOTS = {"sku": ("sku",), "location": ("loc",), "supplier": ("sup",)}
"""The fields of a look-up that hold an entity of each kind."""
NOT_EACH = re.compile(
    r"\b(?:compare|comparison|versus|vs\.?|between|from|to|into|transfer|move|send|ship|"
    r"difference|better|worse|more|less|than|which)\b",
    re.I,
)
"""Words that make two names of one kind roles of one request, not a list of look-ups."""
JOIN = r"(?:\s*,\s*(?:and\s+|&\s+|plus\s+)?|\s+(?:and|or|plus|as\s+well\s+as)\s+|\s*[&/+]\s*)"


def listed_ids(text: str, ids: list[str]) -> list[str]:
    """Return the ids of `ids` the text names as one list ("A and B", "A, B & C"), in order."""
    if len(ids) < 2:
        return []
    alt = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    m = re.search(rf"(?<![\w-])(?:{alt})(?:{JOIN}(?:the\s+)?(?:{alt}))+(?![\w-])", text, re.I)
    if m is None:
        return []
    named = [i.upper() for i in re.findall(rf"(?<![\w-])(?:{alt})(?![\w-])", m.group(0), re.I)]
    return list(dict.fromkeys(named))


def each(
    handler: Lookup, slot: str | None, kind: str, ids: list[str], left: Sequence[str] = ()
) -> Any:
    """Return a handler that makes `handler`'s look-up once for each id and joins the answers.

    `slot` is the field that holds the id (None: the look-up reads the ids the request names);
    `left`: the ids named past `MAX_EACH`, not looked up, which the answer says.
    """

    def run(req: Request, results: list[Result]) -> Step:
        asks = [
            replace(
                req,
                fields={**req.fields, slot: i} if slot else req.fields,
                found={**req.found, kind: [i]},
            )
            for i in ids
        ]
        if not results:
            calls = []
            for one in asks:
                step = handler(one, [])
                if isinstance(step, str):
                    return handler(req, results)
                calls += step
            return calls
        if len(results) != len(asks):
            return handler(req, results)
        answers = [str(handler(one, [r])) for one, r in zip(asks, results, strict=True)]
        if left:
            answers.append(
                f"You named {len(ids) + len(left)}; I looked up the first {len(ids)} only. "
                f"Not looked up ({len(left)} left): {', '.join(left)}. Ask for "
                + ("it on its own." if len(left) == 1 else "them on their own.")
            )
        return "\n\n".join(answers)

    return run


def fan_out(intent: Intent, req: Request) -> tuple[Intent, Request]:
    """Return the intent made for each entity of a list the request names, or as it is."""
    if (
        not isinstance(intent.handler, Lookup)
        or intent.writes
        or req.resolver is None
        or NOT_EACH.search(req.text)
        or {"src", "dst"} <= set(req.fields)  # a lane's two ends: "are A and B connected?"
    ):
        return intent, req
    found = entities(req.text, req.resolver)
    for kind, slots in SLOTS.items():
        ids = listed_ids(req.text, found.get(kind) or [])
        if len(ids) < 2:
            continue
        held = [s for s in slots if req.get(s)]
        slot = next((s for s in held if req.get(s) == ids[0]), None)
        if held and slot is None:
            continue  # the intent's field holds another id of the kind: not this list
        picked, left = ids[:MAX_EACH], ids[MAX_EACH:]
        return replace(intent, handler=each(intent.handler, slot, kind, picked, left)), req
    return intent, req
