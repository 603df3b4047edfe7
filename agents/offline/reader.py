"""The thread reader: a turn read as (action, thread reference, quantity) and resolved.

A follow-up in a thread rarely says what it is about: "where does that 48-unit transfer stand
now?", "the one at <store> - go ahead with it", "knock it down to 40", "whose desk does that
land on?". The table of intents recognises many of these by their whole wording; this reader
instead takes a turn apart into

- an **action**: what the planner wants done (`status` of a draft, `withdraw` it, `amend` its
  quantity, its approval `route`, `draft` what was shown, `explain` it), from the verbs and
  question words used anywhere in the message, in any order;
- a **thread reference**: which of the thread's things it points at, resolved against the
  thread's reference store (`agents.focus.Focus`): one of this thread's proposals ("it", "that
  move", "the trash bag transfer", "that 48-unit order": by the words of its item and places,
  and by its quantity), or one exception of the last list shown (already put in by the
  table's pointer and ordinal reading: "the second", "the one at <store>", "top one");
- a **quantity**: the new quantity of an amendment, read against the proposal's current one
  ("48 rather than 60": 48 is new, 60 is the proposal's).

The reading is returned as a canonical request (`Reading.template`) that the intent table reads
like any other, with the proposal it resolved (`Reading.pid`); the table stays the one place that
decides tools and answers. `agents.offline.intents.parse` asks for a reading only for a turn of a
thread that has something to point at, and uses it where the table read nothing, only something
broad, or an action the message's own words contradict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agents.focus import Focus, ProposalNote
from agents.offline.parsing import ordinal

ACTIONS = ("status", "withdraw", "amend", "route", "arrival", "draft", "explain")

PROPOSAL_NOUN = (
    r"(?:move|transfer|xfer|shipment|order|po|purchase\s+order|draft|proposal|request|top[- ]?up|"
    r"restock|buy|one|1)"
)
DETERMINER = r"(?:the|that|this|my|our|his|her|their)"
MENTION = re.compile(
    r"(?=\b" + DETERMINER + r"\s+(?P<words>(?:[\w'\-]+\s+){0,4}?)" + PROPOSAL_NOUN + r"s?\b)",
    re.I,
)
"""A proposal said with a determiner and up to four words before its noun ("that 48-unit move");
a lookahead, so that "the status of the S003 one" is also tried from its second "the"."""
PRONOUN = re.compile(r"\b(?:it|that|this|that\s+one|this\s+one)\b", re.I)

ROUTE = re.compile(
    r"\bwho(?:se|m)?\b.*\b(?:approv(?:e|es|al|als|er|ers|ing)|sign(?:s|ing|[- ]?off)?|desk|"
    r"inbox|queue|tray|plate|court|lands?|landing|ok|okay|authori[sz](?:e|es|ing|ation)|"
    r"route|routed|escalat\w*|goes|go|going|sits?|sitting|waiting|end\s+up|decide|decides)\b"
    r"|\b(?:approv\w*|sign[- ]?off)\s+(?:route|chain|path)\b"
    r"|\bwhose\b.*\b(?:authority|signature|need|needs|require|requires)\b"
    r"|\bwhich\s+approver\b|\bwho(?:'s|\s+is)\s+(?:the|its|their)\s+approver\b",
    re.I,
)
"""Who is to approve (never who did: "who approved it?" asks what became of it)."""
NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|a\s+(?:dozen|hundred|half|third|quarter)|half|a\s+couple)\b"
)
"""A quantity said in words ("ten", "a dozen", "half")."""
DROP_AMOUNT = (
    r"(?:(?:down\s+)?(?:to|by)\s+(?:(?:about|around|roughly|approx\w*|~|under|below|less\s+than|"
    r"over|above|more\s+than|only|just|maybe)\s*)*(?:\d|" + NUMBER_WORD + r")"
    r"|(?:a\s+)?(?:bit|little|touch|tad|smidge|fraction|notch)\b|in\s+half\b|down\b(?!\s+the\b))"
)
"""What makes "drop" change a draft's quantity, not withdraw it: a target or a change ("to
about 10", "by ten", "to under 10", "by half", "a bit")."""
DISCARD = re.compile(
    r"\b(?:withdraw\w*|cancel\w*|scrap\w*|bin|ditch\w*|kill|delete|discard|retract|revoke|"
    r"nix|axe|abandon\w*|undo)\b"
    r"|\b(?:pull|drop)(?!\s+(?:[\w\-']+\s+){0,3}?"
    + DROP_AMOUNT
    + r")\s+(?:the\s+plug|it(?!\s+up\b)|(?:that|this)(?!\s+up\b)(?=\s*(?:[^\w\s]|$|"
    r"now\b|please\b|pls\b|back\b|off\b|out\b))|(?:the|that|this|my|our)\s+(?:(?!(?:for|of|on|"
    r"about|from|behind)\b)[\w\-]+\s+){0,2}?(?:draft|transfer|xfer|po|purchase\s+order|order|move|"
    r"proposal|request|one)s?)\b(?!['\u2019]s\b)",
    re.I,
)
"""Withdrawing: "pull" and "drop" only with a draft right after them ("pull it", "drop the
plug", "drop that transfer"), never "pull the history for that move" or "drop the numbers on
the 25 unit one"."""
ARRIVAL = re.compile(
    r"\b(?:how\s+long|how\s+soon|how\s+many\s+days|when|what\s+day|what\s+date)\b.*"
    r"\b(?:arriv\w*|get\s+there|gets\s+there|land|lands|reach\w*|take|takes|deliver\w*|"
    r"turn\s+up|show\s+up|be\s+there|be\s+in|in\s+transit|on\s+the\s+road|in\s+the\s+truck)\b"
    r"|\b(?:eta|e\.t\.a\.?|lead\s+time|transit\s+time|travel\s+time)\b",
    re.I,
)
"""When the draft would arrive, asked ahead ("how long will that take to arrive?", "ETA on
it?"); what became of it ("has it landed?") is its status."""
NEGATED = re.compile(r"\b(?:don'?t|do\s+not|never|not|no\s+need\s+to)\s+(?:\w+\s+)?", re.I)
QUESTION = re.compile(
    r"\?|^\W*(?:(?:and|so|ok(?:ay)?|hey|well|right|now)\W+)*(?:did|has|have|is|was|were|any|"
    r"what|where|how|when|heard|got|anything|can\s+you\s+(?:check|see|tell))\b",
    re.I,
)
ASKED = re.compile(
    r"\?|^\W*(?:(?:and|so|ok(?:ay)?|hey|well|right|now|but|hmm+)\W+)*(?:did|do|does|has|have|is|"
    r"are|was|were|will|would|could|can|should|shall|may|might|must|any|what|where|how|when|why|"
    r"which|who|whom|whose|heard|got|anything)\b",
    re.I,
)
"""A question (by its mark or its first word): it asks, and is never read as drafting,
withdrawing or amending ("should we book the second one?", "what would it take to fix it")."""
OUTCOME = re.compile(
    r"\b(?:stand\w*|got\s+to|gotten\s+to|get\s+to|go(?:ne)?\s+through|went\s+through|through|"
    r"progress\w*|decid\w*|decision|verdict|status|happen\w*|come\s+of|came\s+of|became|"
    r"approv\w*|reject\w*|declin\w*|accept\w*|commit\w*|posted|placed|raised|signed|ok'?d|"
    r"okay\w*|passed|news|word|update|outcome|looked\s+at|end(?:ed)?\s+up|where\s+(?:is|has|does|"
    r"did|are)|landed|since|mov\w+\s+(?:along|on|forward)|moving|live|executed|booked|"
    r"in\s+(?:the\s+)?(?:erp|system)|"
    # "is it comin?", "is that on its way?", "has it gone out?": what became of the draft
    r"com(?:ing|in)(?!\s+(?:from|in\s+to|into|to)\b)|on\s+(?:its|the)\s+way|en\s+route|"
    r"(?:gone|went|sent)\s+out|dispatched)\b",
    re.I,
)
DROP_TO = (
    r"\bdrop\s+(?:(?:it|that|this|(?:the|that|this|my|our)\s+(?:(?:transfer|xfer|po|order|"
    r"proposal|draft|move)(?:['\u2019]s)?\s+)?(?:qty|quantity|amount|units|transfer|xfer|po|"
    r"order|proposal|draft|move))\s+)?" + DROP_AMOUNT
)
""""Drop" as an amendment: only with a quantity target ("drop it to 30", "drop the qty to 30");
otherwise it is an ordinary word ("demand will drop 20 next week" changes no draft)."""
AMEND_CUE = re.compile(
    r"\b(?:make|change|bring|set|reduce|increase|lower|raise|cut|trim|bump|knock|"
    r"down|instead|rather|plenty|only\s+need|should\s+be|go\s+with|needs?\s+to\s+be|"
    r"amend|adjust|second\s+thought|switch|revise)\b"
    r"|\d\s*(?:units?\s+)?(?:not|rather\s+than|instead\s+of|in\s+place\s+of)\s+\d|" + DROP_TO,
    re.I,
)
VAGUE_SIZE = re.compile(
    r"\b(?:a\s+)?(?:bit|little|touch|tad|smidge|notch)\b|\b(?:smaller|bigger|larger|lower|higher|"
    r"less|fewer)\W*$|\bsome\W*$",
    re.I,
)
"""A change of no said size ("knock it down a bit", "make it smaller"): the number is asked."""
DRAFT = re.compile(
    r"\b(?:go\s+ahead|proceed|prep(?:are)?|draft|raise|place|action|execute|book|put\s+through|"
    r"set\s+(?:it\s+|that\s+|this\s+)?up|sort\s+(?:it\s+|that\s+|this\s+)?out|fix|do\s+it|"
    r"do\s+that|make\s+it\s+happen|get\s+(?:it|that|this)\s+(?:done|moving|going|sorted)|"
    r"recommended\s+(?:move|action|transfer|order|fix)|suggested\s+(?:move|action|fix))\b",
    re.I,
)
EXPLAIN = re.compile(
    r"\b(?:explain|walk\s+(?:me\s+)?through|what'?s\s+behind|what\s+is\s+behind|why|details?|"
    r"tell\s+me\s+(?:more\s+)?about|dig\s+into|break\s+(?:it\s+)?down|story|going\s+on|"
    r"what'?s\s+up\s+with|more\s+on)\b",
    re.I,
)
NUMBER = re.compile(r"(?<![\w.\-])(\d[\d,]*)(?:\s*-?\s*units?\b)?(?![\w.]|\s*%|\s*(?:days?|x)\b)")
NOT_ABOUT_A_DRAFT = re.compile(
    r"\b(?:what\s+if|polic\w*|playbook|rules?|audit\w*|logs?|erp\s+log|how\s+many\s+(?:are|is)\s+"
    r"pending|everything|all\s+(?:my|our|the)\s+\w+|anything\s+else|others?)\b",
    re.I,
)


