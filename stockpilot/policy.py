"""Load the policy file: who may draft and approve what, and the planning service levels.

The policy is a YAML file (`Settings.policy_file`, by default `config/policy.yaml`) mapping
StockPilot users to roles and roles to their authority. Anything not granted is refused: an
unknown user, an unknown action, or a value above the role's limit.

Its optional `planning` section is the replenishment policy the planning engine applies: ABC
class cut-offs (cumulative share of 12-month sales value), the target cycle service level of
each class, the review period, the overstock threshold and the most days of cover a draft may
leave a location with before it carries a warning. Without it the engine uses the
`Settings` values (one service level for every SKU). The playbook documents in
`knowledge/corpus/` quote these numbers; `tests/stockpilot/test_policy_documents.py` checks that
they agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from stockpilot.settings import get_settings
from stockpilot.vocabulary import DRAFTABLE_KINDS, ActionKind

AbcClass = Literal["A", "B", "C"]
ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")
DEFAULT_ABC_THRESHOLDS: dict[str, float] = {"A": 0.80, "B": 0.95}


class PolicyError(ValueError):
    """Raised when a policy file cannot be read or is invalid; names the file and the field."""


class RolePolicy(BaseModel):
    """What the users of one role may do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    may_draft: bool = False
    may_approve: tuple[ActionKind, ...] = ()
    max_order_value: float = Field(0.0, ge=0, allow_inf_nan=False)

    @field_validator("may_approve")
    @classmethod
    def _approvable(cls, kinds: tuple[ActionKind, ...]) -> tuple[ActionKind, ...]:
        """Only the kinds that become an ERP document can be approved."""
        for kind in kinds:
            if kind not in DRAFTABLE_KINDS:
                names = ", ".join(DRAFTABLE_KINDS)
                raise ValueError(f"{kind.value!r} is not an action to approve (one of {names})")
        return kinds


@dataclass(frozen=True)
class Authorization:
    """The answer to "may this user approve this action of this value?"."""

    allowed: bool
    reason: str
    role: str | None
    limit: float


class CostModel(BaseModel):
    """The cost model the planner plans with and the simulation charges (absent: the defaults).

    Holding per unit-day is `holding_rate_per_year / 365 × unit cost`; an order line costs
    `purchase_order_line_cost` (a PO line) or `transfer_line_cost` (a transfer line), which
    sizes lots; excess stock risks `markdown_rate_per_year × unit cost` per unit-year, which
    with holding ranks overstock against lost margin. Defaults: `planning.params.PlanParams`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    holding_rate_per_year: float | None = Field(None, ge=0, le=5, allow_inf_nan=False)
    purchase_order_line_cost: float | None = Field(None, ge=0, allow_inf_nan=False)
    transfer_line_cost: float | None = Field(None, ge=0, allow_inf_nan=False)
    markdown_rate_per_year: float | None = Field(None, ge=0, le=5, allow_inf_nan=False)

    def given(self) -> dict[str, float]:
        """Return the costs the file gives (the rest fall back to the defaults)."""
        return {k: float(v) for k, v in self.model_dump().items() if v is not None}


class PlanningPolicy(BaseModel):
    """The replenishment rules the planning engine applies (the file's `planning` section).

    `abc_thresholds` are the upper cumulative shares of 12-month sales value of classes A and B
    (C is the rest); `service_levels` the target cycle service level per class;
    `max_cover_days` the days of cover per class beyond which a drafted order carries a warning.
    Absent fields fall back to the settings (`STOCKPILOT_SERVICE_LEVEL`, `_REVIEW_PERIOD_DAYS`,
    ...) or to the engine's defaults (`planning.params.PlanParams`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    abc_thresholds: dict[Literal["A", "B"], float] = Field(
        default_factory=lambda: dict(DEFAULT_ABC_THRESHOLDS)  # type: ignore[arg-type]
    )
    service_levels: dict[AbcClass, float] | None = None
    review_period_days: int | None = Field(None, ge=1, le=90)
    overstock_days: int | None = Field(None, ge=14)
    max_cover_days: dict[AbcClass, float] | None = None
    # The class levels are floors under the economic critical ratio; false: exact targets.
    economic_service_level: bool = True
    costs: CostModel = Field(default_factory=CostModel)

    @model_validator(mode="after")
    def _check(self) -> PlanningPolicy:
        cut = self.abc_thresholds
        if set(cut) != {"A", "B"}:
            raise ValueError("abc_thresholds: give both A and B (C is the rest)")
        for cls, share in cut.items():
            if not 0.0 < share <= 1.0:
                raise ValueError(f"abc_thresholds.{cls}: must be in (0, 1], got {share}")
        if not cut["A"] < cut["B"]:
            raise ValueError(
                f"abc_thresholds: A ({cut['A']}) must be below B ({cut['B']}): "
                "they are cumulative shares"
            )
        if self.service_levels is not None:
            missing = [c for c in ABC_CLASSES if c not in self.service_levels]
            if missing:
                raise ValueError(f"service_levels: missing class {', '.join(missing)}")
            for name, level in self.service_levels.items():
                if not 0.5 < level < 1.0:
                    raise ValueError(
                        f"service_levels.{name}: must be above 0.5 and below 1, got {level}"
                    )
        if self.max_cover_days is not None:
            missing = [c for c in ABC_CLASSES if c not in self.max_cover_days]
            if missing:
                raise ValueError(f"max_cover_days: missing class {', '.join(missing)}")
            for name, days in self.max_cover_days.items():
                if not 1 <= days <= 3650:
                    raise ValueError(f"max_cover_days.{name}: must be 1 to 3650 days, got {days}")
        return self


