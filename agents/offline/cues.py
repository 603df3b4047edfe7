"""Question-type cue families: what kind of answer a request asks for, whatever its nouns.

The intent table reads a request by the first pattern that matches, and its broad intents
(the exception list, an exception type's list, a supplier's status card, the stock of an item
at a place, the late-PO list) match almost any request that names what they are about. The
decisive word of a question is often elsewhere: *how much* is it worth, *list every* order,
*what day* does it hit zero, what will it *sell over ten days*, *who else* can supply it. This
module reads those cue families, each a few ways of asking for one kind of answer, and turns a
broad reading into the look-up that answers the question:

- **aggregate** (how much / how many / count / tally / total / worth / bill / which one most /
  whose / two places side by side), about exceptions or the money they put at risk: the
  totals (`summarize_exceptions`: by type, by location for "which store" or "where", by
  location for two places compared);
- **documents** (list / every / which ... orders / still owes / outstanding / undelivered),
  about one supplier's or one place's orders: the open supply (`get_open_supply`, whose lines
  carry their `late` flag); "does the plan want anything from <supplier>" is that supplier's
  order list (`get_supplier_overview`);
- **date of an event** (when / what day / how soon + run out / hit zero / sell the last): the
  item's projected stockout date at the place (`get_inventory`);
- **forecast** (expect / sell / demand / likely to shift + a horizon of N days, weeks, a
  fortnight): the forecast over that horizon (`get_forecast`);
- **sourcing** (who else / second source / backup vendor / alternative supplier) for an item:
  its suppliers (`get_supplier_status(sku)`);
- **health check** (how's <place> looking / doing / holding up, how are things at <place>,
  anything bad at <place>, <place> ok?) about one place and nothing narrower: that place's
  exceptions (`list_exceptions`), not its stock table;
- **what-if** with a size said as a comparative or a verb ("20% busier than planned",
  "beats its plan by 30%", "overshoots by a third"): the simulation (`run_what_if`, sized by
  `parsing._factor`); a what-if reading with nothing to size that asks an item's forecast
  over a horizon ("... whether the promotion lift is built in") is that forecast;
- **a place's orders from the plan** ("what must <store> receive now from replenishment?
  only 5 biggest"): the place's order list (`get_routine_orders`), over a ranked exception
  list too;
- **whether to move** an item to a place ("is good idea to send X to Y?", "would it make
  sense to ship X to Y?"), no quantity said: the engine's need there (`engine_need`), which
  offers the draft and drafts nothing.

Only the broad readings in `REREAD` (and no reading at all) are reread, and a loose buying
reading only when it asks who else supplies the item (`WRITES_ASKED`); every rereading is a
read-only look-up or a simulation: nothing here drafts, amends or writes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from agents.offline.hypotheses import poses_promotion
from agents.offline.parsing import _exception_type, _scenario_args, sized_comparative

REREAD = frozenset(
    {
        "unknown",
        "exceptions",
        "exceptions_urgent",
        "typed_exceptions",
        "open_at_location",
        "late_pos",
        "supplier_status",
        "all_suppliers",
        "inventory_loose",
        "inventory_pair",
        "inventory_sku",
        "inventory_location",
        "follow_up_lookup",
        "open_supply",
        "routine_orders",
        "network",
        "item_terms",
        "item",
        "lanes",
        "cover_question",
        "forecast_no_location",
    }
)
"""Readings a cue family may overrule: the catch-alls, the broad look-ups and no reading."""

# -- aggregate -----------------------------------------------------------------------------------

AGGREGATE = re.compile(
    r"\b(?:how\s+(?:much|many|big|bad|large|heavy|costly|expensive)|count(?:s|ed|ing)?|"
    r"tally|tall(?:ied|ies)|totals?|total(?:l?ed|l?ing)\s+up|sum(?:s|med)?(?:\s+up)?|"
    r"add(?:s|ed)?\s+up|altogether|all\s+told|in\s+all|combined|"
    r"worth(?!\s+(?:a\s+)?(?:acting|action|look\w*|doing|fixing|chasing|it|checking|"
    r"keeping|watching|flagging|raising))|what(?:'s|\s+is|\s+does)\s+(?:it|that|this|the\s+\w+)?"
    r"\s*(?:all\s+)?come\s+to|put\s+a\s+(?:number|figure|price)\s+on|bill|tab|"
    r"whoo?se|(?:which|what)\s+(?:single\s+|one\s+)?(?:one|store|shop|site|location|place|"
    r"branch|outlet|dc|warehouse)s?\b(?=.*\b(?:most|biggest|largest|heaviest|worst|highest|"
    r"greatest|concentrat\w*|hardest))|concentrat\w*|side\s+by\s+side|head[\s-]+to[\s-]+head|"
    r"worse\s+off|better\s+off)\b",
    re.I,
)
"""A question for a number (a count, a money total) or for the single place where it is largest."""

MONEY = re.compile(
    r"\b(?:money|cash|value|cost(?:s|ing)?|worth|exposure|exposed|at\s+risk|at\s+stake|"
    r"bill|tab|bleed\w*|los(?:e|es|ing)|lost|tied(?:\s+up)?|stuck|damage|pain|hit|"
    r"dollars?|pounds?|euros?)\b|[$£€]",
    re.I,
)
"""What the exceptions cost: the money a total or a ranking is of."""

EXCEPTION_WORDS = re.compile(
    r"\b(?:exceptions?|issues?|flags?|flagged|alerts?|warnings?|problems?|risks?|p[123]s?|"
    r"priorit(?:y|ies))\b",
    re.I,
)
"""The exceptions named as such."""

STOCK_ONLY = re.compile(
    r"\b(?:units?|on[- ]?hand|in\s+stock|stock\s+(?:of|level)|inventory\s+of|pieces|cases)\b", re.I
)
"""A stock figure asked for ("how many units ..."), not the exceptions' totals."""

