"""The HTTP service every surface uses (FastAPI): `api.app.create_app`.

Loading the package limits BLAS / OpenMP threads to one per process unless the environment sets
them (`stockpilot.threads`): a request's fit must not spin a pool of threads per core.
"""

from stockpilot.threads import limit_blas_threads

limit_blas_threads()
