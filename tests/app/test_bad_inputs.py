"""The audit of bad inputs and paths, as a table: every command, every way a new user can
get an output path, an input folder, an image, a text, a preset or a password wrong.

Each case must be handled cleanly: the expected exit code (2 for a path, usage, preset or
data error, 1 when inputs failed and the rest were done, 0 when the input is odd but
fine), a message on standard error that matches, no traceback, and no long echo of the
input. ``len(CASES)`` is the audit's "tried" figure; every case passing is "handled
cleanly".

Read-only folders are made with ``chmod``; where that does not stop writes (tests running
as root), the folder refuses new files through the same calls the kernel would refuse
(``os.open`` with ``O_CREAT``, ``os.mkdir``), and :func:`test_read_only_folder_for_real`
checks one command against a real read-only folder as another user.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from app.cli import main

#: A non-UTF-8 file name (the byte 0xff), as Python spells it on Linux.
BAD_NAME = os.fsdecode(b"bad\xffname.png")
LONG_TEXT = ("lorem ipsum dolor sit amet " * 4000)[:10_000]
HUGE_TEXT = LONG_TEXT * 10
LOGO_TEXT = LONG_TEXT[:1_800]
#: The most of a long input a message may quote.
QUOTE_LIMIT = 60
FAST = ("--epochs", "1", "--workers", "1")


@dataclass(frozen=True)
class Case:
    """One bad input: the command line (placeholders in braces, see :func:`world`), the
    exit code and a pattern of the message expected on standard error."""

    name: str
    args: tuple[str, ...]
    code: int
    message: str
    stdin: str | None = None
    #: Text the output must never contain (a password, a long input).
    never: str | None = None


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` grey pixels, with no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def _refuses_files(folder: Path) -> bool:
    try:
        fd, probe = tempfile.mkstemp(dir=folder)
    except PermissionError:
        return True
    os.close(fd)
    os.unlink(probe)
    return False


def _inside(path, folder: Path) -> bool:
    if isinstance(path, int):
        return False
    target = Path(os.fsdecode(path)).absolute()
    return target == folder or folder in target.parents


def _simulate_read_only(monkeypatch, folder: Path) -> None:
    """Refuse new files and folders inside ``folder`` as the kernel refuses another user."""
    real_open, real_mkdir = os.open, os.mkdir

    def refused(path):
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))

    def guarded_open(path, flags, mode=0o777, *, dir_fd=None):
        if flags & os.O_CREAT and _inside(path, folder):
            raise refused(path)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    def guarded_mkdir(path, mode=0o777, *, dir_fd=None):
        if _inside(path, folder):
            raise refused(path)
        return real_mkdir(path, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "mkdir", guarded_mkdir)


@pytest.fixture
def world(tmp_path, monkeypatch):
    """The files the cases name, in ``tmp_path`` (the working directory)."""
    from skimage import data

    monkeypatch.chdir(tmp_path)
    horse = Image.fromarray((data.horse() * 255).astype(np.uint8)).resize((96, 80))
    horse.save("img.png")
    horse.save(BAD_NAME)
    Image.fromarray(255 - np.asarray(horse)).save("inverted.png")
    Path("afile").write_text("a plain file\n")
    Path("folder").mkdir()
    Path("empty").mkdir()
    Path("notes").mkdir()
    Path("notes/readme.txt").write_text("no images here\n")
    Path("names.txt").write_text("ann\nbob\n")
    Path("under-limit.png").write_bytes(_png_header(9_500, 9_500))  # 90.25 MP: under 100
    Path("over-limit.png").write_bytes(_png_header(10_500, 10_000))  # 105 MP
    Path("bomb.png").write_bytes(_png_header(20_000, 20_000))  # 400 MP
    Path("empty.png").write_bytes(b"")
    Path("text.png").write_text("not an image\n")
    Path("truncated.png").write_bytes(Path("img.png").read_bytes()[:200])
    Path("empty.toml").write_text("")
    Path("comments.toml").write_text("# nothing but a comment\n")
    Path("dir.toml").mkdir()
    Path("bool-threshold.toml").write_text('engine = "gng"\n[pipeline]\nthreshold = true\n')
    Path("string-blur.toml").write_text('engine = "gng"\n[pipeline]\nblur = "1.5"\n')
    Path("no-engine.toml").write_text("[pipeline]\nblur = 1.0\n")
    Path("broken.toml").write_text("[pipeline\nblur = 1\n")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    if not _refuses_files(ro):  # root: permission bits do not stop writes
        _simulate_read_only(monkeypatch, ro)
    yield tmp_path
    ro.chmod(0o755)


def run(args: tuple[str, ...], stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=True)


def assert_clean(result, case: Case) -> None:
    """Handled cleanly: no traceback, the exit code, the message, no long echo."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"{case.name}: raised {result.exception!r}\n{trace}")
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == case.code, f"{case.name}: {result.output}"
    assert re.search(case.message, result.stderr), f"{case.name}: {result.stderr}"
    assert len(result.stderr) < 2_000, f"{case.name}: {len(result.stderr)} characters on stderr"
    if case.never is not None:
        assert case.never not in result.output