COMPARED = re.compile(
    r"\b(?:more|less|worse|better|bigger|larger|higher|lower|heavier|compar\w*|vs\.?|versus|"
    r"against|side\s+by\s+side|head[\s-]+to[\s-]+head)\b",
    re.I,
)
"""Two places weighed against each other."""


def asks_aggregate(text: str, found: Mapping[str, Sequence[str]]) -> bool:
    """Whether a request asks the exceptions' count, money total or where they are largest.

    It must be about the exceptions (their word, a type's word or the money at risk), name no
    supplier (the totals have no supplier filter) and ask no stock figure.
    """
    two_places = len(found.get("location") or []) == 2 and bool(COMPARED.search(text))
    if found.get("supplier") or not (AGGREGATE.search(text) or two_places):
        return False
    about = EXCEPTION_WORDS.search(text) or _exception_type(text) or MONEY.search(text)
    if not about:
        return False
    if STOCK_ONLY.search(text) and not (EXCEPTION_WORDS.search(text) or MONEY.search(text)):
        return False
    # "how much is SKU-0003 worth": the item, not the exceptions
    return not found.get("sku") or bool(EXCEPTION_WORDS.search(text) or _exception_type(text))


# -- documents -----------------------------------------------------------------------------------

DOCUMENT = re.compile(
    r"\b(?:pos?|p\.o\.s?|purchase\s+orders?|orders?|deliver(?:y|ies)|shipments?|consignments?|"
    r"paperwork|documents?|receipts?|transfers?|lines|inbounds?)\b",
    re.I,
)
"""A document noun: what a list of open supply is made of."""

OWED = re.compile(
    r"\b(?:still\s+)?owe[sd]?\b|\bowing\b|\bstill\s+(?:has|have|got)\s+to\s+(?:send|ship|deliver)|"
    r"\b(?:has|have|had)\s*(?:n'?t|\s+not)\s+(?:yet\s+)?(?:delivered|shipped|sent|arrived|landed)|"
    r"\b(?:outstanding|undelivered|unreceived|unfilled|unshipped|open|pending|due|"
    r"waiting\s+(?:on|for)|headed|heading|bound|still\s+to\s+(?:come|arrive|land))\b",
    re.I,
)
"""Supply not yet received: what is owed, outstanding or still to come."""

_LIST_WORDS = (
    r"list|listing|every|each|whole|full|complete|itemi[sz]e|enumerate|line\s+by\s+line|"
    r"(?:order|one|po)\s+by\s+(?:order|one|po)"
)
LISTED = re.compile(r"\b(?:" + _LIST_WORDS + r"|all\s+(?:the|of|their|its))\b", re.I)
"""A list asked for in so many words (over a late-PO reading, which lists the late ones)."""

