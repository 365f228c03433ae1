"""A batch that is killed, stopped or raced loses nothing and leaves nothing running.

Real ``gasworks render`` processes with two workers; the tests wait on files and process
states (bounded, generous), never on guessed durations.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads process states from /proc (Linux)"
)

#: Generous bound for anything the tests wait for (cold caches, two busy cores).
PATIENCE = 90.0
#: About a second per input on an idle core: a batch is still busy when it is stopped.
SLOW = ("--set", "pipeline.auto=false", "--epochs", "60", "--format", "svg")


def _gasworks_command() -> list[str]:
    script = shutil.which("gasworks", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-c", "from app.cli import main; main()"]


def _ring(path: Path, size: int) -> Path:
    yy, xx = np.mgrid[:size, :size]
    r = np.hypot(yy - size / 2, xx - size / 2)
    ink = (r < 0.45 * size) & (r > 0.15 * size)
    Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).save(path)
    return path


@pytest.fixture
def photos(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(8):
        _ring(folder / f"ring{i}.png", 200 - i)
    return folder


def _state(pid: int) -> str | None:
    """The process's state letter, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _running(pid: int) -> bool:
    return _state(pid) not in (None, "Z", "X")  # a zombie has exited


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {PATIENCE:.0f} s for {what}")
        time.sleep(0.02)


@pytest.fixture
def batch(tmp_path):
    """Start ``gasworks render`` in its own session; every process it started is killed
    at the end of the test, whatever happened."""
    started: list[subprocess.Popen] = []
    workers: list[int] = []

    def start(*args) -> subprocess.Popen:
        log = open(tmp_path / f"run{len(started)}.log", "w+b")  # noqa: SIM115 (closed below)
        proc = subprocess.Popen([*_gasworks_command(), "render", *map(str, args)], stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        proc.log = log
        started.append(proc)
        return proc

    def workers_of(proc) -> list[int]:
        _wait_for(lambda: len(_children(proc.pid)) >= 2, "two worker processes")
        pids = _children(proc.pid)
        workers.extend(pids)
        return pids

    start.workers_of = workers_of
    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.log.close()
    for pid in workers:
        if _running(pid):
            os.kill(pid, signal.SIGKILL)


def _output(proc) -> str:
    proc.log.seek(0)
    return proc.log.read().decode("utf-8", "replace")


def _entries(out: Path) -> dict[str, dict]:
    manifest = json.loads((out / "manifest.json").read_text())["inputs"]
    return {Path(e["input"]).name: e for e in manifest}


def test_killed_batch_leaves_no_workers_and_loses_at_most_the_inputs_in_flight(
    batch, photos, tmp_path, gasworks
):
    out = tmp_path / "out"
    proc = batch(photos, "-o", out, "--workers", "2", *SLOW)
    workers = batch.workers_of(proc)
    _wait_for(lambda: any(out.glob("*.svg")), "the first picture")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _wait_for(lambda: not any(_running(pid) for pid in workers), "the workers to exit")

    drawn = {p.name.split(".")[0] + ".png" for p in out.glob("*.svg")}
    recorded: set[str] = set()
    if (out / "manifest.json").exists():
        recorded = {k for k, e in _entries(out).items() if e["status"] == "done"}
    assert recorded <= drawn and len(drawn - recorded) <= 2  # only the inputs in flight

    resumed = gasworks("render", photos, "-o", out, "--workers", "2", *SLOW, "--json")
    assert resumed.exit_code == 0, resumed.output
    entries = _entries(out)
    assert len(entries) == 8
    for entry in entries.values():
        assert entry["status"] == "done"
        assert {"seed", "parameters", "timings", "hashes"} <= set(entry)
    assert not list(out.glob(".*.part"))  # a temporary file the kill left is cleared


def test_a_run_clears_temporary_files_a_killed_run_left(gasworks, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".ring.default.svg.k2x_9abc.part").write_text("<svg")
    (out / ".manifest.json.0aZ_tmpq.part").write_text("{")
    (out / "notes.part").write_text("the user's own file")
    drawing = _ring(tmp_path / "ring.png", 40)
    result = gasworks("render", drawing, "-o", out, "--workers", "1", "--format", "svg")
    assert result.exit_code == 0, result.output
    assert "left by a killed run" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json", "notes.part", "ring.default.svg"
    ]  # fmt: skip


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopped_batch_ends_its_workers_and_says_what_is_on_disk(batch, photos, tmp_path, stop):
    out = tmp_path / "out"
    proc = batch(photos, "-o", out, "--workers", "2", *SLOW)
    workers = batch.workers_of(proc)
    _wait_for(lambda: any(out.glob("*.svg")), "the first picture")
    proc.send_signal(stop)
    assert proc.wait(timeout=PATIENCE) == 1, _output(proc)
    assert re.search(r"\d rendered, 0 skipped, 0 failed, \d cancelled → .+ \(interrupted\)",
                     _output(proc))  # fmt: skip
    _wait_for(lambda: not any(_running(pid) for pid in workers), "the workers to exit")
    assert not list(out.glob(".*.part"))

    entries = _entries(out)
    assert list(entries) == [f"ring{i}.png" for i in range(8)]  # every input, in input order
    for name, entry in entries.items():
        on_disk = (out / name.replace(".png", ".default.svg")).exists()
        assert (entry["status"] == "done") == on_disk, (name, entry["status"], on_disk)
        if entry["status"] == "cancelled":
            assert entry["outputs"] == []
    assert 1 <= sum(e["status"] == "done" for e in entries.values()) < 8