@dataclass(frozen=True)
class Reading:
    """A thread-dependent turn read: what to do, to which thread thing, with what quantity."""

    action: str
    template: str
    """The canonical request the intent table reads for it ("did that go through?")."""
    pid: str | None = None
    """The thread's proposal it points at (None: not a proposal, or the thread's latest)."""
    exception: str | None = None
    """The listed exception it points at."""
    qty: int | None = None
    pick: int | None = None
    """The position in the last recommendation shown (`Focus.offer`) it points at."""


def numbers(text: str) -> list[int]:
    """Return the quantities a message says, in order (not percentages, days or factors)."""
    return [int(n.replace(",", "")) for n in NUMBER.findall(text)]


def action_of(text: str) -> str | None:
    """Return what a thread turn asks to do with what it points at, from its own words.

    The approval route ("whose desk does it land on"), withdrawing ("cancel that"), a new
    quantity ("48 rather than 60", "knock it down to 40"), what became of it (a question about
    its outcome: "where has it got to?"), drafting what was shown ("go ahead with it",
    "prepare its recommended move") or explaining it ("walk me through it"); None when none is
    said.
    """
    if ROUTE.search(text):
        return "route"
    asked = asks(text)
    if DISCARD.search(text) and not NEGATED.search(text) and not asked:
        return "withdraw"
    said = numbers(text)
    if (said or VAGUE_SIZE.search(text)) and AMEND_CUE.search(text) and not asked:
        return "amend"
    if ARRIVAL.search(text) and asked:
        return "arrival"
    if QUESTION.search(text) and OUTCOME.search(text):
        return "status"
    if DRAFT.search(text) and not asked:
        return "draft"
    if EXPLAIN.search(text):
        return "explain"
    return None


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 1}


