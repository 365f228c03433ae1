"""Render many inputs with one art preset (any art engine): worker processes, manifest,
resume, and a clean stop.

- **Resume only when nothing changed.** The manifest (``OUT/manifest.json``) holds one
  entry per (input, preset) with three hashes: the resolved parameters (the validated
  preset with the effective seed and epochs), the input's content and the output options
  (formats, plotter page). A re-run skips an input only when its entry is ``done``, the
  three hashes match and its files exist; otherwise it renders it again and says why.
- **The manifest says what is on disk.** It is rewritten atomically after each finished
  input, entries in input order (a crash loses at most the inputs in flight). Files are
  written under a temporary name and renamed, and a stop (Ctrl-C, TERM) is held off while
  an input's files are written and reported, so an input is either fully written and
  recorded or not written by this run at all.
- **Workers never outlive the batch.** Each worker takes one job at a time over a pipe;
  on Linux the kernel sends it TERM when the batch dies (``PR_SET_PDEATHSIG``; elsewhere a
  thread watches the parent), and a stop terminates the workers, then collects what they
  finished.
- **One run per folder.** An advisory lock (``flock``) on the output folder refuses a
  second run into it while one is writing there.
- **One function per input.** :func:`render_task` (read → recipe → export bytes) is what
  this process, the worker pool and a Dask cluster (:mod:`app.cluster`) run for an input;
  :func:`write_rendered` writes its files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engines.art.plotter import PlotterOptions
from engines.errors import GasworksError, display_name, short_name

if TYPE_CHECKING:
    from app.cluster import ClusterOptions, DaskPool

#: File endings treated as images when a folder is given; anything else is skipped.
IMAGE_SUFFIXES = frozenset(
    (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm",
     ".pbm", ".tga", ".jp2", ".ico")
)  # fmt: skip
FORMATS = ("svg", "png")
MANIFEST = "manifest.json"
#: Preset fields that do not change what is drawn, left out of the parameter hash.
UNHASHED_PRESET_FIELDS = ("description", "input")
#: Temporary names of files being written (see engines.atomic): ``.NAME.XXXXXXXX.part``.
_TEMPORARY = re.compile(r"\..+\.(svg|png|json)\.[A-Za-z0-9_]+\.part")
#: Longest wait for stopped workers to finish writing an input before they are killed.
STOP_TIMEOUT = 30.0

Entry = dict[str, Any]


class FolderBusy(GasworksError):
    """Another run holds the output folder's lock."""


@dataclass(frozen=True)
class Job:
    """One input to render; everything a worker process needs, picklable."""

    source: str
    preset_name: str
    preset_table: dict[str, Any]
    out_dir: str
    formats: tuple[str, ...]
    seed: int | None
    epochs: int | None
    force: bool = False
    plotter: PlotterOptions | None = None

    @property
    def stem(self) -> str:
        from engines.render import source_stem

        return source_stem(self.source)

    def outputs(self) -> dict[str, Path]:
        name = f"{self.stem}.{self.preset_name}"
        return {fmt: Path(self.out_dir) / f"{name}.{fmt}" for fmt in self.formats}


@dataclass
class BatchReport:
    """What happened to every input of this run, in input order."""

    entries: list[Entry] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> int:
        return sum(e["status"] in ("failed", "cancelled") for e in self.entries)

    def count(self, status: str) -> int:
        return sum(e["status"] == status for e in self.entries)


# --------------------------------------------------------------------------- inputs