def test_a_killed_worker_fails_only_its_input(batch, photos, tmp_path):
    out = tmp_path / "out"
    proc = batch(photos, "-o", out, "--workers", "2", *SLOW)
    victim = batch.workers_of(proc)[0]
    _wait_for(lambda: any(out.glob("*.svg")), "the first picture")
    os.kill(victim, signal.SIGKILL)
    code = proc.wait(timeout=PATIENCE)
    statuses = [e["status"] for e in _entries(out).values()]
    failed = [e["error"] for e in _entries(out).values() if e["status"] == "failed"]
    # The victim was rendering (it is idle only between two inputs, when it would be replaced
    # without a loss): its input fails, a new worker renders the rest.
    assert len(statuses) == 8 and statuses.count("done") + len(failed) == 8
    assert len(failed) <= 1 and code == len(failed), _output(proc)
    assert all("the worker process stopped unexpectedly (killed by SIGKILL)" in f for f in failed)
    assert len(list(out.glob("*.svg"))) == statuses.count("done")


def test_a_second_run_into_a_busy_folder_is_refused(batch, photos, tmp_path, gasworks):
    out = tmp_path / "out"
    proc = batch(photos, "-o", out, "--workers", "1", *SLOW)
    _wait_for(lambda: any(out.glob("*.svg")), "the first picture")
    other = _ring(tmp_path / "other.png", 60)
    second = gasworks("render", other, "-o", out, "--workers", "1", *SLOW)
    assert second.exit_code == 2
    assert f"{out}: another gasworks render is writing into this folder" in second.output
    assert not (out / "other.default.svg").exists()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=PATIENCE) == 1
    # Free again: the same run now goes through.
    assert gasworks("render", other, "-o", out, "--workers", "1", *SLOW).exit_code == 0


def test_entries_keep_input_order_with_several_workers(gasworks, tmp_path):
    """The first input takes longest, so the others finish before it."""
    slow = _ring(tmp_path / "a-large.png", 200)
    fast = [_ring(tmp_path / f"b-small{i}.png", 24) for i in range(3)]
    out = tmp_path / "out"
    result = gasworks("render", slow, *fast, "-o", out, "--workers", "2", *SLOW, "--json")
    assert result.exit_code == 0, result.output
    order = ["a-large.png", "b-small0.png", "b-small1.png", "b-small2.png"]
    assert [Path(e["input"]).name for e in result.json["inputs"]] == order
    assert list(_entries(out)) == order
