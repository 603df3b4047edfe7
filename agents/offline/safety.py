"""What the offline model refuses as a whole, before any tool call, and why.

Three kinds of request are refused with their reason, nothing drafted and no tool called:

- **getting around the approval gate**, in any wording: skip, bypass, fast-track, rubber-stamp,
  "push it straight through", "book it in the ERP", "no need for sign-off", "commit now"
  (`GATE_BYPASS`, used by the `refuse` intent);
- **deciding under another person's name**: "approve it as bob", "mark it approved by Priya",
  "sign it off on Dana's behalf" (`impersonated`). A decision is recorded under the name of
  whoever takes it at the gate; a name that is the user's own is no impersonation;
- **a write by a read-only user**: the system prompt says who is asking and their role
  ("You are talking to victor (viewer, read only)"); for such a user every intent that writes
  (drafts, withdrawals, amendments) and every request to change a forecast, an override or a
  policy is refused before any tool is called (`read_only_refusal`).

And one kind of request writes nothing, whichever reading produced the write: **a write the
planner did not tell the copilot to make** (`write_not_meant`): declined or doubted ("I'd rather
not transfer …", "hold off on …", "not sure we should …"), made conditional ("if S002 runs short,
move 10 …"), quoted or reported (the planner said "transfer 20 …", "we transferred 20 …
yesterday"), predicted ("we might move 10 …"), stated ("the promo at S002 is not covered") or
asked with a question after it ("transfer 20 …? I think"). The model checks it on every write
call it is about to make (`agents.offline.model`), so a new reading cannot bypass it.
"""

from __future__ import annotations

import re

from agents.offline.messages import Asker
from agents.offline.parsing import _compile, dropped_first_off
from agents.offline.reader import COURTESY_IF
from agents.prompts import READ_ONLY_MARK
from tools.planner import DRAFT_TOOLS, OVERRIDE_TOOLS

WRITE_TOOLS = frozenset(t.name for t in (*DRAFT_TOOLS, *OVERRIDE_TOOLS))
"""The tools that create, withdraw or amend a proposal or change the plan (from the tools)."""


# -- getting around the approval gate ------------------------------------------------------------

APPROVAL = (
    r"(?:ap+ro?v\w*|approver|sign[- ]?offs?|signoffs?|sign\s+off|review(?:er|s)?|gate(?:keeper)?|"
    r"authori[sz]ation|the\s+approval\s+(?:step|process|workflow|queue))"
)
"""The approval step in everyday words (typos of "approval" included)."""
RED_TAPE = (
    r"(?:queue|line|checks|controls?|process|workflow|red\s+tape|paperwork|formalit(?:y|ies)|"
    r"bureaucracy|four[- ]eyes|second\s+pair\s+of\s+eyes|(?:the\s+)?usual\s+route)"
)
"""Words for the gate that are only the gate in an instruction ("skip the queue")."""
NOT_A_QUESTION = r"^(?!.*\?\s*$)"
"""An instruction, not a question ("can I skip the queue?" asks)."""
READ_LED = (
    r"(?:list|show|display|give\s+me|tell\s+me|find|fetch|pull\s+up|look\s+up|summari[sz]e|"
    r"print|export|view|how\s+many|which\s+of)"
)
"""A request that leads with reading ("list the POs we put into the ERP" reads)."""
THEN_WRITE = (
    r"\b(?:and|then|&|also|plus)\s+(?:then\s+)?(?:just\s+|please\s+|pls\s+)?(?:book|log|key|"
    r"enter|post|push|commit|put|send|place|raise|approve|sign|rubber[- ]?stamp|skip|bypass)\b"
)
"""A second, writing instruction after a read ("show it and then book it in the ERP")."""
INSTRUCTION = (
    r"^(?!\W*(?:who|whom|which|what|when|how|why|does|do|is|are|am|has|have|had|"
    r"(?:did|was|were)(?!\s+you\b)|(?:can|could|may|might|should|must|would)\s+(?!you\b)\w+)\b)"
    r"(?!\W*(?:please\s+|pls\s+|can\s+you\s+|could\s+you\s+)?"
    + READ_LED
    + r"\b(?!.*"
    + THEN_WRITE
    + r"))"
)
"""Not a question about what others did or may do ("has bob rubber-stamped it?" asks), nor a
read ("list the POs we put into the ERP"), unless a writing instruction follows the read."""
AROUND = (
    r"(?:skip\w*|by[- ]?pas+\w*|circumvent\w*|overrid\w*|overrul\w*|disabl\w*|avoid\w*|dodg\w*|"
    r"side[- ]?step\w*|evad\w*|leapfrog\w*|short[- ]?circuit\w*|jump\w*|"
    r"get(?:ting)?\s+(?:round|around|past)|go(?:ing)?\s+(?:round|around|over)|"
    r"work(?:ing)?\s+around|route\s+around|ignor\w*|without)"
)
"""Ways of leaving the gate out ("bypass", "get round", "without", "no ...")."""
DONT_NEED = (
    r"(?:don'?t|do\s+not|doesn'?t|does\s+not|won'?t|will\s+not|needn'?t|shouldn'?t|no\s+need\s+to)"
    r"\s+(?:need|require|bother(?:\s+with)?|wait(?:\s+for)?|have\s+to\s+(?:wait\s+for|go\s+"
    r"through|get)|go\s+through|involve|ask(?:\s+for)?|run\s+(?:it|this|that)\s+(?:by|past)|"
    r"loop\s+in|check\s+with)"
)
"""Saying the gate is not needed ("doesn't need sign-off", "no need to wait for bob")."""
STRAIGHT = r"(?:straight|right|directly|direct)"
THROUGH_OBJECT = (
    r"(?:it|this|that|them|these|those|(?:the|my|this|that|our)\s+(?:\w+\s+)?(?:transfer|po|order|"
    r"proposal|draft|request|one|lot))"
)
LEDGER = r"(?:the\s+)?(?:erp|ledger|books|system\s+of\s+record|live\s+system)\b"
WRITE_VERB = (
    r"(?:book|log|key|enter|put|post|push|write|send|commit|create|raise|place|record|load|file|"
    r"submit|insert|add|save|type|process|release|stick|drop|get|make|run|execute|slam|punch|pop|"
    r"throw|input|upload|sync|apply|do)"
)
APPROVED = r"(?:approved|signed[- ]?off|ok'?d|okayed|green[- ]?lit|sanctioned|authori[sz]ed)"

