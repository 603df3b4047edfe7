"""The partition mapper: in-process by default, on a real local Dask cluster when one is given."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator

import pytest

from tests.support.partition_tasks import RecordingTask, attempts
from tools.cluster import ClusterError, connect, partition_mapper

distributed = pytest.importorskip("distributed", reason="the scale extra is not installed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """Return the address of a local cluster of two worker processes (one thread each)."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local.scheduler_address


def test_in_process_runs_every_call_in_order(tmp_path):
    seen = []
    with partition_mapper(None, on_done=lambda *a: seen.append(a)) as mapper:
        results = mapper(RecordingTask(str(tmp_path)), range(4))
    assert seen == [("RecordingTask", i, 4) for i in range(1, 5)]
    assert [r[0] for r in results] == [0, 1, 4, 9]
    assert {r[1] for r in results} == {os.getpid()}


def test_cluster_runs_each_call_once_on_the_workers(tmp_path, cluster):
    seen = []
    with partition_mapper(cluster, on_done=lambda *a: seen.append(a)) as mapper:
        results = mapper(RecordingTask(str(tmp_path), seconds=0.05), range(8))
    assert [r[0] for r in results] == [p * p for p in range(8)]  # call order, not finish order
    assert sorted(n for _, n, _ in seen) == list(range(1, 9))
    workers = {r[1] for r in results}
    assert os.getpid() not in workers and len(workers) == 2
    assert attempts(tmp_path) == dict.fromkeys(range(8), 1)


def test_a_failing_call_is_retried(tmp_path, cluster):
    with partition_mapper(cluster) as mapper:
        results = mapper(RecordingTask(str(tmp_path), fail_first=3), range(5))
    assert [r[0] for r in results] == [0, 1, 4, 9, 16]
    assert attempts(tmp_path)[3] == 2


def test_a_call_failing_on_every_attempt_is_named(tmp_path, cluster):
    task = RecordingTask(str(tmp_path), fail_first=2)
    with (
        partition_mapper(cluster, retries=0) as mapper,
        pytest.raises(ClusterError, match=r"RecordingTask \(2,\) failed: partition 2: the data"),
    ):
        mapper(task, range(4))


def test_a_killed_worker_loses_no_call(tmp_path, cluster):
    killed: list[int] = []

    def kill_a_busy_worker(phase: str, finished: int, total: int) -> None:
        if killed:
            return
        client = distributed.Client(cluster, set_as_default=False)
        try:
            busy = [w for w, tasks in client.processing().items() if tasks]
            pids = client.run(os.getpid, workers=busy[:1])
        finally:
            client.close()
        for pid in pids.values():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    with partition_mapper(cluster, on_done=kill_a_busy_worker) as mapper:
        results = mapper(RecordingTask(str(tmp_path), seconds=0.4), range(10))
    assert killed
    assert [r[0] for r in results] == [p * p for p in range(10)]
    # The killed worker's running call started again elsewhere; none was lost.
    counts = attempts(tmp_path)
    assert sorted(counts) == list(range(10))
    assert sum(counts.values()) > 10


def test_an_unreachable_scheduler_is_one_line_naming_it():
    start = time.perf_counter()
    with pytest.raises(ClusterError) as info:
        connect("tcp://127.0.0.1:9", timeout_s=2)
    assert "tcp://127.0.0.1:9" in str(info.value) and "\n" not in str(info.value)
    assert time.perf_counter() - start < 15


def test_without_dask_a_scheduler_asks_for_the_scale_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with (
        pytest.raises(ClusterError, match=r"stockpilot\[scale\]"),
        partition_mapper("tcp://127.0.0.1:8786"),
    ):
        pass
