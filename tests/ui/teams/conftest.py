"""Fixtures for the Teams bot: a copilot on the small network, identities, a TestAdapter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from botbuilder.core.adapters import TestAdapter

from stockpilot.identities import IdentityMap, load_identities
from tests.api.copilot_app import ApiEnv
from ui.teams.bot import TeamsBot

ALICE, BOB, CAROL = (
    "aaaaaaaa-0000-4000-8000-000000000001",
    "bbbbbbbb-0000-4000-8000-000000000002",
    "cccccccc-0000-4000-8000-000000000003",
)
IDENTITIES = f"""\
version: 1
slack: {{}}
teams:
  {ALICE}: alice
  {BOB}: bob
  {CAROL}: carol
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def identities_file(tmp_path: Path) -> Path:
    path = tmp_path / "identities.yaml"
    path.write_text(IDENTITIES)
    return path


@pytest.fixture
def identities(identities_file: Path) -> IdentityMap:
    return load_identities(identities_file)


@pytest.fixture
def api_env(tmp_path: Path, identities_file: Path) -> Iterator[ApiEnv]:
    env = ApiEnv(tmp_path, identities_file=identities_file)
    yield env
    env.close()


@pytest.fixture
def teams(api_env: ApiEnv, identities: IdentityMap) -> tuple[TeamsBot, TestAdapter]:
    copilot = api_env.copilot()
    # The adapter stands for the authenticated channel (the HTTP tests check the JWT itself).
    bot = TeamsBot(copilot=lambda: copilot, identities=identities, authenticated=True)
    return bot, TestAdapter(bot.on_turn)
