"""The offline model's general layer: requests the intent table's patterns did not anticipate.

The intent table (`agents.offline.intents`) recognises the phrasings its patterns were written
for. This layer runs only when the table recognises nothing, in two steps:

1. **Normalisation** (`normalise`): everyday synonyms and abbreviations become the words the
   table knows ("OOS" / "out of stock" -> "stockouts", "ETA" / "arriving" -> "inbound", "wks"
   -> "weeks", "DoC" -> "days of cover"), and misspelt ordinary words are corrected against
   the parser's vocabulary (the intents' examples and templates, and the `PHRASINGS` below)
   with rapidfuzz. Ids, numbers and the network's entity names are never corrected. The table
   is then asked again with the normalised request.
2. **A scored fallback** (`Fallback`): when the table still recognises nothing, the request is
   compared with every intent's declared phrasings (examples, template and `PHRASINGS`) by
   TF-IDF cosine similarity over words and character n-grams, with the entities it names
   (a SKU, a location, a supplier, a category) as features. A confident top intent (score and
   margin over the runner-up above thresholds) is acted on ONLY when it is one of the
   read-only intents (`READ_ONLY_INTENTS`) and its handler's calls are read-only tools
   (`tools.planner.READ_TOOLS`); a fallback never drafts, approves, withdraws, amends or
   overrides anything. Otherwise the request gets the table's suggestions.

`leave_one_out` measures how well the phrasings generalise: each one, removed in turn, must
still land on its own intent.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from tools.planner import READ_TOOLS

READ_TOOL_NAMES = frozenset(t.name for t in READ_TOOLS)
"""Tools a fallback guess may call: look-ups only (never a draft, amendment or override)."""

# -- 1. normalisation ----------------------------------------------------------------------------

SYNONYMS: tuple[tuple[str, str], ...] = (
    # greetings and politeness carry no intent
    (r"^\s*(?:hi|hey|hello|morning|yo)\b[\s!,.]*", ""),
    (r"\b(?:pls|plz|please|thanks|thx|kindly)\b[\s!,.]*", ""),
    (r"\bcan\s+u\b", "can you"),
    (r"\bu\b(?=\s+(?:tell|show|give|check|list|pull))", "you"),
    # stockouts
    (r"\bout[\s-]+of[\s-]+stocks?\b", "stockouts"),
    (r"\b(?:oos|stock[\s-]+outs?|stockouts?|run[\s-]?outs?)\b", "stockouts"),
    # open supply
    (r"\b(?:etas?|arriving|arrivals?|incoming|on\s+the\s+way|en\s+route|due\s+in)\b", "inbound"),
    (r"\bnext\s+(?:delivery|shipment|arrival)\b", "inbound"),
    (r"\b(?:outstanding|open)\s+(?:purchase\s+orders|pos)\b", "open POs"),
    (r"\bpurchase\s+orders?\b", "POs"),
    # units and time
    (r"\b(?:qtys?|quantity|quantities)\b", "units"),
    (r"\b(\d+)\s*wks?\b", r"\1 weeks"),
    (r"\bwks?\b", "week"),
    (r"\b(\d+)\s*(?:mos|mths?)\b", r"\1 months"),
    (r"\bdoc\b", "days of cover"),
    (r"\bcvr\b", "cover"),
    (r"\b(?:fcst|fcast|frcst)s?\b", "forecast"),
    # supplier lead time: "LT" (capitals only: "lt" may be "less than")
    (r"\b(?-i:LT|L/T)\b|\blead[\s-]?times?\b", "lead time"),
    (r"\bsoh\b", "stock on hand"),
    # forecasts
    (
        r"\b(?:predicted|projected|expected|forecasted)\s+(?:sales|demand)\b"
        r"|\bdemand\s+(?:outlook|forecast|projection)\b|\bsales\s+forecast\b",
        "forecast",
    ),
    # the whole network
    (
        r"\b(?:network[\s-]+wide|across\s+(?:all|every)\s+(?:the\s+)?(?:sites?|locations?|stores?)"
        r"|at\s+(?:all|every)\s+(?:sites?|locations?)|everywhere)\b",
        "across the network",
    ),
    # orders to place
    (
        r"\b(?:replenishment|reorder(?:ing)?|buy\s+list|suggested\s+orders?|order\s+suggestions?)\b",
        "order",
    ),
    # words for the same things
    (r"\bvendors?\b", "supplier"),
    (r"\bcentre\b", "center"),
    (r"\b(?:issues|problems|alerts|flags)\b", "exceptions"),
)
"""(pattern, replacement): everyday words and abbreviations -> the words the table knows."""
_SYNONYMS = tuple((re.compile(p, re.IGNORECASE), r) for p, r in SYNONYMS)

MIN_TYPO_LENGTH = 4
"""Shorter words are never corrected ("pos", "qty", "wk" are abbreviations, not typos)."""
MIN_SWAP_LENGTH = 5
"""Shorter words are never read as two letters swapped ("form" stays "form")."""
TYPO_CUTOFF = 84.0
"""rapidfuzz ratio (0-100) from which a word the vocabulary lacks becomes its closest word."""
_COMMON = """
a an the and or of for to in on at by from with about into over under per this that these
those it its is are was were be been do does did have has had will would can could should
may what whats which who whom whose when where why how many much any some all every each our
we us you your me my i there here now today tomorrow week weeks day days month months next
last show tell give list check pull get see look find need needs want like please just only
also stock stocks stocked units unit hand left right sitting shelf store stores location
locations site sites network everything anything nothing total overall count number level
levels item items product products sku skus supplier suppliers category categories
"""
COMMON_WORDS = frozenset(_COMMON.split())
"""Ordinary words that are never corrected even when no phrasing uses them."""
WORD_RE = re.compile(r"[A-Za-z][A-Za-z']*")
ID_LIKE = re.compile(r"\b(?:[A-Za-z]+-\d+|[A-Za-z]{1,3}\d+|[A-Z]{2,}(?:-[A-Z]+)+)\b")


def vocabulary(texts: Iterable[str], extra: Iterable[str] = ()) -> frozenset[str]:
    """Return the lower-case words of the parser's phrasings (the words typos are fixed to)."""
    words = {w.lower() for t in texts for w in WORD_RE.findall(t) if len(w) > 1}
    return frozenset(words | COMMON_WORDS | {w.lower() for w in extra})