def _about(note: ProposalNote, resolver: Any) -> tuple[set[str], set[int]]:
    """Return the words a proposal is known by (ids, names of its item and places) and its qty."""
    words: set[str] = set()
    qtys: set[int] = set()
    for key, value in (note.args or {}).items():
        if key == "qty" and isinstance(value, int | float):
            qtys.add(int(value))
            continue
        if not isinstance(value, str) or not value:
            continue
        words |= _words(value)
        words.add(value.lower())
        kind = {"sku": "sku", "supplier_id": "supplier"}.get(key, "location")
        ent = resolver.get(kind, value) if resolver is not None else None
        if ent is not None:
            words |= _words(ent.name or "")
    words |= _words(note.kind.replace("_", " "))
    return words, qtys


FILLER = frozenset(
    "the that this my our his her their a an of for to from at in on with unit units pcs".split()  # noqa: SIM905
)


def proposal_pointed_at(
    text: str, focus: Focus, resolver: Any, named: Sequence[str] = ()
) -> tuple[bool, str | None]:
    """Return whether a turn points at a proposal of this thread, and which one if it says.

    "that trash bag move" fits the proposal whose item is called so; "that 48-unit transfer"
    the one for 48 units; "it" / "that" / "the transfer" the thread's latest. (True, None) when
    it points at the thread's draft without telling which; (False, None) when it points at
    none (or at words no proposal of the thread is about).
    """
    if not focus.proposals:
        return False, None
    if named:
        # "has the transfer to <store> been approved?": only a draft about every id it names.
        about = [
            n
            for n in reversed(focus.proposals)
            if all(i.upper() in {str(v).upper() for v in (n.args or {}).values()} for i in named)
        ]
        if not about:
            return False, None
        _, pid = _mentioned(text, focus, resolver)
        return True, pid if pid in {n.proposal_id for n in about} else about[0].proposal_id
    return _mentioned(text, focus, resolver)


