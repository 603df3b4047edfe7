"""Rule questions: a request about how things are done in general is the playbook's to answer.

Planners ask the rule as often as the data, and in the same words: "a store got a phantom flag,
how long do they have to count it?" shares its nouns with the list of anomalies, "up to what
value can an approver sign?" with the approval queue. What tells them apart is the *form* of
the question, not its topic:

- it names no particular thing: no SKU, store, DC, supplier or document id, only a kind of
  thing ("a store", "a vendor", "an approver", "routine replenishment");
- it asks for a limit, a deadline or a permission: *at what value / which figure*, *up to
  what*, *how long do they have to*, *by when*, *the deadline for*, *may we / can a store /
  is it allowed*.

Such a request is read as a playbook search (`policy`) even when the intent table matched a
look-up by its nouns. Only look-ups are re-read this way (never a refusal, a draft or a thread
action), so the reading cannot make a request write anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from agents.offline.parsing import EXC_RE

DOCUMENT_ID = re.compile(r"\b(?:PO|PR|TR)[-_]?\w*\d\w*\b|" + EXC_RE, re.IGNORECASE)
"""A document's id written in the request (a PO, a proposal, a transfer, an exception)."""


THRESHOLD = re.compile(
    # "at what value do we stop", "at which punctuality figure does procurement step in",
    # "up to what order value can ...", "below which level ..."
    r"\b(?:at|from|above|below|under|over|beyond|past|up\s+to|until)\s+(?:what|which)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:values?|figures?|levels?|points?|percent(?:age)?s?|rates?|numbers?|"
    r"amounts?|sizes?|thresholds?|marks?|scores?|stages?|steps?|limits?|cut-?offs?|ratios?|days?)\b"
    # "which rung of the ladder is that", "what tier of the matrix"
    r"|\b(?:which|what)\s+(?:step|stage|rung|tier|band|level)\s+of\s+the\b"
    # "what's the cut-off", "is there a threshold"
    r"|\b(?:cut-?off|threshold|trigger\s+point|tolerance)\b",
    re.IGNORECASE,
)
"""A question for the limit at which a rule starts to apply."""

DEADLINE = re.compile(
    # "how long have they got to count it", "how long does a store have to recount"
    r"\bhow\s+(?:long|many\s+(?:working\s+|business\s+|calendar\s+)?(?:days|hours|weeks))\b"
    r"(?=.*\b(?:got|have|has|get|gets|given|allowed|take|takes)\s+to\s+\w+)"
    # "what's the deadline for the recount", "by when must the DC order", "how far ahead"
    r"|\b(?:deadlines?|time\s*limits?|turnaround)\b|\bby\s+when\b"
    r"|\bhow\s+(?:far\s+ahead|far\s+in\s+advance|early|soon)\b",
    re.IGNORECASE,
)
"""A question for how soon something must happen."""

PERMISSION = re.compile(
    # "may we send ...", "can routine replenishment just wait ...", "is a store allowed to ..."
    r"(?:^|\s[-\u2013\u2014]+\s|[;:]\s)\W*(?:(?:so|and|but|ok|okay|quick\s+one)\W+)?(?:"
    r"(?:can|could|may|must|shall)\s+(?!(?:you|u)\b)(?:we|i|one|a|an|any|planners?|buyers?|"
    r"stores?|routine|the\s+(?:planner|buyer|store|dc|engine|supplier|approver|plan))\b"
    r"|(?:is|are)\s+(?:it|we|i|a|an|planners?|stores?)\s+(?:\w+\s+)?(?:allowed|permitted|ok|"
    r"okay|fine|acceptable|supposed|required|obliged)\b"
    r"|(?:do|does)\s+(?:we|i|a|an|planners?|stores?)\s+(?:\w+\s+)?(?:have|need)\s+to\b)",
    re.IGNORECASE,
)
"""A question whether something may or must be done, asked of a kind of actor; it may follow
a clause of context ("I'm covering approvals this week - is it ok for me to approve ...")."""

PROCEDURE = (
    r"(?:rais\w*|escalat\w*|held|hold|holds|review\w*|go(?:es)?\s+(?:to|into|on)|move[sd]?\s+(?:to|into)|"
    r"sen[dt]s?\s+to|trigger\w*|flag\w*|open(?:s|ed)?|clos(?:e|es|ed)|approv\w*|sign\w*\s+off|"
    r"mark\w*\s+down|clear\w*|count\w*|recount\w*|writ\w+\s+off|expedit\w*|chas\w*|"
    r"cancel\w*|investigat\w*|check\w*|audit\w*|reconcil\w*|correct\w*|fix\w*|resolv\w*|"
    r"deal\s+with|handl\w*|treat\w*|act\s+on|step\s+in)"
)
"""The verbs of a procedure: what is done to a kind of thing, by whom and when."""

PROCEDURE_WHEN = re.compile(
    # "when do we escalate a late vendor", "when does excess stock go to clearance", "when is
    # the post-promotion review held", "how quickly must a store recount a negative balance"
    r"\b(?:when|how\s+(?:fast|quickly|promptly|often))\s+(?:do|does|should|must|shall|is|are|"
    r"would|will|can)\s+(?:[\w-]+\s+){1,4}?" + PROCEDURE + r"\b"
    # "what happens with an order above 250,000", "what happens to a PO over the limit"
    r"|\bwhat\s+happens\s+(?:with|to|for|when|if)\s+(?:an?|any|every|we)\b.*\b(?:above|over|"
    r"below|under|beyond|past|exceed\w*|more\s+than|less\s+than)\s+(?:the\s+\w+|[$£€]?\d)",
    re.IGNORECASE,
)
"""A question when or how soon a procedure is done, or what is done past a figure."""

