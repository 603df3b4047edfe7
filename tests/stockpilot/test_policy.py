"""Tests for the approval authority policy loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from stockpilot.policy import ApprovalPolicy, PolicyError, RolePolicy, load_policy

REPO_POLICY = Path(__file__).resolve().parents[2] / "config" / "policy.yaml"

GOOD = """\
version: 1
roles:
  viewer:   {may_draft: false, may_approve: [], max_order_value: 0}
  planner:  {may_draft: true, may_approve: [], max_order_value: 0}
  approver: {may_draft: true, may_approve: [transfer, purchase_order], max_order_value: 25000}
  admin:    {may_draft: true, may_approve: [transfer, purchase_order], max_order_value: 250000}
users:
  alice: planner
  bob: approver
  carol: admin
  victor: viewer
"""


@pytest.fixture
def policy(tmp_path: Path) -> ApprovalPolicy:
    path = tmp_path / "policy.yaml"
    path.write_text(GOOD)
    return load_policy(path)


def test_starter_policy_loads() -> None:
    policy = load_policy(REPO_POLICY)
    assert policy.version == 1
    assert policy.users == {
        "alice": "planner",
        "bob": "approver",
        "carol": "admin",
        "victor": "viewer",
    }
    assert policy.roles["approver"] == RolePolicy(
        may_draft=True, may_approve=("transfer", "purchase_order"), max_order_value=25000
    )
    assert not policy.roles["viewer"].may_draft and policy.roles["planner"].may_draft


def test_default_path_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from stockpilot import policy as module
    from stockpilot.settings import Settings

    monkeypatch.setattr(module, "get_settings", lambda: Settings(policy_file=REPO_POLICY))
    assert load_policy() == load_policy(REPO_POLICY)


def test_role_of(policy: ApprovalPolicy) -> None:
    assert policy.role_of("bob") == "approver"
    assert policy.role_of("mallory") is None
    assert policy.role_of("Bob") is None  # names are exact


@pytest.mark.parametrize(
    ("user", "may_draft"),
    [("alice", True), ("bob", True), ("carol", True), ("victor", False), ("mallory", False)],
)
def test_may_draft(policy: ApprovalPolicy, user: str, may_draft: bool) -> None:
    assert policy.may_draft(user) is may_draft


@pytest.mark.parametrize("action", ["transfer", "purchase_order"])
@pytest.mark.parametrize(
    ("user", "role", "allowed", "limit"),
    [
        ("victor", "viewer", False, 0.0),
        ("alice", "planner", False, 0.0),
        ("bob", "approver", True, 25000.0),
        ("carol", "admin", True, 250000.0),
    ],
)
def test_each_role_and_action(
    policy: ApprovalPolicy, user: str, role: str, allowed: bool, limit: float, action: str
) -> None:
    result = policy.authorize(user, action, 100.0)
    assert result.allowed is allowed and result.role == role and result.limit == limit
    if not allowed:
        assert result.reason == f"{user} ({role}) may not approve {action}"


def test_limit_boundary(policy: ApprovalPolicy) -> None:
    assert policy.authorize("bob", "purchase_order", 25000).allowed
    assert policy.authorize("bob", "purchase_order", 25000.004).allowed  # same in cents
    assert not policy.authorize("bob", "purchase_order", 25000.01).allowed
    assert policy.authorize("bob", "transfer", 0).allowed
    assert policy.authorize("carol", "purchase_order", 250000).allowed
    assert not policy.authorize("carol", "purchase_order", 250000.5).allowed


def test_reason_over_limit(policy: ApprovalPolicy) -> None:
    result = policy.authorize("bob", "purchase_order", 31200)
    assert not result.allowed and result.limit == 25000
    assert result.reason == (
        "bob (approver) may approve purchase_order up to 25,000.00; this one is 31,200.00"
    )
    assert policy.authorize("bob", "purchase_order", 1200).reason.endswith("this one is 1,200.00")


def test_unknown_user_and_action(policy: ApprovalPolicy) -> None:
    unknown = policy.authorize("mallory", "transfer", 1)
    assert not unknown.allowed and unknown.role is None and "unknown user" in unknown.reason
    action = policy.authorize("carol", "delete_store", 1)
    assert not action.allowed and "unknown action" in action.reason


@pytest.mark.parametrize("value", [-1.0, float("nan"), float("inf")])
def test_bad_values_are_refused(policy: ApprovalPolicy, value: float) -> None:
    assert not policy.authorize("carol", "transfer", value).allowed


def _bad(tmp_path: Path, content: str) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    return message


def test_unknown_action_name(tmp_path: Path) -> None:
    message = _bad(
        tmp_path,
        GOOD.replace(
            "[transfer, purchase_order], max_order_value: 25000",
            "[transfer, refund], max_order_value: 25000",
        ),
    )
    assert "roles.approver.may_approve.1" in message


def test_negative_limit(tmp_path: Path) -> None:
    message = _bad(tmp_path, GOOD.replace("25000", "-5"))
    assert "roles.approver.max_order_value" in message and "greater than or equal to 0" in message


def test_user_with_unknown_role(tmp_path: Path) -> None:
    message = _bad(tmp_path, GOOD.replace("bob: approver", "bob: boss"))
    assert "users.bob: unknown role 'boss'" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (GOOD.replace("version: 1", "version: 2"), "version"),
        (GOOD.replace("users:", "user:"), "user"),
        (GOOD.replace("may_draft: false,", "may_draft: false, may_delete: true,"), "may_delete"),
        (GOOD + "  bob: admin\n", "duplicate key 'bob'"),
        ("roles: [\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("", "expected a mapping"),
        (GOOD.replace("version: 1\n", ""), "version: Field required"),
    ],
)
def test_bad_files(tmp_path: Path, content: str, expected: str) -> None:
    assert expected in _bad(tmp_path, content)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "nope.yaml")


# -- the planning section ------------------------------------------------------------------------

PLANNING = """
planning:
  abc_thresholds: {A: 0.8, B: 0.95}
  service_levels: {A: 0.98, B: 0.95, C: 0.9}
  review_period_days: 7
  overstock_days: 120
  max_cover_days: {A: 90, B: 105, C: 120}
