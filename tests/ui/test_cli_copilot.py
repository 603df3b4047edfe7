"""The copilot commands: ask, approve and audit, with the offline model on the small network."""

import json

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from graph.context import default_model
from stockpilot.settings import get_settings
from tools.context import default_workspace
from ui.cli import app


@pytest.fixture
def cli(tmp_path, monkeypatch, csv_dir):
    db = tmp_path / "cli.db"
    monkeypatch.setenv("STOCKPILOT_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("STOCKPILOT_PLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STOCKPILOT_CHECKPOINT_URL", f"sqlite:///{tmp_path / 'cp.db'}")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    for cached in (get_settings, default_model, default_workspace):
        cached.cache_clear()
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    assert run("import", str(csv_dir)).exit_code == 0
    run.db = db  # type: ignore[attr-defined]
    yield run
    for cached in (get_settings, default_model, default_workspace):
        cached.cache_clear()


def test_ask_draft_approve_and_verify_the_audit(cli):
    asked = cli("ask", "transfer 20 A from DC1 to S1", "--thread", "c1", "--json")
    assert asked.exit_code == 0, asked.output
    turn = json.loads(asked.output)
    assert turn["tool_calls"][0]["name"] == "draft_transfer"
    [pending] = turn["pending"]
    assert pending["args"]["qty"] == 20

    refused = json.loads(cli("approve", "c1", "--json").output)  # default user alice: planner
    assert refused["outcomes"][0]["outcome"] == "refused"

    done = cli(
        "approve", "c1", "--user", "bob", "--interrupt-id", refused["pending"][0]["interrupt_id"]
    )
    assert done.exit_code == 0, done.output
    assert "committed" in done.output and "TR-SP-" in done.output

    again = cli("approve", "c1", "--user", "bob")
    assert again.exit_code == 1
    assert "not waiting" in again.output

    audit = cli("audit", "--verify")
    assert audit.exit_code == 0
    assert "verified" in audit.output
    events = [e["event"] for e in json.loads(cli("audit", "--json").output)["entries"]]
    # Every command-line decision is on the trail as such, before what it decided.
    assert events == [
        "proposal",
        "cli_decision",
        "refusal",
        "cli_decision",
        "decision",
        "commit",
        "cli_decision",
    ]


def test_tampered_audit_row_is_detected(cli):
    cli("ask", "transfer 20 A from DC1 to S1", "--thread", "c2")
    cli("approve", "c2", "--user", "bob")
    engine = create_engine(f"sqlite:///{cli.db}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE event = 'decision'"))
    result = cli("audit", "--verify")
    assert result.exit_code == 1
    assert "verify:" in result.output


def test_edit_needs_a_quantity_and_stale_interrupts_are_refused(cli):
    cli("ask", "transfer 20 A from DC1 to S1", "--thread", "c3")
    assert cli("approve", "c3", "--user", "bob", "--decision", "edit").exit_code == 2
    stale = cli("approve", "c3", "--user", "bob", "--interrupt-id", "nope")
    assert stale.exit_code == 1 and "not pending" in stale.output
    edited = json.loads(
        cli("approve", "c3", "--user", "bob", "--decision", "edit", "--qty", "12", "--json").output
    )
    assert edited["outcomes"][0]["outcome"] == "committed"
    assert edited["committed"][0]["qty"] == 12


@pytest.mark.parametrize("qty", ["100000000000000000000000", "10000001", "1e23"])
def test_an_edit_beyond_the_bound_is_refused_naming_qty_and_the_thread_still_waits(cli, qty):
    cli("ask", "transfer 20 A from DC1 to S1", "--thread", "c5")
    refused = cli("approve", "c5", "--user", "bob", "--decision", "edit", "--qty", qty)
    assert refused.exit_code == 2
    assert "--qty" in refused.output
    if qty != "1e23":  # not a whole number at all: the option's type says so
        assert "10000000" in refused.output
    edited = json.loads(
        cli("approve", "c5", "--user", "bob", "--decision", "edit", "--qty", "12", "--json").output
    )
    assert edited["committed"][0]["qty"] == 12


