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

`collector_paused` loads modules without the cyclic garbage collector walking them over and over,
and freezes them so that neither later collections nor the interpreter's exit walk them again
(the `stockpilot` console script and the CLI's copilot commands load under it).
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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Load modules with the cyclic garbage collector paused; keep what loaded out of its reach.

    Loading the copilot allocates about a million long-lived objects (modules, classes, pydantic
    and SQLAlchemy schemas) and next to no cyclic garbage, yet every few thousand allocations an
    automatic collection walks all of them again (about a tenth of a one-shot `stockpilot ask`).
    On leaving, what is loaded is frozen (`gc.freeze`): later collections, and the ones the
    interpreter runs as it shuts down (another quarter of an ask), skip it. The collector is
    then on again as it was, so a long command (a plan, a server) collects its own garbage.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