def collect_inputs(inputs: list[str]) -> tuple[list[str | Entry], list[str]]:
    """Files, folders (their image files, sorted) and ``sample:``/``text:`` inputs, in the
    order given, each once.

    Returns
    -------
    items, notices
        For each input to render its source, or a failure entry for an input that does not
        exist and for a folder with no image files ("no images found in DIR"); and notices
        about skipped non-image files.
    """
    items: dict[str, str | Entry] = {}
    notices: list[str] = []
    for item in inputs:
        if item.startswith(("sample:", "text:")):
            items.setdefault(display_name(item), item)
            continue
        path = Path(item)
        if path.is_dir():
            try:
                children = sorted(path.iterdir())
            except OSError as exc:
                problem = f"{display_name(item)}: cannot read the folder ({exc.strerror or exc})"
                items.setdefault(display_name(item), _entry(item, None, "failed", error=problem))
                continue
            images = [c for c in children if c.is_file() and c.suffix.lower() in IMAGE_SUFFIXES]
            for child in children:
                if child in images:
                    items.setdefault(display_name(child), str(child))
                elif not child.name.startswith("."):
                    notices.append(f"skipped {display_name(child)}: not an image file name")
            if not images:
                problem = f"no images found in {display_name(item)}"
                items.setdefault(display_name(item), _entry(item, None, "failed", error=problem))
        elif path.exists():
            items.setdefault(display_name(item), item)
        else:
            failure = _entry(item, None, "failed", error=f"{display_name(item)}: no such file")
            items.setdefault(display_name(item), failure)
    return list(items.values()), notices


def expand_inputs(inputs: list[str]) -> tuple[list[str], list[str], list[Entry]]:
    """:func:`collect_inputs` split into sources, notices and failure entries."""
    items, notices = collect_inputs(inputs)
    sources = [i for i in items if isinstance(i, str)]
    return sources, notices, [i for i in items if not isinstance(i, str)]


def _entry(source: str, preset: str | None, status: str, **extra: Any) -> Entry:
    head: Entry = {"input": display_name(source)}
    if preset is not None:
        head["preset"] = preset
    return {**head, "status": status, **extra}


# --------------------------------------------------------------------------- hashes


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def parameters_hash(preset: Any, seed: int | None, epochs: int | None) -> str:
    """Hash of what decides the drawing: the validated preset (less its description and
    default input), the effective seed and the effective epochs (None: the recipe chooses
    them from the input, whose content is hashed on its own)."""
    table = preset.model_dump(mode="json")
    for key in UNHASHED_PRESET_FIELDS:
        table.pop(key, None)
    effective = {
        "seed": preset.seed if seed is None else seed,
        "epochs": preset.epochs if epochs is None else epochs,
    }
    return _digest({"preset": table, **effective})


def outputs_hash(formats: tuple[str, ...], plotter: PlotterOptions | None) -> str:
    """Hash of the output options: the formats and the plotter page, if any."""
    return _digest({"formats": sorted(formats), "plotter": plotter and asdict(plotter)})


def input_hash(source: str) -> str | None:
    """Hash of an input's content: a file's bytes; for ``text:`` the text; for a sample its
    name and the version of the package that ships it (or the bundled file's bytes). None
    when the file cannot be read (the render then says why)."""
    from engines.pipeline.loading import ASSET_SAMPLE_DIR, ASSET_SAMPLES, SAMPLE_PREFIX

    if source.startswith("text:"):
        return _digest({"text": source})
    if source.startswith(SAMPLE_PREFIX):
        name = source[len(SAMPLE_PREFIX) :]
        if name in ASSET_SAMPLES:
            return input_hash(str(ASSET_SAMPLE_DIR / f"{name}.png"))
        from importlib.metadata import PackageNotFoundError, version

        try:
            shipped = version("scikit-image")
        except PackageNotFoundError:
            shipped = None
        return _digest({"sample": name, "scikit-image": shipped})
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


#: What a differing hash means, in the order reasons are given.
_REASONS = {
    "parameters": "parameters changed",
    "input": "input changed",
    "outputs": "output options changed",
}