def entity_words(resolver: Any) -> frozenset[str]:
    """Return the words of the network's entity names and aliases (never "corrected")."""
    if resolver is None:
        return frozenset()
    surfaces: list[str] = list(resolver.categories)
    for by_id in resolver.entities.values():
        surfaces += [f"{e.id} {e.name}" for e in by_id.values()]
    for by_form in resolver.forms.values():
        surfaces += list(by_form)
    return frozenset(w.lower() for s in surfaces for w in WORD_RE.findall(s))


def correct_words(text: str, vocab: frozenset[str], protected: frozenset[str] = frozenset()) -> str:
    """Return the text with each misspelt ordinary word replaced by its closest vocabulary word.

    Ids ("SKU-0012", "S3", "DC-NORTH"), words with digits, words shorter than
    `MIN_TYPO_LENGTH`, words of the vocabulary and `protected` words (entity names) are kept;
    a correction must keep the first letter and change the length by at most two.
    """
    ids = [(m.start(), m.end()) for m in ID_LIKE.finditer(text)]

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        lower = word.lower().strip("'")
        if (
            len(lower) < MIN_TYPO_LENGTH
            or lower in vocab
            or lower in protected
            or any(a <= m.start() < b for a, b in ids)
        ):
            return word
        # Sorted: equal scores go to the first choice, and a set's order changes from one
        # process to the next (string hashing), so unsorted the same request read differently.
        choices = sorted(v for v in vocab if v[:1] == lower[:1] and abs(len(v) - len(lower)) <= 2)
        got = process.extractOne(lower, choices, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return str(got[0]) if got else (_swapped(lower, vocab) or word)

    return WORD_RE.sub(fix, text)


def _swapped(word: str, vocab: frozenset[str]) -> str | None:
    """Return the vocabulary word a typo of two neighbouring letters swapped stands for.

    "toatl", "stcok": a swap keeps every letter but scores under the cut-off; only words of
    `MIN_SWAP_LENGTH` letters or more, and never the first letter, are unswapped.
    """
    if len(word) < MIN_SWAP_LENGTH:
        return None
    for i in range(1, len(word) - 1):
        candidate = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if candidate != word and candidate in vocab:
            return candidate
    return None


def canon_synonyms(text: str) -> str:
    """Return the text with everyday synonyms and abbreviations in the table's words."""
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s{2,}", " ", text).strip()


def normalise(text: str, vocab: frozenset[str], protected: frozenset[str] = frozenset()) -> str:
    """Return a request in the table's words: synonyms canonicalised, typos corrected."""
    return canon_synonyms(correct_words(text, vocab, protected))


# -- 2. the scored fallback ----------------------------------------------------------------------

READ_ONLY_INTENTS = frozenset(
    {
        "network_rank",
        "totals",
        "why_flagged",
        "recommendation",
        "compare_suppliers",
        "open_at_location",
        "supplier_overview",
        "routine_orders",
        "late_pos",
        "open_supply",
        "projected_stockout",
        "typed_exceptions",
        "item",
        "supplier_status",
        "suppliers_of_sku",
        "all_suppliers",
        "forecast",
        "network",
        "lanes",
        "exceptions_urgent",
        "inventory_pair",
        "inventory_sku",
        "inventory_location",
        "exceptions",
        "proposals",
        "forecast_overrides",
    }
)
"""Intents a fallback guess may act on: each only looks things up. Drafting, amending,
withdrawing, approving, overriding, refusing and policy intents are never guessed."""

PHRASINGS: dict[str, tuple[str, ...]] = {
    "totals": (
        "what is the total value at risk",
        "sum up the exceptions by type",
        "how many exceptions are there",
        "exposure by category",
        "total exposure £ by store",
        "value at risk per location?",
        "how much money is tied up in overstock",
        "count of P1s",
        "total cost of the stockouts",
        "break down the risk by category",
        "which store is carrying the most exposure",
        "{loc} or {loc}, which has more money at risk",
        "how many priority two exceptions are open",
    ),
    "typed_exceptions": (
        "overstock list",
        "show the stockouts at {loc}",
        "any stockouts?",
        "overstocked items at {loc}",
        "what's out of stock at {loc}",
        "excess stock",
        "promotion risks at {loc}",
        "list the inventory anomalies at {loc}",
        "which skus are overstocked",
        "OOS at s002",
        "what is about to run dry at {loc}",
        "where are we holding too much inventory",
    ),
    "exceptions": (
        "show me the exceptions",
        "what's going wrong",
        "top 10 exceptions",
        "what needs my attention",
        "exceptions list",
        "morning briefing",
        "what should I look at today",
        "today's exceptions",
        "any alerts?",
        "give me the daily brief",
        "what should I focus on today",
        "any issues at {loc}?",
        "anything flagged at {loc}?",
        "what's tripping us up in {loc}",
    ),
    "exceptions_urgent": (
        "what is most urgent right now",
        "what's critical at {loc}",
        "most urgent issues",
        "anything on fire?",
        "red flags at {loc}",
        "anything critical today?",
        "what should I worry about",
        "what's burning right now",
        "pressing problems at {loc}",
    ),
    "open_at_location": (
        "open exceptions at {loc}",
        "anything still open at {loc}?",
        "what's left open in {loc}",
        "unresolved exceptions at {loc}",
        "open items {loc}",
        "list what is still open at {loc}",
        "unresolved issues in {loc}",
        "which exceptions at {loc} are still open",
        "{loc} open exceptions",
        "open at {loc}?",
        "still open in {loc}",
    ),
    "open_supply": (
        "what is inbound for {sku}",
        "when does {sku} arrive at {loc}",
        "anything coming to {loc}",
        "open POs for {sup}",
        "ETA on {sku}",
        "what's on order for {sku}",
        "deliveries expected at {loc} next week",
        "open transfers into {loc}",
        "anything on the road to {loc}",
    ),
    "late_pos": (
        "which orders are overdue",
        "overdue POs",
        "overdue deliveries",
        "late orders from {sup}",
        "any POs running late?",
        "past due purchase orders",
        "which deliveries are behind schedule",
        "late po's for {loc}",
        "is anything overdue from {sup}",
        "POs that missed their due date",
        "what's late at {loc}",
    ),
    "supplier_overview": (
        "which SKUs does {sup} supply",
        "{sup} products and open POs",
        "full picture of {sup}",
        "{sup} catalogue",
        "what do we buy from {sup}",
        "{sup} overview",
        "what does {sup} sell us",
        "products supplied by {sup}",
        "{sup}: anything due for reorder from them?",
        "anything worth buying from {sup} now",
    ),
    "routine_orders": (
        "what should we order",
        "what must {loc} order",
        "should we order {sku}",
        "which order lines go to {loc}",
        "reorder list",
        "what's below its reorder point",
        "what do we need to buy this week",
        "order list for {loc}",
        "what needs ordering at {loc}",
        "which items are due for reorder",
        "our routine orders this week",
        "which lines need topping up at {loc}",
    ),
    "item": (
        "which category does {sku} belong to",
        "what item is {sku}",
        "case pack of {sku}",
        "how much does {sku} cost us",
        "item details {sku}",
        "MOQ for {sku}",
        "{sku} pack size?",
        "unit cost of {sku}",
        "item master {sku}",
        "what's the case size on {sku}",
        "lead time of {sku}",
        "describe {sku}",
        "main vendor and min order for {sku}",
    ),
    "supplier_status": (
        "{sup} lead time",
        "is {sup} reliable",
        "on time rate {sup}",
        "how is {sup} doing",
        "{sup} performance",
        "status of {sup}",
        "how reliable has {sup} been lately",
        "lead time from {sup}",
        "what's {sup}'s on-time rate",
        "check supplier sup-04",
        "reliability of {sup}",
    ),
    "suppliers_of_sku": (
        "which suppliers carry {sku}",
        "who can supply {sku}",
        "who sells us {sku}",
        "supplier for {sku}",
        "who do we buy {sku} from",
        "which vendor makes {sku}",
        "{sku} suppliers",
        "vendors of sku-0012?",
        "who makes {sku}",
        "where is {sku} sourced from",
        "vendors for {sku}?",
    ),
    "all_suppliers": (
        "how are our suppliers performing",
        "how are our suppliers doing",
        "list all suppliers",
        "supplier scorecard",
        "supplier performance overview",
        "how reliable are our vendors",
        "on-time rates for every supplier",
        "who are our suppliers",
        "supplier list please",
        "all vendors",
        "show every supplier with lead times",
    ),
    "forecast": (
        "forecast demand for {sku} at {loc}",
        "how much {sku} does {loc} expect to sell",
        "expected sales of {sku} at {loc} next weeks",
        "{sku} {loc} forecast next days",
        "what's the forecast for {sku} in {loc}",
        "demand for {sku} at {loc} next month",
        "projected sales of {sku} in {loc}",
        "how many {sku} will {loc} sell next month",
        "forecast for sku-0007 at s001",
        "demand outlook {sku} {loc} next 4 weeks",
        "what demand do we expect for {sku} at {loc}",
    ),
    "network": (
        "{sku} across the network",
        "stock of {sku} at every location",
        "total on hand of {sku} in the network",
        "{sku} everywhere",
        "network-wide position of {sku}",
        "where else do we have {sku}",
        "total stock of {sku} across all stores",
        "{sku} by location, whole network",
    ),
    "network_rank": (
        "which location holds the most {sku}",
        "which site has the highest stock of {sku}",
        "who has the least {sku}",
        "which DC has the most {sku}",
        "store with the most {sku}",
        "lowest {sku} by store",
        "which store is shortest on {sku}",
        "where is the most {sku} held",
        "which store has the least {sku} left",
        "{sku} at {loc} or {loc}, which holds more",
    ),
    "lanes": (
        "transfer lanes from {loc}",
        "lanes into {loc}",
        "how long does a transfer from {loc} to {loc} take",
        "can stock go from {loc} to {loc}",
        "every transfer lane",
        "which DC supplies {loc}",
        "routes out of {loc}",
        "lane {loc} to {loc}?",
        "can {loc} send stock to {loc}",
        "is there a route between {loc} and {loc}",
        "lead time {loc} -> {loc}",
    ),
    "inventory_pair": (
        "units of {sku} on hand at {loc}",
        "{sku} at {loc}",
        "how many {sku} at {loc}",
        "{sku} on hand {loc}",
        "do we have {sku} in {loc}",
        "SOH {sku} {loc}",
        "stock level of {sku} in {loc}",
        "is there any {sku} left at {loc}",
        "what's the position of {sku} at {loc}",
        "units of sku-0007 at s001",
        "check {sku} @ {loc}",
    ),
    "inventory_sku": (
        "how much {sku} do we have",
        "{sku} stock",
        "where do we keep {sku}",
        "{sku} on hand",
        "do we have any {sku}",
        "inventory for {sku}",
        "availability of {sku}",
        "{sku} inventory",
        "check stock of {sku}",
        "where's sku-0012 stocked",
        "how much stock of {sku} is there",
    ),
    "inventory_location": (
        "what does {loc} have in stock",
        "everything at {loc}",
        "stock on hand at {loc}",
        "what's on hand at {loc}",
        "inventory at {loc}",
        "show {loc} stock levels",
        "what do we have in {loc}",
        "{loc} inventory",
        "stock positions at s002",
        "full inventory for {loc}",
        "what stock is there at {loc}",
    ),
    "proposals": (
        "proposals awaiting a decision",
        "pending drafts of mine",
        "proposals still open",
        "show my drafts",
        "what's waiting for approval",
        "list open proposals",
        "what have I proposed",
        "my pending approvals",
        "drafts awaiting sign-off",
        "what is pending approval",
        "open drafts",
    ),
    "why_flagged": (
        "why was {sku} at {loc} flagged",
        "why is {sku} flagged in {loc}?",
        "reason {sku} is flagged at {loc}",
        "how come {sku} at {loc} got flagged",
        "what triggered the flag on {sku} at {loc}",
        "why {sku} {loc} flagged?",
        "why is {sku} at {loc} a problem",
        "why does {loc} have {sku} flagged",
        "flag reason for sku-0001 at s003",
        "why is {sku} at {loc} marked as a risk",
        "why has {sku} at {loc} been flagged",
    ),
    "recommendation": (
        "what do you recommend for {sku} at {loc}",
        "recommendation {sku} {loc}",
        "what should we do about {sku} at {loc}",
        "advice on {sku} at {loc}?",
        "your suggestion for {sku} @ {loc}",
        "next best action for {sku} at {loc}",
        "how should I handle {sku} at {loc}",
        "what would you advise for {sku} in {loc}",
        "recommended action for sku-0012 at s003",
        "best course of action on {sku} at {loc}?",
        "recommend something for {sku} at {loc}",
        "suggestions for {sku} at {loc}",
    ),
    "projected_stockout": (
        "when does {sku} run out at {loc}",
        "when will we stock out of {sku} at {loc}",
        "days until {sku} runs out at {loc}",
        "how long will {sku} last",
        "when will {sku} run dry at {loc}",
        "run out date {sku} {loc}",
        "will {loc} run out of {sku} soon",
        "is {sku} going to run out at {loc}",
        "how long before {loc} runs out of {sku}",
        "projected stockout of {sku} at {loc}",
        "will {sku} run out at {loc}",
    ),
    "compare_suppliers": (
        "{sup} or {sup}, which is faster",
        "compare {sup} with {sup}",
        "{sup} vs {sup}",
        "who's more reliable, {sup} or {sup}",
        "which vendor has the shorter lead time, {sup} or {sup}",
        "is {sup} better than {sup}",
        "{sup} versus {sup} on lead time",
        "how does {sup} compare with {sup}",
    ),
    "forecast_overrides": (
        "list forecast overrides",
        "any manual forecast adjustments",
        "overrides on {sku}",
        "show overrides at {loc}",
        "which forecasts have been overridden",
        "planner adjustments to the forecast",
        "what overrides are active",
        "manual changes to the forecast for {sku} at {loc}",
        "has anyone overridden the forecast for {sku}",
    ),
}
"""More ways planners say each read-only intent, for the fallback only (in addition to each
intent's own examples and template). Placeholders stand for the entities a request names."""

FAMILY: dict[str, str] = {
    **dict.fromkeys(("forecast", "forecast_no_location"), "forecast"),
    **dict.fromkeys(
        ("inventory_pair", "inventory_sku", "inventory_location", "inventory_loose"), "inventory"
    ),
    **dict.fromkeys(("network", "network_rank"), "network"),
    **dict.fromkeys(
        ("exceptions", "exceptions_urgent", "typed_exceptions", "late_pos", "open_at_location"),
        "exceptions",
    ),
    **dict.fromkeys(
        ("supplier_status", "suppliers_of_sku", "all_suppliers", "compare_suppliers"), "suppliers"
    ),
    **dict.fromkeys(("recommendation", "recommendation_focus"), "recommendation"),
    **dict.fromkeys(("why_flagged", "why_flagged_focus"), "why_flagged"),
    **dict.fromkeys(("proposals", "pending_besides"), "proposals"),
    **dict.fromkeys(("policy", "policy_loose", "policy_words"), "policy"),
}
"""Intents that answer the same kind of question (a margin is only needed between families)."""
KIND_WORDS = {"zsku": "sku", "zloc": "location", "zsup": "supplier"}
KIND_WEIGHT = 3
"""How many times an entity's kind word counts (what a request names matters more than its
small words)."""
MISSING_PENALTY = 0.2
"""Subtracted per entity kind a phrasing names that the request does not."""
EXTRA_PENALTY = 0.08
"""Subtracted per entity kind the request names that a phrasing does not."""

SLOTS = {"sku": "{sku}", "location": "{loc}", "supplier": "{sup}"}
PLACEHOLDER = {"{sku}": " zsku ", "{loc}": " zloc ", "{sup}": " zsup ", "{qty}": " 20 "}
"""Entities become kind words, so "stock of SKU-0012" and "stock of {sku}" read the same."""
CONFIDENT = 0.42
"""Cosine similarity (0-1) of the best phrasing from which a fallback guess is acted on."""
MARGIN = 0.05
"""How far the best intent must lead the runner-up (any intent) to be acted on."""
STRONG = 0.75
STRONG_MARGIN = 0.3
"""A guess this sure overrules the table's catch-all intents (`CATCH_ALL`)."""
CATCH_ALL = frozenset(
    {
        "inventory_loose",
        "inventory_sku",
        "inventory_location",
        "exceptions",
        "all_suppliers",
        "supplier_status",
    }
)
"""The table's broad intents ("stock", "exceptions", "suppliers" with little else): a request
they take gets a second look for a more specific read-only intent."""
CHAR_NGRAMS = (3, 4, 5)
STOP = frozenset(
    {"the", "a", "an", "of", "to", "for", "is", "are", "do", "does", "we", "our", "me", "my"}
    | {"i", "you", "it", "at", "in", "on"}
)


def masked(text: str, found: Mapping[str, Sequence[str]] | None = None) -> str:
    """Return text with placeholders and the named entities as kind words (zsku, zloc, zsup)."""
    for slot, word in PLACEHOLDER.items():
        text = text.replace(slot, word)
    for kind, ids in (found or {}).items():
        word = PLACEHOLDER.get(SLOTS.get(kind, ""), "")
        for ident in ids:
            if word:
                text = re.sub(re.escape(ident), word, text, flags=re.IGNORECASE)
    text = re.sub(r"\bSKU-\d+\b", " zsku ", text, flags=re.IGNORECASE)
    text = re.sub(r"\bSUP-\d+\b", " zsup ", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:S\d{2,}|DC-[A-Z0-9]+)\b", " zloc ", text, flags=re.IGNORECASE)
    return text.lower()


def features(text: str) -> Counter[str]:
    """Return a text's features: words (stop words dropped) and character n-grams of words."""
    words = [w for w in re.findall(r"[a-z0-9%]+", text.lower()) if w not in STOP]
    out: Counter[str] = Counter(f"w:{w}" for w in words)
    for w in words:
        if w in KIND_WORDS:
            out[f"w:{w}"] += KIND_WEIGHT - 1
            continue
        padded = f" {w} "
        for n in CHAR_NGRAMS:
            out.update(f"c:{padded[i : i + n]}" for i in range(max(0, len(padded) - n + 1)))
    return out


@dataclass
class Fallback:
    """TF-IDF nearest phrasings over (intent, phrasing) pairs."""

    docs: list[tuple[str, str]]
    """(intent name, phrasing with placeholders)."""
    kinds: list[frozenset[str]] = field(default_factory=list)
    vocab: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def __post_init__(self) -> None:
        texts = [masked(canon_synonyms(text)) for _, text in self.docs]
        self.kinds = [_kinds(t) for t in texts]
        counted = [features(t) for t in texts]
        df: Counter[str] = Counter(f for c in counted for f in c)
        self.vocab = {f: i for i, f in enumerate(sorted(df))}
        n = len(counted)
        self.idf = np.array(
            [math.log((1 + n) / (1 + df[f])) + 1.0 for f in sorted(df)], dtype=float
        )
        self.matrix = np.vstack([self._vector(c) for c in counted]) if counted else self.matrix

    def _vector(self, counted: Counter[str]) -> np.ndarray:
        vec = np.zeros(len(self.vocab))
        for f, k in counted.items():
            i = self.vocab.get(f)
            if i is not None:
                vec[i] = (1.0 + math.log(k)) * self.idf[i]
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def scores(
        self, text: str, found: Mapping[str, Sequence[str]] | None = None, skip: int | None = None
    ) -> list[tuple[float, str]]:
        """Return (similarity, intent) per intent, best first (its best phrasing's cosine)."""
        text = masked(text, found)
        said = _kinds(text)
        sims = self.matrix @ self._vector(features(text))
        best: dict[str, float] = {}
        for i, (name, _) in enumerate(self.docs):
            if i == skip:
                continue
            score = float(sims[i])
            score -= MISSING_PENALTY * len(self.kinds[i] - said)
            score -= EXTRA_PENALTY * len(said - self.kinds[i])
            best[name] = max(best.get(name, -1.0), score)
        return sorted(((s, n) for n, s in best.items()), reverse=True)

    def guess(
        self,
        text: str,
        found: Mapping[str, Sequence[str]] | None = None,
        skip: int | None = None,
        *,
        strong: bool = False,
    ) -> str | None:
        """Return the confident read-only intent of a request, or None.

        `strong`: only a strongly confident one (`STRONG`, `STRONG_MARGIN`), to overrule the
        table's catch-all reading.
        """
        ranked = self.scores(text, found, skip)
        if not ranked:
            return None
        top, name = ranked[0]
        family = FAMILY.get(name, name)
        runner = next((sc for sc, other in ranked[1:] if FAMILY.get(other, other) != family), 0.0)
        least, margin = (STRONG, STRONG_MARGIN) if strong else (CONFIDENT, MARGIN)
        if name not in READ_ONLY_INTENTS or top < least or top - runner < margin:
            return None
        return name


THREAD_POINTER = re.compile(
    r"\b(?:it|them|those|these|ones?|same|other|first|second|third|fourth|fifth|last|previous)\b"
    r"|\b(?:that|this)\b(?!\s+(?:week|month|morning|afternoon|year|quarter))"
    r"|#\s*\d|\bno\.?\s*\d",
    re.IGNORECASE,
)
"""Words that point into the thread ("order the first one", "explain that"): not guessed."""
ACTION_LEAD = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|yes|so|then|now|and)\W+)*(?:order|buy|purchase|transfer|move|ship|send|"
    r"draft|approve|reject|cancel|withdraw|change|make|amend|raise|place|create|book|expedite|"
    r"fix|do|go|set|override|bump|increase|decrease|cut|push|put|get|submit|commit|finali[sz]e|"
    r"clear|remove|delete|drop|lift|undo|revert|reset)\b",
    re.IGNORECASE,
)
"""A request that opens with an action verb asks for a change: never guessed."""


