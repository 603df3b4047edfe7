"""Named crash points for the fault-injection tests: SIGKILL this process at one of them.

`STOCKPILOT_FAULT_KILL_AT=name` (or `name@N`, the N-th time it is reached, counted per process)
makes `fault_point(name)` kill the process with SIGKILL — no cleanup, no `finally`, like a
power cut. Unset (always, outside the reliability tests) it costs one dictionary lookup. The
points sit at every node boundary of the copilot graph (`before:<node>`, `after:<node>`) and
inside the ERP commit (`before:erp_write`, `before:ledger_commit`, `after:erp_write`).
"""

from __future__ import annotations

import os
import signal
import threading

ENV = "STOCKPILOT_FAULT_KILL_AT"
_hits: dict[str, int] = {}
_guard = threading.Lock()


def fault_point(name: str) -> None:
    """Kill this process here when `STOCKPILOT_FAULT_KILL_AT` names this point (and hit)."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    target, _, nth = spec.partition("@")
    if target != name:
        return
    with _guard:
        _hits[name] = _hits.get(name, 0) + 1
        count = _hits[name]
    if count >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
