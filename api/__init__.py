"""The HTTP service every surface uses (FastAPI): `api.app.create_app`.

Loading the package prepares the process before any library loads: one BLAS / OpenMP thread
unless the environment sets them (`stockpilot.threads`; a request's fit must not spin a pool of
threads per core), and LangSmith's API model package and the LangGraph SDK's clients deferred
until something reads them (`stockpilot.imports`).
"""

from stockpilot.imports import defer_start_up_imports
from stockpilot.threads import limit_blas_threads

limit_blas_threads()
defer_start_up_imports()
