"""``gasworks render --scheduler``: a batch on a Dask cluster gives the local run's files.

The cluster tests share one ``LocalCluster`` of two worker processes (``tcp://`` address),
and one starts its own through ``--scheduler local:2``. They wait on results, futures and
worker states with generous bounds, never on guessed durations.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.batch import BatchRun, Job, collect_inputs, render_task
from app.cluster import ClusterError, ClusterOptions, DaskPool, parse_scheduler
from engines.presets import apply_overrides, read_preset_table, validate_preset

#: Generous bound for anything the tests wait for (cold caches, two busy cores).
PATIENCE = 120.0
#: A few tenths of a second per input: small, yet workers are busy when one is killed.
QUICK = ["pipeline.auto=false", "engine_params.max_nodes=120"]
EPOCHS = 8


def _ring(path: Path, size: int) -> Path:
    yy, xx = np.mgrid[:size, :size]
    r = np.hypot(yy - size / 2, xx - size / 2)
    ink = (r < 0.45 * size) & (r > 0.15 * size)
    Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).save(path)
    return path


@pytest.fixture
def photos(tmp_path) -> Path:
    """Six rings and a text file under an image's name."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        _ring(folder / f"ring{i}.png", 90 + 7 * i)
    (folder / "notes.png").write_text("not a picture\n")
    return folder


def _options() -> list[str]:
    return [x for pair in QUICK for x in ("--set", pair)] + ["--epochs", str(EPOCHS)]


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".svg", ".png")}


def _manifest(out: Path) -> dict[str, dict]:
    entries = json.loads((out / "manifest.json").read_text())["inputs"]
    return {Path(e["input"]).name: e for e in entries}


# --------------------------------------------------------------------------- no cluster


@pytest.mark.parametrize(
    ("text", "address"),
    [("local:2", "local:2"), ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
     ("render-box:8786", "tcp://render-box:8786"), ("tls://[::1]:8786", "tls://[::1]:8786"),
     ("local:0", None), ("local:x", None), ("tcp://a b:1", None), ("", None)],
)  # fmt: skip
def test_scheduler_addresses(text, address):
    if address is None:
        with pytest.raises(ValueError, match="--scheduler"):
            parse_scheduler(text)
    else:
        assert parse_scheduler(text) == address


def test_without_the_extra_a_scheduler_exits_2_naming_it(gasworks, photos, tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)  # not installed
    out = tmp_path / "out"
    result = gasworks("render", photos / "ring0.png", "-o", out, "--scheduler", "local:2")
    assert result.exit_code == 2
    assert "pip install 'gasworks[cluster]'" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--shared-output"], "--shared-output needs --scheduler"),
     (["--scheduler", "local:2", "--workers", "2"], "--workers sizes the local pool"),
     (["--scheduler", "local:99"], "1 to 64 worker processes")],
)  # fmt: skip
def test_scheduler_usage_mistakes_exit_2(gasworks, photos, tmp_path, args, message):
    result = gasworks("render", photos / "ring0.png", "-o", tmp_path / "out", *args)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_scheduler_exits_2_within_the_timeout(gasworks, photos, tmp_path):
    with socket.socket() as closed:  # bound, never listening: every connection is refused
        closed.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{closed.getsockname()[1]}"
        start = time.monotonic()
        result = gasworks("render", photos, "-o", tmp_path / "out", "--scheduler", address,
                          "--scheduler-timeout", "1")  # fmt: skip
        elapsed = time.monotonic() - start
    assert result.exit_code == 2, result.output
    assert f"no Dask scheduler answered at {address} within 1 s" in result.output
    assert "dask scheduler" in result.output and "Traceback" not in result.output
    assert elapsed < PATIENCE  # it gives up: a hung connection would never get here
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_the_work_of_an_input_is_the_same_from_its_bytes(photos, tmp_path):
    """What a cluster's worker gets (the file's bytes, under its name) makes the same
    files, and a bad file's bytes fail naming the file."""
    table = apply_overrides(read_preset_table("default"), QUICK)
    job = Job(str(photos / "ring0.png"), "default", table, str(tmp_path), ("svg", "png"), 3,
              EPOCHS)  # fmt: skip
    here = render_task(job)
    sent = render_task(job, (photos / "ring0.png").read_bytes())
    assert here.entry["status"] == sent.entry["status"] == "done"
    assert here.files == sent.files and set(here.files) == {"svg", "png"}
    assert here.files["png"].startswith(b"\x89PNG")
    bad = Job(str(photos / "notes.png"), "default", table, str(tmp_path), ("svg",), 3, EPOCHS)
    failed = render_task(bad, (photos / "notes.png").read_bytes())
    assert failed.entry["status"] == "failed" and not failed.files
    assert failed.entry["error"] == f"{photos / 'notes.png'}: not an image (found text: " \
                                    "'not a picture')"  # fmt: skip


