"""The threads resource: start a conversation, send planner messages (JSON or SSE), read it.

Permissions: sending a message needs "chat"; reading a thread needs "read". Threads are shared
workspace conversations, not private ones: any reader may read any thread and any chatter may
post to it (every turn and decision is attributed to its user in the audit log).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.sse import EventSourceResponse, format_sse_event
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import Chatter, CopilotDep, Reader
from api.errors import error_body
from graph.service import Copilot, PendingAction, TurnResult, list_threads
from stockpilot.asking import MAX_QUESTION, THREAD_ID_PATTERN

router = APIRouter(tags=["threads"])
log = logging.getLogger("stockpilot.api")

ThreadId = Annotated[
    str,
    Path(
        pattern=THREAD_ID_PATTERN,
        description="Thread id (letters, digits, '.', '_', ':', '-'; at most 64).",
    ),
]
Content = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION)
]
SSE_MEDIA_TYPE = "text/event-stream"


class PendingOut(BaseModel):
    """An action waiting at the approval gate (decide it with its interrupt id)."""

    interrupt_id: str
    proposal_id: str
    kind: str
    args: dict[str, Any]
    description: str
    value: float | None
    warnings: list[str] = Field(
        default_factory=list,
        description="The draft checks' warnings: cover above the class maximum, or no need.",
    )

    @classmethod
    def of(cls, action: PendingAction) -> PendingOut:
        """Convert a service PendingAction."""
        return cls(**action.__dict__)


class TurnOut(BaseModel):
    """What a turn or a decision produced."""

    thread_id: str
    answer: str
    pending: list[PendingOut]
    outcomes: list[dict[str, Any]] = Field(
        description="Per proposal: decision, outcome (committed, rejected, refused, ...), "
        "document_id when committed, message."
    )
    committed: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]

    @classmethod
    def of(cls, result: TurnResult) -> TurnOut:
        """Convert a service TurnResult."""
        return cls.model_validate(result.as_dict())


class NewThread(BaseModel):
    """Start a thread, optionally with its first message."""

    model_config = ConfigDict(extra="forbid")

    content: Content | None = Field(None, description="First planner message (1-4000 chars).")


class ThreadCreated(BaseModel):
    """The new thread's id (and the first turn when a message was given)."""

    thread_id: str
    turn: TurnOut | None = None


class MessageIn(BaseModel):
    """A planner message."""

    model_config = ConfigDict(extra="forbid")

    content: Content = Field(description="The planner's message (1-4000 chars).")


class MessageOut(BaseModel):
    """One message of a thread."""

    role: str = Field(description="user, assistant, tool or system")
    content: str
    name: str | None = None
    tool_calls: list[dict[str, Any]] = []
    summary: str | None = Field(None, description="A tool result in a few words (tool messages).")


class ThreadOut(BaseModel):
    """A thread: its messages, what it waits on, the ERP documents it committed."""

    thread_id: str
    messages: list[MessageOut]
    pending: list[PendingOut]
    committed: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]


def _not_found(thread_id: str) -> HTTPException:
    return HTTPException(
        status.HTTP_404_NOT_FOUND,
        detail=error_body("not_found", f"no thread {thread_id!r}", "thread_id"),
    )


def _wants_stream(request: Request, stream: bool) -> bool:
    return stream or SSE_MEDIA_TYPE in request.headers.get("accept", "")


async def _sse(events: Iterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    """Encode service events as SSE, running the (blocking) turn in worker threads.

    A failure mid-turn becomes an `error` event. When the client goes away the turn still
    runs to its end here (its drafts reach the approval gate, its approvals are committed):
    what a turn started never depends on who is still listening.
    """
    try:
        while True:
            item = await anyio.to_thread.run_sync(next, events, None)
            if item is None:
                break
            data = json.dumps(jsonable_encoder(item["data"]), ensure_ascii=False)
            yield format_sse_event(event=item["event"], data_str=data)
    except Exception:  # the response has started: report in-band, log, end the stream
        log.exception("streamed turn failed")
        body = error_body("internal_error", "the turn failed; the incident was logged")
        yield format_sse_event(event="error", data_str=json.dumps(body["error"]))
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_finish, events)


def _finish(events: Iterator[dict[str, Any]]) -> None:
    """Run a turn nobody listens to any more to its end (then it releases the thread's lock)."""
    try:
        for _ in events:
            pass
    except Exception:
        log.exception("turn failed after its client left")