ASSISTANT_DECIDES = (
    r"(?:approve|sign(?:\s+(?:it|this|that|them|(?:the|my|our)\s+(?:[\w\-]+\s+){0,2}?[\w\-]+))?"
    r"\s+off|sign\s+(?:it|this|that|them|my\s+\w+)|(?:rubber[- ])?stamp\s+(?:it|this|that|them|"
    r"my\s+\w+)|ok(?:ay)?\s+(?:it|this|that|them|my\s+\w+)|green[- ]?light|authori[sz]e)"
)
"""Taking the approver's decision, in everyday words ("sign it off", "okay it", "stamp it")."""
FOR_ME = (
    r"(?:for\s+me|on\s+my\s+behalf|in\s+my\s+(?:own\s+)?(?:place|stead|name)|instead\s+of\s+(?:me|"
    r"(?:the|my|our)\s+approver|them|him|her)|as\s+(?:the\s+|my\s+|an?\s+)?approver|"
    r"with\s+my\s+(?:own\s+)?(?:signature|sign[- ]?off|approval|name|initials)|"
    r"(?:record|log|list|put|mark|show)\w*\s+me\s+(?:down\s+)?as\s+(?:the\s+)?approver|"
    r"(?:approved|signed(?:\s+off)?|authori[sz]ed)\s+by\s+me|"
    r"(?:under|on)\s+my\s+(?:own\s+)?(?:name|authority|signature|login)|"
    r"i'?m\s+the\s+approver|me\s+as\s+(?:the\s+)?approver)"
)
"""Doing it in the planner's (or the approver's) place, or with the planner as the approver."""
ABSENT = (
    r"(?:approver|approvers|manager|boss|sign[- ]?off|signatory)\b[^.?!]*\b(?:out|away|off|"
    r"unavailable|busy|on\s+(?:leave|holiday|vacation)|not\s+(?:around|in|here|available)|sick)\b"
    r"|\bno\s+time\s+(?:for|to\s+wait\s+for)\s+(?:the\s+|my\s+|an?\s+)?(?:approver|approval|"
    r"sign[- ]?off|manager|boss)\b"
)
"""The approver said to be away ("the approver is out", "no time for the approver")."""
NOT_ANOTHERS_DECISION = (
    r"(?:\b(?:i|we|you|u)(?:'ll|\s+(?:can|could|will|may|might|should))\s+(?:then\s+|just\s+)?|"
    r"(?<!\bcan\s)(?<!\bcould\s)(?<!\bwill\s)(?<!'ll\s)(?<!\bmay\s)(?<!\bmight\s)"
    r"(?<!\bshould\s))"
)
"""Put before a word of deciding ("approve it"): the decision is not one said to be another
person's to take. "Transfer 20 … so bob can approve it" drafts for bob to approve at the gate,
which is the ordinary way; "so I can approve it", "you can approve it" stay the planner's or the
assistant's own decision."""
SELF_APPROVAL: tuple[str, ...] = (
    # "you sign it off for me", "can u just okay it yourself", "you be the approver here"
    r"\b(?:you|u|yourself)\s+(?:\w+\s+){0,2}?" + ASSISTANT_DECIDES + r"\b",
    r"\b" + ASSISTANT_DECIDES + r"\b(?:\W+\w+){0,5}?\W+yourself\b",
    r"\b(?:you|u)\s+(?:be|are|'re|act\s+as|play|become)\s+(?:the\s+|my\s+|an?\s+)?"
    r"(?:approver|signatory|sign[- ]?off)\b",
    r"\b(?:be|play|become)\s+(?:the\s+|my\s+|an?\s+)?approver\b",
    r"\btake\s+(?:the\s+|my\s+)?approver'?s\s+(?:place|role|seat|job)\b",
    # "stamp my draft as approved on my behalf", "mark it approved for me"
    r"\b(?:stamp|mark|set|flag|tick|make|put|record)\s+(?:it|this|that|them|these|those|"
    r"(?:the|my|our|this|that)\s+(?:[\w\-]+\s+){0,2}?[\w\-]+)\s+(?:down\s+|off\s+)?(?:as\s+)?"
    + APPROVED
    + r"\b",
    # "approve it for me", "sign off my draft on my behalf"
    NOT_A_QUESTION + r"(?!\W*who\b).*\b" + ASSISTANT_DECIDES + r"\b[^.?!]*?\W" + FOR_ME + r"\b",
    # "transfer 20 … and record me as approver": the planner recorded as their own approver
    NOT_A_QUESTION + r".*\b(?:record|log|list|put|mark|show|set)\w*\s+me\s+(?:down\s+)?as\s+"
    r"(?:the\s+|my\s+own\s+)?approver\b",
    # "the approver is out, you do it", "no time for the approver - just do it yourself"
    r"(?:" + ABSENT + r").*\b(?:you|u)\s+(?:\w+\s+)?(?:do|handle|take|deal\s+with|sort|"
    r"finish|action|push|process|okay|approve|sign|stamp)\b",
    r"(?:" + ABSENT + r").*\b(?:do|handle|sort|approve|sign|stamp|okay|clear|pass)\s+it\s+"
    r"yourself\b",
)
"""Asking the assistant to take the approver's decision in the planner's place: refused, as
approval is a human approver's (used by the `refuse` intent through `GATE_BYPASS`)."""

