"""Who is signed in, the API client for this session, cached reads and the error states.

In development with no `STOCKPILOT_UI_API_TOKEN` a sidebar picker signs in as any policy user
with their `dev-<user>` token; otherwise the configured token is used. Reads that many reruns
repeat (exceptions, projections, audit) are cached for a few seconds; decisions never are, and
every write clears the cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from stockpilot.settings import Settings
from ui.workbench.client import ApiError, ApiUnavailable, Forbidden, Unauthorized, WorkbenchClient

DEV_USERS = ("alice", "bob", "carol", "victor")
READ_TTL_S = 10
# Session-state keys a test (or a deep link) may set: the API URL and the signed-in user.
API_URL_KEY = "api_url"
USER_KEY = "user"
ME_KEY = "me"  # GET /v1/me of the signed-in caller, refreshed on every run


def settings() -> Settings:
    """Return the settings, read afresh (cheap) so a changed environment takes effect."""
    return Settings()


def _users(cfg: Settings) -> dict[str, str]:
    """Return policy users and their roles for the development picker."""
    try:
        from stockpilot.policy import load_policy

        return dict(load_policy(cfg.policy_file).users) or dict.fromkeys(DEV_USERS, "")
    except Exception:  # the picker still works with the default users
        return dict.fromkeys(DEV_USERS, "")


def api_url() -> str:
    """Return the API base URL (session override, else settings)."""
    return str(st.session_state.get(API_URL_KEY) or settings().ui_api_url)


def sign_in() -> tuple[str | None, str | None]:
    """Render the sign-in part of the sidebar; return (user label, token).

    Stops the page with a clear error when no token can be had outside development.
    """
    cfg = settings()
    configured = cfg.ui_api_token.get_secret_value() if cfg.ui_api_token else ""
    with st.sidebar:
        if configured:
            st.caption("Signed in with the configured API token")
            return None, configured
        if cfg.environment != "development":
            st.error("STOCKPILOT_UI_API_TOKEN is not set: the workbench cannot sign in.")
            st.stop()
        users = _users(cfg)
        names = list(users)
        current = st.session_state.get(USER_KEY)
        index = names.index(current) if current in names else 0
        user = st.selectbox(
            "Signed in as (development)",
            names,
            index=index,
            format_func=lambda u: f"{u} ({users[u]})" if users.get(u) else u,
            key="user_picker",
        )
        st.session_state[USER_KEY] = user
        return user, f"dev-{user}"


def client() -> WorkbenchClient:
    """Return an API client for the signed-in user (sign in first)."""
    token = st.session_state.get("_token")
    return WorkbenchClient(api_url(), token)


def remember_token(token: str | None) -> None:
    """Keep the token for this rerun's clients."""
    st.session_state["_token"] = token


def show_error(exc: ApiError, what: str = "") -> None:
    """Render an API error as the right empty / error state."""
    lead = f"Could not {what}: " if what else ""
    if isinstance(exc, ApiUnavailable):
        st.error(f"**API unavailable.** {exc.message}", icon="🔌")
    elif isinstance(exc, Unauthorized):
        st.error(f"**Unauthorized.** {lead}{exc.message}", icon="🔒")
    elif isinstance(exc, Forbidden):
        st.warning(f"**Not allowed.** {lead}{exc.message}", icon="🚫")
    else:
        st.error(f"{lead}{exc}", icon="⚠️")


@contextmanager
def api_errors(what: str = "") -> Iterator[None]:
    """Render any ApiError raised inside the block, then stop this page's run."""
    try:
        yield
    except ApiError as exc:
        show_error(exc, what)
        st.stop()


def clear_reads() -> None:
    """Forget cached reads (after any decision or message)."""
    cached_exceptions.clear()
    cached_projection.clear()


@st.cache_data(ttl=READ_TTL_S, show_spinner=False)
def cached_exceptions(url: str, token: str | None, **filters: Any) -> dict[str, Any]:
    """Return today's exceptions, cached for a few seconds per user and filters."""
    with WorkbenchClient(url, token) as c:
        return c.exceptions(**filters)


@st.cache_data(ttl=READ_TTL_S, show_spinner=False)
def cached_projection(
    url: str, token: str | None, sku: str, location: str, proposal_id: str | None
) -> dict[str, Any]:
    """Return one SKU-location's drill-down data, cached for a few seconds."""
    with WorkbenchClient(url, token) as c:
        return c.projection(sku, location, proposal_id=proposal_id)


def may_decide() -> bool:
    """Return whether the caller may decide approvals (unknown: offer it; the API decides)."""
    me = st.session_state.get(ME_KEY)
    return me is None or "decide" in me.get("permissions", [])
