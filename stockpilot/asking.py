"""What a question to the copilot and a thread id may be: one check for every surface.

The command line (`stockpilot ask`), the API (`/v1/threads…`) and the Slack and Teams bots all
hand a planner's question and a thread id to `graph.service.Copilot`, which checks them here
before anything is written; the API states the same limits in its request schema (a 422 naming
the field) and the command line and the bots say the refusal in words. A refused question or
thread id changes nothing: no thread is opened, no turn is run, no audit entry is written.

- a question is text with something in it: not empty or only white space, at most
  `MAX_QUESTION` characters once trimmed;
- a thread id is a name, not a path or a line of text: a letter or digit, then letters,
  digits, '.', '_', ':' or '-', at most 64 in all (no '/', no white space, no control
  characters).
"""

from __future__ import annotations

import re

MAX_QUESTION = 4000
"""The longest question, in characters (after trimming white space)."""
THREAD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
THREAD_ID = re.compile(THREAD_ID_PATTERN)
THREAD_ID_RULE = (
    "letters, digits, '.', '_', ':' or '-', starting with a letter or digit; at most 64"
)


class InvalidAsk(ValueError):
    """A question or thread id that is refused; `field` names which."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def checked_question(text: object, field: str = "question") -> str:
    """Return the question trimmed, or raise InvalidAsk naming `field`."""
    if not isinstance(text, str):
        raise InvalidAsk(field, "must be text")
    said = text.strip()
    if not said:
        raise InvalidAsk(field, "is empty or only white space: ask something")
    if len(said) > MAX_QUESTION:
        raise InvalidAsk(field, f"is {len(said):,} characters long; at most {MAX_QUESTION:,}")
    return said


def checked_thread_id(thread_id: object, field: str = "thread_id") -> str:
    """Return the thread id as given, or raise InvalidAsk naming `field`."""
    if not isinstance(thread_id, str) or THREAD_ID.fullmatch(thread_id) is None:
        shown = repr(thread_id) if len(str(thread_id)) <= 80 else repr(str(thread_id)[:80]) + "…"
        raise InvalidAsk(field, f"{shown} is not a thread id ({THREAD_ID_RULE})")
    return thread_id


def refused_question(text: object) -> str | None:
    """Return what a chat surface answers a refused question with (None: it may be asked)."""
    try:
        checked_question(text, "message")
    except InvalidAsk as exc:
        return f"I have not asked that: the message {exc.message}. Nothing was asked or changed."
    return None