def test_deciding_as_another_user_is_refused_outside_development(cli, monkeypatch):
    cli("ask", "transfer 20 A from DC1 to S1", "--thread", "c4")
    monkeypatch.setenv("STOCKPILOT_ENVIRONMENT", "production")
    monkeypatch.setenv("STOCKPILOT_SECRET_KEY", "a-real-secret-for-the-test")
    get_settings.cache_clear()
    refused = cli("approve", "c4", "--user", "bob")
    assert refused.exit_code == 2
    assert "STOCKPILOT_CLI_ALLOW_USER_OVERRIDE" in refused.output
    entries = json.loads(cli("audit", "--json").output)["entries"]
    assert [e["event"] for e in entries] == ["proposal"]  # nothing decided, nothing recorded

    monkeypatch.setenv("STOCKPILOT_CLI_ALLOW_USER_OVERRIDE", "true")
    get_settings.cache_clear()
    done = json.loads(cli("approve", "c4", "--user", "bob", "--json").output)
    assert done["outcomes"][0]["outcome"] == "committed"
    entries = json.loads(cli("audit", "--json").output)["entries"]
    cli_entry = next(e for e in entries if e["event"] == "cli_decision")
    assert cli_entry["actor"].startswith("cli:")
    assert cli_entry["payload"] == {"as_user": "bob", "decision": "approve", "user_option": True}


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("STOCKPILOT_CHECKPOINT_URL", "mysql://db/x", "STOCKPILOT_CHECKPOINT_URL: 'mysql'"),
        ("STOCKPILOT_CHECKPOINT_URL", "/proc/no/such/dir/ckpt.db", "STOCKPILOT_CHECKPOINT_URL"),
        ("STOCKPILOT_DATABASE_URL", "oracle://x", "STOCKPILOT_DATABASE_URL"),
        ("STOCKPILOT_HORIZON_DAYS", "many", "STOCKPILOT_HORIZON_DAYS"),
        ("STOCKPILOT_API_TOKENS", "{not json", "STOCKPILOT_API_TOKENS: is not valid JSON"),
        ("STOCKPILOT_ENVIRONMENT", "staging", "STOCKPILOT_ENVIRONMENT"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(cli, monkeypatch, variable, value, named):
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["ask", "hello"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert named in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_checkpoint_setting_takes_a_plain_path(cli, monkeypatch, tmp_path):
    path = tmp_path / "elsewhere" / "ckpt.db"
    monkeypatch.setenv("STOCKPILOT_CHECKPOINT_URL", str(path))
    get_settings.cache_clear()
    asked = cli("ask", "transfer 20 A from DC1 to S1", "--thread", "c5", "--json")
    assert asked.exit_code == 0, asked.output
    assert path.exists()


def test_recover_reports_and_repairs_a_stopped_turn(cli):
    from graph.service import Copilot
    from tools.workspace import Workspace

    copilot = Copilot(Workspace.open())
    events = copilot.stream("transfer 20 A from DC1 to S1", user="alice", thread_id="r1")
    for event in events:
        if event["event"] == "tool" and "summary" in event["data"]:
            break  # the client left right after the draft
    events.close()
    copilot.close()
    dry = json.loads(cli("recover", "--dry-run", "--json").output)
    assert [(r["thread_id"], r["action"]) for r in dry] == [("r1", "resumed")]
    assert "would be resumed" in cli("recover", "--dry-run").output
    assert "r1: the stopped turn (stopped) was resumed" in cli("recover").output
    assert "Nothing to recover" in cli("recover").output
    approvals = json.loads(cli("approve", "r1", "--user", "bob", "--json").output)
    assert approvals["outcomes"][0]["outcome"] == "committed"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("ask", ""), "QUESTION"),
        (("ask", "   \n"), "QUESTION"),
        (("ask", "x" * 4001), "QUESTION"),
        (("ask", "what is late?", "--thread", "a/b"), "--thread"),
        (("ask", "what is late?", "--thread", "../../etc/passwd"), "--thread"),
        (("ask", "what is late?", "--thread", "t\x01\x1b[2J"), "--thread"),
        (("ask", "what is late?", "--thread", "t" * 300), "--thread"),
        (("ask", "what is late?", "--thread", ""), "--thread"),
        (("approve", "t/../x"), "THREAD"),
    ],
)
def test_a_bad_question_or_thread_id_is_refused_by_name_and_changes_nothing(cli, args, named):
    refused = cli(*args)
    assert refused.exit_code == 2, refused.output
    assert f"error: {named}:" in refused.output and "Traceback" not in refused.output
    assert json.loads(cli("audit", "--json").output)["entries"] == []
    with create_engine(f"sqlite:///{cli.db}").connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM proposals")).scalar() == 0
