import pytest
from pydantic import ValidationError

from stockpilot.settings import Settings


def test_defaults_need_no_configuration(monkeypatch):
    monkeypatch.delenv("STOCKPILOT_DATABASE_URL", raising=False)
    s = Settings(_env_file=None)
    assert s.database_url == "sqlite:///var/stockpilot.db"
    assert str(s.sqlite_path) == "var/stockpilot.db"


def test_environment_variables_use_the_prefix(monkeypatch):
    monkeypatch.setenv("STOCKPILOT_HORIZON_DAYS", "28")
    monkeypatch.setenv("STOCKPILOT_DATABASE_URL", "postgresql+psycopg://u@h/db")
    s = Settings(_env_file=None)
    assert s.horizon_days == 28
    assert s.sqlite_path is None


@pytest.mark.parametrize("environment", ["production", "test"])
def test_placeholder_secret_refuses_to_start_outside_development(monkeypatch, environment):
    monkeypatch.setenv("STOCKPILOT_ENVIRONMENT", environment)
    monkeypatch.setenv("STOCKPILOT_SECRET_KEY", "change-me")
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(_env_file=None)


@pytest.mark.parametrize(
    "variable",
    [
        "STOCKPILOT_SLACK_SIGNING_SECRET",
        "STOCKPILOT_SLACK_BOT_TOKEN",
        "STOCKPILOT_TEAMS_APP_PASSWORD",
    ],
)
def test_placeholder_bot_secrets_refuse_to_start_outside_development(monkeypatch, variable):
    monkeypatch.setenv("STOCKPILOT_SECRET_KEY", "a-long-random-value-7f3a9c")
    monkeypatch.setenv(variable, "change-me")
    assert Settings(_env_file=None, environment="development")  # fine while developing
    monkeypatch.setenv("STOCKPILOT_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match=variable):
        Settings(_env_file=None)


def test_real_secret_starts_in_production(monkeypatch):
    monkeypatch.setenv("STOCKPILOT_ENVIRONMENT", "production")
    monkeypatch.setenv("STOCKPILOT_SECRET_KEY", "a-long-random-value-7f3a9c")
    assert Settings(_env_file=None).environment == "production"


def test_out_of_range_value_is_refused(monkeypatch):
    monkeypatch.setenv("STOCKPILOT_SERVICE_LEVEL", "1.5")
    with pytest.raises(ValidationError, match="service_level"):
        Settings(_env_file=None)


def test_database_settings_take_a_path_or_a_url() -> None:
    from stockpilot.settings import Settings

    s = Settings(_env_file=None, checkpoint_url="/srv/ckpt.db", database_url="var/store.db")
    assert s.checkpoint_url == "sqlite:////srv/ckpt.db"
    assert s.database_url == "sqlite:///var/store.db"
    assert Settings(_env_file=None, checkpoint_url=" ").checkpoint_url is None
    url = "postgresql+psycopg://u:p@h/db"
    assert Settings(_env_file=None, checkpoint_url=url).checkpoint_url == url


def test_a_bad_setting_is_described_by_its_variable(monkeypatch) -> None:
    import pytest

    from stockpilot.settings import SettingsProblem, get_settings, load_settings

    monkeypatch.setenv("STOCKPILOT_CHECKPOINT_URL", "ftp://x")
    monkeypatch.setenv("STOCKPILOT_REVIEW_PERIOD_DAYS", "0")
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsProblem) as info:
            load_settings()
    finally:
        get_settings.cache_clear()
    lines = sorted(str(info.value).splitlines())
    assert len(lines) == 2
    assert lines[0].startswith("STOCKPILOT_CHECKPOINT_URL: 'ftp' is not supported")
    assert lines[1].startswith("STOCKPILOT_REVIEW_PERIOD_DAYS: ")


@pytest.mark.parametrize(
    "address", ["tcp://127.0.0.1:8786", "tls://scheduler.internal:8786", "tcp://[::1]:8786"]
)
def test_a_dask_scheduler_is_an_address(address) -> None:
    assert Settings(_env_file=None, dask_scheduler=address).dask_scheduler == address
    assert Settings(_env_file=None, dask_scheduler=" ").dask_scheduler is None
    assert Settings(_env_file=None).dask_scheduler is None


@pytest.mark.parametrize("address", ["127.0.0.1:8786", "http://h:8786", "tcp://h", "tcp://h:x"])
def test_a_bad_dask_scheduler_is_named(monkeypatch, address) -> None:
    from stockpilot.settings import SettingsProblem, get_settings, load_settings

    monkeypatch.setenv("STOCKPILOT_DASK_SCHEDULER", address)
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsProblem) as info:
            load_settings()
    finally:
        get_settings.cache_clear()
    assert str(info.value).startswith("STOCKPILOT_DASK_SCHEDULER: ")
    assert "tcp://host:port" in str(info.value) and "\n" not in str(info.value)
