"""Policy questions answered in one line, from the shipped playbook, in a planner's words.

The expedite conditions are found and quoted whatever words the planner uses for expediting;
"can <person> approve <amount>?" is answered yes or no from the person's role and its limit.
Each answer is the handler's, run on the real playbook's search results.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from agents.offline import parse
from agents.offline.messages import Call, Result
from knowledge import KnowledgeBase

AS_OF = date(2026, 6, 30)


def answer(text: str, kb: KnowledgeBase) -> tuple[str, list[str]]:
    """Run a policy request to its answer, the searches on the real playbook."""
    intent, req = parse(text, (), None, as_of=AS_OF)
    results: list[Result] = []
    queries = []
    for _ in range(4):
        step = intent.handler(req, results)
        if isinstance(step, str):
            return step, queries
        for call in step:
            assert isinstance(call, Call) and call.name == "search_policies", (text, call)
            queries.append(call.args["query"])
            found = [p.to_dict() for p in kb.search(call.args["query"], k=call.args.get("k", 3))]
            data = {"query": call.args["query"], "passages": found}
            results.append(Result(call.name, call.args, json.dumps(data), data))
    raise AssertionError(f"no answer for {text!r}")


@pytest.mark.parametrize(
    "text",
    [
        "when should we expedite a late PO?",
        "what needs to hold before we pay a supplier to rush a late delivery?",
        "under what conditions can we speed up a PO that is running late",
        "whats the rule on expediting",
        "per the playbook, when is it worth hurrying an overdue order?",
    ],
)
def test_the_expedite_conditions_lead_in_the_planners_own_words(
    text: str, kb: KnowledgeBase
) -> None:
    said, queries = answer(text, kb)
    lead = said.split("\n", 1)[0]
    assert lead.startswith("**In short:**"), lead
    assert "only when" in lead and "run out inside the lead time" in lead, lead
    assert "Supplier escalation and expedite procedure v2, §4" in lead
    assert all("expedites only when" not in q for q in queries)  # no playbook words added


@pytest.mark.parametrize(
    ("text", "verdict", "also"),
    [
        ("can bob sign off a 30k purchase order on his own?", "**No — bob", "carol"),
        ("could bob ok a 12,000 transfer by himself", "**Yes — bob", "25,000"),
        ("is carol allowed to approve a PO worth 40,000?", "**Yes — carol", "250,000"),
        ("may bob approve 26,000 alone?", "**No — bob", "admin"),
    ],
)
def test_whether_a_person_may_approve_an_amount_is_yes_or_no(
    text: str, verdict: str, also: str, kb: KnowledgeBase
) -> None:
    said, _ = answer(text, kb)
    lead = said.split("\n", 1)[0]
    assert lead.startswith(verdict), lead
    assert also in lead and "Approval matrix v2, §2" in lead