LIST = re.compile(r"\b(?:" + _LIST_WORDS + r"|all|which|what|show|give)\b", re.I)
"""A list asked for: in so many words (`LISTED`), or by "all", "which", "show", "give"."""

OPEN_AND_LATE = re.compile(
    r"\b(?:owe[sd]?|owing|still|open|outstanding|undelivered|unreceived|unfilled|pending)\b", re.I
)
"""Over a late-PO reading: the open orders asked for, late or not."""

OPEN_WITH = re.compile(
    r"\b(?:open|outstanding|on\s+order|in\s+flight|in\s+the\s+pipeline|still\s+(?:coming|due|to\s+come)|"
    r"owed|undelivered|pending)\s+(?:with|from|at|on|against)\s+(?:the\s+)?SUP[-_]?\w+",
    re.I,
)
"""Orders open with a supplier said without their noun ("what do we have open with SUP-06",
"anything outstanding from SUP-02?"): its open supply (suppliers are ids by then)."""

ORDER_LIST = re.compile(
    r"\b(?:order(?:ing)?|buy(?:ing)?|purchas(?:e|ing)|re-?order(?:ing)?|replenishment)\s+"
    r"(?:list|plan|suggestions?|proposals?|recommendations?)\b|\bto\s+(?:order|buy)\b",
    re.I,
)
"""The plan's order list (what to buy), not the orders already placed."""

PLAN_WANTS = re.compile(
    r"\b(?:plan|engine|system|model|mrp|replenishment|forecast)\b.{0,30}?\b(?:wants?|wanting|"
    r"asks?|asking|needs?|calls?\s+for|calling\s+for|suggests?|suggesting|recommends?|"
    r"recommending|proposes?|proposing)\b.{0,40}?\b(?:from|off|of|with)\b",
    re.I,
)
"""The plan asked what it wants from a supplier ("is the plan asking for anything from X?")."""


def asks_documents(text: str, found: Mapping[str, Sequence[str]], current: str) -> bool:
    """Whether a request asks one supplier's or one place's open orders, listed.

    A late-PO reading is only reread when the list, what is still owed or the open orders are
    said ("show the whole list", "still owes us", "any open PO of theirs late?"): "late orders
    from X" keeps the late orders' own answer (how many days late each is).
    """
    suppliers = found.get("supplier") or []
    places = found.get("location") or []
    if len(suppliers) + len(places) != 1 or found.get("sku"):
        return False
    if suppliers and OPEN_WITH.search(text) and not ORDER_LIST.search(text):
        return True  # "what have we got open with Voltix?": its open orders, no noun needed
    if not DOCUMENT.search(text) and not re.search(r"\bowe[sd]?\b|\bsend\s+us\b", text, re.I):
        return False
    if ORDER_LIST.search(text):
        return False  # "what's on <supplier>'s order list": the plan's buys, not its open POs
    if current == "late_pos":
        # "which of Acme's open POs are late?": the open lines, each with its late flag
        return bool(LISTED.search(text) or OPEN_AND_LATE.search(text))
    return bool(OWED.search(text) and LIST.search(text)) or bool(
        LISTED.search(text) and DOCUMENT.search(text)
    )


FROM_THE_PLAN = re.compile(
    r"\b(?:receiv\w*|get|gets|getting|be\s+(?:sent|delivered|shipped|ordered)|order\w*|need\w*)"
    r"\b.{0,30}?\bfrom\s+(?:the\s+)?(?:replenishment|plan|planning|engine|mrp|"
    r"routine\s+(?:orders?|replenishment))\b",
    re.I,
)
"""What a place is to get from the plan ("what must <store> receive now from replenishment?")."""


def asks_place_orders(text: str, found: Mapping[str, Sequence[str]]) -> bool:
    """Whether a request about one place asks what the plan's replenishment sends it."""
    places = found.get("location") or []
    if len(places) != 1 or found.get("sku") or found.get("supplier"):
        return False
    return bool(FROM_THE_PLAN.search(text))