# --------------------------------------------------------------------------- on a cluster


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes of one thread; (client, {worker address: pid})."""
    import logging

    from distributed import Client, LocalCluster

    local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         dashboard_address=":0", silence_logs=logging.ERROR)  # fmt: skip
    with local, Client(local, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=PATIENCE)
        yield client


def _pids(client) -> dict[str, int]:
    return client.run(os.getpid)


@pytest.mark.slow
def test_local_cluster_renders_a_folder_as_the_local_run_does(gasworks, photos, tmp_path):
    local, remote = tmp_path / "local", tmp_path / "cluster"
    here = gasworks("render", photos, "-o", local, "--seed", "3", *_options(), "--workers", "1")
    there = gasworks("render", photos, "-o", remote, "--seed", "3", *_options(),
                     "--scheduler", "local:2")  # fmt: skip
    assert here.exit_code == there.exit_code == 1, there.output
    assert "2 workers, 2 threads; dashboard: http://" in there.output
    assert f"Failed: {photos / 'notes.png'}: not an image" in there.output
    files = _files(remote)
    assert len(files) == 12  # six rings, svg and png
    assert files == _files(local)  # byte for byte
    entries = _manifest(remote)
    assert [e["status"] for e in entries.values()] == ["failed"] + ["done"] * 6
    assert entries["notes.png"]["error"] == _manifest(local)["notes.png"]["error"]
    assert all(set(e["hashes"]) == {"parameters", "input", "outputs"}
               for e in entries.values() if e["status"] == "done")  # fmt: skip
    # Resume reads the same manifest: nothing changed, nothing rendered again (no cluster).
    again = gasworks("render", photos / "ring1.png", "-o", remote, "--seed", "3", *_options(),
                     "--scheduler", "local:2", "--json")  # fmt: skip
    assert again.exit_code == 0 and [e["status"] for e in again.json["inputs"]] == ["skipped"]
    assert "Dask" not in again.output


@pytest.mark.slow
def test_workers_that_cannot_see_the_files_get_their_bytes_and_can_write_shared_output(
    gasworks, cluster, photos, tmp_path, monkeypatch
):
    address = cluster.scheduler.address
    reference = tmp_path / "reference"
    here = gasworks("render", photos, "-o", reference, *_options(), "--workers", "1")
    assert here.exit_code == 1  # notes.png
    # Relative names from another folder: meaningless where the workers run.
    client_dir = tmp_path / "client"
    client_dir.mkdir()
    (client_dir / "in").symlink_to(photos)
    monkeypatch.chdir(client_dir)
    for out, shared in (("sent", []), ("shared", ["--shared-output"])):
        result = gasworks("render", "in", "-o", out, *_options(), "--scheduler", address, *shared)
        assert result.exit_code == 1, result.output
        assert _files(client_dir / out) == _files(reference)
        assert _manifest(client_dir / out)["notes.png"]["status"] == "failed"
    outputs = _manifest(client_dir / "shared")["ring0.png"]["outputs"]
    assert outputs[0] == str(client_dir / "shared" / "ring0.default.svg")  # from anywhere


@pytest.mark.slow
def test_a_stop_cancels_the_tasks_left_and_writes_nothing_half(cluster, photos, tmp_path):
    out = tmp_path / "out"
    items, _ = collect_inputs([str(photos)])
    table = apply_overrides(read_preset_table("default"), QUICK)
    preset = validate_preset(table, origin="default")
    seen: list[str] = []

    def on_entry(entry) -> None:  # Ctrl-C as the first input is recorded
        seen.append(entry["input"])
        if len(seen) == 1:
            signal.raise_signal(signal.SIGINT)

    options = ClusterOptions(cluster.scheduler.address)
    with BatchRun(items, preset, table, out, formats=("svg",), epochs=EPOCHS,
                  cluster=options) as batch:  # fmt: skip
        report = batch.run(on_entry)
    assert report.interrupted
    statuses = {Path(e["input"]).name: e["status"] for e in report.entries}
    assert len(statuses) == 7 and report.count("cancelled") >= 1
    on_disk = {p.name.split(".")[0] + ".png" for p in out.glob("*.svg")}
    assert on_disk == {name for name, status in statuses.items() if status == "done"}
    assert not list(out.glob(".*.part"))
    assert {n: e["status"] for n, e in _manifest(out).items()} == statuses


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_no_input(cluster, photos, tmp_path):
    """The dead worker's task goes to the other worker (its replacement joins later): every
    input is rendered and written once, byte for byte as locally."""
    epochs = 5 * EPOCHS  # inputs long enough that a worker is killed while rendering one
    out = tmp_path / "out"
    items, _ = collect_inputs([str(photos)])
    table = apply_overrides(read_preset_table("default"), QUICK)
    preset = validate_preset(table, origin="default")
    pids = _pids(cluster)
    killed: list[int] = []
    seen: list[str] = []

    def executing(dask_worker) -> int:
        return len(dask_worker.state.executing)

    def on_entry(entry) -> None:
        seen.append(entry["input"])
        if killed or entry["status"] == "failed":
            return
        # A result arrived: kill a worker that is rendering an input right now.
        deadline = time.monotonic() + PATIENCE
        while not killed and time.monotonic() < deadline:
            busy = [a for a, n in cluster.run(executing, on_error="ignore").items() if n]
            if busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(pids[busy[0]])
        assert killed, "no worker was rendering while inputs were left"

    options = ClusterOptions(cluster.scheduler.address)
    with BatchRun(items, preset, table, out, formats=("svg",), epochs=epochs,
                  cluster=options) as batch:  # fmt: skip
        report = batch.run(on_entry)
    assert killed and not report.interrupted
    assert sorted(seen) == sorted(Path(e["input"]).as_posix() for e in report.entries)
    assert len(seen) == len(set(seen)) == 7  # each input delivered once
    statuses = {Path(e["input"]).name: e["status"] for e in report.entries}
    assert statuses == {"notes.png": "failed", **{f"ring{i}.png": "done" for i in range(6)}}
    for i in range(6):
        job = Job(str(photos / f"ring{i}.png"), "default", table, str(out), ("svg",), None,
                  epochs)  # fmt: skip
        assert (out / f"ring{i}.default.svg").read_bytes() == render_task(job).files["svg"]
    assert killed[0] not in _pids(cluster).values()


def test_dask_pool_refuses_an_unreachable_scheduler_naming_it():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{closed.getsockname()[1]}"
        with pytest.raises(ClusterError, match=f"no Dask scheduler answered at {address}"):
            DaskPool(ClusterOptions(address, timeout=0.5))
