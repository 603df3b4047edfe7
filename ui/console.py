"""What every `stockpilot` command group shares: its Typer app, the consoles, errors and JSON.

Piped output gets a wide fixed width rather than Rich's 80-column fallback. An error is one
red line on stderr and a non-zero exit (`raise fail(...)`), never a traceback.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import Any

import typer
from rich.console import Console

out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def command_group(help: str) -> typer.Typer:
    """Return a command group (or the root app): help when called bare, no shell completion."""
    return typer.Typer(help=help, no_args_is_help=True, add_completion=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `message` as an error and return the exit to raise (2: bad input, 1: it failed)."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def print_json(payload: Any) -> None:
    """Write `payload` to stdout as indented JSON (dates and other values as strings)."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")


def os_user() -> str:
    """Return the login name, or 'unknown' (some containers have none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
