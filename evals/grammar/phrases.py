"""Planner phrasings per request class: templates with slots, written in a planner's voice.

Each class maps to (variant, template) pairs. Slots: {sku} {loc} {store} {dc} {supplier}
{category} {region} (a DC's region word: north, south) {type} (an exception type in everyday
words) {n} {days} {pct} {horizon} {start} {end} {uplift} {qty} {src} {dst}. The variant says
which reading of the class the template asks for (e.g. `up` / `down` for a demand change, `lead`
for a supplier's lead time); the generator computes the expected facts from it. Templates vary
in structure (questions, imperatives, terse notes, abbreviations), not only in synonyms.
"""

from __future__ import annotations

Templates = tuple[tuple[str, str], ...]


def _v(variant: str, *texts: str) -> Templates:
    return tuple((variant, t) for t in texts)


STOCK_PAIR: Templates = _v(
    "pair",
    "stock of {sku} at {loc}",
    "how many {sku} do we have at {loc}?",
    "{sku} @ {loc}",
    "OH for {sku} at {loc}?",
    "what's on hand for {sku} in {loc}",
    "how much {sku} is sitting at {loc} right now?",
    "check stock: {sku}, {loc}",
    "{loc} - {sku} on hand?",
    "do we have any {sku} at {loc}?",
    "inventory level of {sku} at {loc}",
    "tell me the stock position for {sku} at {loc}",
    "units of {sku} in {loc}?",
    "is {loc} holding any {sku}",
    "{sku} stock at {loc} pls",
    "what does {loc} have of {sku}?",
    "pull up {sku} at {loc}",
    "on-hand qty {sku} / {loc}",
    "give me the OH and on-order for {sku} at {loc}",
    "how are we doing on {sku} at {loc}?",
    "what's the position on {sku} in {loc}",
    "need the stock figure for {sku} at {loc}",
    "{loc}: how many {sku} left?",
    "quick stock check on {sku} at {loc}",
    "any {sku} left at {loc}?",
    "show me inventory for {sku} at {loc}",
    "where are we with {sku} at {loc}, stock-wise?",
    "current stock {sku} {loc}",
)

STOCK_WHERE: Templates = _v(
    "all",
    "where is {sku} stocked?",
    "stock of {sku} at all locations",
    "show {sku} across every location",
    "which locations carry {sku}?",
    "inventory of {sku} everywhere",
    "{sku} - stock by location",
    "list every site holding {sku}",
    "where do we have {sku}",
    "break down {sku} on hand by location",
    "OH for {sku} at each store and DC",
    "give me {sku} stock per location",
    "who has {sku} on the shelf?",
    "all locations for {sku} pls",
) + _v(
    "most",
    "which location has the most {sku}?",
    "where do we hold the most {sku}",
    "biggest stock of {sku} is where?",
    "who's sitting on the most {sku}?",
    "largest holder of {sku}?",
    "where's most of our {sku}",
    "which site has the highest OH of {sku}",
    "most {sku} on hand - which location?",
    "where is the bulk of {sku} sitting",
    "{sku}: who holds the most?",
    "top location for {sku} stock",
    "which store or DC has got the most {sku}?",
    "where would I find the most {sku}",
)

COVER: Templates = _v(
    "cover",
    "days of cover for {sku} at {loc}",
    "how many days of cover does {loc} have on {sku}?",
    "DoC {sku} {loc}",
    "{sku} at {loc} - how long will it last?",
    "when does {loc} run out of {sku}?",
    "cover on {sku} at {loc}?",
    "how long until {sku} runs out at {loc}",
    "how many days will the {sku} at {loc} last",
    "is {loc} ok for cover on {sku}?",
    "what's the DoC on {sku} in {loc}",
    "{loc} / {sku}: days of supply?",
    "projected stockout date for {sku} at {loc}",
    "how much runway do we have on {sku} at {loc}",
    "will {loc} run dry on {sku} soon?",
    "days of stock left, {sku} at {loc}",
    "cover check: {sku} @ {loc}",
    "how many days can {loc} sell {sku} before it's empty?",
    "when will {sku} hit zero at {loc}?",
    "is {sku} going to stock out at {loc}",
    "remaining cover for {sku} in {loc} pls",
    "how many days of {sku} has {loc} got",
    "{sku} cover at {loc}",
    "is the {sku} at {loc} going to last the week?",
    "time to stockout for {sku} at {loc}?",
    "check DoC of {sku} at {loc}",
)