WHETHER_TO_MOVE = re.compile(
    r"\b(?:(?:is\s+it|it'?s|is|would\s+it\s+be|would\s+be)\s+(?:a\s+)?(?:good|wise|smart|sensible|"
    r"right)\s+(?:idea|move|call|thing)?\s*(?:to|if\s+we)|would\s+it\s+(?:make\s+sense|help)\s+"
    r"to|(?:does|would)\s+it\s+make\s+sense\s+to|is\s+it\s+(?:worth|advisable)\s+(?:it\s+)?"
    r"(?:to)?)\s+(?:\w+\s+)?(?:send(?:ing)?|ship(?:ping)?|mov(?:e|ing)|transfer(?:ring)?|"
    r"bring(?:ing)?|get(?:ting)?)\b",
    re.I,
)
"""Whether sending an item to a place is wise ("maybe is good idea to send X to Y?", "would it
make sense to ship X to Y?"): a question, answered by the engine's need there."""


def asks_whether_to_move(text: str, found: Mapping[str, Sequence[str]]) -> bool:
    """Whether a question about one item and one place asks if stock should be sent there."""
    if len(found.get("sku") or []) != 1 or len(found.get("location") or []) != 1:
        return False
    if found.get("supplier") or re.search(r"(?<![\w.\-])\d", text):
        return False  # a quantity said is a draft asked about (confirmed, never sized here)
    return bool(WHETHER_TO_MOVE.search(text))


def asks_plan_wants(text: str, found: Mapping[str, Sequence[str]]) -> bool:
    """Whether a request about one supplier asks what the plan wants to buy from it."""
    suppliers = found.get("supplier") or []
    return len(suppliers) == 1 and not found.get("sku") and bool(PLAN_WANTS.search(text))


# -- the date of an event ------------------------------------------------------------------------

WHEN = re.compile(
    r"\b(?:when(?:'?s)?|what\s+(?:day|date|time)|which\s+(?:day|date)|by\s+when|how\s+soon|"
    r"how\s+long\s+(?:until|till|til|before)|how\s+many\s+days\s+(?:until|till|til|before|to)|"
    r"until|till|at\s+what\s+point|the\s+day|on\s+what)\b",
    re.I,
)
"""A date asked for."""

DEPLETED = re.compile(
    r"\b(?:run(?:s|ning)?\s+(?:out|dry|empty)|ran\s+out|hits?\s+zero|hitting\s+zero|"
    r"reach(?:es)?\s+zero|(?:see|sees|at|to|down\s+to)\s+zero|zero\s+(?:out|on\s+hand|stock)|"
    r"(?:be|is|go(?:es)?|went)\s+(?:all\s+)?(?:gone|empty|out|bare)|all\s+gone|"
    r"sell(?:s|ing)?\s+(?:out|through\s+(?:its|the)\s+last)|sold\s+out|stock(?:s|ed)?\s*[- ]?out|"
    r"(?:last|final)\s+(?:unit|one|piece|item|sku)|(?:its|the|their)\s+(?:last|final)\b|"
    r"exhaust\w*|deplet\w*|cleaned\s+out|wiped\s+out|no\s+(?:more\s+)?(?:\S+\s+){0,2}?left|"
    r"nothing\s+left|none\s+left)\b",
    re.I,
)
"""Stock running out, in any words."""

ARRIVAL = re.compile(r"\b(?:arriv\w*|land\w*|deliver\w*|come\s+in|inbound|receiv\w*)\b", re.I)


def asks_stockout_date(text: str, found: Mapping[str, Sequence[str]]) -> bool:
    """Whether a request about one item at one place asks the day it runs out."""
    if len(found.get("sku") or []) != 1 or len(found.get("location") or []) != 1:
        return False
    return bool(WHEN.search(text) and DEPLETED.search(text) and not ARRIVAL.search(text))


# -- forecast ------------------------------------------------------------------------------------

SALES = re.compile(
    r"\b(?:expect\w*|anticipat\w*|predict\w*|project\w*|reckon\w*|likely|forecast\w*|"
    r"outlook|demand|offtake|sell[\s-]?through|sell(?:s|ing)?|sold|move|moving|shift|"
    r"go\s+through|buy|volumes?|sales)\b",
    re.I,
)
"""What demand will be: expected, sold, shifted."""

HORIZON = re.compile(
    r"\b(?:next|over|in|within|coming|across|for|during)\s+(?:the\s+)?(?:next\s+|coming\s+)?"
    r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|"
    r"twenty|thirty)?\s*[\s-]*(?:days?|weeks?|months?|fortnight|quarter)\b|\bfortnight\b|"
    r"\bnext\s+(?:week|month|quarter)\b",
    re.I,
)
"""A horizon ahead: "over the next 10 days", "in three weeks", "the coming fortnight"."""

