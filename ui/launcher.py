"""The `stockpilot` console script: the command line, loaded with the garbage collector paused.

Loading `ui.cli` (SQLAlchemy, pandas, Typer and Rich) is most of a one-shot command's start-up;
under `stockpilot.imports.collector_paused` it costs less and what it loaded is not walked again
by the collections of the command or of the interpreter's exit.
"""

from __future__ import annotations

from stockpilot.imports import collector_paused


def main() -> None:
    """Load the command line, then run it (the command's exit status is the process's)."""
    with collector_paused():
        from ui.cli import app
    app()


if __name__ == "__main__":
    main()
