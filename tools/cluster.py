"""Map the partitions of a plan run over a Dask cluster, or run them one by one in this process.

`partition_mapper` gives the `map(fn, *iterables)` that `tools.plan_runs.run_partitioned` calls
for each of its phases: with no scheduler, the built-in order in this process; with one, each
call `fn(*args)` is a task on the cluster. The mapped functions take only the store URL and ids,
read their partition from the shared store and write their rows back, so only ids and small
summaries travel between the client and the workers: the network is never shipped through the
client. Dask reschedules the tasks of a worker that dies (up to
`distributed.scheduler.allowed-failures` times) and retries a task that raises (`retries`); the
partition writes are idempotent (a partition's rows and its completion record are replaced in one
transaction), so whichever attempt finishes, each partition is written once.

Dask is the optional `scale` extra (`make install` installs it); without a scheduler nothing
here imports it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from erp.plan_store import sku_weights
from planning.params import PlanParams
from tools.plan_runs import RunSummary, run_partitioned, store_engine

CONNECT_TIMEOUT_S = 10.0
TASK_RETRIES = 2
# SKU-locations per partition when no count is given: a partition's plan then peaks well under
# 1 GiB (docs/scaling.md), and a 1M network has 100 partitions to spread over the workers.
PARTITION_SKU_LOCATIONS = 10_000

# (phase: the mapped function's name, calls finished, calls in the phase)
Progress = Callable[[str, int, int], None]
Mapper = Callable[..., list[Any]]


class ClusterError(RuntimeError):
    """Raised when the Dask scheduler cannot be used or a partition failed on every attempt."""


class ClusterUnavailableError(ClusterError):
    """Raised when no cluster can be used: Dask missing, scheduler unreachable, a SQLite store."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterUnavailableError(
            "a Dask scheduler is set but Dask is not installed: pip install 'stockpilot[scale]'"
        ) from None
    return distributed


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def connect(scheduler: str, *, timeout_s: float = CONNECT_TIMEOUT_S) -> Any:
    """Return a `distributed.Client` of the scheduler at `scheduler` ("tcp://host:8786").

    Raises ClusterUnavailableError with one line naming the address when it cannot be reached.
    """
    distributed = _distributed()
    try:
        return distributed.Client(scheduler, timeout=timeout_s, set_as_default=False)
    except (OSError, ValueError, TimeoutError) as exc:
        raise ClusterUnavailableError(
            f"cannot reach the Dask scheduler at {scheduler!r}: {_one_line(exc)}"
        ) from None


def _name(fn: Callable[..., Any]) -> str:
    return str(getattr(fn, "__name__", type(fn).__name__))


def _in_process_map(on_done: Progress | None) -> Mapper:
    def run(fn: Callable[..., Any], *iterables: Iterable[Any]) -> list[Any]:
        calls = list(zip(*iterables, strict=True))
        results = []
        for args in calls:
            results.append(fn(*args))
            if on_done is not None:
                on_done(_name(fn), len(results), len(calls))
        return results

    return run


def _cluster_map(client: Any, on_done: Progress | None, retries: int) -> Mapper:
    distributed = _distributed()

    def run(fn: Callable[..., Any], *iterables: Iterable[Any]) -> list[Any]:
        calls = list(zip(*iterables, strict=True))
        tag = uuid.uuid4().hex[:12]
        futures = {
            client.submit(fn, *args, key=f"{_name(fn)}-{i}-{tag}", retries=retries, pure=False): i
            for i, args in enumerate(calls)
        }
        results: list[Any] = [None] * len(calls)
        finished = 0
        try:
            for future in distributed.as_completed(list(futures), loop=client.loop):
                i = futures[future]
                try:
                    results[i] = future.result()
                except distributed.KilledWorker as exc:
                    raise ClusterError(
                        f"{_name(fn)} {calls[i]} was lost with every worker it ran on: "
                        f"{_one_line(exc)}"
                    ) from None
                except Exception as exc:
                    raise ClusterError(f"{_name(fn)} {calls[i]} failed: {_one_line(exc)}") from exc
                # Forgotten once read: a worker lost later does not make the cluster redo it.
                future.release()
                finished += 1
                if on_done is not None:
                    on_done(_name(fn), finished, len(calls))
        finally:
            client.cancel([f for f in futures if not f.done()])
        return results

    return run


@contextmanager
def partition_mapper(
    scheduler: str | None,
    *,
    on_done: Progress | None = None,
    retries: int = TASK_RETRIES,
) -> Iterator[Mapper]:
    """Yield the `map(fn, *iterables)` of a plan run: on the cluster at `scheduler`, or here.

    Results come back in call order; `on_done(phase, finished, total)` is called as each call
    finishes (completion order on a cluster). A call that fails on every attempt raises
    ClusterError naming the function and its arguments. The client is closed on exit.
    """
    if scheduler is None:
        yield _in_process_map(on_done)
        return
    client = connect(scheduler)
    try:
        yield _cluster_map(client, on_done, retries)
    finally:
        client.close()


# What each mapped phase of a plan run does, as a progress bar says it.
PHASES = {
    "scan_partition": "partitions read (network figures)",
    "plan_partition": "partitions planned",
}


def run_plan(
    store_url: str,
    *,
    params: PlanParams,
    partitions: int | None = None,
    scheduler: str | None = None,
    on_done: Progress | None = None,
    keep_sales: bool = True,
) -> RunSummary:
    """Plan the store's snapshot partition by partition, on the cluster at `scheduler` or here.

    Raises ClusterUnavailableError when a scheduler is given for a store its workers cannot share
    (a SQLite file) or cannot be reached, ClusterError when a partition failed on every attempt
    (the run is then marked failed and reads keep the previous complete plan). Without
    `keep_sales` the plan phase reads each partition's sales again (`run_partitioned`).
    """
    if scheduler is not None and not store_url.startswith("postgresql"):
        raise ClusterUnavailableError(
            "STOCKPILOT_DATABASE_URL: the Dask workers read and write the store themselves, so "
            "it must be a PostgreSQL database they can reach (not a SQLite file)"
        )
    with partition_mapper(scheduler, on_done=on_done) as mapper:
        return run_partitioned(
            store_url,
            partitions or default_partitions(store_url),
            params,
            map=mapper,
            keep_sales=keep_sales,
        )


def default_partitions(store_url: str) -> int:
    """Return how many partitions plan the store's network: one per ~10,000 SKU-locations."""
    rows = sum(weight for _, weight in sku_weights(store_engine(store_url)))
    return max(1, -(-rows // PARTITION_SKU_LOCATIONS))
