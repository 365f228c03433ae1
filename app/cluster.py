"""``gasworks render --scheduler``: a batch's inputs as tasks on a Dask distributed cluster.

The work of an input is :func:`app.batch.render_task` (read → the recipe → export bytes), the
function the local pool runs too; this module only moves inputs and results, and plugs into
:class:`app.batch.BatchRun` in place of the local pool (same manifest, resume, progress and
per-file errors).

- **Inputs go as bytes.** The client reads each file and sends its content with the task,
  so workers need not see the client's files (``sample:`` and ``text:`` inputs go as
  names). Files are read as their tasks are submitted, a few per worker thread ahead, so
  a large folder is never held in memory at once. The bytes travel inside the task, not
  scattered: a worker's death loses no input.
- **Outputs come back as bytes**, which the client writes atomically with stops held, then
  records; with ``shared_output`` the workers write them (:func:`app.batch.render_one`)
  into the output folder, which must then have the same path on every machine.
- **Progress per input** through ``as_completed``. A stop (Ctrl-C, TERM) cancels the
  tasks not finished and keeps the results that had arrived; nothing is half-written.
  (With ``shared_output`` a task already running when it is cancelled runs to its end: its
  files may appear, whole, without a manifest entry; the next run renders them again.)
- **Faults.** A task that raises is run again (``retries``); a task whose worker dies is
  given to another worker by the scheduler (up to ``distributed.scheduler.allowed-failures``
  times, 3 by default). Either way the client writes the input once, when its one result
  arrives. A scheduler that cannot be reached within ``timeout`` raises
  :class:`ClusterError`.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import signal
import threading
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.batch import (
    STOP_TIMEOUT,
    Entry,
    Job,
    _entry,
    render_one,
    render_task,
    stop_held,
    write_rendered,
)
from engines.errors import GasworksError, display_name

#: How to install what ``--scheduler`` needs.
EXTRA = "pip install 'gasworks[cluster]'"
#: Longest wait for the scheduler to answer, seconds.
CONNECT_TIMEOUT = 10.0
#: Runs of a task that raised (a worker's death is counted by the scheduler instead).
RETRIES = 2
#: Tasks submitted ahead per worker thread (each holds an input's bytes until it runs).
AHEAD = 2
_LOCAL = re.compile(r"local:(\d+)")
_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+]*://)?(?:\[[0-9a-fA-F:.]+\]|[^\s/:\[\]]+)(?::\d+)?")


class ClusterError(GasworksError):
    """The cluster cannot be used: Dask distributed is missing, or the scheduler cannot be
    reached."""


@dataclass(frozen=True)
class ClusterOptions:
    """Where a batch runs: ``address`` is a scheduler's (``tcp://HOST:PORT``) or
    ``local:N`` for a :class:`~distributed.LocalCluster` of N worker processes."""

    address: str
    shared_output: bool = False
    timeout: float = CONNECT_TIMEOUT

    @property
    def local_workers(self) -> int | None:
        match = _LOCAL.fullmatch(self.address)
        return int(match.group(1)) if match else None

    def connect(self) -> DaskPool:
        return DaskPool(self)


def parse_scheduler(text: str) -> str:
    """Check a ``--scheduler`` value: ``local:N`` (1 ≤ N ≤ 64) or a scheduler's address
    (``tcp://HOST:PORT``; a bare ``HOST:PORT`` means tcp). Raises ValueError."""
    text = text.strip()
    local = _LOCAL.fullmatch(text)
    if local:
        if not 1 <= int(local.group(1)) <= 64:
            raise ValueError(f"--scheduler local:N takes 1 to 64 worker processes, got {text!r}")
        return text
    if text.startswith("local") or not _ADDRESS.fullmatch(text):
        raise ValueError(f"--scheduler takes tcp://HOST:PORT or local:N, got {text!r}")
    return text if "://" in text else f"tcp://{text}"


def require_distributed() -> None:
    """Raise :class:`ClusterError` naming the extra when Dask distributed is missing."""
    if importlib.util.find_spec("distributed") is None:
        raise ClusterError(f"--scheduler needs Dask distributed, the 'cluster' extra: {EXTRA}")


def read_input(source: str) -> bytes | None:
    """The bytes a worker gets for ``source``: a file's content; None for ``sample:`` and
    ``text:`` inputs, which workers make themselves. Raises OSError."""
    if source.startswith(("sample:", "text:")):
        return None
    return Path(source).read_bytes()


def dask_setup(worker: Any) -> None:
    """Preload of the workers of a ``local:N`` cluster: Ctrl-C in the terminal is the
    batch's to handle (it closes the cluster), as for the local pool's workers."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class DaskPool:
    """The batch's tasks on a Dask cluster, with the local pool's interface (``run``,
    ``stop``, ``close``; see :class:`app.batch.WorkerPool`).

    Raises
    ------
    ClusterError
        Dask distributed is missing, the scheduler cannot be reached within the options'
        timeout, or the local cluster does not start.
    """

    def __init__(self, options: ClusterOptions):
        require_distributed()
        from distributed import Client, LocalCluster

        self.options = options
        self._cluster: Any = None
        self._futures: dict[Any, tuple[int, Job]] = {}
        n_local = options.local_workers
        address = options.address
        try:
            if n_local is not None:
                self._cluster = LocalCluster(
                    n_workers=n_local, threads_per_worker=1, processes=True,
                    dashboard_address=":0", silence_logs=logging.ERROR, preload=[__name__],
                )  # fmt: skip
                address = self._cluster.scheduler_address
            self.client = Client(address, timeout=options.timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            self._close_cluster()
            if n_local is not None:
                raise ClusterError(f"could not start a local Dask cluster ({exc})") from None
            raise ClusterError(
                f"no Dask scheduler answered at {address} within {options.timeout:g} s; start "
                f"one with `dask scheduler` and workers with `dask worker {address}`, or check "
                "the address and that the port is open"
            ) from None
        except BaseException:
            self._close_cluster()
            raise
        self.address = address

    def describe(self) -> str:
        """Where the batch runs, its workers and the dashboard's address, for the log."""
        threads = self.client.nthreads()
        info = self.client.scheduler_info()
        dashboard = (
            self.client.dashboard_link if "dashboard" in info.get("services", {}) else "none"
        )
        workers = f"{_count(len(threads), 'worker')}, {_count(sum(threads.values()), 'thread')}"
        if not threads:
            workers = "no workers yet (tasks wait for them)"
        return (
            f"rendering on the Dask scheduler at {self.address}, {workers}; dashboard: {dashboard}"
        )

    # ----------------------------------------------------------------- running

    def _ahead(self) -> int:
        return max(4, AHEAD * sum(self.client.nthreads().values()))

    def run(self, tasks: list[tuple[int, Job]], on_entry: Callable[[int, Entry], None]) -> None:
        """Render ``tasks`` (index, job), calling ``on_entry(index, entry)`` as each ends,
        with its files written."""
        import dask
        from distributed import as_completed

        queue = list(reversed(tasks))
        arrived = as_completed(loop=self.client.loop)
        work = render_one if self.options.shared_output else render_task

        def fill() -> None:
            ahead = self._ahead()
            while queue and len(self._futures) < ahead:
                index, job = queue.pop()
                try:
                    data = read_input(job.source)
                except OSError as exc:
                    with stop_held():
                        on_entry(index, _failed(job, f"cannot be read ({exc.strerror or exc})"))
                    continue
                # An input's bytes ride in its task; a large photo is no reason to warn.
                with dask.config.set({"distributed.admin.large-graph-warning-threshold": "4GiB"}):
                    future = self.client.submit(
                        work, job, data=data, key=f"gasworks-render-{uuid.uuid4().hex}",
                        retries=RETRIES, pure=False,
                    )  # fmt: skip
                self._futures[future] = (index, job)
                arrived.add(future)

        fill()
        for future in arrived:
            index, job = self._futures[future]
            with stop_held():  # a result is written and recorded before a stop
                entry = self._settle(future, job)
                del self._futures[future]
                on_entry(index, entry)
            fill()

    def _settle(self, future: Any, job: Job, timeout: float | None = None) -> Entry:
        """The entry of a finished task, its files written (by the client, unless the
        workers write)."""
        from distributed import KilledWorker

        try:
            result = future.result(timeout=timeout)
        except KilledWorker:
            return _failed(job, "each worker that rendered it died; the scheduler gave up on it")
        except Exception as exc:  # a bug or a lost cluster fails only this input
            return _failed(job, f"unexpected error on the cluster: {exc!r}")
        if self.options.shared_output:
            return result
        return write_rendered(job, result)

    def stop(self, on_entry: Callable[[int, Entry], None]) -> None:
        """Cancel the tasks not finished; record those that had ended."""
        try:
            waiting = [f for f in self._futures if not f.done()]
            if waiting:
                self.client.cancel(waiting)
            for future, (index, job) in list(self._futures.items()):
                if future.status in ("finished", "error"):
                    on_entry(index, self._settle(future, job, timeout=STOP_TIMEOUT))
            self._futures.clear()
        finally:
            self.close()

    def close(self) -> None:
        """Disconnect; a ``local:N`` cluster ends with its workers."""
        try:
            with suppress(OSError, TimeoutError):
                self.client.close(timeout=STOP_TIMEOUT)
        finally:
            self._close_cluster()

    def _close_cluster(self) -> None:
        if self._cluster is not None:
            with suppress(OSError, TimeoutError):
                self._cluster.close(timeout=STOP_TIMEOUT)
            self._cluster = None


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _failed(job: Job, problem: str) -> Entry:
    return _entry(job.source, job.preset_name, "failed",
                  error=f"{display_name(job.source)}: {problem}")  # fmt: skip
