"""The offline model routes what-ifs, policy thresholds and item terms to the right tool.

Each class is checked with several phrasings (typos, lowercase, terse and chatty), read with
the demo network's resolver and, where the request leans on the thread, after a turn that
set its focus. The first step of the intent's handler is the tool call the model would make.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agents.offline import parse
from agents.offline.handlers import (
    CLASS_COVER_QUERY,
    DEFAULT_PROMO_UPLIFT,
    LIMITS_QUERY,
    compare_suppliers,
    policy,
    what_if,
)
from agents.offline.messages import Call, Request, Result
from agents.offline.render import render_what_if_scope
from erp.demo import generate_demo
from tools.resolve import Resolver

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    demo = generate_demo(seed=7, stores=4, skus=30, days=120, as_of=AS_OF)
    return Resolver.from_network(demo.data)


def turn(request: str, tool: str, args: dict[str, Any], result: Any) -> list[BaseMessage]:
    """One earlier turn: the request, the tool call and its JSON result."""
    call_id = f"c-{tool}-{len(request)}"
    return [
        HumanMessage(request),
        AIMessage("", tool_calls=[{"name": tool, "args": args, "id": call_id}]),
        ToolMessage(json.dumps(result), tool_call_id=call_id),
    ]


def first_step(
    text: str, resolver: Resolver, earlier: Sequence[BaseMessage] = ()
) -> tuple[str, list[Call] | str]:
    """Return the intent a request lands on and its handler's first step (calls or an answer)."""
    intent, req = parse(text, earlier, resolver, as_of=AS_OF)
    step = intent.handler(req, [])
    return intent.name, step if isinstance(step, str) else list(step)


def only_call(text: str, resolver: Resolver, earlier: Sequence[BaseMessage] = ()) -> Call:
    name, step = first_step(text, resolver, earlier)
    assert isinstance(step, list) and len(step) == 1, (text, name, step)
    return step[0]


SUPPLIER_ROWS = [
    {"supplier_id": "SUP-06", "name": "Voltix Electronics", "primary": True,
     "lead_time_days": 32, "on_time_rate": 0.64},
    {"supplier_id": "SUP-09", "name": "Harbor Wholesale", "primary": False,
     "lead_time_days": 8, "on_time_rate": 0.96},
]  # fmt: skip
WHO_SUPPLIES = [
    *turn(
        "stock of SKU-0012 at S003", "get_inventory", {"sku": "SKU-0012", "location": "S003"}, []
    ),
    *turn("who supplies it?", "get_supplier_status", {"sku": "SKU-0012"}, SUPPLIER_ROWS),
]
"""A thread about SKU-0012 at S003 that has just listed its two suppliers (SUP-06 primary)."""
AT_S003 = turn(
    "stock of SKU-0012 at S003", "get_inventory", {"sku": "SKU-0012", "location": "S003"}, []
)


# -- a. a supplier delay is a what-if, not open supply or supplier status ------------------------


@pytest.mark.parametrize(
    ("text", "supplier", "days"),
    [
        ("what if SUP-03 slips two weeks", "SUP-03", 14),
        ("supplier SUP-06 is running 10 days late — impact?", "SUP-06", 10),
        ("sup-03 is late by a week, what does that do to us", "SUP-03", 7),
        ("northwind is runnign 2 weeks behind. impact?", "SUP-02", 14),
        ("acme slipping a fortnight - what breaks", "SUP-01", 14),
        ("voltix deliveries come in 5 days late, what happens?", "SUP-06", 5),
    ],
)
def test_a_supplier_delay_runs_the_what_if_for_that_supplier(
    text: str, supplier: str, days: int, resolver: Resolver
) -> None:
    call = only_call(text, resolver)
    assert call.name == "run_what_if"
    assert call.args["supplier_id"] == supplier
    assert call.args["supplier_delay_days"] == days
    assert "sku" not in call.args and "location" not in call.args  # all of its SKUs


def test_a_supplier_question_without_a_delay_is_still_its_status(resolver: Resolver) -> None:
    assert only_call("is SUP-03 running late?", resolver).name != "run_what_if"
    assert only_call("supplier status SUP-03", resolver).name == "get_supplier_status"


