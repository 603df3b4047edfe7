"""An approval clicked in Slack is decided everywhere: the workbench inbox of another API instance."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.api.copilot_app import draft_transfer
from tests.support.serve import serve
from tests.ui.slack.conftest import SlackHarness, button_values
from tests.ui.workbench.conftest import APP, table
from ui.approvals import CardRef
from ui.server import create_served_app
from ui.slack import blocks as bk


def _inbox(url: str, user: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["api_url"] = url
    at.session_state["user"] = user
    at.run()
    at.switch_page("approvals.py").run()
    assert not at.exception
    return at


def test_a_slack_approval_leaves_the_workbench_inbox_and_shows_as_committed(
    slack_env: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STOCKPILOT_UI_API_TOKEN", raising=False)
    monkeypatch.setenv("STOCKPILOT_ENVIRONMENT", "development")
    slack_env.env.script.turns.append(draft_transfer(20))
    assert slack_env.mention("move some A to S1").status_code == 200
    (card,) = slack_env.cards()
    buttons = button_values(card["blocks"])
    ref = CardRef.decode(buttons[bk.APPROVE])
    assert ref is not None

    # The workbench talks to a second API instance over the same store and checkpoints.
    other = slack_env.env.copilot()
    with serve(create_served_app(slack_env.env.settings, copilot=other)) as url:
        before = _inbox(url, "bob")
        assert ref.proposal_id in set(table(before, "within my authority")["proposal"])

        assert slack_env.click("UBOB", bk.APPROVE, buttons[bk.APPROVE]).status_code == 200
        proposal = slack_env.env.workspace.governance.proposals.get(ref.proposal_id)
        assert proposal is not None and proposal.status == "committed"

        after = _inbox(url, "bob")
        assert any("Nothing is waiting" in i.value for i in after.info)
        # The same thread, opened in the workbench, shows who decided and the ERP document.
        chat = AppTest.from_file(str(APP), default_timeout=30)
        chat.session_state["api_url"] = url
        chat.session_state["user"] = "bob"
        chat.session_state["thread_id"] = ref.thread_id
        chat.run()
        assert not chat.exception
        shown = " ".join(m.value for m in chat.markdown)
        assert proposal.document_id is not None and proposal.document_id in shown