NETWORK: Templates = _v(
    "network",
    "network position of {sku}",
    "how much {sku} do we have across the network?",
    "total on hand of {sku} network-wide",
    "{sku} across the whole network",
    "network OH for {sku}?",
    "what's our total stock of {sku}",
    "give me the network view of {sku}",
    "all-in inventory of {sku}, every location together",
    "how many {sku} in total, all sites",
    "{sku} network totals pls",
    "sum of {sku} stock across stores and DCs?",
    "company-wide stock of {sku}",
    "how much {sku} is in the system overall",
    "total {sku} incl. in transit and on order",
    "overall position for {sku}",
    "what's the total {sku} we hold",
    "network stock {sku}",
    "is the network long or short on {sku}?",
    "show the whole-network picture for {sku}",
    "{sku}: network on hand and cover",
    "how much {sku} have we got everywhere combined",
    "roll up {sku} across all locations",
    "what's the chain-wide stock on {sku}",
) + _v(
    "cover",
    "network days of cover for {sku}",
    "how many days of cover do we have on {sku} network wide?",
)

EXC_OVERVIEW: Templates = _v(
    "all",
    "what needs attention today?",
    "any exceptions?",
    "show me today's exceptions",
    "what's on fire?",
    "what should I look at first this morning",
    "exception list pls",
    "what's broken in the network today",
    "anything I need to deal with?",
    "list the exceptions",
    "what problems do we have right now?",
    "give me the exception report",
    "where are the issues today",
    "morning briefing - what's flagged?",
    "what's flagged",
) + _v(
    "urgent",
    "anything urgent?",
    "what's urgent today",
    "show me the P1s",
    "list the priority 1 exceptions",
    "what do I have to act on today?",
    "any P1 exceptions?",
    "what can't wait until tomorrow?",
    "critical exceptions only",
    "top priority issues pls",
    "what needs action today",
    "which exceptions are priority one?",
    "what's most urgent right now",
)

EXC_TYPE: Templates = _v(
    "type",
    "any {type}?",
    "show me {type}",
    "list {type}",
    "what {type} do we have?",
    "{type} today?",
    "which items are flagged for {type}",
    "give me the {type} list",
    "are there {type} in the network",
    "pull up all {type}",
    "what are our {type} right now",
    "I need the {type} - what have we got",
    "{type} pls",
    "do we have any {type} at the moment?",
    "exceptions of type {type}",
    "show {type} only",
    "filter exceptions to {type}",
    "what's flagged as {type}?",
    "got any {type} to look at?",
    "report on {type}",
    "list current {type}, biggest first",
    "how do {type} look today",
    "anything in {type}?",
    "where do we have {type}",
    "{type}: what's open?",
    "run me the {type}",
)

EXC_SCOPE: Templates = (
    _v(
        "location",
        "exceptions at {loc}",
        "what's wrong at {loc}?",
        "anything flagged at {loc}",
        "issues in {loc} today?",
        "what needs attention at {loc}",
        "show me {loc}'s exceptions",
        "{loc} - any problems?",
        "is {loc} ok today?",
        "what's flagged for {loc}",
        "how's {loc} looking?",
    )
    + _v(
        "region",
        "exceptions in the {region} stores",
        "anything flagged at the stores {dc} feeds?",
        "issues across the {region} region?",
        "what's wrong in the {region} stores today",
        "show exceptions for stores served by {dc}",
        "{region} stores: what needs attention",
        "problems at {dc}'s stores?",
        "how are the {region} shops doing",
    )
    + _v(
        "category",
        "exceptions in {category}",
        "any {category} issues?",
        "what's flagged in {category} today",
        "show me the {category} exceptions",
        "{category}: anything need attention?",
        "problems in the {category} category?",
        "how's {category} looking - any exceptions",
        "list exceptions for {category} items",
    )
)

EXC_TOP: Templates = _v(
    "top",
    "top {n} exceptions",
    "top {n} by money at risk",
    "what are the {n} biggest problems?",
    "show me the {n} worst exceptions",
    "biggest {n} exceptions by $ at risk",
    "give me the top {n} issues",
    "the {n} largest exceptions pls",
    "which {n} exceptions cost us the most?",
    "list the top {n} by value at risk",
    "top {n}",
    "{n} most expensive exceptions",
    "rank the exceptions, top {n} only",
    "what are the {n} costliest issues today",
    "show {n} exceptions with the most money at risk",
    "first {n} exceptions by money",
    "I only have time for {n} - which ones?",
    "top-{n} exceptions by risk",
    "worst {n} by money at risk?",
    "the {n} exceptions I should fix first",
    "give me {n} exceptions, largest risk first",
    "{n} biggest money-at-risk items",
    "what's in the top {n} today",
    "highest {n} exceptions by dollars",
    "just the top {n} pls",
    "top {n} problems in the network",
)