# -- b. a demand change at category or network scope ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "factor", "category"),
    [
        ("if toys demand drops 20 % everywhere", 0.8, "Toys"),
        ("toys down 20% everywhere, how bad?", 0.8, "Toys"),
        ("if demand for toys drops 20 percent across all stores", 0.8, "Toys"),
        ("what if the whole network sells 15 % more", 1.15, None),
        ("what if demand falls 10% across all stores", 0.9, None),
        ("suppose electronics sales go up 25% network-wide, what breaks?", 1.25, "Electronics"),
        ("if everything sells 20% more next month", 1.2, None),
        ("pet category +30% - what breaks first?", 1.3, "Pet"),
    ],
)
def test_a_wide_demand_change_runs_at_that_scope(
    text: str, factor: float, category: str | None, resolver: Resolver
) -> None:
    call = only_call(text, resolver)
    assert call.name == "run_what_if"
    assert call.args["demand_factor"] == pytest.approx(factor)
    assert call.args.get("category") == category
    assert "sku" not in call.args and "location" not in call.args


# -- c. a hypothetical promotion: SKU, location, dates and uplift --------------------------------


@pytest.mark.parametrize(
    ("text", "sku", "loc", "start", "end", "uplift"),
    [
        (
            "if we ran a 30 % uplift on SKU-0012 at S004 next week what happens",
            "SKU-0012", "S004", "2026-07-06", "2026-07-12", 1.3,
        ),
        (
            "what if we did a 2x lift on sku-0023 at s003 from jul 10 to jul 16?",
            "SKU-0023", "S003", "2026-07-10", "2026-07-16", 2.0,
        ),
        (
            "hypothetical promo: SKU-0016 at S002, 2026-07-08 to 2026-07-12, +40%",
            "SKU-0016", "S002", "2026-07-08", "2026-07-12", 1.4,
        ),
        (
            "hypothetical promo on SKU-0005 at S002 next week with 40% uplift",
            "SKU-0005", "S002", "2026-07-06", "2026-07-12", 1.4,
        ),
        (
            "if we promote SKU-0016 at S002 next week with a 50% lift, do we run out?",
            "SKU-0016", "S002", "2026-07-06", "2026-07-12", 1.5,
        ),
    ],
)  # fmt: skip
def test_a_hypothetical_promotion_runs_the_promotion_what_if(
    text: str, sku: str, loc: str, start: str, end: str, uplift: float, resolver: Resolver
) -> None:
    call = only_call(text, resolver)
    assert call.name == "run_what_if"
    assert (call.args["sku"], call.args["location"]) == (sku, loc)
    assert (call.args["promo_start"], call.args["promo_end"]) == (start, end)
    assert call.args["promo_uplift"] == pytest.approx(uplift)


@pytest.mark.parametrize(
    ("text", "uplift"),
    [
        ("promo SKU-0016 S002 next week 40% - enough stock?", 1.4),
        ("what if we ran a promo on SKU-0016 at S002 next week", DEFAULT_PROMO_UPLIFT),
    ],
)
def test_a_promotions_bare_percentage_is_its_uplift(
    text: str, uplift: float, resolver: Resolver
) -> None:
    call = only_call(text, resolver)
    assert call.args["promo_uplift"] == pytest.approx(uplift)


def test_an_assumed_uplift_is_said() -> None:
    args = {"sku": "SKU-0016", "location": "S002", "promo_start": "2026-07-06",
            "promo_end": "2026-07-12", "promo_uplift": DEFAULT_PROMO_UPLIFT}  # fmt: skip
    data = {"sku": "SKU-0016", "location": "S002", "scenario": args, "notes": []}
    result = Result("run_what_if", args, json.dumps(data), data)
    for text, said in (("what if we ran a promo on SKU-0016 at S002 next week", True),
                       ("promo on SKU-0016 at S002 next week at +50%", False)):  # fmt: skip
        answer = what_if(Request(text, {}), [result])
        assert isinstance(answer, str)
        assert ("No uplift was given, so the promotion assumes ×1.5" in answer) is said


def test_a_late_po_question_of_what_to_do_is_not_a_what_if(resolver: Resolver) -> None:
    name, _ = first_step("SUP-05's PO is 10 days late, what should we do?", resolver)
    assert name != "what_if"