def guessable(text: str) -> bool:
    """Return whether the fallback may guess a request's intent.

    Not when it points into the thread ("the first one", "that") or opens with an action verb
    ("order ...", "move ..."): those are follow-ups or changes, never guessed look-ups.
    """
    return not (THREAD_POINTER.search(text) or ACTION_LEAD.search(text))


def _kinds(masked_text: str) -> frozenset[str]:
    """Return the entity kinds a masked text names."""
    return frozenset(KIND_WORDS[w] for w in re.findall(r"z(?:sku|loc|sup)", masked_text))


def build(intents: Sequence[Any], phrasings: Mapping[str, Sequence[str]] = PHRASINGS) -> Fallback:
    """Return the fallback over every intent's examples, template and extra phrasings."""
    docs: list[tuple[str, str]] = []
    for intent in intents:
        texts = [*intent.examples, *([intent.template] if intent.template else [])]
        texts += list(phrasings.get(intent.name, ()))
        docs.extend((intent.name, t) for t in dict.fromkeys(texts))
    return Fallback(docs)


def leave_one_out(fallback: Fallback, names: Iterable[str] = READ_ONLY_INTENTS) -> dict[str, Any]:
    """Score each phrasing of the named intents with itself removed: {n, right, accuracy, misses}.

    A phrasing is right when the fallback, without it, lands on its own intent; it counts as
    wrong when it lands elsewhere or when nothing is confident. `family_accuracy` also counts a
    landing on an intent of the same `FAMILY` (the same kind of answer); `no_guess` is the
    share that would get suggestions, `wrong_family` the share that would get another answer.
    """
    wanted = set(names)
    misses: list[tuple[str, str, str | None]] = []
    n = right = kin = silent = 0
    for i, (name, text) in enumerate(fallback.docs):
        if name not in wanted:
            continue
        n += 1
        got = fallback.guess(text, skip=i)
        right += got == name
        kin += got is not None and FAMILY.get(got, got) == FAMILY.get(name, name)
        silent += got is None
        if got != name:
            misses.append((name, text, got))

    def share(k: int) -> float:
        return round(k / n, 4) if n else 0.0

    return {
        "n": n,
        "right": right,
        "accuracy": share(right),
        "family_accuracy": share(kin),
        "no_guess": share(silent),
        "wrong_family": share(n - kin - silent),
        "misses": misses,
    }


