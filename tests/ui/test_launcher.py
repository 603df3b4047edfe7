"""The `stockpilot` console script loads the CLI with the collector paused and runs it as is."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

PROBE = """
import gc, sys
import typer
sys.argv = ["stockpilot", *sys.argv[1:]]
from ui import launcher
seen = {}
real = typer.Typer.__call__
def spy(self, *args, **kwargs):
    seen["enabled"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count()
    print(f"collector enabled={seen['enabled']} frozen={seen['frozen']}", file=sys.stderr)
    return real(self, *args, **kwargs)
typer.Typer.__call__ = spy
launcher.main()
"""


def test_the_console_script_is_the_launcher() -> None:
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "stockpilot"]
    assert script.value == "ui.launcher:main"


def test_the_launcher_runs_the_cli_with_the_collector_on_and_the_loaded_modules_frozen() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout and "ask" in done.stdout
    line = next(x for x in done.stderr.splitlines() if x.startswith("collector"))
    enabled, frozen = (part.split("=")[1] for part in line.split()[1:])
    assert enabled == "True" and int(frozen) > 100_000


def test_the_launcher_keeps_the_cli_exit_status() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "approve", "t-x", "--decision", "maybe"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "unknown --decision" in done.stderr