SPLIT = (
    r"(?:\b(?:split|break|divid|chop|carv|spread|separat|slic|halv)\w*\b|\b(?:several|multiple|"
    r"smaller|separate|two|three|four|five|six|\d+|(?:couple|pair)\s+of|few)\s+(?:\w+\s+)?(?:pos|orders|transfers|drafts|"
    r"proposals|batches|chunks|lots|ones|pieces|parts|bits|halves)\b|\b(?:in|into)\s+(?:half|"
    r"halves|two|three|four|five|\d+)\b)"
)
"""One order made into several ("split it", "cut it in half", "three smaller POs", "into 4")."""
LOWER_SIGNER_DECIDES = (
    r"(?:sign|ok|okay|approve|clear|green[- ]?light|authori[sz]e|stamp|release|pass|put\s+"
    r"(?:his|her|their|a)\s+name\s+(?:to|on))"
)
"""What the approver does with an order, in everyday words ("ok them", "clear it")."""
FOR_A_LOWER_SIGNER = (
    r"(?:\b(?:limits?|thresholds?|ceilings?|caps?|authority|(?:doesn|don|won|wouldn)['\u2019]?t\s+"
    r"need)\b|\b(?:so|that|to)\b.{0,40}\b(?:approv\w*|sign[- ]?off|admin)\b|"
    r"\b[\w']+\s+(?:can|could|will|may|is\s+(?:allowed|able)\s+to|gets?\s+to)\s+(?:just\s+|"
    r"then\s+|easily\s+|now\s+|all\s+)?" + LOWER_SIGNER_DECIDES + r"\b|\b(?:within|inside|under|"
    r"below)\s+what\s+(?:\w+\s+){1,3}?(?:can|could|may|is\s+allowed|signs?|approves?|clears?|"
    r"handles?)\b|\b(?:\w+'s|his|her|their)\s+(?:remit|band|bracket|pay\s+grade|sign(?:ing)?\s+"
    r"(?:power|authority|rights))\b)"
)
"""Why an order is split: to stay under a limit, or so that someone can sign each part ("so
dana can sign each bit", "within what bob can do", "that way the approver can clear it")."""
SPLIT_BYPASS = NOT_A_QUESTION + r"(?=.*" + SPLIT + r")(?=.*" + FOR_A_LOWER_SIGNER + r")"
"""One order split so that each part is signed under a lower limit (a `GATE_BYPASS` form)."""