def resume_reason(
    previous: Entry | None, hashes: dict[str, str | None], outputs: list[Path]
) -> str | None:
    """Why an input must be rendered again, or None when its files are up to date.

    Returns '' for an input with nothing on disk and no finished record (a plain first
    render), else a short reason: which hashes differ, missing files, no record.
    """
    on_disk = [p.exists() for p in outputs]
    done = previous is not None and previous.get("status") == "done"
    if not any(on_disk) and not done:
        return ""
    if previous is None:
        return "no record of its files in the manifest"
    if not done:
        status = previous.get("status")
        return "its last run failed" if status == "failed" else f"its last run was {status}"
    recorded = previous.get("hashes")
    if not isinstance(recorded, dict):
        return "its record has no hashes (an older manifest)"
    changed = [why for key, why in _REASONS.items() if recorded.get(key) != hashes[key]]
    if hashes["input"] is None:
        changed.append("input unreadable")
    if changed:
        return ", ".join(changed)
    if not all(on_disk):
        missing = [p.name for p, here in zip(outputs, on_disk, strict=True) if not here]
        return f"{', '.join(missing)} missing"
    return None


# --------------------------------------------------------------------------- manifest


def _key(entry: Entry) -> tuple[str, str | None]:
    preset = entry.get("preset")
    if preset is None and isinstance(entry.get("parameters"), dict):
        preset = entry["parameters"].get("name")  # a manifest written before presets were keys
    return (entry.get("input"), preset)


class Manifest:
    """``OUT/manifest.json``: the entries of earlier runs, updated by this one's.

    Entries of earlier runs keep their place; this run's replace them (same input and
    preset) or follow them in input order.
    """

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / MANIFEST
        self.notice: str | None = None
        self._earlier: list[Entry] = []
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self._earlier = [e for e in data["inputs"] if isinstance(e, dict) and "input" in e]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                self.notice = f"{display_name(self.path)} was unreadable ({exc}); rebuilt"
        self._by_key = {_key(e): e for e in self._earlier}
        self._run: dict[int, Entry] = {}

    def previous(self, source: str, preset: str) -> Entry | None:
        return self._by_key.get((display_name(source), preset))

    def record(self, index: int, entry: Entry) -> None:
        self._run[index] = entry

    def entries(self) -> list[Entry]:
        new = {_key(e): e for _, e in sorted(self._run.items())}
        merged = [new.pop(_key(e), e) for e in self._earlier]
        return merged + list(new.values())

    def write(self) -> Path:
        from engines.atomic import atomic_write_text

        payload = {"generator": "gasworks render", "inputs": _printable(self.entries())}
        return atomic_write_text(self.path, json.dumps(payload, indent=2) + "\n")


def _printable(value: Any) -> Any:
    """``value`` with every string in it as :func:`display_name` shows it: a file name that
    is not UTF-8 (``bad\\xffname.png``) is written escaped, never as a lone surrogate."""
    if isinstance(value, str):
        return display_name(value)
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value


@contextmanager
def folder_lock(out_dir: Path) -> Iterator[None]:
    """Hold an advisory lock on ``out_dir`` (created if needed) for one run.

    Raises
    ------
    FolderBusy
        Another process holds it.
    """
    import fcntl

    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise FolderBusy(
            f"{display_name(out_dir)}: another gasworks render is writing into this folder; "
            "wait for it to finish or choose another output folder"
        ) from None
    try:
        yield
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- one input


@dataclass
class Rendered:
    """One input rendered, nothing written yet: its entry (done or failed) and, when done,
    the bytes of each output format."""

    entry: Entry
    files: dict[str, bytes] = field(default_factory=dict, repr=False)


