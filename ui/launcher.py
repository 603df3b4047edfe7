"""The `stockpilot` console script: the command line, loaded with the garbage collector paused.

Loading `ui.cli` (SQLAlchemy, pandas, Typer and Rich) is most of a one-shot command's start-up;
under `stockpilot.imports.collector_paused`, in a process declared one-shot
(`freeze_what_loads`), it costs less and what it loaded is not walked again by the collections
of the command or of the interpreter's exit.
"""

from __future__ import annotations

from stockpilot.imports import collector_paused, freeze_what_loads


def main() -> None:
    """Load the command line, then run it (the command's exit status is the process's)."""
    freeze_what_loads()  # one command per process: what loads stays loaded until the exit
    with collector_paused():
        from ui.cli import app
    app()


if __name__ == "__main__":
    main()