GATE_BYPASS: tuple[str, ...] = (
    *SELF_APPROVAL,
    r"\b" + AROUND + r"\b(?:\W+\w+){0,4}?\W+" + APPROVAL + r"\b",
    NOT_A_QUESTION + r".*\b" + AROUND + r"\b(?:\W+\w+){0,3}?\W+" + RED_TAPE + r"\b",
    r"\bno\s+(?:need|requirement|call|reason)\s+(?:for|of)\s+(?:an?\s+|the\s+|any\s+)?" + APPROVAL,
    NOT_A_QUESTION + r".*\b(?:no|forget(?:\s+about)?|never\s*mind|cut(?:ting)?|jump(?:ing)?)\s+"
    r"(?:the\s+|any\s+|an?\s+)?(?:" + APPROVAL + r"|queue|line|checks|red\s+tape|paperwork)\b"
    r"(?!\s+(?:yet|so\s+far|was|were|has|had|came|came\s+back)\b)",
    NOT_A_QUESTION + r".*\b" + DONT_NEED + r"\s+(?:an?\s+|the\s+|any\s+|anyone'?s\s+|their\s+)?"
    r"(?:" + APPROVAL + r"|anyone|anybody|an?\s+approver|the\s+approver|the\s+boss|management)\b",
    NOT_A_QUESTION + r".*\b(?:no|without)\s+(?:\w+\s+)?" + APPROVAL + r"\s+(?:is\s+)?(?:needed|"
    r"required|necessary|wanted)\b",
    r"\bfast[- ]?track\w*\b(?!.*\b(?:deliver\w*|shipments?|suppliers?|vendors?|lead\s*times?|"
    r"receipts?|receiving|inbound|arrival)\b)",
    INSTRUCTION + r".*\brubber[- ]?stamp",
    INSTRUCTION + r".*\b(?:wave|nod|push|force|rush|ram|railroad|sneak|slip|hurry|shove|"
    r"bulldoze|steamroll|jam|bounce|rail)\w*\s+"
    + THROUGH_OBJECT
    + r"\s+(?:"
    + STRAIGHT
    + r"\s+)?thr(?:ough|u)\b",
    NOT_A_QUESTION + r".*\bstraight\s+thr(?:ough|u)\b",
    INSTRUCTION + r".*\b" + WRITE_VERB + r"\b.*\b(?:in|into|to|on|onto)\s+" + LEDGER,
    INSTRUCTION + r".*\b" + STRAIGHT + r"\s+(?:in|into|to|onto)\s+" + LEDGER,
    r"\bcommit\w*\s+(?:it\s+|this\s+|that\s+|them\s+|all\s+)?(?:now|right\s+(?:now|away)|"
    r"immediately|straight\s+away|at\s+once|asap|today|directly|straight|instantly)\b",
    NOT_A_QUESTION + r".*\b(?:and|then|&|just|so)\s+commit(?:\s+(?:it|this|that|them|all))?\W*$",
    r"^\W*(?:just\s+|please\s+|now\s+)*commit(?:\s+(?:it|this|that|them|all))?\W*$",
    r"\b(?:consider|treat|count|take|deem|regard|call)\s+(?:it|this|that|them|the\s+\w+)\s+(?:as\s+)?"
    r"(?:already\s+)?" + APPROVED + r"\b",
    NOT_A_QUESTION
    + r".*\bassume\s+(?:it'?s\s+|it\s+is\s+|they'?re\s+|the\s+)?(?:"
    + APPROVED
    + r"|approval)\b",
    r"\b(?:get|do|sort|handle|chase|add)\s+(?:the\s+)?(?:approval|sign[- ]?off|paperwork)\s+"
    r"(?:later|afterwards|after(?:wards)?\s+the\s+fact|retro\w*)\b",
    r"\b(?:approv\w*|sign[- ]?off)\s+(?:can\s+|will\s+)?(?:come|follow|wait|happen)\s+"
    r"(?:later|afterwards)\b",
    r"\bretro(?:actively|spectively|active)\b.*\b(?:approv|sign)|\b(?:approv|sign)\w*\b.*"
    r"\bretro(?:actively|spectively)\b",
    # Splitting one need into several orders so each stays under someone's approval limit, or
    # so someone of lower authority can sign each, is getting around the approver whose limit
    # the whole order needs.
    SPLIT_BYPASS,
    # "approve whatever she has waiting", "so approve all of them", "approve a transfer of 40 ...":
    # deciding is the approver's, for what waits and for a new action alike.
    NOT_A_QUESTION
    + r".*?(?:^\W*|[-–—:;,.!]\s*|\b(?:so|then|just|please|pls|now|and)\s+)(?:just\s+|"
    r"please\s+|pls\s+|now\s+|go\s+ahead\s+and\s+)*(?:approve|sign\s+off(?:\s+on)?|green[- ]?light|"
    r"authori[sz]e)\s+(?:it|them|this|that|whatever|everything|all|every|her|his|their|my|the|"
    r"those|these|any|each|PR-\S+|an?|one|another|new|fresh|\d[\d,.]*k?)\b",
    # "... and sign it off", "just sign the PO off": the sign-off is the approver's.
    NOT_A_QUESTION
    + r".*\b(?:and|then|&|just|so|please|pls|now)\s+(?:just\s+|please\s+)?sign\s+(?:it|this|"
    r"that|them|these|those|(?:the|my|our)\s+(?:[\w\-]+\s+){0,2}?[\w\-]+)\s+off\b",
    # "approver is out. why not just execute the second one": a suggestion, not a question.
    r"\bwhy\s+not\s+(?:just\s+|simply\s+)?(?:commit|execute|approve|finali[sz]e|sign\s+(?:it\s+|"
    r"this\s+|that\s+|them\s+)?off|rubber[- ]?stamp|green[- ]?light|authori[sz]e)\b",
)
"""Requests that leave the approval gate out, in the many ways planners say it."""

SPLIT_FOR_A_SIGNER = re.compile(SPLIT_BYPASS, re.IGNORECASE)

SPLIT_REFUSAL = (
    "I can't do that, so I have not drafted, amended or looked up anything: splitting one need "
    "into smaller orders does not change who must approve it. The approver is decided by the "
    "value of the **whole need**, not of each part, so orders split to fit under someone's "
    "limit still need the approver whose limit covers the total (splitting to stay under an "
    "approval limit is itself a policy breach). I can draft it as **one order** for the whole "
    "quantity, to wait for that approver at the approval gate, or show who can approve it "
    "(**whose approval does it need?**)."
)
"""The refusal of an order split to fit under a lower approver's limit: why, and what instead."""


def split_for_a_signer(text: str) -> bool:
    """Say whether a request splits one order so that a lower approver can sign each part."""
    return SPLIT_FOR_A_SIGNER.search(text) is not None


# -- deciding under another person's name ----------------------------------------------------------

