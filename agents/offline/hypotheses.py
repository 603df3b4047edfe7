"""A hypothesis with a size is a what-if: "if <supplier> pushes its POs back 10 days, then?".

A request that opens with a condition ("if", "suppose", "say", "assume", "imagine") and whose
condition the scenario reader sizes (a supplier's delay in days, a demand change in percent or
times), or that asks what a named supplier's sized delay would do ("what would a one-week slip
from <supplier> break?"), asks what the plan would look like under it: `run_what_if`,
whatever look-up its nouns matched (the supplier's open orders, a store's stock). The scenario
reader
(`agents.offline.parsing._scenario_args`) is the one the what-if handler uses, so the reading
and the run agree on what is assumed.

Only a look-up is re-read this way, and a what-if only simulates: nothing is drafted or written.
"""

from __future__ import annotations

import re

from agents.offline.parsing import _scenario_args

CONDITION = re.compile(
    r"^\W*(?:(?:and|so|ok|okay|but|now)\W+)?(?:if|suppose|supposing|say|assume|assuming|imagine|"
    r"picture|hypothetically)\b",
    re.IGNORECASE,
)
"""A request that opens with a condition."""

CONSEQUENCE = re.compile(
    r"\b(?:break|breaks|hurt|hurts|damage|impact|effect|affect|consequences?|what\s+happens|"
    r"what\s+would\s+happen|do\s+to\s+us|mean\s+for\s+us|run\s+short|go\s+short|runs\s+short|"
    r"at\s+risk|in\s+trouble)\b",
    re.IGNORECASE,
)
"""A question for what a change would do ("what would it break?", "does it hurt?")."""

PAST = re.compile(
    r"\b(?:did|didn't|was|wasn't|were|weren't|had|ago|yesterday|last\s+(?:week|month|quarter|"
    r"year|time|season)|previous|earlier\s+this\s+(?:week|month|year))\b",
    re.IGNORECASE,
)
"""A delay that already happened ("the slip from <supplier> last month - did it hurt?")."""

SIZED = ("supplier_delay_days", "demand_factor")
"""Scenario sizes that make a hypothesis runnable."""


def is_sized_hypothesis(text: str) -> bool:
    """Return True when a request poses a change the scenario reader can size.

    Either it opens with a condition ("if <supplier> pushes its POs back 10 days"), or it asks
    what a supplier's sized delay would do ("what would a one-week slip from <supplier> break?"),
    not what one that already happened did ("last month's slip - did it hurt?").
    """
    args = _scenario_args(text)
    if CONDITION.search(text):
        return any(args.get(k) is not None for k in SIZED)
    return bool(
        args.get("supplier_delay_days")
        and args.get("supplier_id")
        and CONSEQUENCE.search(text)
        and not PAST.search(text)
    )