def _mentioned(text: str, focus: Focus, resolver: Any) -> tuple[bool, str | None]:
    for m in MENTION.finditer(text):
        said = [w for w in re.findall(r"[\w'\-]+", m.group("words")) if w.lower() not in FILLER]
        if not said:
            return True, None
        fits: list[ProposalNote] = []
        for note in reversed(focus.proposals):
            words, qtys = _about(note, resolver)
            ok = True
            for w in said:
                qty = re.match(r"^(\d[\d,]*)(?:-?units?)?$", w, re.I)
                if qty:
                    ok = ok and int(qty.group(1).replace(",", "")) in qtys
                else:
                    ok = ok and bool(_words(w) & words)
            if ok:
                fits.append(note)
        if fits:
            return True, fits[0].proposal_id
    return bool(PRONOUN.search(text)), None


def new_quantity(text: str, note: ProposalNote | None) -> int | None:
    """Return the amendment's new quantity: the one number that is not the proposal's current.

    None when the message says only the proposal's own quantity ("follow up on that 60-unit
    move" names the move, it does not amend it to what it already is).
    """
    said = numbers(text)
    current = (note.args or {}).get("qty") if note is not None else None
    fresh = [n for n in said if n != current]
    return fresh[0] if len(fresh) == 1 else None


LISTED = re.compile(r"(?:" + "|".join(("stockout_risk", "promo_uncovered", "overstock",
    "late_po", "below_safety_stock", "inventory_anomaly", "forecast_bias", "negative_stock"))
    + r"):[\w.\-]+@[\w.\-]+(?::[\w.\-]+)?", re.I)  # fmt: skip


