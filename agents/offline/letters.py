"""A question buried in an e-mail: the sentences that ask, without the letter around them.

A buyer writes a whole letter: a greeting ("Hi team,", "Dear all,"), some context ("I'm
putting together the agenda for Thursday's call with <supplier> ..."), the question in the
middle of a paragraph, a remark after it ("Nothing else needed for now.") and a signature
("Kind regards", then "Priya (Grocery buying)"). Read whole, the context's words (a "call", to
"raise" something, a "promotion" someone mentioned) decide the reading as much as the question.

`asked` reads such a message as the sentences that ask: those that end with a question mark
or ask in words ("could you ...", "please ...", "I'd like to know ...", "it would help to
know ...", "I'm interested in whether ..."), less the pleasantries ("I hope your week is going
well", "I'd be grateful for a short answer"). When the question points back at the context
("which of *their* orders", "on *that* point") or the context names a kind of thing the
question does not (the supplier, the item), the context is kept in front of it ("<supplier>
phoned: ... which items would suffer from a slip of theirs?"), so the question stays last; a
scenario said before the question ("Suppose <supplier> is a week late. Which stores get hurt?")
is always kept, as is a change sized before the question that asks its effect ("... expects
Region 03 to trade 15% above plan. Could you run that through?") and what the question asks
about. A message that is no letter (one line, or
no greeting and no signature), or in which no sentence asks, is read as it is.

A sentence that tells the copilot to write ("Order 200 units of <item> from <supplier>.",
"Please move 30 ... to <store>.") beside a question that writes nothing is never read as the
question's context: the question is answered alone, and `left_out` names the write, so that the
answer says plainly it was not acted on (a write is drafted only when asked on its own). A
question of rule ("Is it ok to raise a transfer worth 50?") is read alone too: a place named in
the letter around it ("Quick one from <store>.") does not make it a question about that place.
"""

from __future__ import annotations

import re
from typing import Any

from agents.offline import rules
from agents.offline.hypotheses import CONDITION
from agents.offline.parsing import _scenario_args

GREETING = re.compile(
    r"^\W*(?:hi|hiya|hello|hey|dear|greetings|good\s+(?:morning|afternoon|evening|day)|morning|"
    r"afternoon|evening|to\s+whom\s+it\s+may\s+concern)\b(?:[\s,\-–—]+[a-z][a-z'’-]*){0,3}"
    r"[,:!.]?\s*$",
    re.I,
)
"""A letter's first line: "Hi team,", "Dear all,", "Good morning Priya,". At most three words
name who is addressed: a first line that asks ("Hey, what's the stock of SKU-0012 at S003")
or names an id ("afternoon deliveries at S003") is the request, not a greeting."""
SIGN_OFF = re.compile(
    r"^\W*(?:(?:kind|best|warm|warmest|many|with)\s+(?:regards|wishes|thanks)|regards|best|"
    r"all\s+the\s+best|thanks|thank\s+you|thx|ta|cheers|sincerely|yours(?:\s+\w+)?|"
    r"(?:thanks|thank\s+you)\s+(?:ever\s+so\s+much|very\s+much|so\s+much|a\s+lot|again|"
    r"in\s+advance)|speak\s+soon|talk\s+soon|br)\b[^.?!\n]{0,20}[,.!]?\s*$",
    re.I,
)
"""The line that opens a signature: "Kind regards,", "Best,", "Thanks ever so much,"."""

ABBREVIATION = re.compile(
    r"\b(?:co|ltd|inc|corp|plc|llc|bros|st|mr|mrs|ms|dr|no|vs|approx|e\.g|i\.e|etc|dept|est)\.$",
    re.I,
)
"""A word whose full stop ends no sentence ("Acme Foods Co. phoned")."""

PLEASANTRY = re.compile(
    r"^\W*(?:i\s+)?hope\b|^\W*(?:many\s+)?thanks?\b|^\W*thank\s+you\b|^\W*how\s+(?:are|is|was)\s+"
    r"(?:you|your|things|the\s+(?:week|weekend))\b|^\W*(?:i'?d|i\s+would)\s+be\s+(?:very\s+|so\s+"
    r"|really\s+)?grateful\b|^\W*nothing\s+else\b|^\W*(?:just\s+)?the\s+\w+\s+(?:is|are)\s+fine\b"
    r"|\b(?:is|are)\s+all\s+(?:i|we)\s+need\b|^\W*any\s+help\b|^\W*let\s+me\s+know\s+if\s+you\b"
    r"|^\W*(?:no\s+rush|no\s+hurry|appreciate\s+it|much\s+appreciated)\b",
    re.I,
)
"""A sentence said to be polite, never the question ("I hope your week is going well")."""

ASKS = re.compile(
    r"\?\W*$|\b(?:could|can|would|will)\s+(?:you|u)\b|\bplease\b|\bpls\b|\blet\s+me\s+know\b|"
    r"\btell\s+me\b|\b(?:i'?d|i\s+would|we'?d|we\s+would)\s+(?:like|love)\s+to\s+(?:know|see|"
    r"understand|check)\b|\b(?:i|we)\s+(?:need|want)\s+to\s+(?:know|see|understand|check)\b|"
    r"\bhelp\s+(?:\w+\s+){0,2}?to\s+(?:know|see|understand)\b|\b(?:interested|keen)\s+(?:in|to)\b|"
    r"\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+wondering\b|\bi\s+wonder\b",
    re.I,
)
"""A sentence that asks: its question mark, or a request or a wish to know in words."""