def test_a_promotion_that_changes_nothing_says_no_change_and_why_first() -> None:
    still = {"unmet_units_horizon": 0.0, "lost_margin_horizon": 0.0, "first_stockout_date": None}
    why = "Stock on hand and open supply cover the scenario's demand: no unmet units either way."
    data = {
        "sku": "SKU-0023",
        "location": "S003",
        "as_of": "2026-06-30",
        "horizon_days": 56,
        "protection_days": 8,
        "scenario": {"promo_start": "2026-07-06", "promo_end": "2026-07-12", "promo_uplift": 1.3},
        "base": still,
        "with_scenario": still,
        "change": {"unmet_units_horizon": 0.0, "lost_margin_horizon": 0.0},
        "notes": [why],
    }
    answer = render_what_if_scope(Result("run_what_if", {}, json.dumps(data), data))
    assert answer.startswith(f"**No change: {why}**")
    assert answer.count(why) == 1
    moved = {**data, "change": {"unmet_units_horizon": 4.0, "lost_margin_horizon": 9.5}}
    assert not render_what_if_scope(Result("run_what_if", {}, "", moved)).startswith("**No change")


# -- d. policy thresholds go to the playbook, and the answer leads with the rule -----------------


@pytest.mark.parametrize(
    "text",
    [
        "what's the max days of cover for C items",
        "max cover for class c?",
        "how many days of cover can a B item have at most",
        "above what value does a PO need a director",
        "what PO value needs director approval",
        "over what amount does an order need an admin?",
        "above which amount do we need an admin to sign?",
        "what's the longest we can hold an A item",
    ],
)
def test_policy_thresholds_search_the_playbook(text: str, resolver: Resolver) -> None:
    call = only_call(text, resolver)
    assert call.name == "search_policies"
    assert call.args["query"].lower().startswith(text.lower()[:12])


LIMITS = {
    "passages": [
        {
            "citation": "Approval matrix v2, §2",
            "section": "Roles and limits",
            "title": "Approval matrix",
            "text": "| Role | May draft | May approve | Max order value |\n|---|---|---|---|\n"
            "| viewer | no | nothing (read only) | 0 |\n| planner | yes | nothing | 0 |\n"
            "| approver | yes | transfers and purchase orders | 25,000 |\n"
            "| admin | yes | transfers and purchase orders | 250,000 |",
        }
    ]
}


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("above what value does a PO need a director", "director"),
        ("what PO value needs director approval", "director"),
        ("over what amount does an order need an admin?", None),
    ],
)
def test_a_threshold_question_leads_with_the_limits(text: str, missing: str | None) -> None:
    req = Request(text, {})
    searched = Result("search_policies", {"query": text}, json.dumps(LIMITS), LIMITS)
    answer = policy(req, [searched])
    assert isinstance(answer, str)
    lead = answer.split("\n", 1)[0]
    assert "up to 25,000 an approver" in lead and "above 25,000 an admin" in lead
    assert "above 250,000 no one" in lead and "(Approval matrix v2, §2)" in lead
    assert (f"no {missing} role" in lead) if missing else ("role;" not in lead)


@pytest.mark.parametrize(
    "text",
    [
        "what's the expedite rule",
        "how do we decide whether to expedite",
        "can I expedite a late PO?",
        "when do we expedite?",
    ],
)
def test_whether_to_expedite_searches_with_the_planners_own_words(
    text: str, resolver: Resolver
) -> None:
    call = only_call(text, resolver)
    assert call.name == "search_policies"
    assert call.args["query"] == text  # the retrieval maps everyday words, the copilot adds none


@pytest.mark.parametrize(
    "text",
    [
        "what's the longest we can hold an A item",
        "how much cover is too much for a class A sku",
        "max cover for class c?",
    ],
)
def test_how_much_cover_a_class_may_hold_searches_with_the_policys_words(
    text: str, resolver: Resolver
) -> None:
    call = only_call(text, resolver)
    assert call.args["query"] == f"{text} ({CLASS_COVER_QUERY})"


def test_a_threshold_question_without_the_limits_table_asks_for_it() -> None:
    text = "above which amount do we need an admin to sign?"
    other = {"passages": [{"citation": "Approval matrix v2, §5", "text": "No one approves an "
                           "order above 250,000 in StockPilot."}]}  # fmt: skip
    step = policy(Request(text, {}), [Result("search_policies", {}, json.dumps(other), other)])
    assert isinstance(step, list) and step[0].args["query"] == LIMITS_QUERY


def test_expedite_fees_keep_the_planners_words(resolver: Resolver) -> None:
    call = only_call("who approves expedite fees above 1,000?", resolver)
    assert call.args["query"] == "who approves expedite fees above 1,000?"