class ApprovalPolicy(BaseModel):
    """Roles and the users assigned to them, and the optional planning rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    roles: dict[str, RolePolicy]
    users: dict[str, str] = Field(default_factory=dict)
    planning: PlanningPolicy | None = None

    @model_validator(mode="after")
    def _users_have_known_roles(self) -> ApprovalPolicy:
        for user, role in self.users.items():
            if role not in self.roles:
                known = ", ".join(sorted(self.roles)) or "none"
                raise ValueError(f"users.{user}: unknown role {role!r} (roles: {known})")
        return self

    def role_of(self, user: str) -> str | None:
        """Return the user's role, or None for a user the policy does not know."""
        return self.users.get(user)

    def may_draft(self, user: str) -> bool:
        """Return whether the user may draft proposals."""
        role = self.role_of(user)
        return role is not None and self.roles[role].may_draft

    def approvers(self, action: str, value: float) -> list[tuple[str, float, list[str]]]:
        """Return the roles that may approve `action` worth `value`: (role, limit, users).

        The lowest sufficient authority first; a value equal to the limit is allowed, as in
        `authorize`.
        """
        out = [
            (role, rules.max_order_value, sorted(u for u, r in self.users.items() if r == role))
            for role, rules in self.roles.items()
            if action in rules.may_approve and round(value, 2) <= round(rules.max_order_value, 2)
        ]
        return sorted(out, key=lambda r: (r[1], r[0]))

    def authorize(self, user: str, action: str, value: float) -> Authorization:
        """Decide whether `user` may approve `action` worth `value`, and say why.

        Values are compared in cents, so a value equal to the limit (as displayed) is allowed.
        """
        role = self.role_of(user)
        if role is None:
            return Authorization(False, f"unknown user {user!r}: not in the policy", None, 0.0)
        rules = self.roles[role]
        who = f"{user} ({role})"
        if action not in DRAFTABLE_KINDS:
            return Authorization(False, f"unknown action {action!r}", role, 0.0)
        if action not in rules.may_approve:
            return Authorization(False, f"{who} may not approve {action}", role, 0.0)
        limit = rules.max_order_value
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            return Authorization(False, f"invalid order value {value!r}", role, limit)
        if value < 0:
            return Authorization(False, f"negative order value {value:,.2f}", role, limit)
        allowed = round(value, 2) <= round(limit, 2)
        reason = f"{who} may approve {action} up to {limit:,.2f}; this one is {value:,.2f}"
        return Authorization(allowed, reason, role, limit)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate mapping keys (a silently shadowed user)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _describe(error: ValidationError) -> str:
    parts = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


ModelT = TypeVar("ModelT", bound=BaseModel)


def load_yaml_model(
    path: Path, model: type[ModelT], *, what: str, expected: str, error: type[ValueError]
) -> ModelT:
    """Read a YAML config file into `model`; raise `error` naming the file and the field.

    Safe (plain data only) and refusing duplicate keys, so nothing is silently overwritten.
    """
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} file ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise error(f"{path}: expected a mapping with {expected}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise error(f"{path}: {_describe(exc)}") from exc


def load_policy(path: str | Path | None = None) -> ApprovalPolicy:
    """Read and validate a policy file (default: the configured `policy_file`)."""
    if path is None:
        path = get_settings().policy_file
    return load_yaml_model(
        Path(path),
        ApprovalPolicy,
        what="policy",
        expected="version, roles and users",
        error=PolicyError,
    )
