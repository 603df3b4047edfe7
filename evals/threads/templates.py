"""The planner's turns, per follow-up class and follow-up kind, with slots.

Slots: {sku} (an item as the planner writes it: id, "sku 42", "0042", or its description),
{loc} (a location: id, "store 5", or its name), {loc2}, {dc}, {other_dc}, {qty}, {sup}
(a supplier id or name), {days}, {pct}, {n}. A template that starts with "~" carries a
deliberate typo or planner shorthand (tagged `typo`); the "~" is not part of the request.
"""

from __future__ import annotations

FOCUS_OPEN = [
    "how much {sku} do we have at {loc}?",
    "stock of {sku} at {loc}",
    "~whats on hand for {sku} @ {loc}",
    "{sku} at {loc} - on hand?",
    "~invetory {sku} {loc}",
    "check {sku} in {loc} pls",
]
FOCUS_FOLLOW = {
    "other_dc": [
        "and at the other DC?",
        "~n the other dc?",
        "same at the other DC",
        "what about the other DC",
    ],
    "store": ["same for {loc2}", "~and {loc2}?", "what about {loc2}", "and over at {loc2}?"],
    "region": [
        "what about the {region} region",
        "~any exceptions for it in the {region} stores?",
        "and across the {region} stores, anything flagged for it?",
    ],
    "cover": [
        "how's cover there",
        "~days of cvr there?",
        "how many days of cover is that",
        "is cover ok there?",
    ],
    "supplier": [
        "who supplies it",
        "~who's the supplier for that",
        "who do we buy it from?",
        "which vendor for this one",
    ],
    "lead_time": [
        "lead time on that",
        "~whats the LT on it",
        "how long does it take to get it in?",
        "supplier lead time for it?",
    ],
    "inbound": [
        "anything inbound?",
        "~anythin coming in for it there?",
        "any open POs or transfers on the way there?",
        "is more on the way?",
    ],
    "forecast": [
        "forecast for it next 4 weeks",
        "~fcst next 28 days there?",
        "what's the forecast there for the next 4 wks",
        "how much will it sell there in the next four weeks",
    ],
}

LIST_OPEN = {
    "top": [
        "what needs attention today?",
        "~top {n} exceptions pls",
        "show me the top {n} issues",
        "whats burning today",
    ],
    "type": [
        "any {type_words}?",
        "~list {type_words} rn",
        "show {type_words}, top {n}",
    ],
    "location": ["exceptions at {loc}", "~wats flagged at {loc}", "anything urgent at {loc}?"],
}
LIST_FOLLOW = {
    "explain_nth": [
        "explain the {ordinal} one",
        "~explain #{nth}",
        "tell me more about the {ordinal}",
        "what's going on with number {nth}?",
        "why is #{nth} flagged",
        "~whys the {ordinal} one on the list",
    ],
    "fix_nth": [
        "draft the fix for the {ordinal}",
        "~fix #{nth}",
        "prepare the recommended action for the {ordinal} one",
        "go ahead and draft #{nth}",
    ],
    "last": [
        "the last one — what's at risk",
        "~last one, how much $ at risk?",
        "and the bottom one, what's it costing us?",
    ],
    "most": [
        "which of those costs most",
        "~which 1 has the most money at risk",
        "biggest of those by money?",
    ],
}

DRAFT_OPEN = {
    "transfer": [
        "move {qty} {sku} from {src} to {loc}",
        "~xfer {qty} {sku} {src} -> {loc}",
        "draft a transfer of {qty} units of {sku} from {src} to {loc}",
        "send {qty} {sku} to {loc} from {src}",
    ],
    "purchase_order": [
        "draft a PO for {qty} {sku} from {sup} to {loc}",
        "~order {qty} {sku} from {sup} for {loc}",
        "raise a purchase order: {qty} x {sku}, {sup}, deliver to {loc}",
    ],
}
DRAFT_FOLLOW = {
    "amend": [
        "make it {qty} instead",
        "bump it to {qty}",
        "cut it to {qty}",
        "~chnage it to {qty}",
        "actually {qty} please",
        "{qty} is enough",
        "can we do {qty} instead",
    ],
    "source": ["actually from {src}", "~no, ship it from {src}", "use {src} as the source instead"],
    "withdraw": [
        "withdraw it",
        "scrap that draft",
        "~nvm, kill it",
        "cancel that one",
        "forget it, withdraw the draft",
    ],
}