DECIDE = (
    r"(?:approv\w*|sign(?:ed|s|ing)?\s*(?:it\s+|this\s+|that\s+|them\s+)?off|reject\w*|"
    r"declin\w*|green[- ]?light\w*|authori[sz]\w*|rubber[- ]?stamp\w*|"
    r"ok(?:ay)?(?:'?d|ed)?\s+(?:it|this|that|them)|turn(?:ed)?\s+(?:it\s+|this\s+)?down|"
    r"commit\w*)"
)
"""Deciding a proposal, in everyday words."""
DECIDED = (
    r"(?:approved|signed[- ]?off|ok'?d|okayed|rejected|declined|accepted|authori[sz]ed|"
    r"green[- ]?lit|turned\s+down|committed)"
)
PERSON = r"(?P<person>[A-Za-z][A-Za-z.\-]*)"
NOT_A_PERSON = frozenset(
    """
    a an the is it its if per usual planned requested drafted proposed recommended suggested
    soon well before agreed discussed normal such needed required shown above below follows
    follow always though described written stated much many long quickly possible one that
    this these those you your yourself i me my myself we us our ourselves they them their he
    him she her far good quick promised expected intended amended edited now today normally
    usually ever opposed noted listed specified of for to in on at with from by and or but
    so urgent priority pending draft drafts done complete completed fine ok okay approved
    rejected final default mistake accident error tomorrow tonight monday
    tuesday wednesday thursday friday saturday sunday noon midday eod eow cob weekend end
    then next last week month day morning afternoon evening someone somebody anyone anybody
    everyone who which what policy policies rule rules playbook system doc document supplier
    vendor email note notes store stores dc warehouse team manager boss company standard twice once
    as approver approvers reviewer signatory
    """.split()  # noqa: SIM905
)  # fmt: skip
"""Words after "as", "by" or before "said" that name no person ("approve it as is")."""
IMPERSONATION: tuple[re.Pattern[str], ...] = _compile(
    r"\b" + DECIDE + r"\b(?:\W+\w+){0,3}?\W+as\s+(?:if\s+(?:i|you)\s+(?:was|were|am|are)\s+)?"
    r"(?:user\s+)?" + PERSON + r"\b(?!\s+(?:is|planned|said|would|did|soon|well|usual)\b)",
    r"\b(?:mark|record|log|set|put|make|enter|book|flag|register|note|save|file|list|show|"
    r"stamp|tag|sign|write|leave)\s+(?:it|this|that|them|these|those|the\s+\w+|PR-\w+)\s+"
    r"(?:down\s+)?(?:as\s+)?(?:being\s+|having\s+been\s+)?(?:" + DECIDED + r"|off)\s+"
    r"(?:by|for|from)\s+" + PERSON + r"\b",
    r"\b" + DECIDE + r"\b.*\bon\s+" + PERSON + r"'s\s+behalf\b",
    r"\bon\s+" + PERSON + r"'s\s+behalf\b.*\b" + DECIDE + r"\b",
    r"\b" + DECIDE + r"\b.*\bon\s+behalf\s+of\s+" + PERSON + r"\b",
    r"\bon\s+behalf\s+of\s+" + PERSON + r"\b.*\b" + DECIDE + r"\b",
    r"\b(?:in|under|with|using|use|via|through|from)\s+"
    + PERSON
    + r"'s\s+(?:name|account|login|log-in|user(?:name)?|id|credentials|password|access|token|"
    r"session|authority|approval\s+rights|signature|sign[- ]?off)\b",
    r"\b(?:log(?:ged|ging)?\s*in(?:to)?|sign(?:ed|ing)?\s*in|posing|pose|acting|act|"
    r"pretend(?:ing)?\s+to\s+be|masquerad\w*|impersonat\w*)\s+(?:as\s+)?(?:user\s+)?"
    + PERSON
    + r"\b.*\b(?:"
    + DECIDE
    + r"|decide|decision|sign)\b",
    r"\b(?:pretend|imagine)\s+(?:you'?re|you\s+are|i'?m|i\s+am)\s+" + PERSON + r"\b",
    r"\bimpersonat\w*\s+" + PERSON + r"\b",
    # "I'm covering for bob - approve everything under his name": standing in for a person.
    r"\b(?:cover(?:s|ing)?|standing\s+in|stand\s+in|filling\s+in|fill\s+in|deputi[sz]ing|subbing)\s+"
    r"for\s+" + PERSON + r"\b.*\b" + DECIDE + r"\b",
    r"\b(?:for|from)\s+" + PERSON + r"\b.*\b" + DECIDE + r"\b.*\b(?:under|in|with|using|via)\s+"
    r"(?:his|her|their)\s+(?:name|account|login|log-in|credentials|id|user(?:name)?|signature|"
    r"password|authority)\b",
    INSTRUCTION + r"(?:\W*\w+\W+){0,2}?" + PERSON + r"\s+(?:said|says|told\s+me|agreed|"
    r"gave\s+(?:me\s+)?(?:the\s+|a\s+|his\s+|her\s+)?(?:ok|okay|go[- ]ahead|nod|thumbs[- ]up|"
    r"green\s+light)|is\s+fine\s+with\s+it|(?:already\s+)?(?:verbally|informally)\s+"
    r"(?:approved|agreed|ok'?d))\b.*\b(?:approve|commit|push|post|mark|sign\s+(?:it\s+)?off|"
    r"go\s+ahead|put\s+(?:it\s+)?through|book|record|log)\b",
)
"""Deciding, or having a decision recorded, under another person's name."""


def impersonated(text: str, user: str) -> str | None:
    """Return the person a request would decide as, when that is not the user themself."""
    me = user.strip().lower()
    for pattern in IMPERSONATION:
        for m in pattern.finditer(text):
            person = m.group("person")
            if person.lower() in NOT_A_PERSON or (me and person.lower() == me):
                continue
            return person
    return None


# -- changing the ERP's records -------------------------------------------------------------------

DOCUMENT = (
    r"(?:PO-\d+|TR-[\w-]+|(?:the|that|this|our|those|these)\s+(?:late\s+|overdue\s+|open\s+)?"
    r"(?:po|pos|purchase\s+orders?|orders?|transfers?|delivery|deliveries|shipments?|receipts?)|"
    r"it|them)"
)
DOCUMENT_STATE = (
    r"(?:received|receipted|delivered|arrived|landed|in|booked\s+in|checked\s+in|closed|complete|"
    r"completed|fulfilled|done|shipped|cancell?ed|void(?:ed)?|paid)"
)
ERP_RECORD: tuple[re.Pattern[str], ...] = _compile(
    # "mark PO-010619 as received in the ERP", "tick it off as delivered", "close out PO-9"
    INSTRUCTION + r".*\b(?:mark|tick|flag|set|book|record|log|enter|update|change|switch|flip|"
    r"make|show|treat|put|key|register|note)\s+" + DOCUMENT + r"\s+(?:off\s+|down\s+|up\s+)?"
    r"(?:as\s+|to\s+)?(?:being\s+|having\s+been\s+)?" + DOCUMENT_STATE + r"\b",
    INSTRUCTION + r".*\b(?:receive|receipt|close\s+out|close|cancel|void)\s+(?:out\s+)?"
    r"(?:PO-\d+|TR-[\w-]+)\b(?=.*\b(?:erp|system|books?|records?)\b)",
)
"""Changing what the ERP records of an order (received, delivered, closed) from the chat."""