def uses_all(step: Any, ids: Iterable[str]) -> bool:
    """Return True when a step's tool calls carry every id the request named.

    A guess that would drop what the planner said ("lead time DC-SOUTH to S004" answered with
    every supplier) is not the request's intent.
    """
    args = " ".join(str(v) for c in step for v in getattr(c, "args", {}).values()).upper()
    return all(i.upper() in args for i in ids)


def acts_read_only(step: Any) -> bool:
    """Return True when a handler's step is a non-empty list of read-only tool calls."""
    return (
        isinstance(step, list)
        and bool(step)
        and all(getattr(c, "name", None) in READ_TOOL_NAMES for c in step)
    )


SAFE_WHEN_NORMALISED = READ_ONLY_INTENTS | {
    "refuse_audit",
    "refuse_record",
    "what_if_words",
    "refuse",
    "help",
    "help_mention",
    "policy",
    "policy_loose",
    "policy_words",
    "what_if",
    "explain_exception",
    "why_flagged_focus",
    "why_levels",
    "explain_item",
    "recommendation_focus",
    "suppliers_focus",
    "proposal_status",
    "proposal_status_loose",
    "approval_route",
    "pending_besides",
    "inventory_loose",
    "forecast_no_location",
    "list_them",
    "follow_up_lookup",
    "item_terms",
}
"""Intents a normalised request (synonyms and typos fixed) may land on: the read-only ones and
those that refuse, explain or ask. A normalised request never drafts, amends or withdraws:
a corrected word is still a guess."""