TOTALS: Templates = (
    _v(
        "type",
        "money at risk by exception type",
        "how much is at risk, by type?",
        "total exposure by type",
        "break down the money at risk by type",
        "what's the total value at risk across all exceptions?",
        "how much money is at risk in total",
        "sum up today's exceptions",
        "total $ at risk?",
    )
    + _v(
        "location",
        "money at risk by location",
        "which location has the most at risk?",
        "risk by store",
        "break the exposure down by location",
        "where is the most money at risk",
        "total at risk per site",
        "$ at risk per location pls",
    )
    + _v(
        "category",
        "money at risk by category",
        "which category has the most at risk?",
        "exposure per category",
        "break down risk by category",
        "how much is at risk in each category",
    )
    + _v(
        "type_money",
        "how much are {type} costing us?",
        "total money at risk from {type}",
        "what's the exposure on {type}",
        "how big is the {type} problem in $",
        "sum of {type}: count and value",
        "how many {type} and how much money",
    )
    + _v(
        "location_money",
        "how much is at risk at {loc}?",
        "total exposure at {loc}",
        "money at risk for {loc}",
        "$ at risk in {loc} today",
    )
    + _v(
        "category_money",
        "how much is at risk in {category}?",
        "total exposure for {category}",
        "{category} money at risk",
    )
    + _v(
        "region_money",
        "how much is at risk in the {region} stores?",
        "total exposure across the stores {dc} feeds",
        "money at risk, {region} region",
    )
)

OPEN_SUPPLY: Templates = (
    _v(
        "sku",
        "what's inbound for {sku}?",
        "is anything coming for {sku}",
        "open POs and transfers for {sku}",
        "any open supply on {sku}?",
        "what's on order for {sku}",
        "ETA on {sku} inbound?",
        "{sku}: anything on the way?",
        "when's the next delivery of {sku}",
    )
    + _v(
        "location",
        "what's inbound to {loc}?",
        "open supply at {loc}",
        "whats coming into {loc}",
        "deliveries due at {loc}",
        "open POs / TOs for {loc}",
        "what's on the way to {loc}?",
        "expected arrivals at {loc}",
        "anything in transit to {loc}",
    )
    + _v(
        "supplier",
        "open POs with {supplier}",
        "what do we have on order from {supplier}?",
        "what's coming from {supplier}",
        "{supplier} - open orders?",
        "list {supplier}'s open POs",
        "any outstanding POs with {supplier}",
        "inbound from {supplier}?",
    )
    + _v(
        "window",
        "what's arriving in the next {days} days?",
        "arrivals in the next {days} days",
        "deliveries due within {days} days",
        "what lands in the next {days} days",
        "anything due in the next {days} days?",
        "inbound over the next {days} days pls",
    )
)

FORECAST: Templates = _v(
    "default",
    "forecast {sku} at {loc}",
    "what's the forecast for {sku} at {loc}?",
    "demand outlook for {sku} at {loc}",
    "how much {sku} will {loc} sell?",
    "expected sales of {sku} at {loc}",
    "fcst {sku} {loc}",
    "what do we expect {loc} to sell of {sku}",
    "daily demand forecast, {sku} @ {loc}",
    "show the forecast on {sku} in {loc}",
    "how's {sku} forecast to sell at {loc}?",
    "projected demand {sku} at {loc} pls",
    "what's {loc} going to sell of {sku} over the next month",
    "forecast check: {sku}, {loc}",
    "how accurate is the forecast for {sku} at {loc}?",
) + _v(
    "horizon",
    "forecast {sku} at {loc} for the next {horizon} days",
    "next {horizon} days of demand for {sku} at {loc}",
    "{sku} at {loc}: forecast, {horizon} days out",
    "how much {sku} will {loc} sell in the next {horizon} days?",
    "{horizon}-day forecast for {sku} at {loc}",
    "demand for {sku} at {loc} over {horizon} days",
    "show {horizon} days of forecast for {sku} in {loc}",
    "forecast {sku} {loc} {horizon} days",
    "what's the {horizon} day outlook on {sku} at {loc}",
    "expected demand next {horizon} days, {sku} @ {loc}",
    "project sales of {sku} at {loc} for {horizon} days",
)