def record_refusal() -> str:
    """Return the refusal of a change to the ERP's records of an order."""
    return (
        "I can't do that, so I have not changed, drafted or looked up anything: I have no tool "
        "that changes the ERP's records, and an order's receipt, delivery or closure is booked "
        "in the ERP by the receiving location when the goods arrive — marking it otherwise "
        "would hide a real shortage from planning. What I can do instead: show the order's "
        "status and the exception it raises (for example **late POs**), the supplier's record "
        "(**supplier status SUP-…**), or the playbook's escalation steps (**how do we handle a "
        "late PO?**)."
    )


# -- writes by a read-only user ------------------------------------------------------------------

CHANGE = (
    r"(?:change|changing|set|setting|raise|raising|lower|lowering|bump|bumping|lift|lifting|"
    r"increase|increasing|decrease|decreasing|reduce|reducing|cut|cutting|override|overriding|"
    r"adjust|adjusting|update|updating|edit|editing|tweak|tweaking|boost|boosting|drop|dropping|"
    r"double|halve|scale|clear|clearing|remove|removing|delete|deleting|reset|resetting|undo|"
    r"revert|fix|correct|modify|amend|push\s+up|put\s+up|mark\s+up|mark\s+down|knock\s+down)"
)
PLAN_FIGURE = (
    r"(?:forecasts?|overrides?|demand\s+plan|(?:safety|min(?:imum)?|max(?:imum)?)\s+stock|"
    r"service\s+levels?|reorder\s+points?|order[- ]up[- ]to|moqs?|lead\s*times?|case\s+packs?|"
    r"polic(?:y|ies)|rules?|limits?|thresholds?|parameters?|settings?|approval\s+matrix|"
    r"roles?|permissions?)"
)
WRITE_REQUEST: tuple[re.Pattern[str], ...] = _compile(
    INSTRUCTION
    + r"(?!.*\bwhat\s+if\b)(?!.*\bsimulat).*\b"
    + CHANGE
    + r"\b(?:\W+\w+){0,6}?\W+"
    + PLAN_FIGURE
    + r"\b",
    INSTRUCTION + r"(?!.*\bwhat\s+if\b)(?!.*\bsimulat).*\b" + PLAN_FIGURE + r"\b(?:\W+\w+){0,4}?"
    r"\W+(?:to|by|at)\s+[+\-]?\d",
    r"\b(?:set|put\s+in|add|create|enter|make)\s+(?:an?\s+|the\s+)?(?:forecast\s+)?override\b",
)
"""A request to change a forecast, an override or a policy figure (not a what-if question)."""


ASKER_RE = re.compile(r"\bYou are talking to (?P<user>\S+) \((?P<role>[^)]*)\)")


def asker_of(system_text: str) -> Asker:
    """Return who asks from the system prompt ("You are talking to victor (viewer, read only)")."""
    m = ASKER_RE.search(system_text)
    if m is None:
        return Asker()
    role, _, marks = m.group("role").partition(",")
    return Asker(m.group("user"), role.strip(), READ_ONLY_MARK in marks)


def writes_requested(text: str) -> bool:
    """Return whether a request asks to change a forecast, an override or a policy figure."""
    return any(p.search(text) for p in WRITE_REQUEST)


def read_only_refusal(asker: Asker) -> str:
    """Return the refusal of a write asked by a user whose role may only read."""
    who = asker.user or "You"
    role = (
        f"a {asker.role} (read only)"
        if asker.role and asker.role != "unknown"
        else "not in the approval policy (read only)"
    )
    return (
        f"**Refused**: {who} is {role} and may not draft, withdraw or amend proposals, nor "
        "change forecasts, overrides or policies, so I have not drafted or changed anything "
        "and called no tool that writes. You can still look things up (stock, exceptions, "
        "forecasts, what-ifs, the status of a proposal); a planner can draft this for an "
        "approver's review."
    )


def impersonation_refusal(person: str) -> str:
    """Return the refusal of a decision under another person's name."""
    return (
        f"I can't do that, so I have not drafted, decided or looked up anything: nobody can "
        f"approve or reject under another person's name, and I cannot decide on {person}'s "
        "behalf. A decision is recorded in the audit trail under the name of whoever takes it: "
        f"if {person} agrees, {person} approves or rejects it at the approval gate (the "
        "approvals inbox, or `stockpilot approve`) as themself, within their own authority."
    )


def self_decision(asker: Asker) -> str:
    """Return the answer to an approver deciding as themself: at the gate, not in the chat."""
    return (
        f"You ({asker.user}) decide as yourself at the approval gate — the approvals inbox, or "
        "`stockpilot approve` — within your own authority; I only draft, so I have not approved, "
        "rejected or drafted anything here."
    )


# -- a write the planner did not tell the copilot to make -----------------------------------------