# -- e. the right tool: routine orders, item terms, approval route, supplier comparison ---------


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("sup-03 - anything to order from them?", ()),
        ("voltix, anything to order from them?", ()),
        ("anything to order from them?", turn("tell me about voltix", "get_supplier_status",
                                              {"supplier_id": "SUP-06"}, SUPPLIER_ROWS[:1])),
    ],
)  # fmt: skip
def test_anything_to_order_from_a_supplier_is_its_overview(
    text: str, earlier: list[BaseMessage], resolver: Resolver
) -> None:
    call = only_call(text, resolver, earlier)
    assert call.name == "get_supplier_overview"
    assert call.args["supplier_id"] in ("SUP-03", "SUP-06")


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("what's the MOQ on SKU-0012", "SKU-0012"),
        ("whats the minimum order qty for sku-0005", "SKU-0005"),
        ("pack size of SKU-0012?", "SKU-0012"),
        ("lead time for SKU-0005", "SKU-0005"),
        ("what does SKU-0012 cost", "SKU-0012"),
        ("how much does SKU-0003 cost?", "SKU-0003"),
        ("price of sku-0007?", "SKU-0007"),
        ("how much do we pay for SKU-0005?", "SKU-0005"),
        ("whats the cost of SKU-0016 from SUP-09", "SKU-0016"),
    ],
)
def test_item_terms_read_the_item_not_the_playbook(text: str, sku: str, resolver: Resolver) -> None:
    call = only_call(text, resolver)
    assert (call.name, call.args) == ("get_item", {"sku": sku})


DRAFTED = turn(
    "transfer 20 of SKU-0012 from DC-SOUTH to S003",
    "draft_transfer",
    {"sku": "SKU-0012", "from_location": "DC-SOUTH", "to_location": "S003", "qty": 20},
    {"proposal_id": "PR-1", "status": "pending_approval"},
)


@pytest.mark.parametrize(
    "text",
    ["who has to approve this", "who needs to sign this off?", "whose sign-off does this one need",
     "who can ok it"],
)  # fmt: skip
def test_who_approves_this_is_the_drafts_approval_route(text: str, resolver: Resolver) -> None:
    call = only_call(text, resolver, DRAFTED)
    assert (call.name, call.args) == ("get_approval_route", {"proposal_id": "PR-1"})


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("which supplier is better, SUP-01 or SUP-02?", ()),
        ("is acme better than northwind?", ()),
        ("which is the better one?", WHO_SUPPLIES),
        ("which supplier is better?", WHO_SUPPLIES),
        ("which one is worse?", WHO_SUPPLIES),
        ("so which of the two is more reliable?", WHO_SUPPLIES),
    ],
)
def test_which_supplier_is_better_compares_two_suppliers(
    text: str, earlier: list[BaseMessage], resolver: Resolver
) -> None:
    _, step = first_step(text, resolver, earlier)
    assert isinstance(step, list) and [c.name for c in step] == ["get_supplier_status"] * 2
    assert len({c.args["supplier_id"] for c in step}) == 2


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("which supplier is better?", "**SUP-09 (Harbor Wholesale) is the better supplier here**"),
        ("which one is worse?", "**SUP-06 (Voltix Electronics) is the worse supplier here**"),
    ],
)
def test_better_or_worse_weighs_on_time_rate_and_lead_time(
    text: str, lead: str, resolver: Resolver
) -> None:
    _, req = parse(text, WHO_SUPPLIES, resolver, as_of=AS_OF)
    results = [
        Result("get_supplier_status", {"supplier_id": r["supplier_id"]}, json.dumps([r]), [r])
        for r in SUPPLIER_ROWS
    ]
    answer = compare_suppliers(req, results)
    assert isinstance(answer, str) and answer.startswith(lead)
    assert "on time 64% vs 96%, lead time 32 vs 8 days" in answer


def test_a_split_verdict_says_which_wins_on_what(resolver: Resolver) -> None:
    _, req = parse("which supplier is better?", WHO_SUPPLIES, resolver, as_of=AS_OF)
    rows = [{**SUPPLIER_ROWS[0], "on_time_rate": 0.99}, SUPPLIER_ROWS[1]]
    results = [Result("get_supplier_status", {}, json.dumps([r]), [r]) for r in rows]
    answer = compare_suppliers(req, results)
    assert isinstance(answer, str)
    assert answer.startswith("**Neither is better on both counts: SUP-06 (Voltix Electronics) "
                             "is more reliable, SUP-09 (Harbor Wholesale) is quicker**")  # fmt: skip


