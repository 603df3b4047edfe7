"""A yes or a no to a draft the previous answer offered ("Shall I draft it?" — "yes please").

An answer may end by offering one write and the words that make it: the confirmation a write
said with a question mark gets ("**Shall I draft it?** … say **transfer 10 … to S001** to draft
it for approval", `intents.confirm_write`), or a refused draft's one alternative ("… — say
**transfer 3 of X from S002 to S001** to draft it"). The planner's next message is often only
the answer to that offer:

- a bare yes ("yes", "yes please", "go ahead", "sure, do it", "ok") is the offered instruction
  itself: it is read as if the planner had sent those words, so exactly the draft offered is
  made (same kind, SKU, places and quantity, or the same engine sizing) — once, and through
  the same approval gate as any draft;
- a bare no ("no", "not now", "no thanks", "leave it") writes nothing and says so.

Only a reply that is nothing but the yes or the no is read this way: "yes but make it 20" or
"ok, maybe later" are read as they are. An answer that offers several instructions offers none
of them in particular, and one whose offer the thread's memory already holds (`Focus.offer`,
which "go ahead" drafts) is left to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.offline.messages import Request, Result, Step, _text
from stockpilot.vocabulary import GATE_NAME

CONFIRMED = re.compile(r"\*\*Shall I [^*?]+\?\*\*[^*]*?\bsay \*\*(?P<words>[^*]+)\*\*", re.I)
"""The confirmation offer of a write said with a question mark (`intents.confirm_write`)."""
TO_DRAFT = re.compile(r"\bsay \*\*(?P<words>[^*<>]+)\*\* to draft\b", re.I)
"""A ready instruction an answer offers to draft ("say **transfer 3 of …** to draft it")."""

_POLITE = r"please|pls|plz|thanks|thank\s+you|thx|cheers|mate"
_THANKS = r"(?:\s*,?\s*(?:" + _POLITE + r"))*"
_ACK = (
    r"(?:yes|yeah|yea|yep|yup|ya|sure|ok(?:ay)?|k|alright|all\s+right|right|fine|absolutely|"
    r"definitely|of\s+course|correct|affirmative|sounds\s+good|looks\s+good|perfect|great|good|"
    r"confirm(?:ed)?|agreed)"
)
_ACT = (
    r"(?:go\s+ahead|go\s+for\s+it|do\s+it|do\s+that|do\s+so|draft\s+(?:it|that)|please\s+do|"
    r"let'?s\s+do\s+(?:it|that|this)|proceed|make\s+it\s+so|that'?s\s+fine|"
    r"(?:order|transfer|move|ship|send|book|place|raise|fix)\s+(?:it|that|this|them))"
)
YES = re.compile(
    r"^\W*(?:" + _ACK + r"\b\W*)*(?:(?:(?:now|then|so|just)\s+)?(?:please\s+)?" + _ACT + r"\b)?"
    r"(?:\s*,?\s*(?:" + _POLITE + r"|then|now))*\W*$",
    re.I,
)
"""A reply that is only a yes ("yes", "yes please", "go ahead", "sure, do it", "ok do that").

The one reading of a bare confirmation: `is_yes` (a yes to an offered draft) and
`settled.is_bare` (a confirmation with nothing left to carry out) both read it."""
NO = re.compile(
    r"^\W*(?:no|nope|nah|not\s+now|not\s+yet|not\s+today|no\s+thanks|no\s+thank\s+you|"
    r"no\s+need|don'?t|do\s+not|leave\s+it|skip\s+it|forget\s+it|never\s*mind|hold\s+off|"
    r"not\s+for\s+now|not\s+at\s+the\s+moment|let'?s\s+not|maybe\s+later|later)"
    r"(?:\W+(?:no|not\s+now|for\s+now|thanks|thank\s+you|thx|i'?ll\s+wait|leave\s+it|"
    r"do\s+not|don'?t))*" + _THANKS + r"\W*$",
    re.I,
)
"""A reply that is only a no ("no", "not now", "no thanks", "leave it for now")."""
ASSENT = re.compile(
    r"\b(?:yes|yeah|yea|yep|yup|ya|sure|ok(?:ay)?|k|alright|all\s+right|fine|absolutely|"
    r"definitely|of\s+course|affirmative|sounds\s+good|looks\s+good|perfect|go\s+ahead|"
    r"go\s+for\s+it|do\s+it|do\s+that|draft\s+it|please\s+do|proceed|make\s+it\s+so|"
    r"that'?s\s+fine)\b",
    re.I,
)
"""The word of a yes itself: "thanks" or "please" alone is no yes."""


@dataclass(frozen=True)
class Offer:
    """The instruction an answer offered and the thread as it stood when it was offered."""

    words: str
    earlier: tuple[BaseMessage, ...]
    confirmed: bool = False
    """A "Shall I …?" question (else a ready instruction shown with other text)."""


def _last_turn(earlier: Sequence[BaseMessage]) -> int | None:
    """Return the index of the thread's last planner message (approvers' decisions skipped)."""
    for i in range(len(earlier) - 1, -1, -1):
        msg = earlier[i]
        if isinstance(msg, HumanMessage) and msg.name != GATE_NAME:
            return i
    return None


def offered(earlier: Sequence[BaseMessage]) -> Offer | None:
    """Return the one instruction the thread's last answer offered to carry out, else None.

    A confirmation ("Shall I draft it?") is read in the thread as it stood before the question
    was asked (that turn looked nothing up), so "yes" makes the very reading offered.
    """
    start = _last_turn(earlier)
    if start is None:
        return None
    turn = earlier[start + 1 :]
    answers = [m for m in turn if isinstance(m, AIMessage) and not m.tool_calls]
    if not answers:
        return None
    answer = _text(answers[-1])
    confirmed = CONFIRMED.search(answer)
    if confirmed is not None:
        looked = any(isinstance(m, ToolMessage) for m in turn)
        before = tuple(earlier) if looked else tuple(earlier[:start])
        return Offer(confirmed.group("words").strip(), before, confirmed=True)
    words = list(dict.fromkeys(m.group("words").strip() for m in TO_DRAFT.finditer(answer)))
    if len(words) != 1 or YES.match(words[0]):
        return None  # several offers, or "say **ok do that**": the thread's offer decides
    return Offer(words[0], tuple(earlier))


def is_yes(text: str) -> bool:
    """Return whether a reply is only a yes."""
    return bool(ASSENT.search(text) and YES.match(text))


def is_no(text: str) -> bool:
    """Return whether a reply is only a no."""
    return bool(NO.match(text))


def declined(req: Request, results: list[Result]) -> Step:
    """Answer a no to an offered draft: nothing is written."""
    return (
        "OK — I have not drafted anything; nothing is pending for this. Say "
        f"**{req.get('offer') or 'the instruction'}** if you want it drafted later."
    )