APPROVAL_OPEN = [
    "move {qty} {sku} from {src} to {loc}",
    "~xfer {qty} {sku} from {src} to {loc} pls",
    "draft the transfer: {qty} {sku}, {src} to {loc}",
]
APPROVAL_FOLLOW = {
    "approve": [
        "did that go through?",
        "~was it approved?",
        "what's the transfer number?",
        "is it in the ERP yet?",
        "status?",
    ],
    "reject": [
        "why was it rejected?",
        "~did it get approved?",
        "what happened to that draft?",
        "was it approved?",
    ],
    "edit": [
        "what quantity did they sign off?",
        "~how many did they approve",
        "did that go through? how many?",
        "what qty went through?",
    ],
}

CONFIRM_OPEN = [
    "what should we do about {exc}?",
    "~whats the fix for {exc}",
    "what do you recommend for {sku} at {loc}?",
    "explain {exc}",
    "~{sku} @ {loc} looks off, what do u suggest",
    "how do we fix {sku} at {loc}?",
    "what's the recommendation for {exc}?",
]
CONFIRM_FOLLOW = {
    "yes": [
        "ok do it",
        "go ahead",
        "yes draft that",
        "~ok, go ahed",
        "sounds good, draft it",
        "yep do that",
    ],
    "no": [
        "no, leave it",
        "~nah leave it for now",
        "don't do anything yet",
        "no thanks, leave it as is",
    ],
}

CORRECTION_FOLLOW = {
    "location": [
        "sorry I meant {loc2}",
        "~sry, {loc2} not {loc}",
        "wrong store, I meant {loc2}",
        "oops, {loc2}",
    ],
    "sku": [
        "not that SKU, the {short2} one",
        "~sorry wrong item - {sku2}",
        "I meant {sku2}",
        "no, the {short2}",
    ],
    "location_more": ["~meant {loc2} sorry", "actually {loc2}, not {loc}", "my bad — {loc2}"],
}

SWITCH = {
    "open": ["how much {sku} at {loc}?", "~stock {sku} {loc}?", "on hand for {sku} at {loc}"],
    "detour_supplier": [
        "unrelated — who supplies {sku2}?",
        "~diff question: suplier for {sku2}?",
        "btw what's the supplier of {sku2}",
    ],
    "detour_item": ["what's the case pack of {sku2}?", "~unit cost of {sku2}?"],
    "return": [
        "back to the first store — anything flagged there?",
        "~ok back to {loc_word} - any exceptions?",
        "going back to the first store, what needs attention there?",
        "back to the first one: exceptions at that store?",
        "~back to the 1st store, anything urgent?",
        "re the first store — any issues there?",
    ],
    "detour_lanes": ["~lanes into {loc2}?", "which locations can ship to {loc2}?"],
}

WHAT_IF = {
    "delay_open": [
        "what if {sup} slips {days} days?",
        "~wat happens if {sup} is {days} days late",
        "simulate a {days}-day delay on {sup}",
    ],
    "delay_follow": [
        "what if the delay were {days} days instead",
        "~make it {days} days",
        "and {days} days?",
        "what about {days} days",
    ],
    "demand_open": [
        "what if demand for {sku} at {loc} goes up {pct}%?",
        "~what if {sku} sells +{pct}% at {loc}",
        "simulate +{pct} % demand on {sku} at {loc}",
    ],
    "demand_follow": [
        "and with +{pct} % instead",
        "~what about +{pct}%",
        "try {pct}% instead",
        "and if it's {pct}%?",
        "~+{pct} then?",
        "what about {pct} percent",
    ],
}

ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def count_templates() -> dict[str, int]:
    """Return how many templates each follow-up class has (openers and follow-ups)."""

    def n(value: object) -> int:
        if isinstance(value, dict):
            return sum(n(v) for v in value.values())
        if isinstance(value, list):
            return len(value)
        return 0

    return {
        "focus_carry": n(FOCUS_OPEN) + n(FOCUS_FOLLOW),
        "ordinals": n(LIST_OPEN) + n(LIST_FOLLOW),
        "draft_amend": n(DRAFT_OPEN) + n(DRAFT_FOLLOW),
        "approval": n(APPROVAL_OPEN) + n(APPROVAL_FOLLOW),
        "confirm": n(CONFIRM_OPEN) + n(CONFIRM_FOLLOW),
        "correction": n(FOCUS_OPEN) + n(CORRECTION_FOLLOW),
        "topic_return": n(SWITCH),
        "what_if": n(WHAT_IF),
    }
