"""A deferred package loads its submodules at once and its own body on the first read."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import ui
from stockpilot.imports import is_deferred
import graph.service
deferred = is_deferred("langsmith.types")
loaded = sorted(m for m in sys.modules if m.startswith("langsmith.types."))
from langsmith.types import Run, RunSelectField
import langsmith.types as types
print(json.dumps({
    "deferred": deferred,
    "loaded_before": len(loaded),
    "after": is_deferred("langsmith.types"),
    "run": Run.__module__,
    "same": types.RunSelectField is RunSelectField and "Dataset" in dir(types),
    "submodules": sum(1 for m in sys.modules if m.startswith("langsmith.types.")),
}))
"""


def _run(code: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_surface_process_defers_langsmiths_model_package_until_it_is_read() -> None:
    got = _run(PROBE)
    # The copilot loads (LangGraph, langchain-core, langsmith.run_trees) with a handful of the
    # package's ~150 modules; reading from the package then loads it whole, the real objects.
    assert got["deferred"] is True and got["after"] is False
    assert 0 < int(got["loaded_before"]) < 10 < int(got["submodules"])  # type: ignore[call-overload]
    assert got["run"] == "langsmith.types.run" and got["same"] is True


def test_deferring_an_imported_missing_or_plain_module_changes_nothing() -> None:
    from stockpilot.imports import defer_package_init

    assert defer_package_init("json") is False  # already imported
    assert defer_package_init("no_such_package_here") is False
    assert defer_package_init("stockpilot.threads") is False  # imported, and not a package
    assert "no_such_package_here" not in sys.modules


SDK_PROBE = """
import json, sys
import ui
from stockpilot.imports import is_deferred
import graph.service
deferred = is_deferred("langgraph_sdk")
clients = "langgraph_sdk.client" in sys.modules
from langgraph_sdk import get_sync_client, Auth
import langgraph.pregel.remote
print(json.dumps({
    "deferred": deferred,
    "clients_before": clients,
    "after": is_deferred("langgraph_sdk"),
    "client": get_sync_client.__module__,
    "auth": Auth.__module__,
}))
"""


def test_a_surface_process_defers_the_langgraph_sdks_clients_until_they_are_read() -> None:
    got = _run(SDK_PROBE)
    # The graph runs with the SDK's auth types alone; its HTTP clients load on the first read.
    assert got["deferred"] is True and got["clients_before"] is False
    assert got["after"] is False
    assert got["client"] == "langgraph_sdk._sync.client"
    assert got["auth"] == "langgraph_sdk.auth"


def test_a_paused_collector_is_restored_and_freezes_only_in_a_one_shot_process() -> None:
    import gc

    import stockpilot.imports as imports

    frozen = gc.get_freeze_count()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            with imports.collector_paused():
                assert not gc.isenabled()
                held = [[i] for i in range(1000)]  # tracked objects that outlive the block
            assert gc.isenabled() is enabled
            assert gc.get_freeze_count() == frozen  # a test session or a library caller
        imports.freeze_what_loads()
        with imports.collector_paused():
            held = [[i] for i in range(1000)]
        assert gc.get_freeze_count() >= frozen + len(held)  # a one-shot process
    finally:
        imports._freeze_loaded = False
        gc.enable()
        gc.unfreeze()


def test_the_collector_is_on_again_when_loading_fails() -> None:
    import gc

    import pytest

    from stockpilot.imports import collector_paused

    try:
        with pytest.raises(ModuleNotFoundError), collector_paused():
            import no_such_module_here  # noqa: F401
        assert gc.isenabled()
    finally:
        gc.enable()
