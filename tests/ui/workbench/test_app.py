"""Signing in: the development picker, a configured token, and no token outside development."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.workbench.conftest import APP


def test_development_picker_lists_policy_users(app_test):
    at = app_test("audit", user="carol")
    picker = at.selectbox(key="user_picker")
    assert picker.value == "carol"
    assert set(picker.options) >= {"alice (planner)", "bob (approver)", "victor (viewer)"}


def test_configured_token_is_used_without_a_picker(live_api, monkeypatch):
    monkeypatch.setenv("STOCKPILOT_UI_API_TOKEN", "dev-bob")
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["api_url"] = live_api.url
    at.run()
    assert not [s for s in at.selectbox if s.key == "user_picker"]
    assert any("configured API token" in c.value for c in at.caption)
    # GET /v1/me says whose token it is and the authority the policy gives them.
    assert any(
        "Signed in as **bob** (approver · approves up to 100)" in c.value for c in at.caption
    )
    monkeypatch.setenv("STOCKPILOT_UI_API_TOKEN", "wrong-token")
    at.switch_page("approvals.py").run()
    assert any("Unauthorized" in e.value for e in at.error)


def test_no_token_outside_development_is_refused(live_api, monkeypatch):
    monkeypatch.delenv("STOCKPILOT_UI_API_TOKEN", raising=False)
    monkeypatch.setenv("STOCKPILOT_ENVIRONMENT", "production")
    monkeypatch.setenv("STOCKPILOT_SECRET_KEY", "a-real-secret-for-the-test")
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["api_url"] = live_api.url
    at.run()
    assert any("STOCKPILOT_UI_API_TOKEN is not set" in e.value for e in at.error)