def render_task(job: Job, data: bytes | None = None) -> Rendered:
    """The work of one input, wherever it runs (this process, a worker of the pool, a Dask
    worker): read → the engine's recipe → its export, as bytes. Never raises for a bad input.

    ``data`` is the input file's content when it was read elsewhere (a cluster's client
    sends it); None reads ``job.source`` here. Messages name ``job.source`` either way.
    """
    from engines import registry
    from engines.pipeline.loading import ImageBytes
    from engines.presets import validate_preset
    from engines.render import art_title

    start = time.perf_counter()
    source = job.source if data is None else ImageBytes(job.source, data)
    try:
        preset = validate_preset(job.preset_table, origin=job.preset_name)
        kind = registry.art_job(preset.engine)
        result = kind.run(source, preset, seed=job.seed, epochs=job.epochs)
        t_render = time.perf_counter()
        title = art_title(job.source, job.preset_name)
        files, figures = _export_bytes(kind.load("export"), result, job, title)
    except (GasworksError, OSError, ValueError) as exc:
        return Rendered(_failure(job, exc, start))
    timings = {**result.timings, "export": time.perf_counter() - t_render}
    entry = _entry(
        job.source,
        job.preset_name,
        "done",
        outputs=[str(p) for p in job.outputs().values()],
        seed=result.seed,
        epochs=result.epochs,
        parameters=preset.model_dump(mode="json"),
        stats={**result.stats, **figures},
        timings={k: round(v, 3) for k, v in timings.items()},
        seconds=round(time.perf_counter() - start, 3),
    )
    return Rendered(entry, files)


