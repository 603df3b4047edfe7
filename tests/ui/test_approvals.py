"""Surface-neutral approval cards: decide through the copilot, or show the current state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.service import Copilot
from tests.api.copilot_app import ApiEnv, draft_transfer
from tests.graph.conftest import erp_documents
from ui.approvals import STALE_NOTE, CardRef, CardState, current_card, decide_card


@pytest.fixture
def env(tmp_path: Path) -> Iterator[ApiEnv]:
    env = ApiEnv(tmp_path)
    yield env
    env.close()


@pytest.fixture
def copilot(env: ApiEnv) -> Copilot:
    return env.copilot()


@pytest.fixture
def waiting(copilot: Copilot, env: ApiEnv) -> CardState:
    env.script.turns.append(draft_transfer(20))
    (action,) = copilot.ask("move 20 A to S1", user="alice", thread_id="t-card").pending
    return CardState.waiting("t-card", action)


def test_a_waiting_card_decides_once_then_shows_the_state(
    copilot: Copilot, waiting: CardState
) -> None:
    assert waiting.pending and waiting.summary == "Approval needed: Transfer 20 × A from DC1 to S1"
    state = decide_card(copilot, waiting.ref, user="bob", decision="approve")
    assert not state.pending and state.note is None
    assert state.proposal is not None and state.proposal.status == "committed"
    assert state.summary.startswith(
        "Transfer 20 × A from DC1 to S1: Approved by bob · committed as "
    )
    assert [o["outcome"] for o in state.outcomes] == ["committed"]
    again = decide_card(copilot, waiting.ref, user="carol", decision="reject")
    assert again.note == STALE_NOTE and again.proposal.decided_by == "bob" and again.outcomes == []
    assert erp_documents(copilot.workspace)["ledger"] == 1


def test_a_refusal_keeps_the_card_pending_at_the_new_interrupt(
    copilot: Copilot, waiting: CardState
) -> None:
    state = decide_card(copilot, waiting.ref, user="victor", decision="approve")
    assert state.pending and state.note is not None and state.note.startswith("Refused: ")
    assert state.ref.proposal_id == waiting.ref.proposal_id
    assert state.ref.interrupt_id != waiting.ref.interrupt_id
    assert decide_card(copilot, waiting.ref, user="bob", decision="approve").note == STALE_NOTE
    assert (
        decide_card(copilot, state.ref, user="bob", decision="approve").proposal.status
        == "committed"
    )


def test_unknown_proposals_threads_and_decisions(copilot: Copilot, waiting: CardState) -> None:
    ghost = CardRef("t-card", waiting.ref.interrupt_id, "PR-nope")
    assert (
        current_card(copilot, ghost).summary
        == "Proposal PR-nope does not exist; nothing was changed."
    )
    elsewhere = CardRef("t-other", waiting.ref.interrupt_id, waiting.ref.proposal_id)
    assert decide_card(copilot, elsewhere, user="bob", decision="approve").proposal is None
    with pytest.raises(ValueError, match="unknown decision"):
        decide_card(copilot, waiting.ref, user="bob", decision="delete")
    with pytest.raises(ValueError, match="quantity"):
        decide_card(copilot, waiting.ref, user="bob", decision="edit")
    assert copilot.workspace.governance.proposals.get(waiting.ref.proposal_id).status == "pending"