_WRITE_VERB = (
    r"(?:transfer\w*|mov(?:e|es|ed|ing)|ship\w*|send\w*|sent|order\w*|buy\w*|bought|draft\w*|"
    r"raise\w*|plac\w*|book\w*|cancel\w*|withdr[ae]w\w*|approv\w*|amend\w*|chang\w*|"
    r"top\w*\s+up|replenish\w*|restock\w*|po|xfer\w*|make|cut\w*|reduc\w*|bump\w*)"
)
_NO = (
    r"(?:not|never|no|don['\u2019]?t|dnt|do\s+not|can['\u2019]?t|cannot|won['\u2019]?t|nobody|"
    r"skip|avoid|stop|forget(?:\s+about)?)"
)
_RETRACTED = (
    r"\S.{6,}?[\s,.;:!(-]\s*(?:actually,?\s+no|no,?\s+wait|wait,?\s+(?:no|don['\u2019]?t)|"
    r"on\s+second\s+thoughts?,?\s*(?:no|don['\u2019]?t|leave\s+it)?|cancel\s+that|"
    r"(?:actually\s+)?never\s*mind|nvm|forget\s+(?:it|that)|ignore\s+(?:that|this|it|me)|"
    r"disregard(?:\s+(?:that|this|it|me))?|no,?\s+actually(?:,?\s+don['\u2019]?t)?|"
    r"actually,?\s+don['\u2019]?t|(?:scrap|strike|belay)\s+that|my\s+bad)\W*$"
)
"""A request taken back at its end ("transfer 20 … - actually, no"); alone it is no request."""
_NOT_A_NO = (
    r"(?:problem|prob|probs|worries|worry|rush|hurry|biggie|pressure|stress|doubt|questions?|"
    r"matter|later|sooner|earlier|more|less|fewer|need\s+to\s+(?:rush|hurry|wait|worry)|"
    r"need\s+for|sign[- ]?off|approv\w*)"
)
"""Words after "no" that make it no negation ("- no rush", "? no later than Friday")."""
_TAKEN_BACK = (
    r"\S.*?(?:\?|\.{2,}|\u2026|\(|[\s,.;!]\s*[-\u2013\u2014]+|[,.;!])\s*"
    r"(?:(?:actually|wait|hmm+|um+|erm|oh|ah|well|sorry|on\s+second\s+thoughts?)\W+)*"
    r"(?:no+|nah+|nope|naw|not\s+(?:yet|now|today|really|this\s+time)|actually\s+not|"
    r"don['\u2019]?t(?=\W*$))\b(?!['\u2019-])"
    r"(?!\s+" + _NOT_A_NO + r"\b)"
    r"(?:\W*$|[\s,.;:!)\-\u2013\u2014]+(?:(?!\b" + _WRITE_VERB + r"\b)[^?])*$)"
)
"""A request followed by a bare "no" after a question mark, a dash, dots or a bracket ("make it
30? no", "transfer 20 … - no, leave it", "withdraw it (no)", "… nah", "? not yet", "? actually
no"): taken back, so nothing is written. What follows the "no" may not be a new instruction
("rejected? no, make it 25" instructs: a write verb follows), and "no rush", "no later than …"
are no negation."""
_REPORTED = (
    r"\b(?!i\b|we\b)[a-z]+\s+wants\s+(?:us\s+|me\s+)?to\b|\bthey\s+want\s+(?:us|me)\s+to\b|"
    r"\b(?!i\b|we\b|really\b|just\b|also\b|still\b|so\b|and\b|then\b|now\b|please\b)[a-z]+"
    r"(?:\s+(?:would|wanted)|['\u2019]d)(?:\s+(?:really|also))?\s+(?:like\s+|love\s+)?"
    r"(?:us\s+|me\s+)?to\b|"
    r"^\W*(?:per\s+\w+|fwd?|fw|re|cc|subj(?:ect)?|from\s+\w+)\s*:|"
    r"^\W*from\s+\w+\s+[-\u2013\u2014]+\s|\bquoting\b|\bquote\s*:|"
    r"\bas\s+\w+\s+(?:put|puts|said|says|wrote|writes|phrased)\s+it\b|"
    r"\bin\s+\w+['\u2019]s\s+words\b|\baccording\s+to\b|\b\w+\s+wrote\s*:|"
    r"\be-?mail\s+from\b|^\s*>|"
    r"`[^`]*\b" + _WRITE_VERB + r"\b[^`]*`|\b(?:i\s+was|we\s+were)\s+told\s+to\b|"
    r"\b(?:someone|somebody|anyone|anybody)\s+(?:should|could|ought\s+to)\b|"
    r"\bsuggest(?:s|ed)\s+(?:that\s+)?(?:we|i|you)\b"
)
"""Another person's words, a forward, a quote or a code span: reported, not asked."""

