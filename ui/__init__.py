"""Surfaces planners use: the command line now; the workbench and chat bots build on the API.

Loading the package limits BLAS / OpenMP threads to one per process unless the environment sets
them (`stockpilot.threads`): it runs before NumPy in every surface's process.
"""

from stockpilot.threads import limit_blas_threads

limit_blas_threads()