SUPPLIER: Templates = (
    _v(
        "status",
        "how is {supplier} doing?",
        "supplier status for {supplier}",
        "status of {supplier}",
        "{supplier} - any late POs?",
        "is {supplier} behind on anything?",
        "give me {supplier}'s scorecard",
        "how reliable is {supplier}?",
        "check on {supplier}",
    )
    + _v(
        "lead",
        "what's the lead time of {supplier}?",
        "{supplier} lead time?",
        "how long does {supplier} take to deliver",
        "LT for {supplier}",
        "how many days from PO to delivery with {supplier}?",
        "how quick is {supplier}",
    )
    + _v(
        "on_time",
        "what's {supplier}'s on-time rate?",
        "how often is {supplier} on time",
        "on-time record of {supplier}",
        "{supplier} OTIF?",
        "does {supplier} deliver on time?",
    )
    + _v(
        "who",
        "who supplies {sku}?",
        "which supplier do we buy {sku} from",
        "supplier for {sku}?",
        "where do we source {sku}",
        "who's the vendor on {sku}",
        "{sku} - who makes it / supplies it?",
        "which vendor ships us {sku}?",
    )
)

SUPPLIER_ORDERS: Templates = _v(
    "overview",
    "supplier overview for {supplier}",
    "what do we buy from {supplier}?",
    "show me everything about {supplier}",
    "which SKUs come from {supplier}",
    "{supplier} overview pls",
    "what does {supplier} supply us",
    "give me the {supplier} summary: SKUs, open POs, order now",
    "full picture on {supplier}",
) + _v(
    "buy_now",
    "what should I buy from {supplier} now?",
    "what should we order from {supplier}",
    "anything to order from {supplier} this week?",
    "{supplier} - what do we need to order?",
    "order list for {supplier}",
    "what needs ordering from {supplier}",
    "do we need to place a PO with {supplier}?",
    "what should we be buying from {supplier}?",
    "routine orders for {supplier}",
    "what would you order from {supplier} today",
    "what's due to order from {supplier}",
    "anything we should buy from {supplier}?",
    "{supplier}: what to order now",
    "is there an order to raise with {supplier}",
    "build me the {supplier} order",
    "what's on the {supplier} order list",
    "replenishment from {supplier} - what's needed?",
    "how much should we buy from {supplier} right now",
)

ITEM: Templates = (
    _v(
        "cost",
        "what does {sku} cost?",
        "unit cost of {sku}",
        "how much do we pay for {sku}?",
        "{sku} cost price?",
        "what's the buy price on {sku}",
        "cost of {sku} per unit",
    )
    + _v(
        "moq",
        "what's the MOQ on {sku}?",
        "minimum order quantity for {sku}",
        "{sku} MOQ?",
        "how many {sku} do we have to order at minimum",
        "is there a minimum order on {sku}",
    )
    + _v(
        "pack",
        "case pack of {sku}?",
        "how many {sku} per case",
        "what's the pack size on {sku}",
        "{sku} case size",
        "units per case for {sku}?",
    )
    + _v(
        "category",
        "what category is {sku}?",
        "which category does {sku} belong to",
        "{sku} - category?",
        "is {sku} in grocery or something else",
    )
    + _v(
        "supplier",
        "who is the primary supplier of {sku}?",
        "main supplier for {sku}",
        "{sku} primary vendor?",
        "item master for {sku}",
        "show me the item details of {sku}",
        "what do we know about {sku}",
    )
)

LANES: Templates = _v(
    "pair",
    "can {src} ship to {dst}?",
    "is there a lane from {src} to {dst}?",
    "can we transfer from {src} to {dst}",
    "{src} -> {dst} lane?",
    "can {src} send stock to {dst}",
    "do we have a lane {src} to {dst}",
    "is {src} to {dst} a valid transfer lane?",
    "could {src} supply {dst} directly",
    "can stock move from {src} to {dst}?",
    "lane check: {src} > {dst}",
    "is it possible to ship {src} to {dst}",
    "what's the lead time from {src} to {dst}?",
    "can I xfer from {src} to {dst}",
    "any route from {src} to {dst}?",
    "{src} to {dst}: lane exists?",
    "does {src} ship to {dst}",
    "how long does a transfer from {src} to {dst} take",
    "would a TO from {src} to {dst} work?",
    "can {dst} get stock from {src}?",
    "is {src} allowed to send to {dst}",
    "check the lane {src} - {dst}",
    "are {src} and {dst} connected?",
    "transfer cost per unit {src} to {dst}?",
    "can we move goods {src} => {dst}",
    "is there a direct lane between {src} and {dst}",
)