def _export_bytes(
    export: Callable[..., Any], result: Any, job: Job, title: str
) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The job's export function run into a private folder: each format's bytes, and the
    figures the export reports (pen travel of plotter SVG)."""
    import tempfile

    files: dict[str, bytes] = {}
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="gasworks-export-") as folder:
        for fmt, path in job.outputs().items():
            target = Path(folder) / path.name
            written = export(result, target, overwrite=True, title=title, plotter=job.plotter)
            if written:
                figures["plotter" if fmt == "svg" and job.plotter is not None else fmt] = written
            files[fmt] = target.read_bytes()
    return files, figures


def write_rendered(job: Job, rendered: Rendered) -> Entry:
    """Write a rendered input's files atomically; its entry, or a failure if writing
    failed. Call it with stops held (:func:`stop_held`) when the entry is then recorded."""
    from engines.atomic import atomic_write_bytes

    entry = rendered.entry
    if entry["status"] != "done":
        return entry
    start = time.perf_counter()
    try:
        for fmt, path in job.outputs().items():
            atomic_write_bytes(path, rendered.files[fmt])
    except OSError as exc:
        return _failure(job, exc, start - entry["seconds"])
    seconds = time.perf_counter() - start
    timings = {**entry["timings"], "write": round(seconds, 3)}
    return {**entry, "timings": timings, "seconds": round(entry["seconds"] + seconds, 3)}


def render_one(
    job: Job, deliver: Callable[[Entry], None] | None = None, data: bytes | None = None
) -> Entry:
    """Render one input (:func:`render_task`) and write its files; never raises for a bad
    input.

    ``deliver`` receives the entry before this returns; the files are written and the entry
    delivered with Ctrl-C and TERM held off, so a stop never separates them.
    """
    rendered = render_task(job, data)
    with stop_held():
        entry = write_rendered(job, rendered)
        if deliver is not None:
            deliver(entry)
    return entry


def _failure(job: Job, exc: Exception, start: float) -> Entry:
    message = str(exc)
    named = (job.source, display_name(job.source), short_name(job.source))
    if not any(name in message for name in named):
        message = f"{short_name(job.source)}: {message}"
    return _entry(job.source, job.preset_name, "failed", error=message,
                  seconds=round(time.perf_counter() - start, 3))  # fmt: skip


def render_job(job: Job) -> Entry:
    """Render one input unless its outputs exist (``job.force`` renders anyway).

    For a single picture with no manifest (the demo gallery); a batch decides by the
    manifest's hashes instead.
    """
    outputs = job.outputs()
    if not job.force and all(p.exists() for p in outputs.values()):
        return _entry(job.source, job.preset_name, "skipped",
                      outputs=[str(p) for p in outputs.values()])  # fmt: skip
    return render_one(job)


@contextmanager
def stop_held() -> Iterator[None]:
    """Hold off Ctrl-C and TERM inside the block; a stop asked for meanwhile happens at its
    end (only in the main thread, where signal handlers run; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    stops = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in stops}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in dict.fromkeys(caught):
            if previous[s] not in (signal.SIG_IGN, None):
                signal.raise_signal(s)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """TERM stops the run as Ctrl-C does (in the main thread; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --------------------------------------------------------------------------- workers

#: prctl option: the signal a process gets when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1


def _become_worker(parent_pid: int) -> None:
    """Signals of a worker: Ctrl-C is the batch's to handle; TERM ends it at once (but
    waits for files being written, see :func:`stop_held`); so does the batch's death."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _die_with_parent_linux():
        if os.getppid() != parent_pid:  # the batch died before the request took effect
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _die_with_parent_linux() -> bool:
    """Ask the kernel for TERM when the parent dies (works while compiled code runs)."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


def _worker_main(conn: Any, parent_pid: int) -> None:
    _become_worker(parent_pid)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            render_one(job, deliver=conn.send)
        except (EOFError, OSError):  # the batch is gone
            return
        except Exception as exc:  # a bug fails only its input
            message = f"{display_name(job.source)}: unexpected error: {exc!r}"
            failure = _entry(job.source, job.preset_name, "failed", error=message)
            try:
                conn.send(failure)
            except (EOFError, OSError):
                return


@dataclass
class _Worker:
    process: Any
    conn: Any
    task: tuple[int, Job] | None = None


class WorkerPool:
    """Worker processes that each render one job at a time, sent over a pipe.

    A worker that dies fails only its input and is replaced; :meth:`stop` terminates them
    all and collects the entries of inputs they finished meanwhile.
    """

    def __init__(self, size: int):
        import multiprocessing
        import sys

        # fork where the platform has it: workers share the loaded engines and can tell
        # their parent (forkserver would put a server between them).
        fork = (
            sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
        )
        self._ctx = multiprocessing.get_context("fork" if fork else None)
        self._workers = [self._start() for _ in range(size)]

    def _start(self) -> _Worker:
        parent_conn, child_conn = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_worker_main, args=(child_conn, os.getpid()), name="gasworks-render",
            daemon=True,
        )  # fmt: skip
        process.start()
        child_conn.close()
        return _Worker(process, parent_conn)

    def run(self, tasks: list[tuple[int, Job]], on_entry: Callable[[int, Entry], None]) -> None:
        """Render ``tasks`` (index, job), calling ``on_entry(index, entry)`` as each ends."""
        from multiprocessing.connection import wait

        queue = deque(tasks)
        for worker in list(self._workers):
            self._assign(worker, queue)
        while any(w.task for w in self._workers):
            busy = {w.conn: w for w in self._workers if w.task}
            for conn in wait(list(busy)):
                with stop_held():  # a received entry is recorded before a stop
                    self._receive(busy[conn], queue, on_entry)

    def _receive(self, worker: _Worker, queue: deque, on_entry) -> None:
        index, job = worker.task
        try:
            entry = worker.conn.recv()
        except (EOFError, OSError):
            entry = None
        if entry is None:  # the worker died: its input fails, a new worker goes on
            entry = _entry(job.source, job.preset_name, "failed",
                           error=f"{display_name(job.source)}: the worker process stopped "
                                 f"unexpectedly ({self._retire(worker)})")  # fmt: skip
            worker = None
            if queue:
                worker = self._start()
                self._workers.append(worker)
        else:
            worker.task = None
        on_entry(index, entry)
        if worker is not None:
            self._assign(worker, queue)

    def _assign(self, worker: _Worker, queue: deque) -> None:
        """Send ``worker`` the next job (a worker found dead meanwhile is replaced)."""
        while queue:
            worker.task = queue.popleft()
            try:
                worker.conn.send(worker.task[1])
                return
            except OSError:
                queue.appendleft(worker.task)
                self._retire(worker)
                worker = self._start()
                self._workers.append(worker)

    def _retire(self, worker: _Worker) -> str:
        """Forget a dead worker; how it ended."""
        worker.process.join(STOP_TIMEOUT)
        worker.conn.close()
        self._workers.remove(worker)
        code = worker.process.exitcode
        if code is not None and code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    def stop(self, on_entry: Callable[[int, Entry], None]) -> None:
        """Terminate every worker; entries that arrive meanwhile go to ``on_entry``."""
        from multiprocessing.connection import wait

        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        waiting = {w.process.sentinel: w for w in self._workers}
        readable = {w.conn: w for w in self._workers if w.task}
        while waiting and time.monotonic() < deadline:
            ready = wait([*waiting, *readable], timeout=deadline - time.monotonic())
            for obj in ready:
                if obj in readable:
                    self._collect(readable, obj, on_entry)
                else:
                    waiting.pop(obj)
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.kill()
            worker.process.join()
        for conn in list(readable):
            self._collect(readable, conn, on_entry)
        self.close()

    @staticmethod
    def _collect(readable: dict, conn: Any, on_entry: Callable[[int, Entry], None]) -> None:
        worker = readable[conn]
        try:
            if not conn.poll():
                return
            entry = conn.recv()
        except (EOFError, OSError):
            readable.pop(conn)
            return
        readable.pop(conn)
        index, _ = worker.task
        worker.task = None
        on_entry(index, entry)

    def close(self) -> None:
        """Let idle workers exit (they end at once when told, or with the batch)."""
        for worker in self._workers:
            if worker.process.is_alive():
                with suppress(OSError):
                    worker.conn.send(None)
        for worker in self._workers:
            worker.process.join(STOP_TIMEOUT)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._workers = []


# --------------------------------------------------------------------------- the run


@dataclass
class _Task:
    index: int
    job: Job
    hashes: dict[str, str | None]
    reason: str


class BatchRun:
    """One ``gasworks render`` run into one folder.

    Entering it takes the folder's lock, reads the manifest, decides what to render (and
    why) and starts the workers; :meth:`run` renders; leaving it stops the workers and
    releases the lock::

        with BatchRun(items, preset, table, out_dir, ...) as batch:
            report = batch.run(on_entry)
    """

    def __init__(
        self,
        items: list[str | Entry],
        preset: Any,
        table: dict[str, Any],
        out_dir: Path,
        *,
        formats: tuple[str, ...] = FORMATS,
        seed: int | None = None,
        epochs: int | None = None,
        plotter: PlotterOptions | None = None,
        force: bool = False,
        workers: int = 1,
        cluster: ClusterOptions | None = None,
    ):
        self.items = items
        self.preset = preset
        self.out_dir = Path(out_dir)
        # Workers writing into a shared folder need its path from anywhere.
        job_dir = self.out_dir.resolve() if cluster and cluster.shared_output else out_dir
        self._job = lambda source: Job(source, preset.name, table, str(job_dir), formats, seed,
                                       epochs, force, plotter)  # fmt: skip
        self._params_hash = parameters_hash(preset, seed, epochs)
        self._outputs_hash = outputs_hash(formats, plotter)
        self.force = force
        self.workers = workers
        self.cluster = cluster
        self.report = BatchReport()
        self.rerendering: list[tuple[str, str]] = []
        self._tasks: list[_Task] = []
        self._pool: WorkerPool | DaskPool | None = None
        self._lock: Any = None

    def __enter__(self) -> BatchRun:
        self._lock = folder_lock(self.out_dir)
        self._lock.__enter__()
        try:
            self._remove_leftovers()
            self.manifest = Manifest(self.out_dir)
            if self.manifest.notice:
                self.report.notices.append(self.manifest.notice)
            self._plan()
            size = min(self.workers, len(self._tasks))
            if self.cluster is not None and self._tasks:
                self._pool = self.cluster.connect()
                self.report.notices.append(self._pool.describe())
            elif size > 1:
                self._pool = WorkerPool(size)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        try:
            if self._pool is not None and exc_type is not None:
                self._pool.stop(lambda index, entry: None)
            elif self._pool is not None:
                self._pool.close()
            self._pool = None
        finally:
            if self._lock is not None:
                self._lock.__exit__(None, None, None)
                self._lock = None

    def _remove_leftovers(self) -> None:
        """Remove temporary files a killed run left (the lock keeps out any live writer)."""
        for path in self.out_dir.glob(".*.part"):
            if _TEMPORARY.fullmatch(path.name) and path.is_file():
                path.unlink(missing_ok=True)
                self.report.notices.append(f"removed {display_name(path)}, left by a killed run")

    @property
    def total(self) -> int:
        return len(self.items)

    def _plan(self) -> None:
        self._entries: list[Entry | None] = [None] * len(self.items)
        self._settled: list[tuple[int, Entry]] = []  # known before rendering: skips, failures
        for index, item in enumerate(self.items):
            if not isinstance(item, str):
                failure = {"input": item["input"], "preset": self.preset.name, **item}
                self._settled.append((index, failure))
                continue
            job = self._job(item)
            hashes = {"parameters": self._params_hash, "input": input_hash(item),
                      "outputs": self._outputs_hash}  # fmt: skip
            outputs = list(job.outputs().values())
            previous = self.manifest.previous(item, self.preset.name)
            reason = "" if self.force else resume_reason(previous, hashes, outputs)
            if reason is None:
                entry = _entry(item, self.preset.name, "skipped",
                               outputs=[str(p) for p in outputs])  # fmt: skip
                self._settled.append((index, entry))
                continue
            if reason:
                self.rerendering.append((display_name(item), reason))
            self._tasks.append(_Task(index, job, hashes, reason))

    def run(self, on_entry: Callable[[Entry], None] | None = None) -> BatchReport:
        """Render what needs it; ``on_entry`` sees each entry as it ends (skips first).

        Ctrl-C (or TERM under :func:`terminate_as_interrupt`) stops the workers, keeps what
        they finished and marks the rest cancelled; the report says ``interrupted``.
        """
        tasks = {t.index: t for t in self._tasks}

        def finish(index: int, entry: Entry) -> None:
            task = tasks.get(index)
            if task is not None:
                if task.reason:
                    entry["reason"] = task.reason
                if entry["status"] == "done":
                    entry["hashes"] = task.hashes
            self._entries[index] = entry
            if entry["status"] != "skipped":
                self.manifest.record(index, entry)
                self.manifest.write()
            if on_entry is not None:
                on_entry(entry)

        try:
            try:
                for index, entry in self._settled:
                    finish(index, entry)
                todo = [(t.index, t.job) for t in self._tasks]
                if self._pool is None:
                    for index, job in todo:
                        render_one(job, deliver=lambda e, i=index: finish(i, e))
                else:
                    self._pool.run(todo, finish)
            except KeyboardInterrupt:
                self.report.interrupted = True
                with stop_held():
                    if self._pool is not None:
                        self._pool.stop(finish)
                        self._pool = None
                    self._cancel_the_rest()
        finally:
            with stop_held():
                self.manifest.write()
        self.report.entries = [e for e in self._entries if e is not None]
        return self.report

    def _cancel_the_rest(self) -> None:
        """Entries for the inputs this run did not finish: the manifest keeps an earlier
        record (their files were not touched), else lists what is on disk."""
        for task in self._tasks:
            if self._entries[task.index] is not None:
                continue
            source = task.job.source
            entry = _entry(source, self.preset.name, "cancelled",
                           error=f"{display_name(source)}: stopped before it finished")  # fmt: skip
            self._entries[task.index] = entry
            if self.manifest.previous(source, self.preset.name) is None:
                on_disk = [str(p) for p in task.job.outputs().values() if p.exists()]
                self.manifest.record(task.index, {**entry, "outputs": on_disk})


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