THREE_SUPPLIERS = [
    *SUPPLIER_ROWS,
    {"supplier_id": "SUP-02", "name": "Northwind Traders", "primary": False,
     "lead_time_days": 16, "on_time_rate": 0.99},
]  # fmt: skip
WHO_SUPPLIES_THREE = [
    *turn("who supplies SKU-0012?", "get_supplier_status", {"sku": "SKU-0012"}, THREE_SUPPLIERS)
]
"""A thread that has just listed three suppliers of SKU-0012."""


@pytest.mark.parametrize(
    "text",
    [
        "compare SUP-06, SUP-09 and SUP-02",
        "which is quickest: voltix, harbor or northwind?",
        "SUP-06 vs SUP-09 vs SUP-02 on lead time",
        "which of sup-06, sup-09 and sup-02 is the most reliable",
        "compair SUP-06, SUP-09, SUP-02",
    ],
)
def test_every_supplier_named_is_compared(text: str, resolver: Resolver) -> None:
    _, step = first_step(text, resolver)
    assert isinstance(step, list)
    assert sorted(c.args["supplier_id"] for c in step) == ["SUP-02", "SUP-06", "SUP-09"]


@pytest.mark.parametrize(
    "text",
    [
        "which of them is the most reliable?",
        "which one's quickest",
        "so which of those is the fastest?",
        "which supplier is best?",
        "which one is more reliable",
    ],
)
def test_every_supplier_the_thread_listed_is_compared(text: str, resolver: Resolver) -> None:
    _, step = first_step(text, resolver, WHO_SUPPLIES_THREE)
    assert isinstance(step, list)
    assert sorted(c.args["supplier_id"] for c in step) == ["SUP-02", "SUP-06", "SUP-09"]


@pytest.mark.parametrize(
    "text",
    [
        "which supplier of SKU-0012 is quicker?",
        "compare the suppliers of sku 12",
        "which of SKU-0012's vendors is the most reliable",
        "what's the best supplier for SKU-0012?",
        "which suplier of SKU-0012 is fastest",
    ],
)
def test_the_suppliers_of_a_named_item_are_all_looked_up_and_weighed(
    text: str, resolver: Resolver
) -> None:
    name, step = first_step(text, resolver, AT_S003)
    assert name == "compare_suppliers"
    assert isinstance(step, list) and [(c.name, c.args) for c in step] == [
        ("get_supplier_status", {"sku": "SKU-0012"})
    ]


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("which of them is quickest?", "**SUP-09 (Harbor Wholesale) is quickest: lead time 8 days "
         "against 16 days for SUP-02 (Northwind Traders) and 32 days for SUP-06 (Voltix "
         "Electronics).**"),
        ("which of them is the most reliable?", "**SUP-02 (Northwind Traders) is most reliable: "
         "on time 99% against 96% for SUP-09 (Harbor Wholesale) and 64% for SUP-06 (Voltix "
         "Electronics).**"),
        ("which supplier is better?", "**None of them is better on both counts: SUP-02 "
         "(Northwind Traders) is the most reliable, SUP-09 (Harbor Wholesale) is the quickest**"),
        ("which one is worst?", "**SUP-06 (Voltix Electronics) is the worst supplier here**"),
    ],
)  # fmt: skip
def test_the_answer_weighs_all_of_them_and_the_table_lists_all(
    text: str, lead: str, resolver: Resolver
) -> None:
    _, req = parse(text, WHO_SUPPLIES_THREE, resolver, as_of=AS_OF)
    result = Result("get_supplier_status", {"sku": "SKU-0012"}, "", THREE_SUPPLIERS)
    answer = compare_suppliers(req, [result])
    assert isinstance(answer, str) and answer.startswith(lead), answer
    assert all(f"| {s} |" in answer for s in ("SUP-02", "SUP-06", "SUP-09"))


def test_a_named_supplier_without_a_status_is_said_to_be_left_out(resolver: Resolver) -> None:
    _, req = parse("compare SUP-06, SUP-09 and SUP-02", (), resolver, as_of=AS_OF)
    results = [
        Result("get_supplier_status", {"supplier_id": r["supplier_id"]}, "", [r])
        for r in SUPPLIER_ROWS
    ]
    answer = compare_suppliers(req, results)
    assert isinstance(answer, str) and "Not compared: SUP-02 (no supplier status found)" in answer


# -- f. drafting with "them" after a supplier turn, and casual transfers -------------------------


