"""The offline planner chat model: reads the conversation, calls tools, writes the answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolCall,
)
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

from agents.offline.asked_kind import po_kept
from agents.offline.handlers import HELP, _generic_answer, _resolved_note
from agents.offline.intents import parse
from agents.offline.messages import (
    MAX_REQUEST_CHARS,
    MAX_ROUNDS,
    PLANNER_TOOLS,
    Request,
    _call_ids,
    _text,
    _turn_results,
    instruction,
)
from agents.offline.parsing import as_of_of
from agents.offline.quantities import unreadable, unreadable_answer
from agents.offline.render import _approval_summary
from agents.offline.safety import (
    WRITE_TOOLS,
    asker_of,
    not_meant_answer,
    read_only_refusal,
    write_not_meant,
)
from agents.offline.settled import amended_instead, one_draft_each
from stockpilot.vocabulary import GATE_NAME

NOT_LOOKED_UP = re.compile(
    r"(?:,\s*so\s+|\s*\band\s+|\s*)I\s+have\s+not\s+looked\s+anything\s+up(?:\s+or\s+drafted\s+"
    r"anything|,\s+drafted\s+or\s+changed\s+anything)?(?:\s+yet)?",
    re.I,
)
"""An answer's claim that nothing was looked up this turn."""


def _looked_up(answer: str, results: Sequence[Any]) -> str:
    """Keep an answer from saying nothing was looked up when this turn's tools did look up.

    A reading that gave up after its look-ups (say `list_exceptions`) says what it looked up
    and that it drafted nothing, rather than that it looked nothing up.
    """
    if not results or not NOT_LOOKED_UP.search(answer):
        return answer
    names = ", ".join(f"`{n}`" for n in dict.fromkeys(r.name for r in results))
    said = NOT_LOOKED_UP.sub(". I have drafted nothing", answer, count=1)
    said = re.sub(r"([.?!])\.", r"\1", said)
    return f"I looked up {names} for this, but could not answer from it. {said}"


# -- the model -----------------------------------------------------------------------------------


def _tool_name(tool: Any) -> str:
    if isinstance(tool, BaseTool):
        return tool.name
    if isinstance(tool, dict) and isinstance(tool.get("name"), str):
        return str(tool["name"])
    return str(convert_to_openai_tool(tool)["function"]["name"])


def _too_long(chars: int) -> str:
    """Say that a request is too long to read, and that nothing was done."""
    return (
        f"That message is {chars:,} characters long; I read requests of up to "
        f"{MAX_REQUEST_CHARS:,}, so I have not looked anything up, drafted or changed anything. "
        "Ask in a sentence or two (one request at a time), e.g. **what's at risk at S003?**"
    )


class OfflinePlannerModel(BaseChatModel):
    """Answer planner requests deterministically with the planner tools, without a network."""

    tool_names: tuple[str, ...] = ()
    """Names of the bound tools; empty means unbound, and then all planner tools are assumed."""
    resolver: Any = Field(default=None, exclude=True)
    """The network's entity resolver (tools.resolve.Resolver): names and aliases become ids.
    Without one, ids are recognised by their shape only."""

    def with_resolver(self, resolver: Any) -> OfflinePlannerModel:
        """Return a copy that reads names and aliases of this network's entities."""
        return self.model_copy(update={"resolver": resolver})

    @property
    def _llm_type(self) -> str:
        return "offline-planner"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model": "offline-planner", "tools": list(self.tool_names)}

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Return a copy of the model that knows the bound tools' names."""
        return self.model_copy(update={"tool_names": tuple(_tool_name(t) for t in tools)})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = self.respond(messages)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def respond(self, messages: Sequence[BaseMessage]) -> AIMessage:
        """Return the next message of the conversation: tool calls or the answer."""
        convo = [m for m in messages if not isinstance(m, SystemMessage)]
        if not convo:
            return AIMessage(HELP)
        last = convo[-1]
        if isinstance(last, HumanMessage) and last.name == GATE_NAME:
            return AIMessage(_approval_summary(_text(last)))
        start = next(
            (
                i
                for i in range(len(convo) - 1, -1, -1)
                if isinstance(convo[i], HumanMessage) and convo[i].name != GATE_NAME
            ),
            None,
        )
        if start is None:
            return AIMessage(HELP)
        if len(said := _text(convo[start])) > MAX_REQUEST_CHARS:
            return AIMessage(_too_long(len(said)))
        results, rounds = _turn_results(convo[start + 1 :])
        system = next((_text(m) for m in messages if isinstance(m, SystemMessage)), "")
        asker = asker_of(system)
        intent, request = parse(
            _text(convo[start]), convo[:start], self.resolver, as_of_of(system), asker
        )
        step = intent.handler(request, results) if rounds < MAX_ROUNDS else None
        writes = isinstance(step, list) and [c for c in step if c.name in WRITE_TOOLS]
        if asker.read_only and writes:
            step = read_only_refusal(asker)  # every write checks the role first
        elif writes and (why := write_not_meant(_text(convo[start]))):
            step = not_meant_answer(why, instruction(writes[0]))  # whichever reading wrote
        elif writes and (bad := unreadable(_text(convo[start]), writes)):
            step = unreadable_answer(*bad, writes)  # "-20", "1e30", "20.5": never another qty
        elif writes and any(r.name == "amend_proposal" for r in results):
            # the need's pending draft was amended in a second draft's place (one_draft_each)
            step = amended_instead(request, results)
        elif writes and isinstance(step, list):
            # a PO asked for is no silent transfer; one need, one pending draft
            said = _text(convo[start])
            step = po_kept(said, step, results)
            if not isinstance(step, str):
                step = one_draft_each(step, request.focus, said)
        if step is None:
            return AIMessage(_generic_answer(results) + self._unread_note(request, asker))
        if isinstance(step, str):
            if results and request.named:
                step = _resolved_note(request) + step
            return AIMessage(_looked_up(step, results) + self._unread_note(request, asker))
        missing = sorted({c.name for c in step if not self._has_tool(c.name)})
        if missing:
            return AIMessage(
                "That needs the "
                + ", ".join(f"`{name}`" for name in missing)
                + " tool, which is not available in this session, so I have not done it."
            )
        ids = _call_ids(messages, len(step))
        calls = [
            ToolCall(name=c.name, args=c.args, id=call_id, type="tool_call")
            for c, call_id in zip(step, ids, strict=True)
        ]
        return AIMessage(content="", tool_calls=calls)

    def _unread_note(self, request: Request, asker: Any) -> str:
        """Say which writes an e-mail told beside its question were not acted on, and how to ask.

        The command offered is the write as the table reads it alone (`instruction`), else the
        sentence as written; nothing is drafted here.
        """
        notes = []
        for sentence in request.unread:
            intent, alone = parse(sentence, (), self.resolver, request.as_of, asker)
            step = intent.handler(alone, []) if intent.writes else None
            writes = [c for c in step if c.name in WRITE_TOOLS] if isinstance(step, list) else []
            said = instruction(writes[0]) if writes else sentence.rstrip(" .!")
            notes.append(
                f"\n\n**Not acted on:** “{sentence}” — I answered the question only and have not "
                f"drafted anything from that sentence. To have it drafted for approval, send it "
                f"on its own, e.g. **{said}**."
            )
        return "".join(notes)

    def _has_tool(self, name: str) -> bool:
        return name in (self.tool_names or PLANNER_TOOLS)