POINTS_BACK = re.compile(
    r"\b(?:their|theirs|them|they|those|these|such|the\s+same|(?:that|this)\s+(?:point|question|"
    r"one|item|stock|order|issue|matter|product|supplier|vendor|store|category))\b"
    r"|\b(?:about|on|with|for|to)\s+(?:that|this|it)\W*$",
    re.I,
)
"""A question that leans on the sentence before it ("which of their orders", "on that point",
"what does the playbook say about that?")."""


WRITE_VERB = (
    r"(?:transfer|move|ship|send|order|buy|raise|place|book|draft|top\s+up|restock|replenish|"
    r"cancel|withdraw|approve|amend|change|cut|reduce|bump|increase|push)"
)
WRITES = re.compile(
    r"^\W*(?:(?:and|also|then|so|ok|okay)\W+)?(?:(?:please|pls|kindly)\s+)?(?:(?:can|could|would|"
    r"will)\s+(?:you|u)\s+(?:please\s+)?|(?:i|we)(?:'d|\s+would)\s+like\s+(?:you\s+)?to\s+|"
    r"(?:we|i)\s+(?:need|want)\s+(?:you\s+)?to\s+|(?:let'?s|go\s+ahead\s+and)\s+)?"
    + WRITE_VERB
    + r"\b(?=.*\d)",
    re.I,
)
"""A sentence that tells the copilot to write, with a quantity or an id ("Order 200 units of
SKU-0042 from SUP-03.", "Please move 30 of SKU-0010 to S012.", "Could you raise a PO for 80?")."""
SCENARIO = re.compile(CONDITION.pattern + r"|^\W*(?:let'?s\s+say|what\s+if)\b", re.I)
"""A sentence that sets up a scenario ("Suppose SUP-03 is a week late.", "Let's say ...")."""


def sentences(body: str) -> list[str]:
    """Split a letter's body into sentences.

    At a line break, or a full stop, question or exclamation mark before a capital, never after
    an abbreviation such as "Co.". A line that ends without a stop and is carried on by a line
    starting in lower case ("what's the stock of SKU-0012 at S003" / "and S004?") is one
    sentence, as the writer's wrapped line is.
    """
    out: list[str] = []
    for line in re.sub(r"(?<![.?!:;\s])[ \t]*\n[ \t]*(?=[a-z])", " ", body).splitlines():
        start = 0
        for m in re.finditer(r"[.?!]+(?=\s+[\"'(]?[A-Z0-9])", line):
            if m.group(0) == "." and ABBREVIATION.search(line[start : m.end()]):
                continue
            out.append(line[start : m.end()].strip())
            start = m.end()
        out.append(line[start:].strip())
    return [s for s in out if re.search(r"[A-Za-z]", s)]


def _body(text: str) -> str | None:
    """Return a letter's body (without its greeting and signature), or None for no letter."""
    lines = [line for line in text.strip().splitlines()]
    if sum(1 for line in lines if line.strip()) < 2:
        return None
    greeted = bool(lines) and GREETING.match(lines[0]) is not None
    if greeted:
        lines = lines[1:]
    signed = next((i for i, line in enumerate(lines) if SIGN_OFF.match(line)), None)
    if signed is not None and signed > 0:
        lines = lines[:signed]
    elif not greeted:
        return None
    return "\n".join(lines).strip() or None


def _kinds(sentence: str, resolver: Any) -> set[str]:
    """Return the kinds of thing a sentence names: items, places, suppliers, categories."""
    if resolver is None:
        return set()
    kinds = {str(m.entity.kind) for m in resolver.mentions(sentence)}
    kinds |= {str(c[0].kind) for _, c in resolver.ambiguous(sentence) if c}  # a shared name
    words = {w.lower() for w in re.findall(r"[A-Za-z][\w&-]*", sentence)}
    if any(c.lower() in words for c in resolver.categories):
        kinds.add("category")
    return kinds


def _read(text: str, resolver: Any) -> tuple[str, list[str]] | None:
    """Return what a letter asks and the writes it tells beside a question, or None."""
    body = _body(text)
    if body is None:
        return None
    said = sentences(body)
    asking = [i for i, s in enumerate(said) if ASKS.search(s) and not PLEASANTRY.search(s)]
    if not asking:
        return None
    writes = [i for i, s in enumerate(said) if WRITES.search(s)]
    questions = [i for i in asking if i not in writes]
    if writes and questions:
        # A write beside a question that writes nothing: the question alone is read.
        asking = questions
    else:
        writes = []
    left = [said[i] for i in writes]
    question = " ".join(said[i] for i in asking)
    if rules.is_rule_question(question, {}, resolver) and not _kinds(question, resolver):
        return question, left
    before = [
        said[i] for i in range(asking[0]) if not PLEASANTRY.search(said[i]) and i not in writes
    ]
    context = " ".join(before)
    if before and (
        POINTS_BACK.search(question)
        or _kinds(context, resolver) - _kinds(question, resolver)
        or any(SCENARIO.search(s) for s in before)
        or (bool(_scenario_args(context)) and not _scenario_args(question))
    ):
        return f"{context} {question}", left
    return question, left


def asked(text: str, resolver: Any = None) -> str | None:
    """Return the question of a letter (`asked` in the module's sense), or None.

    None when the message is no letter or no sentence of it asks.
    """
    read = _read(text, resolver)
    return None if read is None else read[0]


def left_out(text: str, resolver: Any = None) -> list[str]:
    """Return the sentences of a letter that tell a write beside its question, not read.

    Empty when the message is no letter, or its writes are all it asks.
    """
    read = _read(text, resolver)
    return [] if read is None else read[1]