WHY: Templates = _v(
    "why",
    "why is {sku} flagged at {loc}?",
    "why is {sku} at {loc} an exception",
    "explain the {sku} exception at {loc}",
    "what's wrong with {sku} at {loc}?",
    "why's {loc} flagged on {sku}",
    "tell me more about {sku} at {loc}",
    "what's the issue with {sku} in {loc}",
    "why are we flagging {sku} at {loc}?",
    "explain {sku} @ {loc}",
    "what's going on with {sku} at {loc}",
    "why is {loc} showing a problem on {sku}",
    "{sku} at {loc} - why flagged?",
    "walk me through the {sku} issue at {loc}",
    "what's behind the {sku} exception in {loc}",
    "details on the {sku} / {loc} exception",
    "why does {sku} at {loc} need attention",
    "what triggered the flag for {sku} at {loc}?",
    "break down the {sku} exception at {loc}",
    "why is {sku} red at {loc}",
    "explain why {loc} has an exception on {sku}",
    "what's the story with {sku} at {loc}?",
    "give me the reasoning on {sku} at {loc}",
    "why is {sku} a problem at {loc}",
    "what's the deal with {sku} at {loc}",
    "why did {sku} at {loc} get flagged",
)

WHATIF_DELAY: Templates = _v(
    "delay",
    "what if {supplier} is {days} days late?",
    "what happens if {supplier} slips {days} days",
    "what if {supplier}'s POs are delayed by {days} days",
    "simulate a {days}-day delay from {supplier}",
    "{supplier} running {days} days behind - impact?",
    "if {supplier} delivers {days} days late, what breaks?",
    "what breaks if {supplier} slips {days} days",
    "impact of {supplier} being {days} days late",
    "scenario: {supplier} +{days} days lead time on open POs",
    "suppose {supplier} is late by {days} days",
    "{supplier} late {days} days, what's the damage?",
    "what if every {supplier} PO arrives {days} days later",
    "model a {days} day slip on {supplier}",
    "what would a {days}-day delay at {supplier} do to us?",
    "how bad is it if {supplier} is {days} days late",
    "if {supplier} pushes deliveries out {days} days?",
    "what-if: {supplier} delayed {days} days",
    "say {supplier} can't deliver for another {days} days - what happens",
    "{days} day delay from {supplier}: what runs short?",
    "hypothetically {supplier} is {days} days late, effect?",
    "check the impact of a {days}-day {supplier} delay",
    "what if {supplier} slips by {days} days",
    "run a delay scenario: {supplier}, {days} days",
    "what do we lose if {supplier} is {days} days late",
    "how exposed are we if {supplier} runs {days} days late?",
)

WHATIF_DEMAND: Templates = (
    _v(
        "up_skuloc",
        "what if demand for {sku} at {loc} goes up {pct}?",
        "what if {sku} sells {pct} more at {loc}",
        "{sku} @ {loc} demand +{pct} - what happens?",
        "simulate {pct} higher demand for {sku} at {loc}",
    )
    + _v(
        "down_skuloc",
        "what if {sku} demand drops {pct} at {loc}?",
        "{sku} at {loc} sells {pct} less - impact?",
    )
    + _v(
        "up_location",
        "what if {loc} sells {pct} more of everything?",
        "demand up {pct} at {loc}, what breaks?",
        "simulate +{pct} demand at {loc}",
    )
    + _v(
        "down_location",
        "what if demand at {loc} falls {pct}?",
        "{loc} demand down {pct} - what changes",
    )
    + _v(
        "up_category",
        "what if {category} demand jumps {pct}?",
        "{category} +{pct} - what breaks first?",
        "what if {category} sales rise {pct}",
        "simulate {category} demand up {pct}",
    )
    + _v(
        "down_category",
        "what if {category} demand falls {pct}?",
        "{category} down {pct} everywhere, impact?",
    )
    + _v(
        "up_network",
        "what if demand goes up {pct} everywhere?",
        "network-wide demand +{pct}: what runs short first?",
        "what if everything sells {pct} more",
        "all locations, demand up {pct} - impact?",
    )
    + _v(
        "down_network",
        "what if demand drops {pct} across the network?",
        "what if the whole network sells {pct} less",
        "simulate a {pct} demand drop everywhere",
        "network demand -{pct}, what changes?",
    )
)