NOT_FORECAST = re.compile(
    r"\b(?:overrides?|raise|lower|bump|increase|decrease|change|set|adjust\w*|what\s+if|"
    r"suppose|imagine|accura\w*|wape|mape|bias)\b",
    re.I,
)


def asks_forecast(text: str, found: Mapping[str, Sequence[str]]) -> bool:
    """Whether a request about one item at one place asks its demand over a horizon."""
    if len(found.get("sku") or []) != 1 or len(found.get("location") or []) != 1:
        return False
    if NOT_FORECAST.search(text) or asks_stockout_date(text, found):
        return False
    return bool(SALES.search(text) and HORIZON.search(text))


# -- sourcing ------------------------------------------------------------------------------------

OTHER_SOURCE = re.compile(
    r"\b(?:who\s+else|whom\s+else|any(?:one|body)\s+else|some(?:one|body)\s+else|elsewhere|"
    r"second(?:ary)?[\s-]+(?:source|"
    r"supplier|vendor)|(?:back[\s-]?up|alternat\w*|fall[\s-]?back|contingency|spare|other|"
    r"another|additional|extra|second(?:ary)?)\s+(?:\w+\s+)?(?:suppliers?|vendors?|sources?|"
    r"compan(?:y|ies)|manufacturers?|makers?)|second[\s-]+sourc\w*|(?:besides|apart\s+from|"
    r"other\s+than|except|instead)\b)",
    re.I,
)
"""Another source asked for: who else, a backup vendor, a second supplier."""

SUPPLY_WORDS = re.compile(
    r"\b(?:suppl\w*|vendors?|sourc\w*|sell(?:s|ing)?\s+(?:us|it)|sell|provid\w*|"
    r"compan(?:y|ies)|manufactur\w*|makers?|makes?|buy|purchas\w*|procure\w*|get\s+(?:it|\S+)\s+"
    r"from|carr(?:y|ies))\b",
    re.I,
)
"""Buying or supplying words: the source asked about is a supplier, not a location."""


def asks_other_source(text: str, found: Mapping[str, Sequence[str]]) -> bool:
    """Whether a request about one item (and no place) asks who else can supply it."""
    if len(found.get("sku") or []) != 1 or found.get("location") or found.get("supplier"):
        return False
    return bool(OTHER_SOURCE.search(text) and SUPPLY_WORDS.search(text))


# -- health check --------------------------------------------------------------------------------

HEALTH = re.compile(
    r"\bhow(?:'?s|\s+is|\s+are|\s+r)?\s+(?:(?:we|things|it|every\w*|stuff|life|the|our|my|\w+)\s+)"
    r"{0,3}?(?:look\w*|doin[g']?|goin[g']?|shaping\s+up|holding\s+up|getting\s+on|far(?:e|ing)|"
    r"treating)\b|\bhow\s+(?:are|r)\s+things\b|\bhealth\s*check\b|\bhealth\s+of\b|"
    r"\b(?:state|shape|situation|sitch|sit-?rep|situation\s+report|status\s+report|picture|"
    r"lay\s+of\s+the\s+land|run-?down|low-?down|state\s+of\s+play|temperature|vibe)\s+"
    r"(?:(?:like|report|update|now|today|currently)\s+)?(?:of|at|in|for|on|over\s+at|down\s+at)\b|"
    r"\bcheck\s+(?:on|in\s+on|up\s+on)\b|"
    r"\bwhat'?s\s+(?:up|happening|going\s+on|wrong|the\s+damage)\s+(?:at|in|with|over\s+at)\b|"
    r"\bany(?:thing|\s+thing)?\s+(?:bad|wrong|off|amiss|worrying|urgent|burning|on\s+fire|"
    r"i\s+should\s+know|to\s+(?:worry|know))\b|\bany\s+(?:trouble|fires?|drama|bad\s+news)\b|"
    r"\b(?:ok(?:ay)?|alright|all\s+right|fine|healthy|in\s+(?:good|bad)\s+shape|in\s+trouble|"
    r"struggling)\s*[?!.]*\s*$",
    re.I,
)
"""A place's state asked for in everyday words, not a stock figure."""

