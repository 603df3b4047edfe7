"""Read StockPilot's configuration, once, from the environment and `.env`."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "placeholder", "secret"})
# A Dask scheduler address: scheme://host:port (host a name, IPv4 or [IPv6]).
DASK_ADDRESS = r"(tcp|tls|ws|wss|ucx)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):[0-9]{1,5}"


def scheduler_address(text: str) -> str | None:
    """Return a Dask scheduler address (tcp://host:port) stripped, None for an empty one.

    Raises ValueError saying what form is expected.
    """
    address = text.strip()
    if not address:
        return None
    if not re.fullmatch(DASK_ADDRESS, address):
        raise ValueError(
            f"{address!r} is not a Dask scheduler address: give tcp://host:port "
            "(or tls://, ws://, wss://, ucx://)"
        )
    return address


class Settings(BaseSettings):
    """All configuration for StockPilot; environment variables use the `STOCKPILOT_` prefix."""

    model_config = SettingsConfigDict(
        env_prefix="STOCKPILOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/stockpilot.db"
    secret_key: str = "change-me"

    # Planning defaults (overridable per call).
    horizon_days: int = Field(56, ge=7, le=365, description="Projection horizon in days.")
    service_level: float = Field(0.95, gt=0.5, lt=1.0, description="Target cycle service level.")
    review_period_days: int = Field(7, ge=1, le=90, description="Days between regular reviews.")
    overstock_days: int = Field(
        120, ge=14, description="Days of cover beyond which stock is excess."
    )
    history_days: int = Field(730, ge=56, description="Days of sales history to forecast from.")
    sales_bucket: Literal["auto", "day", "week", "month"] = Field(
        "auto",
        description="Time bucket of the sales rows: daily, weekly or monthly data; auto infers "
        "it from the sales dates (all on the 1st or all month-ends: monthly; all on one "
        "weekday: weekly).",
    )
    forecast_decline: Literal["smoothed", "fitted"] = Field(
        "fitted",
        description="How a daily intermittent series whose sales fell significantly is "
        "forecast: fitted (the default: the log-linear rate of its days up to its last sale, "
        "method 'declining') or smoothed (its smoothed level; docs/planning.md).",
    )
    plan_cache_dir: Path | None = Field(
        Path("var/cache"), description="Where computed plans are cached; empty disables it."
    )
    dask_scheduler: str | None = Field(
        None,
        description="Dask scheduler (tcp://host:8786) that `stockpilot plan` maps the plan's "
        "partitions over; unset: they run in the planning process.",
    )

    # Copilot models: the offline planner model unless an OpenAI-compatible key is set.
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "STOCKPILOT_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("OPENAI_BASE_URL", "STOCKPILOT_OPENAI_BASE_URL")
    )
    model: str = Field("gpt-4o-mini", description="Model name for the OpenAI-compatible path.")
    cli_user: str = Field("alice", description="Who the command line acts as by default.")
    cli_allow_user_override: bool = Field(
        False,
        description="Outside development, let `stockpilot approve --user U` decide as another "
        "user (an operator's break-glass; every CLI decision is audited as such).",
    )
    # Governance: who may approve what, and where paused threads are kept.
    policy_file: Path = Field(
        PROJECT_ROOT / "config" / "policy.yaml", description="Approval authority policy."
    )
    checkpoint_url: str | None = Field(
        None,
        description="Checkpointer database; default: var/checkpoints.db, or the store's "
        "PostgreSQL database when that is PostgreSQL.",
    )

    # The ERP that approved actions are written to, and where `stockpilot erp sync` reads from.
    erp: Literal["builtin", "tryton"] = Field(
        "builtin", description="builtin: this store; tryton: a Tryton server over JSON-RPC."
    )
    tryton_url: str = Field(
        "http://127.0.0.1:8000", description="Base URL of the Tryton server (trytond)."
    )
    tryton_database: str = Field("tryton", min_length=1, description="Tryton database name.")
    tryton_user: str = Field("admin", min_length=1, description="Tryton login.")
    tryton_password: SecretStr | None = Field(None, description="Tryton password.")
    tryton_timeout_s: float = Field(30.0, gt=0, le=600, description="Per-call timeout.")

    # HTTP API.
    api_tokens: dict[str, str] = Field(
        default_factory=dict,
        description="Bearer tokens (or X-API-Key values) → StockPilot user, as JSON. Empty in "
        "development: every policy user gets the token 'dev-<user>'.",
    )
    api_host: str = "127.0.0.1"
    api_port: int = Field(8000, ge=1, le=65535)
    api_workers: int = Field(1, ge=1, le=64)
    max_body_bytes: int = Field(1_000_000, ge=1_000, description="Largest request body accepted.")
    recovery_interval_seconds: float = Field(
        60.0,
        ge=0,
        le=86_400,
        description="The API repairs interrupted turns and approvals at start-up and then this "
        "often (0: never, not even at start-up).",
    )

    # Planner workbench (Streamlit): it reaches the API over HTTP, as the holder of this token.
    ui_api_url: str = Field("http://127.0.0.1:8000", description="Base URL of the StockPilot API.")
    ui_api_token: SecretStr | None = Field(
        None,
        description="Bearer token the workbench sends; in development, unset means a user "
        "picker over the 'dev-<user>' tokens.",
    )
    ui_port: int = Field(8501, ge=1, le=65535)

    # Knowledge base (planning policies and SOPs in Chroma).
    knowledge_dir: Path = Field(
        Path("var/knowledge"), description="Chroma PersistentClient directory."
    )
    chroma_url: str | None = Field(
        None, description="Chroma server URL (http://host:port); set, it replaces knowledge_dir."
    )
    knowledge_corpus_dir: Path = Field(
        PROJECT_ROOT / "knowledge" / "corpus", description="The playbook ingested by default."
    )
    embedding: str = Field("hashing", description="Embedding for the knowledge base.")

    # Slack and Microsoft Teams bots (mounted by the API when configured).
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = Field(
        "https://slack.com/api/", description="Slack Web API base URL (tests point it locally)."
    )
    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    teams_app_tenant_id: str | None = None
    aliases_file: Path = Field(
        PROJECT_ROOT / "config" / "aliases.yaml",
        description="Extra names of SKUs, locations and suppliers the copilot understands.",
    )
    identities_file: Path = Field(
        PROJECT_ROOT / "config" / "identities.yaml",
        description="Slack user ids / Teams AAD object ids -> StockPilot users.",
    )

    @field_validator("database_url", "checkpoint_url", mode="before")
    @classmethod
    def _path_or_url(cls, value: object) -> object:
        """Accept a database URL or a plain file path (a SQLite file), refuse anything else."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        if "://" not in text:
            return f"sqlite:///{text}"
        try:
            backend = make_url(text).get_backend_name()
        except ArgumentError:
            raise ValueError(f"{text!r} is not a database URL or a file path") from None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(
                f"{backend!r} is not supported: give a file path, sqlite:///path or "
                "postgresql+psycopg://user:password@host/database"
            )
        return text

    @field_validator("plan_cache_dir", mode="before")
    @classmethod
    def _empty_means_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("dask_scheduler", mode="before")
    @classmethod
    def _scheduler_address(cls, value: object) -> object:
        return scheduler_address(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        placeholder = self.secret_key.strip().lower() in PLACEHOLDER_SECRETS
        if self.environment != "development" and placeholder:
            raise ValueError(
                "STOCKPILOT_SECRET_KEY is a placeholder; set a real secret outside development"
            )
        if self.environment != "development":
            for name in (
                "slack_signing_secret",
                "slack_bot_token",
                "teams_app_password",
                "tryton_password",
            ):
                value: SecretStr | None = getattr(self, name)
                if value is not None and value.get_secret_value().strip().lower() in (
                    PLACEHOLDER_SECRETS
                ):
                    raise ValueError(
                        f"STOCKPILOT_{name.upper()} is a placeholder; set the real value or "
                        "leave it unset"
                    )
        if (
            self.environment != "development"
            and self.erp == "tryton"
            and (
                self.tryton_password is None
                or self.tryton_password.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS
            )
        ):
            raise ValueError(
                "STOCKPILOT_TRYTON_PASSWORD is unset or a placeholder; set the Tryton user's "
                "real password outside development"
            )
        return self

    @property
    def sqlite_path(self) -> Path | None:
        """Return the file behind a SQLite URL, or None for other databases."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and self.database_url != "sqlite:///:memory:":
            return Path(self.database_url[len(prefix) :])
        return None


class SettingsProblem(ValueError):
    """A setting is missing or malformed: each line names the variable and what is wrong."""


def variable_of(field: str) -> str:
    """Return the environment variable that sets a `Settings` field."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"STOCKPILOT_{field.upper()}"


def describe(exc: ValidationError | SettingsError) -> SettingsProblem:
    """Turn a settings failure into one line per bad variable (no traceback, no pydantic URL)."""
    if isinstance(exc, SettingsError):
        found = re.search(r'field "(\w+)"', str(exc))
        name = variable_of(found.group(1)) if found else "a STOCKPILOT_ setting"
        return SettingsProblem(f"{name}: is not valid JSON")
    lines = []
    for error in exc.errors(include_url=False):
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        loc = error.get("loc") or ()
        if not loc:  # a rule over several settings: its message names them
            lines.append(message)
            continue
        shown = error.get("input")
        got = f" (got {shown!r})" if isinstance(shown, str | int | float) else ""
        lines.append(f"{variable_of(str(loc[0]))}: {message}{got}")
    return SettingsProblem("\n".join(lines))


def load_settings() -> Settings:
    """Return the process-wide settings; raise SettingsProblem naming each bad variable."""
    try:
        return get_settings()
    except (ValidationError, SettingsError) as exc:
        raise describe(exc) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
