"""Start-up: defer the body of a large third-party package until something reads from it.

LangGraph needs langchain-core, whose tracer schemas import `langsmith.run_trees`; that imports
`langsmith.types.run_select_field`, and Python runs the package's `__init__` first:
`langsmith.types` is LangSmith's generated API model package, whose `__init__` imports about 150
modules of pydantic models (about a tenth of a one-shot `stockpilot ask`'s start-up) that the
copilot never reads unless LangSmith tracing calls the LangSmith API. Likewise LangGraph's
runtime imports `langgraph_sdk.auth.types` (one protocol class), and the `langgraph_sdk`
package's `__init__` would load the SDK's HTTP clients for LangGraph's server API (about 180
modules, httpx's among them), which a local graph never calls.

`defer_package_init` registers such a package without running its `__init__`: its submodules
import as usual (they need only the package's path), and the first read of any attribute of the
package itself (`from langsmith.types import Run`, `langsmith.types.Run`) runs the real
`__init__` once, under a lock, and answers from it. Nothing is replaced or stubbed: every name
resolves to the package's own object, only later. The surfaces' packages (`ui`, `api`) call
`defer_start_up_imports` when they load.

`collector_paused` loads modules without the cyclic garbage collector walking them over and over;
in a one-shot process (`freeze_what_loads`: the `stockpilot` console script) it also freezes
them, so that neither later collections nor the interpreter's exit walk them again. The script
loads the command line under it, and the copilot commands the graph.
"""

from __future__ import annotations

import gc
import importlib.util
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

DEFERRED_PACKAGES = ("langsmith.types", "langgraph_sdk")
_hooks: dict[str, Any] = {}  # package name → the attribute hook that runs its `__init__`


def defer_package_init(name: str) -> bool:
    """Register package `name` with its `__init__` deferred to the first attribute read.

    Returns False (and changes nothing) when it is already imported, not installed, or not a
    package.
    """
    if name in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return False
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader
    lock = threading.RLock()

    def __getattr__(attr: str) -> Any:
        with lock:
            if module.__dict__.get("__getattr__") is __getattr__:
                del module.__dict__["__getattr__"]
                try:
                    loader.exec_module(module)
                except BaseException:
                    sys.modules.pop(name, None)  # the next import tries the package afresh
                    raise
        try:
            return module.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    _hooks[name] = __getattr__
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent and parent in sys.modules:
        setattr(sys.modules[parent], child, module)
    return True


def defer_start_up_imports() -> list[str]:
    """Defer the packages of `DEFERRED_PACKAGES` that are installed and not yet imported."""
    return [name for name in DEFERRED_PACKAGES if defer_package_init(name)]


def is_deferred(name: str) -> bool:
    """Return True while package `name` is registered and its `__init__` has not run yet."""
    module: ModuleType | None = sys.modules.get(name)
    hook = _hooks.get(name)
    return module is not None and hook is not None and module.__dict__.get("__getattr__") is hook


_freeze_loaded = False  # set by `freeze_what_loads` (a one-shot process)


def freeze_what_loads() -> None:
    """Declare this process one-shot: what `collector_paused` loads from now on is frozen.

    Frozen objects (`gc.freeze`) are skipped by later collections and by the ones the
    interpreter runs as it shuts down (about a quarter of a one-shot `stockpilot ask`), but never
    collected: right for the libraries of a process that runs one command, not for a test
    session or a library caller, which keep the collector's usual behaviour.
    """
    global _freeze_loaded
    _freeze_loaded = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Load modules with the cyclic garbage collector paused.

    Loading the copilot allocates about a million long-lived objects (modules, classes, pydantic
    and SQLAlchemy schemas) and next to no cyclic garbage, yet every few thousand allocations an
    automatic collection walks all of them again (about a tenth of a one-shot `stockpilot ask`).
    On leaving, in a one-shot process (`freeze_what_loads`), what is loaded is frozen so that no
    later collection walks it; then the collector is on again as it was, so a long command (a
    plan, a server) collects its own garbage.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _freeze_loaded:
            gc.freeze()
        if was_enabled:
            gc.enable()
