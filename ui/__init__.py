"""Surfaces planners use: the command line now; the workbench and chat bots build on the API.

Loading the package prepares the process before any library loads: one BLAS / OpenMP thread
unless the environment sets them (`stockpilot.threads`), and LangSmith's API model package and
the LangGraph SDK's clients deferred until something reads them (`stockpilot.imports`).
"""

from stockpilot.imports import defer_start_up_imports
from stockpilot.threads import limit_blas_threads

limit_blas_threads()
defer_start_up_imports()