def read(
    text: str,
    canon: str,
    focus: Focus,
    resolver: Any,
    named: Sequence[str] = (),
    *,
    short: int = 18,
) -> Reading | None:
    """Return the reading of a thread turn that points at something of the thread, else None.

    `text` is the planner's message, `canon` the table's reading of it with pointers and
    ordinals into the last list already replaced by the exception meant, `named` the ids of
    the entities it names (a draft pointed at must be about all of them).
    """
    if len(re.findall(r"[\w'-]+", text)) > short or NOT_ABOUT_A_DRAFT.search(text):
        return None
    action = action_of(text)
    if action is None:
        return None
    if action in ("draft", "explain"):
        listed = [e for e in dict.fromkeys(LISTED.findall(canon)) if e in focus.last_list]
        if not listed and action == "draft" and len(focus.offer) > 1:
            # "draft the line with the second-highest value" after an order list (largest
            # value first): that line of the offer, not all of them.
            n, _ = ordinal(text)
            n = len(focus.offer) if n == -1 else n
            if n is not None and 1 <= n <= len(focus.offer):
                return Reading(action, "go ahead", pick=n)
        if len(listed) != 1:
            return None
        verb = "fix" if action == "draft" else "explain"
        return Reading(action, f"{verb} {listed[0]}", exception=listed[0])
    pointed, pid = proposal_pointed_at(text, focus, resolver, named)
    if (
        action == "amend"
        and pid is None
        and focus.proposals
        and not named
        and len(numbers(text)) > 1
    ):
        # "45 rather than 60": the draft whose quantity the message names as the old one.
        said = set(numbers(text))
        by_qty = [n for n in reversed(focus.proposals) if (n.args or {}).get("qty") in said]
        pointed, pid = True, (by_qty[0].proposal_id if by_qty else None)
    if not pointed:
        return None
    if action == "status":
        return Reading(action, "did that go through?", pid=pid)
    if action == "withdraw":
        return Reading(action, "withdraw the draft", pid=pid)
    if action == "route":
        return Reading(action, "who approves it", pid=pid)
    note = _note(focus, pid)
    if action == "arrival":
        template = arrival_question(note)
        return Reading(action, template, pid=pid) if template else None
    qty = new_quantity(text, note)
    if qty is None and not numbers(text) and VAGUE_SIZE.search(text):
        return Reading(action, "drop it a bit", pid=pid)  # by how much is the planner's to say
    if qty is None or qty <= 0:
        return None
    return Reading(action, f"make it {qty} instead", pid=pid, qty=qty)


def arrival_question(note: ProposalNote | None) -> str | None:
    """Return the look-up that says how long a draft takes to arrive: its lane or lead time.

    A transfer's lane (from its source to its destination) carries the transit days; a
    purchase order's item carries its supplier's lead time. None for any other draft.
    """
    args = (note.args or {}) if note is not None else {}
    src, dst = args.get("from_location"), args.get("to_location")
    if isinstance(src, str) and isinstance(dst, str) and src and dst:
        return f"lane from {src} to {dst}"
    sku, supplier = args.get("sku"), args.get("supplier_id")
    if isinstance(sku, str) and isinstance(supplier, str) and sku and supplier:
        return f"lead time of {supplier} for {sku}"
    return None


def _note(focus: Focus, pid: str | None) -> ProposalNote | None:
    for note in reversed(focus.proposals):
        if note.proposal_id == pid:
            return note
    return focus.last_proposal(pending=True) or focus.last_proposal()


ACTION_OF: dict[str, str] = {
    "proposal_status": "status",
    "proposal_status_loose": "status",
    "status_words": "status",
    "withdraw": "withdraw",
    "withdraw_loose": "withdraw",
    "withdraw_words": "withdraw",
    "amend": "amend",
    "amend_words": "amend",
    "approval_route": "route",
    "draft_exception": "draft",
    "draft_previous": "draft",
    "draft_previous_qty": "draft",
    "draft_typed": "draft",
    "explain_exception": "explain",
    "lanes": "arrival",
    "item_terms": "arrival",
}
"""The action each intent of the table carries out on a thread's thing."""


def intents_for(action: str) -> Sequence[str]:
    """Return the table's intents that carry out an action."""
    return [name for name, act in ACTION_OF.items() if act == action]


POINTING = re.compile(r"\b(?:it|that|this|those|these|them|its|their)\b", re.I)
"""A pronoun that points at what the thread just looked at ("how accurate has that been?")."""