WHATIF_PROMO: Templates = _v(
    "promo",
    "what if we run a promo on {sku} at {loc} from {start} to {end} with {uplift}?",
    "hypothetical promo: {sku} at {loc}, {start} to {end}, {uplift}",
    "if we promote {sku} at {loc} {start} - {end} with {uplift}, do we have enough stock?",
    "simulate a promotion of {sku} at {loc} between {start} and {end}, {uplift}",
    "promo {sku} {loc} {start} to {end} {uplift} - enough stock?",
    "would {loc} cope with a {sku} promo from {start} to {end} ({uplift})?",
    "what happens if {loc} features {sku} from {start} through {end} at {uplift}",
    "can we support a {sku} promotion at {loc}, {start}-{end}, {uplift}?",
    "model a promo on {sku} in {loc} from {start} until {end} with {uplift}",
    "if marketing runs {sku} at {loc} {start} to {end} with {uplift}, what breaks",
    "run a promo what-if: {sku}, {loc}, {start}..{end}, {uplift}",
    "do we run out if {sku} is on promo at {loc} from {start} to {end} with {uplift}?",
    "check stock for a {sku} promo at {loc} {start} to {end}, {uplift}",
    "thinking of a {sku} deal at {loc} from {start} to {end}, {uplift} - ok?",
    "suppose we put {sku} on promotion at {loc} {start} to {end} with {uplift}",
    "{sku} promo at {loc}, {start} to {end}, {uplift}: what's the impact?",
    "what would a {start}-{end} promo of {sku} at {loc} with {uplift} do",
    "is there enough {sku} at {loc} for a promo {start} to {end} with {uplift}?",
    "test a promo scenario for {sku} at {loc}: {start} to {end}, {uplift}",
    "hypothetically, {sku} on deal at {loc} from {start} to {end} with {uplift}, any shortfall?",
    "promo plan: {sku} @ {loc} {start}-{end}, {uplift}. will we stock out?",
    "what if {loc} ran a {sku} promotion {start} to {end} with {uplift}",
    "could we handle a {sku} promo at {loc} from {start} to {end} with {uplift}",
    "simulate {sku} promo in {loc} {start} to {end}, {uplift}",
    "if {sku} goes on promo at {loc} ({start} to {end}, {uplift}) what happens",
)

PROPOSALS: Templates = _v(
    "thread",
    "what's pending in this thread?",
    "anything waiting for approval here?",
    "what have I drafted in this conversation?",
    "list this thread's proposals",
    "any drafts pending?",
    "show my drafts in this chat",
    "what proposals are open in this thread",
    "have we drafted anything yet?",
    "what's waiting on approval from this conversation",
    "pending proposals?",
    "status of my drafts here",
    "did I draft anything in this thread?",
    "anything in the approval queue from this chat?",
    "what's been proposed so far",
    "list pending approvals for this thread",
    "are there drafts awaiting sign-off here?",
    "what have we got pending",
    "open proposals in this thread pls",
    "show proposals from this conversation",
    "any transfers or POs waiting for approval here?",
    "what's outstanding for approval in this chat",
    "so far, what have we drafted?",
    "list drafts in this thread",
    "anything pending sign off?",
    "recap the proposals in this thread",
)

TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "stockout_risk": ("stockouts", "stockout risks", "stock-outs", "items about to run out"),
    "below_safety_stock": ("below safety stock", "items under safety stock", "below-SS items"),
    "overstock": ("overstock", "overstocks", "excess stock"),
    "late_po": ("late POs", "overdue POs", "late purchase orders"),
    "promo_uncovered": ("uncovered promos", "promos not covered", "promo shortfalls"),
    "forecast_bias": ("forecast bias", "biased forecasts", "forecast bias flags"),
    "inventory_anomaly": (
        "inventory anomalies",
        "stock record anomalies",
        "phantom or negative stock",
    ),
}
"""An exception type in a planner's words (the {type} slot)."""

TYPE_FACTS: dict[str, tuple[str, ...]] = {
    "stockout_risk": ("stockout", "stock-out", "run out", "runs out"),
    "below_safety_stock": ("safety stock", "below_safety_stock"),
    "overstock": ("overstock", "excess", "surplus"),
    "late_po": ("late", "overdue"),
    "promo_uncovered": ("promo", "promotion"),
    "forecast_bias": ("bias", "forecast"),
    "inventory_anomaly": ("anomal", "phantom", "negative"),
}
"""What an answer about an exception of a type says about it (any one will do)."""