def _stream_response(copilot: Copilot, text: str, user: str, thread_id: str) -> EventSourceResponse:
    response = EventSourceResponse(_sse(copilot.stream(text, user=user, thread_id=thread_id)))
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response


_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON TurnResult, or with `Accept: text/event-stream` (or ?stream=true) "
        "Server-Sent Events: `token` {text}, `tool` {name, args} | {name, summary}, "
        "`pending` {pending: [...]}, then `done` (the TurnResult) or `error` {code, message}.",
        "content": {SSE_MEDIA_TYPE: {"schema": {"type": "string"}}},
    },
    404: {"description": "Unknown thread."},
}


@router.post(
    "/threads",
    status_code=status.HTTP_201_CREATED,
    response_model=ThreadCreated,
    responses=_STREAM_DOC,
)
def create_thread(
    copilot: CopilotDep,
    principal: Chatter,
    request: Request,
    body: NewThread | None = None,
    stream: Annotated[bool, Query(description="Stream the first turn as SSE.")] = False,
) -> ThreadCreated | EventSourceResponse:
    """Start a thread; with `content`, run its first turn (JSON, or SSE when asked)."""
    thread_id = copilot.open_thread(user=principal.user)
    if body is None or body.content is None:
        return ThreadCreated(thread_id=thread_id)
    if _wants_stream(request, stream):
        response = _stream_response(copilot, body.content, principal.user, thread_id)
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = f"/v1/threads/{thread_id}"
        return response
    result = copilot.ask(body.content, user=principal.user, thread_id=thread_id)
    return ThreadCreated(thread_id=thread_id, turn=TurnOut.of(result))


@router.post("/threads/{thread_id}/messages", response_model=TurnOut, responses=_STREAM_DOC)
def post_message(
    thread_id: ThreadId,
    body: MessageIn,
    copilot: CopilotDep,
    principal: Chatter,
    request: Request,
    stream: Annotated[bool, Query(description="Stream the turn as SSE.")] = False,
) -> TurnOut | EventSourceResponse:
    """Send a planner message and return the turn (JSON, or SSE when asked)."""
    if not copilot.has_thread(thread_id):
        raise _not_found(thread_id)
    if _wants_stream(request, stream):
        return _stream_response(copilot, body.content, principal.user, thread_id)
    return TurnOut.of(copilot.ask(body.content, user=principal.user, thread_id=thread_id))


@router.get("/threads/{thread_id}", response_model=ThreadOut, responses={404: {}})
def get_thread(thread_id: ThreadId, copilot: CopilotDep, _: Reader) -> ThreadOut:
    """Return a thread's messages, pending approvals (with interrupt ids) and commits."""
    view = copilot.thread(thread_id)
    if view is None:
        raise _not_found(thread_id)
    return ThreadOut(
        thread_id=view.thread_id,
        messages=[MessageOut(**m) for m in view.messages],
        pending=[PendingOut.of(a) for a in view.pending],
        committed=view.committed,
        outcomes=view.outcomes,
    )


class ThreadSummaryOut(BaseModel):
    """One line of the thread list."""

    thread_id: str
    owner: str | None = Field(description="Who opened the thread.")
    user: str | None = Field(description="Who wrote in it last.")
    title: str = Field(description="The first planner message ('(new thread)' before one).")
    last_message: str = Field(description="The copilot's latest answer, shortened.")
    updated_at: str | None = Field(description="When the thread last changed (ISO 8601, UTC).")
    message_count: int
    pending: int = Field(description="Actions the thread waits on at the approval gate.")


class ThreadList(BaseModel):
    """Threads, the most recently active first."""

    items: list[ThreadSummaryOut]
    count: int


@router.get("/threads", response_model=ThreadList)
def thread_list(
    copilot: CopilotDep,
    principal: Reader,
    scope: Annotated[
        Literal["mine", "all"],
        Query(description="mine: threads the caller opened or last wrote in; all: every thread."),
    ] = "mine",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ThreadList:
    """List threads, newest first, with a title, the last update and the pending count."""
    items = list_threads(copilot, user=principal.user if scope == "mine" else None, limit=limit)
    out = [ThreadSummaryOut(**item.__dict__) for item in items]
    return ThreadList(items=out, count=len(out))