def carried_scope(text: str, last_args: dict[str, Any]) -> str | None:
    """Return a message that points at the thread's subject, with that subject's scope said.

    "how accurate has that been?" after a forecast of SKU-1 at S003 is the question about SKU-1
    at S003: the last tool call's SKU and location are added ("... for SKU-1 at S003"). None
    when the message points at nothing or the thread's last call had no SKU or location.
    """
    if not POINTING.search(text):
        return None
    sku = last_args.get("sku")
    loc = last_args.get("location") or last_args.get("to_location") or last_args.get("location_id")
    scope = "".join(
        f" {word} {value}"
        for word, value in (("for", sku), ("at", loc))
        if isinstance(value, str) and value
    )
    if not scope:
        return None
    end = len(text.rstrip(" ?!.\n"))
    return text[:end] + scope + text[end:]


QUESTIONS = frozenset({"status", "route", "arrival"})
"""Actions that only ask: a message read so never drafts, whatever else its words suggest."""
OVER_A_LOOK_UP = frozenset({"status", "arrival"})
"""Actions read over a look-up the table took from a message that names nothing and points at
the thread's draft ("how long will that take to arrive?" is no playbook question, "did that
get executed?" no question about open supply)."""
OVERRULED = frozenset({("explain", "draft")})
"""(the table's action, the reader's) where the reader's stands: "the second one - go ahead
with it" names a listed exception (which alone the table explains) and asks to act on it. Never
for a question ("why would we action the top one?" is explained): see `asks`."""


COURTESY_IF = (
    r"(?:(?:it'?s|it\s+is|it\s+isn'?t|it\s+is\s+not|that'?s|that\s+is|this\s+is)\s+(?:not\s+)?"
    r"(?:too\s+|very\s+|at\s+all\s+|no\s+)?(?:easy|quick|simple|possible|doable|handy|"
    r"convenient|trouble|bother|hassle|much\s+(?:trouble|bother|work|hassle))\b|"
    r"(?:it'?s|it\s+is|that'?s|that|that\s+is)\s+(?:ok|okay|fine|alright)\b|"
    r"(?:at\s+all\s+)?(?:possible|poss|convenient|feasible|easy|ok|okay)\b|"
    r"you\s+(?:can|could|(?:don'?t|do\s+not)\s+mind|get\s+(?:a|the)\s+chance|"
    r"(?:have|'?ve\s+got|got)\s+(?:a|the)\s+(?:minute|moment|sec(?:ond)?|mo|chance|time))\b|"
    r"you'?ve\s+got\s+(?:a|the)\s+(?:minute|moment|sec(?:ond)?|chance|time)\b|"
    r"not\s+too\s+(?:much\s+)?(?:trouble|bother|hassle|work)\b)"
)
"""The ease asked about in a courtesy ("if it's easy", "if possible", "if you have a minute",
"if that's ok"): an "if" that asks nothing hypothetical. The one reading of it: the intent
table's hypotheticals and the safety check's conditional writes both use it."""


POLITE = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|hey|right|now|alright)\W+)*(?:please\W+)?"
    r"(?:can|could|would|will)\s+(?:you|u|ya)\s+(?:please\s+|pls\s+|just\s+|now\s+)*"
    r"(?!tell\b|check\b|see\b|show\b|explain\b|walk\b|talk\b|say\b|confirm\b|let\b|look\b|"
    r"find\b|give\b|list\b|remind\b)[a-z]",
    re.I,
)
"""A request put politely ("could you cancel that one?", "can you go ahead with the second
one?"): the planner asks the copilot to act, so it is no question; one that asks to be told
something ("can you tell me ...", "could you check ...") stays a question."""


def asks(text: str) -> bool:
    """Return whether a message is a question (which the reader never reads as a write).

    A polite request to act (`POLITE`) is not one: it asks the copilot to do the thing.
    """
    return bool(ASKED.search(text)) and not POLITE.search(text)


SUPPLIER_POINTER = re.compile(
    r"\b(?:the\s+|that\s+)?(?P<which>non[- ]?primary|other|secondary|second|2nd|backup|back[- ]?up|"
    r"alternat(?:e|ive)|primary|main|usual|first|1st)\s+(?:one|supplier|vendor|source)\b",
    re.I,
)
"""A supplier of the item's supplier list pointed at by its role ("the non-primary one")."""
NOT_PRIMARY = frozenset(
    {"non-primary", "nonprimary", "non primary", "other", "secondary", "second", "2nd", "backup",
     "back-up", "back up", "alternate", "alternative"}
)  # fmt: skip


