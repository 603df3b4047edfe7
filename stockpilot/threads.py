"""One BLAS / OpenMP thread per process unless the environment says otherwise.

The API, the bots and the command line answer one request at a time per thread; the numeric
work of a request (one series' ETS fit, a SKU's plan) is small. OpenBLAS's default pool of one
thread per core makes such a fit spin its threads: on a busy 2-core machine one statsmodels
ETS fit took 0.98 s of CPU with the default pool and 0.13 s with one thread, and the spinning
is what put the API turn's p95 at seconds. The surfaces' packages (`ui`, `api`) call
`limit_blas_threads` when they load, before NumPy when they are what starts the process:
then the limit is the standard environment variables, read by the BLAS library as it loads;
when NumPy is already loaded it is applied through threadpoolctl, if installed. A variable
the environment already sets (e.g. `OPENBLAS_NUM_THREADS=8` for a dedicated planning host)
is kept and wins.
"""

from __future__ import annotations

import os
import sys

BLAS_THREAD_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def limit_blas_threads(threads: int = 1) -> dict[str, str]:
    """Default every BLAS / OpenMP thread count to `threads`; return the variables it set.

    Variables already in the environment are left alone. If NumPy is already imported (its
    BLAS has read the environment), the limit is applied to the loaded libraries through
    threadpoolctl when the environment sets none of the variables itself.
    """
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    preset = any(name in os.environ for name in BLAS_THREAD_VARIABLES)
    set_here = {}
    for name in BLAS_THREAD_VARIABLES:
        if name not in os.environ:
            os.environ[name] = set_here[name] = str(threads)
    if "numpy" in sys.modules and not preset:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # without it, a process that loaded NumPy first keeps its pool
            return set_here
        threadpool_limits(limits=threads)
    return set_here