PROCEDURE_HOW = re.compile(
    # "how we handle phantom stock", "pls tell me how a store treats a negative balance", "how
    # do I get a PO expedited": how a procedure is done, said with or without its "do"
    r"\bhow\s+(?:do\s+|does\s+|should\s+|must\s+|can\s+|would\s+|to\s+)?(?:we|i|you|one|"
    r"planners?|buyers?|stores?|an?\s+\w+)?\s*(?:get\s+(?:\w+\s+){1,3}?)?" + PROCEDURE + r"\b",
    re.IGNORECASE,
)
"""A question how a procedure is done."""

LOOK_VERBS = re.compile(
    r"^\W*(?:(?:so|and|but|ok|okay)\W+)?(?:can|could|may)\s+(?:we|i)\s+(?:please\s+)?(?:see|get|"
    r"have|view|look|check|show|list|pull|find|know|hear|grab|compare)\b",
    re.IGNORECASE,
)
"""A polite look-up ("can we see the late POs"): a request for data, not for the rule."""

GENERIC = re.compile(
    r"\b(?:a|an|any|every|each|some)\s+(?:[\w-]+\s+){0,2}?(?:stores?|shops?|locations?|sites?|"
    r"dcs?|warehouses?|suppliers?|vendors?|items?|skus?|products?|lines?|orders?|pos?|"
    r"transfers?|approvers?|planners?|buyers?|promotions?|promos?|exceptions?|flags?)\b"
    r"|\b(?:routine\s+replenishment|procurement|the\s+playbook|our\s+rules?|the\s+rules?)\b"
    r"|\b(?:my|our|your|his|her|their|one'?s)\s+own\b",
    re.IGNORECASE,
)
"""A kind of thing rather than a particular one ("a store", "a vendor", "any transfer", "my
own order": whoever drafted it)."""


DATA_QUESTION = re.compile(
    r"^\W*(?:(?:so|and|but|ok|okay|now|please)\W+)?(?:list|show|give|pull|find|get|display)\b"
    r"|\b(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:stores?|shops?|locations?|sites?|dcs?|items?|"
    r"skus?|products?|lines?|suppliers?|vendors?|pos|orders?|transfers?|exceptions?)\s+"
    r"(?:are|is|were|have|has|sit|sits|fall|falls|go|goes|run|runs|came|come|comes|got|get|gets|"
    r"below|above|under|over|past|beyond)\b",
    re.IGNORECASE,
)
"""A request for the things past a limit ("which stores are below the safety stock threshold",
"list the items past the overstock cut-off"): data, not the rule."""


def network_id(text: str, resolver: Any) -> bool:
    """Return True when the text holds an id shaped like the network's own ids.

    The shapes come from the data ("SKU-0001" -> SKU, then digits), so an id the network does
    not hold ("SKU-9999", a store number mistyped) still names a particular thing, whatever
    prefixes the network's items, stores and DCs have.
    """
    if resolver is None:
        return False
    shapes = {
        re.sub(r"\d+", lambda _: r"\d+", re.escape(i)).replace(r"\-", "[-_]?")
        for kind in ("sku", "location", "supplier")
        for i in resolver.ids(kind)
        if re.search(r"[A-Za-z]", i)  # an all-digit id would make every number a name
    }
    alt = "|".join(sorted(shapes, key=len, reverse=True))
    return (
        bool(alt) and re.search(rf"(?<![\w-])(?:{alt})(?![\w-])", text, re.IGNORECASE) is not None
    )


def names_something(text: str, found: Mapping[str, Sequence[str]], resolver: Any = None) -> bool:
    """Return True when the request names a particular SKU, place, supplier or document."""
    return (
        any(found.get(kind) for kind in ("sku", "location", "supplier"))
        or bool(DOCUMENT_ID.search(text))
        or network_id(text, resolver)
    )


def is_rule_question(text: str, found: Mapping[str, Sequence[str]], resolver: Any = None) -> bool:
    """Return True when a request asks a rule's limit, deadline or permission in general.

    `found` is what the request names, by kind (ids); `resolver` gives the shapes of the
    network's ids. A request that names a particular thing asks about it (its data), never
    the rule in general; so does one that lists the things past a limit (`DATA_QUESTION`).
    """
    if DATA_QUESTION.search(text):
        return False
    asks = bool(
        THRESHOLD.search(text)
        or DEADLINE.search(text)
        or PROCEDURE_WHEN.search(text)
        or PROCEDURE_HOW.search(text)
    ) or (
        bool(PERMISSION.search(text)) and not LOOK_VERBS.search(text) and bool(GENERIC.search(text))
    )
    return asks and not names_something(text, found, resolver)


def asked_part(text: str) -> str:
    """Return a rule question without the clause of context before it, for the search.

    "I'm covering approvals this week - is it ok for me to approve a PO I keyed in myself?"
    searches the playbook for the permission asked, not for "covering" (a cover rule).
    """
    m = PERMISSION.search(text)
    if m is None or m.start() == 0:
        return text
    return text[m.start() :].lstrip(" -\u2013\u2014;:")