def shown_suppliers(results: Sequence[Any]) -> list[tuple[str, bool]]:
    """Return the suppliers of an item the thread last showed, in order, with their primary flag."""
    for result in reversed(results):
        if result.name not in ("get_supplier_status", "get_item") or not result.args.get("sku"):
            continue
        data = result.data
        rows = data if isinstance(data, list) else (data or {}).get("suppliers") or []
        out = [
            (str(r["supplier_id"]), bool(r.get("primary") or (r.get("item") or {}).get("primary")))
            for r in rows
            if isinstance(r, dict) and r.get("supplier_id")
        ]
        if out:
            return out
    return []


def point_supplier(text: str, results: Sequence[Any]) -> str:
    """Put in the supplier a message points at by its role among the item's suppliers shown.

    After "who do we buy <item> from?" listed a primary and a second supplier, "order 24 from
    the non-primary one" (or "the other supplier", "the backup vendor") means the one that is
    not primary, "the primary one" the primary. The text as is when nothing fits one.
    """
    m = SUPPLIER_POINTER.search(text)
    if m is None:
        return text
    shown = shown_suppliers(results)
    which = re.sub(r"\s+", " ", m.group("which").lower())
    if which in NOT_PRIMARY:
        fits = [s for s, primary in shown if not primary]
    else:
        fits = [s for s, primary in shown if primary]
    if len(fits) != 1 or len(shown) < 2:
        return text
    return text[: m.start()] + fits[0] + text[m.end() :]


RETURN = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|right|alright|now|and)\W+)*(?:(?:going|go|coming|come|getting|get|"
    r"circling|jumping|jump)\s+)?(?:back\s+to|re:?|returning\s+to|as\s+for)\s+(?:the\s+)?"
    r"(?P<which>first|1st|original|earlier|initial)\s+(?P<noun>store|shop|branch|location|site|"
    r"place|dc|warehouse|one|sku|item|product)\b[\s,:;.\-\u2014]*",
    re.I,
)
"""A return to an earlier subject of the thread ("back to the first store - ...")."""
THAT_PLACE = re.compile(
    r"\b(?:(?:at|in|for|of)\s+)?(?:that|this|the\s+same|the)\s+(?:store|shop|branch|location|site|"
    r"place|dc|warehouse|one)\b|\b(?:(?:at|in|over)\s+)?there\b",
    re.I,
)
THAT_ITEM = re.compile(r"\b(?:(?:for|of|on)\s+)?(?:that|this|the)\s+(?:sku|item|product|one)\b|"
                       r"\b(?:for|of|on)\s+it\b", re.I)  # fmt: skip


def returned(text: str, first: dict[str, list[str]]) -> str | None:
    """Return a message that goes back to the thread's first place or item, with it put in.

    "back to the first store - any exceptions there?" after a look-up at S010 and two detours
    is "any exceptions at S010?": the first location (or, for "the first item", the first SKU)
    the thread named replaces the return and any "there" / "that store". `first` holds the ids
    the thread's messages named, by kind, in order. None when the message makes no return or
    the thread named nothing of that kind.
    """
    m = RETURN.match(text)
    if m is None:
        return None
    noun = m.group("noun").lower()
    kind = "sku" if noun in ("sku", "item", "product") else "location"
    ids = first.get(kind) or []
    if noun in ("store", "shop", "branch"):
        ids = [i for i in ids if not i.upper().startswith("DC")]
    elif noun in ("dc", "warehouse"):
        ids = [i for i in ids if i.upper().startswith("DC")]
    if not ids:
        return None
    target = ids[0]
    rest = text[m.end() :]
    pattern, word = (THAT_ITEM, "for") if kind == "sku" else (THAT_PLACE, "at")
    rest, n = pattern.subn(f"{word} {target}", rest, count=1)
    if not n:
        end = len(rest.rstrip(" ?!.\n"))
        rest = f"{rest[:end]} {word} {target}{rest[end:]}"
    return rest.strip()