"""


def load_text(tmp_path: Path, text: str) -> ApprovalPolicy:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return load_policy(path)


def test_planning_section_is_optional_and_validated(tmp_path: Path) -> None:
    assert load_text(tmp_path, GOOD).planning is None  # version 1 without it: today's behaviour
    plan = load_text(tmp_path, GOOD + PLANNING).planning
    assert plan is not None
    assert plan.service_levels == {"A": 0.98, "B": 0.95, "C": 0.9}
    assert plan.abc_thresholds == {"A": 0.8, "B": 0.95}
    assert (plan.review_period_days, plan.overstock_days) == (7, 120)
    assert plan.max_cover_days == {"A": 90, "B": 105, "C": 120}
    only_levels = load_text(
        tmp_path, GOOD + "planning:\n  service_levels: {A: .99, B: .9, C: .8}\n"
    )
    assert only_levels.planning is not None
    assert only_levels.planning.abc_thresholds == {"A": 0.8, "B": 0.95}  # the default cut-offs
    assert only_levels.planning.review_period_days is None  # falls back to the settings


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("C: 0.9}", "C: 0.4}", r"planning.*service_levels\.C: must be above 0\.5"),
        ("B: 0.95, C: 0.9}", "B: 0.95}", r"service_levels: missing class C"),
        ("{A: 0.98", "{D: 0.5, A: 0.98", r"planning\.service_levels\.D"),
        ("{A: 0.8, B: 0.95}", "{A: 0.95, B: 0.8}", r"abc_thresholds: A \(0\.95\) must be below B"),
        ("{A: 0.8, B: 0.95}", "{A: 0.8}", r"abc_thresholds: give both A and B"),
        ("review_period_days: 7", "review_period_days: 0", r"planning\.review_period_days"),
        ("overstock_days: 120", "overstock_days: ten", r"planning\.overstock_days"),
        ("overstock_days: 120", "overstock_days: 120\n  horizon: 9", r"planning\.horizon"),
        ("B: 105, C: 120}", "B: 105}", r"max_cover_days: missing class C"),
        ("{A: 90,", "{A: 0,", r"planning.*max_cover_days\.A: must be 1 to 3650 days"),
        ("{A: 90,", "{A: many,", r"planning\.max_cover_days\.A"),
    ],
)
def test_invalid_planning_sections_are_refused_naming_the_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = GOOD + PLANNING.replace(old, new)
    assert text != GOOD + PLANNING
    with pytest.raises(PolicyError, match=message) as info:
        load_text(tmp_path, text)
    assert str(tmp_path / "policy.yaml") in str(info.value)


def test_the_repository_policy_file_has_class_service_levels() -> None:
    plan = load_policy(REPO_POLICY).planning
    assert plan is not None and plan.service_levels == {"A": 0.98, "B": 0.95, "C": 0.9}


def test_approvers_are_the_roles_whose_limit_covers_the_value() -> None:
    policy = load_policy(REPO_POLICY)
    assert [r for r, _, _ in policy.approvers("transfer", 100.0)] == ["approver", "admin"]
    assert policy.approvers("purchase_order", 25_000.0)[0][:2] == ("approver", 25_000.0)
    assert [r for r, _, _ in policy.approvers("purchase_order", 25_000.01)] == ["admin"]
    assert policy.approvers("purchase_order", 300_000.0) == []
    assert policy.approvers("expedite", 1.0) == []
    for role, _, users in policy.approvers("transfer", 1.0):
        assert all(policy.role_of(u) == role for u in users)
        assert policy.authorize(users[0], "transfer", 1.0).allowed