POLICY: tuple[tuple[str, str, str], ...] = (
    ("approval", "who can approve a 30k purchase order?", "250,000"),
    ("approval", "what's the max order value an approver can sign off?", "25,000"),
    ("approval", "can a planner approve their own transfer?", "approves nothing"),
    ("approval", "what happens with an order above 250k?", "250,000"),
    ("approval", "can I split a PO to stay under the approval limit", "breach"),
    ("approval", "how is the order value measured for approval", "unit cost"),
    ("data", "how fast does a store count negative stock?", "2 working days"),
    ("data", "what's our rule for phantom inventory?", "7"),
    ("data", "when do we raise a forecast bias exception", "30 %"),
    ("data", "how often are A items cycle counted", "quarter"),
    ("data", "can we transfer from a location flagged for phantom stock", "counted"),
    ("overstock", "what counts as overstock?", "120"),
    ("overstock", "when do we mark down overstock and by how much", "20 %"),
    ("overstock", "what's the first markdown step", "20 %"),
    ("overstock", "when does overstock go to clearance?", "365"),
    ("promo", "how many days before a promo must stock be in store", "day before"),
    ("promo", "what uplift do we assume for a first-time promo at 20% off", "1.3"),
    ("promo", "who signs off an uplift above 3?", "Promotions Planning Lead"),
    ("promo", "when is the promo post-event review held", "14 days"),
    ("replenishment", "what service level do A items get?", "0.98"),
    ("replenishment", "what is the review period for C items", "7"),
    ("replenishment", "how do we classify items into ABC", "80 %"),
    ("replenishment", "how is safety stock calculated?", "sigma"),
    ("transfer", "what's the minimum transfer value?", "transfer"),
    ("transfer", "when should we transfer rather than order", "transfer"),
    ("supplier", "when do we escalate a late supplier?", "late"),
    ("supplier", "what's the expedite rule?", "expedite"),
)
"""Policy questions: (topic, question, a figure or phrase the cited passage states)."""

# -- drafting, in everyday words (a write: never said as a question or a hedge) ---------------

TRANSFER_QTY: Templates = _v(
    "transfer_qty",
    "move {qty} {sku} from {src} to {dst}",
    "transfer {qty} units of {sku} {src} -> {dst}",
    "xfer {qty} {sku} from {src} to {dst}",
    "send {qty} {sku} to {dst} from {src}",
    "TO: {qty} x {sku}, {src} to {dst}",
    "could you draft a transfer of {qty} {sku} from {src} to {dst}",
    "ship {qty} of {sku} from {src} over to {dst}",
    "please set up a transfer: {sku}, {qty} units, {src} to {dst}",
    "draft a TO for {qty} {sku} from {src} to {dst}",
    "let's move {qty} {sku} out of {src} into {dst}",
    "raise a transfer {src} to {dst} for {qty} {sku}",
    "need {qty} {sku} moved from {src} to {dst}",
    "push {qty} {sku} from {src} to {dst}",
    "get {qty} {sku} over to {dst} from {src}",
    "rebalance {qty} {sku} from {src} to {dst}",
    "put through a transfer of {qty} {sku}, {src} => {dst}",
    "transfer {sku} x{qty} from {src} to {dst}",
    "{qty} units {sku} {src} to {dst}, draft it",
    "I want to send {dst} {qty} {sku} from {src}",
    "prep a stock transfer: {qty} {sku} from {src} to {dst}",
    "move {qty} {sku} {src} > {dst}",
    "set up an xfer of {qty} {sku} from {src} to {dst}",
    "draft: transfer {qty} of {sku} from {src} to {dst}",
    "have {src} send {qty} {sku} to {dst}",
    "let {src} ship {qty} {sku} to {dst}",
)

TRANSFER_ENGINE: Templates = _v(
    "transfer_engine",
    "top up {dst} with {sku} from {src}",
    "cover {sku} at {dst} from {src}",
    "send {dst} some {sku} from {src}",
    "draft a transfer of {sku} from {src} to {dst}",
    "move {sku} from {src} to {dst}, you pick the qty",
    "replenish {sku} at {dst} from {src}",
    "transfer {sku} {src} -> {dst}, engine qty",
    "get {dst} stocked up on {sku} from {src}",
    "restock {dst} with {sku} out of {src}",
    "prepare the transfer of {sku} to {dst} from {src}",
    "ship whatever {dst} needs of {sku} from {src}",
    "fill {dst} up on {sku} from {src}",
    "xfer {sku} from {src} to {dst} - recommended qty",
    "draft the recommended TO for {sku}, {src} to {dst}",
    "let's move {sku} from {src} to {dst}",
    "{src} to {dst}: transfer {sku}, as much as needed",
    "send the right amount of {sku} from {src} to {dst}",
    "rebalance {sku} from {src} into {dst}",
    "set up a TO of {sku} for {dst} from {src}",
    "top {dst} up on {sku} from {src}",
    "move enough {sku} from {src} to {dst} to cover it",
    "draft a transfer so {dst} doesn't run out of {sku}, from {src}",
    "bring {sku} into {dst} from {src}",
    "push {sku} from {src} to {dst}",
    "refill {sku} at {dst} from {src}",
)