@pytest.mark.parametrize(
    ("text", "supplier"),
    [
        ("ok order it from them", "SUP-06"),
        ("yes please place the order with them", "SUP-06"),
        ("order some from that supplier", "SUP-06"),
        ("buy it from harbor then", "SUP-09"),
        ("order from the other one instead", "SUP-09"),
    ],
)
def test_order_it_from_them_orders_the_threads_need_from_that_supplier(
    text: str, supplier: str, resolver: Resolver
) -> None:
    intent, req = parse(text, WHO_SUPPLIES, resolver, as_of=AS_OF)
    assert intent.name == "order_from_supplier"
    [listed] = intent.handler(req, [])
    assert listed.name == "list_exceptions"
    need = {
        "id": "stockout_risk:SKU-0012@S003",
        "type": "stockout_risk",
        "sku": "SKU-0012",
        "location": "S003",
        "recommendation": {"kind": "transfer", "qty": 37, "from_location": "DC-SOUTH",
                           "to_location": "S003"},
    }  # fmt: skip
    data = {"items": [need], "total": 1}
    [draft] = intent.handler(req, [Result("list_exceptions", listed.args, json.dumps(data), data)])
    assert (draft.name, draft.args) == (
        "draft_purchase_order",
        {"sku": "SKU-0012", "location_id": "S003", "supplier_id": supplier, "qty": 37},
    )


@pytest.mark.parametrize(
    ("text", "src"),
    [
        ("send 30 across from the north DC", "DC-NORTH"),
        ("ship 30 over from DC-SOUTH", "DC-SOUTH"),
        ("move 12 over from S004", "S004"),
    ],
)
def test_casual_transfer_wordings_draft_the_transfer(
    text: str, src: str, resolver: Resolver
) -> None:
    call = only_call(text, resolver, AT_S003)
    assert call.name == "draft_transfer"
    assert (call.args["sku"], call.args["from_location"], call.args["to_location"]) == (
        "SKU-0012", src, "S003",
    )  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["top up S003 from the DC", "move some over from S004", "please restock S003 from DC-SOUTH"],
)
def test_casual_cover_wordings_look_up_the_need_first(text: str, resolver: Resolver) -> None:
    call = only_call(text, resolver, AT_S003)
    assert call.name == "list_exceptions"
    assert (call.args["sku"], call.args["location"]) == ("SKU-0012", "S003")


# -- late purchase orders of one supplier -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "late POs from SUP-05",
        "any late purchase orders from sup-05?",
        "which POs are overdue for supplier 5",
        "SUP-05 late orders",
    ],
)
def test_late_pos_of_a_supplier_read_that_suppliers_status(text: str, resolver: Resolver) -> None:
    name, step = first_step(text, resolver)
    assert name == "late_pos"
    # Its status lists each late PO with how many days late it is.
    assert step == [Call("get_supplier_status", {"supplier_id": "SUP-05"})]


def test_late_pos_without_a_supplier_stay_the_late_po_exceptions(resolver: Resolver) -> None:
    name, step = first_step("any late POs?", resolver)
    assert name == "late_pos"
    assert step == [Call("list_exceptions", {"top": 10, "type": "late_po"})]


def test_a_suppliers_late_lines_lead_the_answer() -> None:
    data = {
        "filters": {"supplier_id": "SUP-05"},
        "as_of": "2026-06-30",
        "until": "2026-06-30",
        "total_lines": 2,
        "truncated": False,
        "lines": [
            {"document_id": "PO-000123", "sku": "SKU-0004", "location_id": "DC-NORTH",
             "qty": 120.0, "expected_date": "2026-06-25", "late": True},
            {"document_id": "PO-000124", "sku": "SKU-0009", "location_id": "DC-SOUTH",
             "qty": 60.0, "expected_date": "2026-06-30", "late": True},
        ],
    }  # fmt: skip
    intent, req = parse("late POs from SUP-05", (), None, as_of=AS_OF)
    args = {"supplier_id": "SUP-05", "within_days": 0}
    text = intent.handler(req, [Result("get_open_supply", args, json.dumps(data), data)])
    assert isinstance(text, str)
    assert text.startswith("**2 late purchase order lines from SUP-05**")
    assert "PO-000123" in text and "PO-000124" in text
    empty = {**data, "total_lines": 0, "lines": []}
    text = intent.handler(req, [Result("get_open_supply", args, json.dumps(empty), empty)])
    assert isinstance(text, str) and text.startswith("**No purchase order from SUP-05 is late**")