RO_FOLDER = r"ro: cannot write into this folder \(Permission denied\)"
RO_FILE = r"cannot write into \S*ro \(Permission denied\)"
ON_PATH = r"afile is a file, not a folder"

# fmt: off
CASES = [
    # 6. A read-only output folder, in every command that writes: one line, exit 2.
    Case("render into ro", ("render", "img.png", "-o", "ro", *FAST), 2, RO_FOLDER),
    Case("render into ro/sub", ("render", "img.png", "-o", "ro/sub", *FAST), 2, RO_FILE),
    Case("demo into ro", ("demo", "-o", "ro/demo"), 2, RO_FILE),
    Case("points preview", ("points", "img.png", "-o", "ro/p.png"), 2, RO_FILE),
    Case("points --preview", ("points", "img.png", "--preview", "ro/p.png"), 2, RO_FILE),
    Case("logo", ("logo", "Hi", "-o", "ro/logo.png"), 2, RO_FILE),
    Case("avatar", ("avatar", "ann", "-o", "ro/a.png"), 2, RO_FILE),
    Case("avatar sheet", ("avatar", "--sheet", "2", "-o", "ro/s.png"), 2, RO_FILE),
    Case("avatar names", ("avatar", "--names", "names.txt", "--out-dir", "ro/n"), 2, RO_FILE),
    Case("map", ("map", "sample:iris", "-o", "ro/m.png"), 2, RO_FILE),
    Case("words overlay", ("words", "sample:page", "-o", "ro/w.png"), 2, RO_FILE),
    Case("words --overlay", ("words", "sample:page", "--overlay", "ro/w.png"), 2, RO_FILE),
    Case("words out-dir", ("words", "sample:page", "--out-dir", "ro/w"), 2, RO_FILE),
    Case("hopfield demo plot", ("hopfield", "demo", "-o", "ro/d.png"), 2, RO_FILE),
    Case("montecarlo plot", ("hopfield", "montecarlo", "--trials", "5", "-o", "ro/mc.png"), 2,
         RO_FILE),
    Case("hopfield store", ("hopfield", "store", "ro/n.npz", "--stdin"), 2, RO_FILE, "pw\n"),
    Case("gui screenshot", ("gui", "--screenshot", "ro/s.png"), 2, RO_FILE),
    Case("landscape", ("landscape", "--frames", "2", "--grid", "16", "-o", "ro/q.gif"), 2,
         RO_FILE),
    Case("train plot", ("train", "xor", "-o", "ro/t.png"), 2, RO_FILE),
    Case("train --save", ("train", "xor", "--save", "ro/net.pt"), 2, RO_FILE),
    Case("tune plot", ("tune", "digits", "-o", "ro/t.png"), 2, RO_FILE),
    # 7. A file where a folder must be, on the path or as the folder itself.
    Case("render -o afile/sub", ("render", "img.png", "-o", "afile/sub", *FAST), 2, ON_PATH),
    Case("render -o afile", ("render", "img.png", "-o", "afile", *FAST), 2, "is a file"),
    Case("demo -o afile/sub", ("demo", "-o", "afile/sub"), 2, ON_PATH),
    Case("points afile/x", ("points", "img.png", "-o", "afile/x.png"), 2, ON_PATH),
    Case("logo afile/sub", ("logo", "Hi", "-o", "afile/sub/logo.png"), 2, ON_PATH),
    Case("logo afile/x", ("logo", "Hi", "-o", "afile/logo.svg"), 2, ON_PATH),
    Case("avatar afile/x", ("avatar", "ann", "-o", "afile/a.png"), 2, ON_PATH),
    Case("avatar names afile", ("avatar", "--names", "names.txt", "--out-dir", "afile"), 2,
         "is a file"),
    Case("avatar names afile/sub", ("avatar", "--names", "names.txt", "--out-dir", "afile/s"),
         2, ON_PATH),
    Case("map afile/x", ("map", "sample:iris", "-o", "afile/m.png"), 2, ON_PATH),
    Case("words afile/x", ("words", "sample:page", "-o", "afile/w.png"), 2, ON_PATH),
    Case("words out-dir afile", ("words", "sample:page", "--out-dir", "afile"), 2, "is a file"),
    Case("hopfield plot afile/x", ("hopfield", "demo", "-o", "afile/d.png"), 2, ON_PATH),
    Case("store afile/x", ("hopfield", "store", "afile/n.npz", "--stdin"), 2, ON_PATH, "pw\n"),
    Case("gui afile/x", ("gui", "--screenshot", "afile/s.png"), 2, ON_PATH),
    Case("landscape afile/x", ("landscape", "-o", "afile/q.gif"), 2, ON_PATH),
    Case("train afile/x", ("train", "xor", "-o", "afile/t.json"), 2, ON_PATH),
    Case("train --save afile/x", ("train", "xor", "--save", "afile/net.pt"), 2, ON_PATH),
    Case("tune afile/x", ("tune", "digits", "-o", "afile/t.json"), 2, ON_PATH),
    # ... and a folder where a file must be.
    Case("logo -o folder", ("logo", "Hi", "-o", "folder"), 2, "is a folder"),
    Case("avatar -o folder", ("avatar", "ann", "-o", "folder"), 2, "is a folder"),
    Case("map -o folder", ("map", "sample:iris", "-o", "folder"), 2, "is a folder"),
    Case("points -o folder", ("points", "img.png", "-o", "folder"), 2, "is a directory"),
    Case("store into folder", ("hopfield", "store", "folder", "--stdin"), 2, "is a directory",
         "pw\n"),
    # 9. Input folders without images.
    Case("render empty folder", ("render", "empty", "-o", "out", *FAST), 1,
         r"no images found in empty"),
    Case("render folder of notes", ("render", "notes", "-o", "out", *FAST), 1,
         r"no images found in notes"),
    Case("words empty folder", ("words", "empty"), 1, r"no images found in empty"),
    Case("render missing file", ("render", "missing.png", "-o", "out", *FAST), 1, "no such file"),
    # Bad image files (handled before this audit; kept so the figure covers them).
    Case("render empty image", ("render", "empty.png", "-o", "out", *FAST), 1, "is empty"),
    Case("render text as image", ("render", "text.png", "-o", "out", *FAST), 1, "not an image"),
    Case("render truncated", ("render", "truncated.png", "-o", "out", *FAST), 1, "truncated"),
    Case("points missing", ("points", "missing.png"), 1, "no such file"),
    Case("words not an image", ("words", "text.png"), 1, "not an image"),
    Case("render unknown sample", ("render", "sample:horsey", "-o", "out"), 2, "did you mean"),
    # 12. The documented 100 MP limit is the one that answers.
    Case("points 90 MP header", ("points", "under-limit.png"), 1, r"damaged or truncated"),
    Case("points 105 MP header", ("points", "over-limit.png"), 1,
         r"10500x10000 pixels, over the limit of 100,000,000"),
    Case("points 400 MP header", ("points", "bomb.png"), 1,
         r"20000x20000 pixels, over the limit of 100,000,000"),
    Case("render 105 MP header", ("render", "over-limit.png", "-o", "out", *FAST), 1,
         r"over the limit of 100,000,000"),
    Case("words 400 MP header", ("words", "bomb.png"), 1, r"over the limit of 100,000,000"),
    # 13. Presets: strict types, a folder, an empty file, no engine.
    Case("threshold = true", ("points", "img.png", "-p", "bool-threshold.toml"), 2,
         r"pipeline\.threshold: .*true"),
    Case("blur = '1.5'", ("render", "img.png", "-p", "string-blur.toml", "-o", "out"), 2,
         r'pipeline\.blur: expected a number, got "1\.5"'),
    Case("--set invert=1", ("points", "img.png", "--set", "pipeline.invert=1"), 2,
         r"pipeline\.invert: .*1"),
    Case("--set epochs=true", ("render", "img.png", "--set", "epochs=true", "-o", "out"), 2,
         r"epochs: .*true"),
    Case("--set max_nodes=true", ("render", "img.png", "--set", "engine_params.max_nodes=true",
         "-o", "out"), 2, r"engine_params\.max_nodes: .*true"),
    Case("-p dir.toml", ("render", "img.png", "-p", "dir.toml", "-o", "out"), 2,
         r"dir\.toml: is a folder, not a preset file"),
    Case("-p folder", ("points", "img.png", "-p", "folder"), 2,
         r"folder: is a folder, not a preset file"),
    Case("-p empty.toml", ("render", "img.png", "-p", "empty.toml", "-o", "out"), 2,
         r"empty\.toml: the preset is empty"),
    Case("-p comments.toml", ("logo", "Hi", "-p", "comments.toml", "-o", "l.png"), 2,
         r"comments\.toml: the preset is empty"),
    Case("-p no-engine.toml", ("render", "img.png", "-p", "no-engine.toml", "-o", "out"), 2,
         r"preset 'no-engine': names no engine; the art engines are gng, som"),
    Case("-p broken.toml", ("render", "img.png", "-p", "broken.toml", "-o", "out"), 2,
         "not valid TOML"),
    Case("-p missing.toml", ("render", "img.png", "-p", "missing.toml", "-o", "out"), 2,
         "no such preset file"),
    Case("-p misspelt", ("render", "img.png", "-p", "defualt", "-o", "out"), 2, "did you mean"),
    # 14. A crop partly (or wholly) outside the image: refused, naming the crop and the image.
    Case("points crop past the edge", ("points", "sample:astronaut", "--crop",
         "30:180,150:3000"), 2, r"crop 30:180,150:3000 does not fit the 512x512 image"),
    Case("points crop outside", ("points", "sample:astronaut", "--crop", "600:700,0:10"), 2,
         r"crop 600:700,0:10 does not fit the 512x512 image"),
    Case("render crop past the edge", ("render", "sample:astronaut", "--set",
         'pipeline.crop="30:180,150:3000"', "-o", "out", *FAST), 1,
         r"crop 30:180,150:3000 does not fit the 512x512 image"),
    Case("words crop past the edge", ("words", "sample:page", "--set",
         'pipeline.crop="0:142,0:3000"'), 1, r"crop 0:142,0:3000 does not fit"),
    Case("points bad crop text", ("points", "img.png", "--crop", "a:b"), 2, "y0:y1,x0:x1"),
    # 11. Long text: bounded up front, never echoed.
    Case("render 10,000 characters", ("render", f"text:{LONG_TEXT}", "-p", "text", "-o", "out",
         *FAST), 1, r"10,000 characters", never=LONG_TEXT[:QUOTE_LIMIT + 1]),
    Case("render 100,000 characters", ("render", f"text:{HUGE_TEXT}", "-o", "out", *FAST), 1,
         r"100,000 characters", never=HUGE_TEXT[:QUOTE_LIMIT + 1]),
    Case("render wide text", ("render", f"text:{LONG_TEXT[:1_000]}", "-p", "text", "-o", "out",
         *FAST), 1, r"megapixels", never=LONG_TEXT[:QUOTE_LIMIT + 1]),
    Case("points --text 10,000", ("points", "--text", LONG_TEXT), 2, r"10,000 characters",
         never=LONG_TEXT[:QUOTE_LIMIT + 1]),
    Case("logo 1,800 characters", ("logo", LOGO_TEXT, "-o", "l.png"), 2,
         r"too long for a logo", never=LOGO_TEXT[:QUOTE_LIMIT + 1]),
    Case("logo emoji", ("logo", "Hi \U0001f600", "-o", "l.png", "--epochs", "1"), 0,
         r"Warning: .*no glyph for '\U0001f600' \(U\+1F600\)"),
    Case("render emoji", ("render", "text:Hi \U0001f600", "-p", "text", "-o", "out", *FAST), 0,
         r"Warning: .*no glyph for '\U0001f600'"),
    Case("points --text emoji", ("points", "--text", "\U0001f600\U0001f601"), 0,
         r"no glyph for '\U0001f600' \(U\+1F600\), '\U0001f601'"),
    # 15. Passwords with control characters: refused at store, never echoed.
    Case("store tab", ("hopfield", "store", "n.npz", "--stdin"), 2, "control character",
         "Tr0ub\tdor\n", never="Tr0ub"),
    Case("store \\x01", ("hopfield", "store", "n.npz", "--stdin"), 2, "control character",
         "Tr0ub\x01dor\n", never="Tr0ub"),
    Case("store NUL", ("hopfield", "store", "n.npz", "--stdin"), 2, "control character",
         "Tr0ub\x00dor\n", never="Tr0ub"),
    Case("store DEL", ("hopfield", "store", "n.npz", "--stdin"), 2, "control character",
         "Tr0ub\x7fdor\n", never="Tr0ub"),
    Case("store too long", ("hopfield", "store", "n.npz", "--stdin"), 2, "longer than",
         "Tr0ub" * 10 + "\n", never="Tr0ub"),
    Case("recover missing file", ("hopfield", "recover", "nothing.npz", "--stdin"), 1,
         "nothing.npz: no such file", "x\n"),
    # Odd but fine: a non-UTF-8 file name and a white-on-black drawing.
    Case("render non-UTF-8 name", ("render", BAD_NAME, "-o", "out", *FAST), 0,
         r"done  bad\\xffname\.png"),
    Case("render plotter non-UTF-8", ("render", BAD_NAME, "--page", "a5", "-o", "out", *FAST),
         0, r"done  bad\\xffname\.png"),
    Case("points non-UTF-8 name", ("points", BAD_NAME), 0, r"^$"),
    Case("points white on black", ("points", "inverted.png", "-p", "default", "--json"), 0,
         r"^$"),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_handled_cleanly(world, case):
    result = run(case.args, case.stdin)
    assert_clean(result, case)
    if case.code == 2:  # refused before any work: nothing written
        assert not list(world.glob("ro/*.png")) and not Path("out").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("points", "img.png", "-o", "ro/p.png"),
        ("logo", "Hi", "-o", "ro/logo.png", "--epochs", "1"),
        ("avatar", "ann", "-o", "ro/a.png"),
        ("map", "sample:iris", "-o", "ro/m.png", "--epochs", "1"),
        ("hopfield", "demo", "-o", "ro/d.png"),
        ("hopfield", "store", "ro/n.npz", "--stdin"),
        ("words", "sample:page", "-p", "page-words", "-o", "ro/w.png"),
        ("render", "img.png", "-o", "ro", *FAST),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_a_write_refused_after_the_checks_is_one_line(world, monkeypatch, args):
    """The folder turns read-only between the check and the write (or the check could not
    tell): still one line naming the path and the reason, never a traceback."""
    import app.commands.common as common

    monkeypatch.setattr(common, "path_problem", lambda path, folder=False: None)
    result = run(args, "pw\n")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (1, 2), result.output
    assert re.search(r"ro\S*: cannot write \(Permission denied\)", result.stderr), result.stderr
    assert "Traceback" not in result.output


def test_read_only_folder_for_real():
    """One command against a folder the kernel itself refuses (run as another user when
    the tests run as root, where permission bits stop nothing)."""
    if os.geteuid() != 0:
        pytest.skip("not root: the table's chmod-ed folder is already a real read-only one")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root without setpriv: cannot run a command as another user")
    base = Path(tempfile.mkdtemp(prefix="gasworks-read-only-"))
    try:
        base.chmod(0o755)
        (base / "ro").mkdir()
        (base / "ro").chmod(0o555)
        gasworks = Path(sys.executable).parent / "gasworks"
        # Numba caches beside the code, which that user cannot write: give it a folder.
        env = {**os.environ, "HOME": str(base), "MPLCONFIGDIR": str(base),
               "NUMBA_CACHE_DIR": str(base / "numba")}  # fmt: skip
        done = subprocess.run(
            [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", str(gasworks),
             "points", "sample:horse", "-o", "ro/p.png"],
            cwd=base, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip() == (
            "Error: ro/p.png: cannot write into ro (Permission denied)"
        ), done.stderr
    finally:
        (base / "ro").chmod(0o755)
        shutil.rmtree(base)


def test_a_non_utf8_file_name_is_escaped_in_the_svg_and_the_manifest(world):
    """The SVG writer failed on the name's undecodable byte ("surrogates not allowed")."""
    result = run(("render", BAD_NAME, "-o", "out", *FAST))
    assert result.exit_code == 0, result.output
    svg = Path("out", os.fsdecode(b"bad\xffname.default.svg"))
    assert "<title>bad\\xffname · gasworks default</title>" in svg.read_bytes().decode("utf-8")
    raw = Path("out/manifest.json").read_bytes().decode("utf-8")  # strict UTF-8
    assert "\\udcff" not in raw
    (entry,) = json.loads(raw)["inputs"]
    assert entry["status"] == "done" and entry["input"] == "bad\\xffname.png"
    assert entry["outputs"] == ["out/bad\\xffname.default.svg", "out/bad\\xffname.default.png"]


def test_a_white_on_black_drawing_is_drawn_and_the_manifest_says_light_ink(world):
    """Auto threshold gave 0 points: the darkest value covered most of the picture."""
    result = run(("render", "inverted.png", "-p", "default", "-o", "out", *FAST))
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(Path("out/manifest.json").read_text())["inputs"]
    assert entry["stats"]["ink"] == "light" and entry["stats"]["points"] > 1000
    assert "dark ground" in entry["stats"]["ink_reason"]