PO_QTY: Templates = _v(
    "po_qty",
    "order {qty} {sku} from {supplier} for {loc}",
    "raise a PO for {qty} {sku} with {supplier}, deliver to {loc}",
    "PO: {qty} x {sku}, {supplier}, to {loc}",
    "buy {qty} {sku} from {supplier} into {loc}",
    "put in an order for {qty} {sku} from {supplier} for {loc}",
    "get {qty} {sku} from {supplier} for {loc}",
    "book {qty} {sku} with {supplier} for {loc}",
    "draft a purchase order of {qty} {sku} from {supplier} to {loc}",
    "place a PO with {supplier}: {qty} {sku} for {loc}",
    "order {sku} x{qty} from {supplier}, ship to {loc}",
    "we need {qty} {sku} from {supplier} at {loc} - draft the PO",
    "reorder {qty} {sku} from {supplier} for {loc}",
    "purchase {qty} units of {sku} from {supplier} for {loc}",
    "{qty} {sku} from {supplier} to {loc}, PO please",
    "set up a PO to {supplier} for {qty} {sku}, delivery {loc}",
    "raise {qty} {sku} with {supplier} for {loc}",
    "draft PO {supplier} {sku} {qty} -> {loc}",
    "send {supplier} a PO for {qty} {sku} for {loc}",
    "order in {qty} {sku} from {supplier} to {loc}",
    "prep a PO: {supplier}, {sku}, qty {qty}, deliver {loc}",
    "buy {qty} more {sku} from {supplier} for {loc}",
    "{loc} needs {qty} {sku} - order them from {supplier}",
    "go ahead and order {qty} {sku} from {supplier} for {loc}",
    "order {qty} of {sku} via {supplier}, destination {loc}",
    "create a purchase order: {qty} {sku}, supplier {supplier}, to {loc}",
)

PO_ENGINE: Templates = _v(
    "po_engine",
    "order {sku} for {loc} from {supplier}",
    "raise a PO for {sku} at {loc} with {supplier}",
    "buy {sku} for {loc} from {supplier}, engine qty",
    "draft the PO for {sku} to {loc} from {supplier}",
    "replenish {sku} at {loc} from {supplier}",
    "put in an order for {sku} with {supplier} for {loc}",
    "reorder {sku} for {loc} from {supplier}",
    "place the recommended PO for {sku} at {loc} ({supplier})",
    "order what {loc} needs of {sku} from {supplier}",
    "get {sku} on order from {supplier} for {loc}",
    "PO {supplier} for {sku}, deliver to {loc}, you size it",
    "top up {loc} on {sku} with a PO to {supplier}",
    "draft a purchase order for {sku} into {loc} from {supplier}",
    "buy enough {sku} from {supplier} to cover {loc}",
    "let's order {sku} from {supplier} for {loc}",
    "restock {loc} with {sku} from {supplier}",
    "create the PO for {sku} at {loc} from {supplier}",
    "order {sku} from {supplier}, deliver to {loc}, recommended qty",
    "raise the {supplier} PO for {sku} to {loc}",
    "set up a PO with {supplier} for {sku} for {loc}",
    "we need {sku} at {loc} - order it from {supplier}",
    "book an order of {sku} with {supplier} for {loc}",
    "purchase {sku} for {loc} from {supplier}",
    "get a PO out to {supplier} for {sku}, {loc}",
    "draft PO: {sku}, {supplier}, {loc}",
)

# -- follow-ups: the second turn of a two-turn conversation -----------------------------------

SAME_FOR_STORE = (
    "same for {loc}",
    "and at {loc}?",
    "what about {loc}",
    "how about {loc}?",
    "same question for {loc}",
    "now {loc}",
)
OTHER_DC = (
    "and the other DC?",
    "what about the other dc",
    "same for the other DC",
    "and at the other distribution center?",
    "other DC?",
)
SECOND_ONE = (
    "and the second one?",
    "explain the 2nd one",
    "tell me more about number 2",
    "what about the second?",
    "why is the second one flagged?",
)
MAKE_IT = (
    "make it {qty}",
    "change it to {qty}",
    "actually make that {qty}",
    "{qty} instead",
    "update the qty to {qty}",
    "make it {qty} units",
)
OTHER_SUPPLIER = (
    "and {supplier}?",
    "what about {supplier}",
    "same for {supplier}",
    "how about {supplier}?",
)
SAME_AT_DC = (
    "same at the DC",
    "and at its DC?",
    "what about the DC that feeds it",
    "same for its DC",
)
