"""Surface processes run one BLAS thread unless the environment says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from stockpilot.threads import BLAS_THREAD_VARIABLES, limit_blas_threads

PROBE = (
    "import json, os, sys; {first}; import numpy; from threadpoolctl import threadpool_info; "
    "print(json.dumps([os.environ.get('OPENBLAS_NUM_THREADS'), "
    "max(i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas')]))"
)


def _probe(first: str, **env: str) -> list[object]:
    clean = {k: v for k, v in os.environ.items() if k not in BLAS_THREAD_VARIABLES}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(first=first)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return __import__("json").loads(done.stdout)


@pytest.mark.parametrize("entry", ["import ui", "import api", "import numpy; import ui"])
def test_a_surface_process_gets_one_blas_thread(entry: str) -> None:
    # Before NumPy through the environment; after it through threadpoolctl.
    assert _probe(entry) == ["1", 1]


def test_a_thread_count_the_environment_sets_is_kept() -> None:
    variable, threads = _probe("import ui", OPENBLAS_NUM_THREADS="2")
    assert variable == "2"
    assert threads in (1, 2)  # at most what was asked (a 1-core machine gets 1)


def test_a_bad_count_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        limit_blas_threads(0)
