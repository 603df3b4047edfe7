"""The workspace's planning parameters: the policy file's planning section over the settings."""

from __future__ import annotations

from pathlib import Path

from erp.store import replace_snapshot
from planning.params import PlanParams
from stockpilot.policy import load_policy
from stockpilot.settings import Settings
from tests.conftest import small_network
from tools.plan_cache import plan_params
from tools.workspace import Workspace

REPO_POLICY = Path(__file__).resolve().parents[2] / "config" / "policy.yaml"
APPROVALS_ONLY = """\
version: 1
roles:
  planner: {may_draft: true, may_approve: [], max_order_value: 0}
users:
  alice: planner
"""


def settings(tmp_path: Path, **kw) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 's.db'}",
        plan_cache_dir=None,
        knowledge_dir=tmp_path / "knowledge",
        **kw,
    )


def test_the_policy_file_sets_class_levels_review_and_overstock(tmp_path):
    s = settings(tmp_path, review_period_days=14, overstock_days=200, service_level=0.9)
    p = plan_params(s, load_policy(REPO_POLICY))
    assert p.class_service_levels() == {"A": 0.98, "B": 0.95, "C": 0.90}
    assert p.abc_cutoffs() == {"A": 0.80, "B": 0.95}
    assert (p.review_period_days, p.overstock_days) == (7, 120)  # the file wins over settings
    assert p.class_max_cover_days() == {"A": 90, "B": 105, "C": 120}
    assert p.service_level == 0.9  # kept as the fallback level
    assert p.horizon_days == s.horizon_days and p.history_days == s.history_days


def test_the_policy_file_sets_the_maximum_cover_of_a_draft(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(APPROVALS_ONLY + "planning:\n  max_cover_days: {A: 30, B: 45, C: 60}\n")
    p = plan_params(settings(tmp_path), load_policy(path))
    assert p.class_max_cover_days() == {"A": 30, "B": 45, "C": 60}
    assert plan_params(settings(tmp_path)).class_max_cover_days() == {"A": 90, "B": 105, "C": 120}


def test_without_a_planning_section_the_settings_apply_as_before(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(APPROVALS_ONLY)
    s = settings(tmp_path, review_period_days=14, service_level=0.9, policy_file=path)
    p = plan_params(s, load_policy(path))
    assert p == PlanParams(
        horizon_days=s.horizon_days,
        service_level=0.9,
        review_period_days=14,
        overstock_days=s.overstock_days,
        history_days=s.history_days,
    )
    assert p.class_service_levels() is None
    assert plan_params(s) == p  # no policy at all: the same


def test_workspace_plans_with_the_policy_levels_and_explicit_params_win(tmp_path):
    ws = Workspace.open(settings(tmp_path, policy_file=REPO_POLICY))
    replace_snapshot(ws.engine, small_network(), source="t")
    assert ws.plans.params.class_service_levels() == {"A": 0.98, "B": 0.95, "C": 0.90}
    pos = ws.queries.inventory("A", "DC1")[0]
    # A's margin against its holding over a review is worth more than class A's 0.98 floor:
    # the economic critical ratio, capped at 0.995.
    assert (pos["abc_class"], pos["service_level"]) == ("A", 0.995)

    explicit = PlanParams(service_level=0.9, economic_service_level=False)
    other = Workspace.open(settings(tmp_path / "x", policy_file=REPO_POLICY), params=explicit)
    assert other.plans.params is explicit
    replace_snapshot(other.engine, small_network(), source="t")
    pos2 = other.queries.inventory("A", "DC1")[0]
    assert pos2["service_level"] == 0.9 and pos2["safety_stock"] < pos["safety_stock"]