WRITE_NOT_MEANT: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "declined",
        re.compile(
            r"\brather\s+not\b|\bhold\s+off\b|\b(?:not|un)\s*sure\b|\bi\s+wonder\b|"
            r"\bwondering\b|\b(?:don|doesn|didn)['\u2019]?t\s+(?:really\s+)?(?:think|mean)\b|"
            r"\b(?:don['\u2019]?t|do\s+not|doesn['\u2019]?t)\s+(?:really\s+)?(?:want|plan|intend|"
            r"wish|need)\s+to\b|\bno\s+need\s+to\s+(?:\w+\s+){0,1}" + _WRITE_VERB + r"\b|"
            r"\b" + _NO + r"\s+(?:\w+\s+){0,2}" + _WRITE_VERB + r"\b|\bnot\s+(?:yet|now)\b|"
            r"\bnot\s+needed\b|\boverkill\b|\bscratch\s+that\b|\bjust\s+kidding\b|\bjk\b|"
            r"\bor\s+(?:not|wait|keep\s+it|leave\s+it|hold)\b|"
            r"\blet['\u2019]?s\s+wait\b|\bfor\s+discussion\b|"
            r"\bnot\s+(?:the\s+one\s+(?:deciding|who\s+decides)|my\s+(?:call|decision)|"
            r"up\s+to\s+me)\b|\bdon['\u2019]?t\s+actually\b|\bkidding\b|" + _RETRACTED,
            re.I,
        ),
    ),
    ("taken back", re.compile(_TAKEN_BACK, re.I)),
    (
        "conditional",
        re.compile(
            r"\b(?:if|unless|provided|assuming|once|whenever|suppose|supposing|imagine|say\s+we)\b"
            r"(?!\s+" + COURTESY_IF + r")|^\W*in\s+case\b",
            re.I,
        ),
    ),
    (
        "quoted",
        re.compile(
            r"[\"\u201c\u201d][^\"\u201c\u201d]*\b" + _WRITE_VERB + r"\b[^\"\u201c\u201d]*"
            r"[\"\u201c\u201d]|\b(?:we|i|they|he|she|someone|somebody|yesterday)\s+(?:already\s+|"
            r"just\s+)?(?:transferred|moved|shipped|sent|ordered|bought|raised|placed|drafted|"
            r"booked|cancel+ed|withdrew|approved|cut|made)\b|\b(?:were|was|been)\s+(?:already\s+)?"
            r"(?:transferred|moved|shipped|sent|ordered|raised|placed|booked)\b|"
            r"\bshould['\u2019]?ve\b|\bshould\s+have\b|\blast\s+time\b|\b(?:last\s+(?:week|month)|"
            r"yesterday)['\u2019]s\b|\b(?:said|says|told\s+me|asked\s+(?:me|us)\s+to)\b|"
            r"\balready\s+(?:done|sent|shipped|moved|booked|placed|in)\b|" + _REPORTED,
            re.I,
        ),
    ),
    (
        "predicted",
        re.compile(
            r"\b(?:might|probably|prob|possibly|i\s+guess|i\s+suppose|idk|"
            r"thinking\s+(?:about|of)|let\s+me\s+think|decide\s+whether|going\s+to|gonna|"
            r"next\s+week\s+we)\b|\b(?:we|i|they|you|it|s\d+)\s+may\s+(?:\w+\s+)?"
            + _WRITE_VERB
            + r"\b|"
            r"^\W*consider(?:ing)?\b",
            re.I,
        ),
    ),
    (
        "stated",
        re.compile(
            r"\b(?:is|are|isn['\u2019]?t|aren['\u2019]?t|was|wasn['\u2019]?t)\s+"
            r"(?:not\s+|never\s+)?covered\b",
            re.I,
        ),
    ),
    (
        "asked",
        re.compile(
            r"\bwhat\s+do\s+you\s+think\b|\bthoughts\b|\bi\s+think(?:\s+so)?\s*[?.!]*\s*$|"
            r"\bright\s*\?|\bdoes\s+that\s+make\s+sense\b|\bwhat\s+happens\b|"
            r"^\W*(?:should|shld|shd|shud|shoud|sould|sld|shuld|shoul|shoudl|shuold|sholud|shouldn['\u2019]?t)"
            r"\s+(?:we|i)\b|^\W*ought\s+(?:we|i)\s+to\b|"
            # "how much SKU-0012 should S003 get?", "how much would it cost to transfer 20 …",
            # "what does the engine say S003 needs", "cost of a PO for 100 …": a question of size
            # or cost, answered by a look-up.
            r"^\W*(?:so\s+|and\s+|ok(?:ay)?\s+)?how\s+(?:much|many|mcuh|manny)\b.*?\b(?:should|shud|"
            r"shoud|would|will|does|do|must)\b|"
            r"\bwhat\s+(?:does|do|did)\s+the\s+(?:planning\s+)?(?:engine|planner|system|model)\s+"
            r"(?:say|think|recommend|suggest)\b|"
            r"^\W*(?:what(?:['\u2019]s|\s+is|\s+would\s+be|\s+will\s+be)\s+the\s+)?(?:cost|price|"
            r"freight|value|total)\s+(?:of|on|for)\b",
            re.I,
        ),
    ),
)
"""Why a write the model read is not one the planner told it to make, each with its signs."""

NOT_MEANT_READING = {
    "declined": "a decision not to, or a doubt",
    "taken back": "taken back by the no after it",
    "conditional": "conditional",
    "quoted": "a quote or a report of something done",
    "predicted": "a possibility or a plan",
    "stated": "a statement",
    "asked": "a question",
}


ASKED_TO_ACT = re.compile(
    r"\b(?:" + _WRITE_VERB[3:-1] + r"|please|pls|can|could|would|will|spare|fix|cover|get|"
    r"let'?s|go\s+ahead|do\s+it)\b",
    re.I,
)
"""Words that ask for an action: a statement ("… is short") with one of them is a request."""


def write_not_meant(text: str) -> str | None:
    """Return why a request is not an instruction to write (a `WRITE_NOT_MEANT` key), or None.

    A statement ("the promo at S002 is not covered") is one only when nothing in the request
    asks for an action ("S004 is short on pasta, can union spare some?" asks). Something else
    dropped first ("never mind the PO, transfer 20 …") is read past: only what follows counts.
    """
    text = dropped_first_off(text)
    for why, pattern in WRITE_NOT_MEANT:
        if pattern.search(text) and not (why == "stated" and ASKED_TO_ACT.search(text)):
            return why
    return None


def not_meant_answer(why: str, instruction: str | None) -> str:
    """Say that nothing was written and how to ask for the write, if it was meant."""
    said = f", e.g. **{instruction}**" if instruction else ""
    return (
        f"**I have not drafted or changed anything**: that reads as "
        f"{NOT_MEANT_READING.get(why, why)}, not an instruction. If you want it done, say it as "
        f"one{said} — a draft still waits for an approver."
    )
