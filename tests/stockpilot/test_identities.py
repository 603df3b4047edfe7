"""Tests for the Slack / Teams identities loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from stockpilot.identities import IdentitiesError, IdentityMap, load_identities
from stockpilot.policy import load_policy

ROOT = Path(__file__).resolve().parents[2]
AAD = "6F1C2B9E-8A41-4D2E-9C3B-1A2B3C4D5E6F"


@pytest.fixture
def policy():
    return load_policy(ROOT / "config" / "policy.yaml")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "identities.yaml"
    path.write_text(text)
    return path


def test_the_shipped_file_loads_against_the_shipped_policy(policy) -> None:
    identities = load_identities(ROOT / "config" / "identities.yaml", policy=policy)
    assert identities.version == 1


def test_slack_and_teams_ids_map_to_users(tmp_path: Path, policy) -> None:
    path = _write(
        tmp_path, f"version: 1\nslack:\n  U04ABC: bob\n  W0XYZ: carol\nteams:\n  {AAD}: alice\n"
    )
    identities = load_identities(path, policy=policy)
    assert identities.slack_user("U04ABC") == "bob" and identities.slack_user("W0XYZ") == "carol"
    assert identities.slack_user("U999") is None and identities.slack_user(None) is None
    # AAD object ids compare as GUIDs, whatever their case.
    assert identities.teams_user(AAD.lower()) == "alice"
    assert identities.teams_user("not-a-guid") is None and identities.teams_user(None) is None


def test_the_default_path_comes_from_settings(tmp_path: Path, monkeypatch, policy) -> None:
    from stockpilot.settings import get_settings

    path = _write(tmp_path, "version: 1\nslack: {U0AAA: victor}\n")
    monkeypatch.setenv("STOCKPILOT_IDENTITIES_FILE", str(path))
    get_settings.cache_clear()
    try:
        assert load_identities().slack_user("U0AAA") == "victor"
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nslack:\n  U0AAA: zed\n", "slack.U0AAA: unknown user 'zed'"),
        (f"version: 1\nteams:\n  {AAD}: zed\n", f"teams.{AAD.lower()}: unknown user 'zed'"),
        ("version: 1\nslack:\n  alice: alice\n", "slack: 'alice' is not a Slack user id"),
        (
            "version: 1\nteams:\n  bob@example.com: bob\n",
            "teams: 'bob@example.com' is not an AAD object id",
        ),
        (f"version: 1\nteams:\n  {AAD}: bob\n  {AAD.lower()}: carol\n", "is listed twice"),
        ("version: 1\nslack:\n  U0AAA: bob\n  U0AAA: carol\n", "duplicate key 'U0AAA'"),
        ("version: 2\n", "version: Input should be 1"),
        ("version: 1\nslackk: {}\n", "slackk: Extra inputs are not permitted"),
        ("- just a list\n", "expected a mapping"),
        ("version: [1\n", "not valid YAML"),
    ],
)
def test_bad_files_are_refused_naming_the_file_and_field(
    tmp_path: Path, policy, text: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(IdentitiesError) as info:
        load_identities(path, policy=policy)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IdentitiesError, match="cannot read the identities file"):
        load_identities(tmp_path / "nope.yaml")


def test_without_a_policy_users_are_not_checked(tmp_path: Path) -> None:
    identities = load_identities(_write(tmp_path, "version: 1\nslack: {U0AAA: zed}\n"))
    assert isinstance(identities, IdentityMap) and identities.slack_user("U0AAA") == "zed"