STOCK_ASKED = re.compile(
    r"\b(?:stock(?:s|ed)?|inventory|on[- ]?hand|units?|levels?|positions?|cover|"
    r"how\s+(?:much|many)|reorder|safety|forecast\w*|demand|sales|order(?:s|ed)?|deliver\w*|"
    r"inbound|lanes?)\b",
    re.I,
)
"""A narrower question: a figure of the place's stock, forecast, orders or lanes."""


EXCEPTION_READINGS = frozenset({"exceptions", "exceptions_urgent", "typed_exceptions"})
"""Readings that already list the place's exceptions (urgent ones, one type's): kept."""


def asks_health(text: str, found: Mapping[str, Sequence[str]]) -> bool:
    """Whether a request about one place, and no item or supplier, asks how it is doing."""
    if len(found.get("location") or []) != 1 or found.get("sku") or found.get("supplier"):
        return False
    return bool(HEALTH.search(text)) and not STOCK_ASKED.search(text)


# -- the reading ---------------------------------------------------------------------------------

WHAT_IF_SIZED = frozenset(
    {
        "unknown",
        "cover_question",
        "exceptions",
        "typed_exceptions",
        "inventory_loose",
        "follow_up_lookup",
        "forecast",
        "open_supply",
    }
)
"""Readings a sized comparative ("20% busier than planned") turns into a simulation."""


PLACE_ORDERS_OVER = REREAD | {"exceptions_ranked"}
"""Readings a place's orders from the plan overrule ("... from replenishment? only 5 biggest")."""

WHAT_IF_UNSIZED = frozenset({"what_if", "what_if_words"})
"""What-if readings that, with no change to size, may be a forecast asked for over a horizon
(the promotion's lift asked about, not changed)."""

WRITES_ASKED = frozenset({"cover_need", "draft_purchase_order_loose", "order_from_supplier"})
"""Loose buying readings that a question for another source ("we need to buy X from someone
else - who?") may have matched: read as the item's suppliers, nothing drafted."""

WHO = re.compile(r"\b(?:who|whom|which\s+(?:suppliers?|vendors?|compan(?:y|ies)))\b", re.I)


def reading(
    text: str, found: Mapping[str, Sequence[str]], current: str
) -> tuple[str, dict[str, str]] | None:
    """Return the look-up (intent name, fields) a request's cue family asks for, or None.

    `current`: the intent the table read (`REREAD` only; "unknown" when none). The families
    are tried from the most specific: a sized what-if, the stockout date, the forecast, another
    source, the plan's wants, the documents, the aggregate.
    """
    if current in WRITES_ASKED and WHO.search(text) and asks_other_source(text, found):
        return "suppliers_of_sku", {"sku": str((found.get("sku") or [""])[0])}
    if (
        current in WHAT_IF_UNSIZED
        and not _scenario_args(text)
        and not poses_promotion(text)
        and asks_forecast(text, found)
    ):
        # "could you share the forecast for <item> at <store> over the coming two weeks? I'm
        # interested in whether the promotion lift is built in": no change to simulate.
        skus, places = list(found.get("sku") or []), list(found.get("location") or [])
        return "forecast", {"sku": skus[0], "loc": places[0]}
    if current in PLACE_ORDERS_OVER and asks_place_orders(text, found):
        return "routine_orders", {}
    if current not in REREAD and current not in WHAT_IF_SIZED:
        return None
    if current in WHAT_IF_SIZED and sized_comparative(text) and _scenario_args(text):
        return "what_if", {}
    if current not in REREAD:
        return None
    skus, places = list(found.get("sku") or []), list(found.get("location") or [])
    if asks_whether_to_move(text, found):
        return "engine_need", {}
    if asks_stockout_date(text, found) and current != "projected_stockout":
        return "projected_stockout", {}
    if asks_forecast(text, found) and current != "forecast":
        return "forecast", {"sku": skus[0], "loc": places[0]}
    if asks_other_source(text, found):
        return "suppliers_of_sku", {"sku": skus[0]}
    if asks_plan_wants(text, found):
        return "supplier_overview", {"sup": str((found.get("supplier") or [""])[0])}
    if current != "open_supply" and asks_documents(text, found, current):
        return "open_supply", {}
    if asks_aggregate(text, found):
        return "totals", {}
    if current not in EXCEPTION_READINGS and asks_health(text, found):
        return "exceptions", {}
    return None
