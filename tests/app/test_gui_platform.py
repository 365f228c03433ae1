"""``gasworks gui`` on Linux checks the X11 libraries of Qt's xcb plugin before Qt starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.gui import platform_check
from app.gui.platform_check import (
    APT_LINE,
    DNF_LINE,
    LIBRARIES,
    check,
    missing_libraries,
    parse_ldd,
    platform_wanted,
    xcb_plugin,
)

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
"""


def test_ldd_output_names_each_missing_library_once():
    assert parse_ldd(LDD_OUTPUT) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert parse_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt platforms of Linux")
def test_the_platform_qt_will_load():
    assert platform_wanted({}) == "xcb"
    assert platform_wanted({"QT_QPA_PLATFORM": "offscreen"}) == "offscreen"
    assert platform_wanted({"QT_QPA_PLATFORM": "xcb:dpi=96"}) == "xcb"
    assert platform_wanted({"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"
    assert platform_wanted({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}) == (
        "wayland"
    )
    assert check({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_every_library_the_plugin_links_has_its_packages():
    """The table covers what ldd lists for the shipped plugin (X11, xcb, GL, fonts, D-Bus)."""
    plugin = xcb_plugin()
    if plugin is None or not Path("/usr/bin/ldd").exists():
        pytest.skip("no xcb plugin or no ldd here")
    listed = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True).stdout
    system = [line.split()[0] for line in listed.splitlines()
              if "=>" in line and "PySide6" not in line]  # fmt: skip
    wanted = [n for n in system if n.startswith(("libxcb", "libX11", "libxkb", "libGL", "libEGL"))]
    assert wanted and set(wanted) <= set(LIBRARIES)
    for name in ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"):
        debian, fedora = LIBRARIES[name]
        assert debian in APT_LINE.split() and fedora in DNF_LINE.split()


def test_missing_libraries_stop_the_command_with_the_install_lines(monkeypatch, gasworks):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":0")
    missing = ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin=None: missing)
    done = gasworks("gui")
    assert done.exit_code == 2
    assert "libxcb-cursor.so.0  (Debian/Ubuntu: libxcb-cursor0; Fedora: xcb-util-cursor)" in (
        done.stderr
    )
    assert APT_LINE in done.stderr and DNF_LINE in done.stderr
    assert "Traceback" not in done.stderr


def test_no_display_is_named(monkeypatch, gasworks):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin=None: [])
    done = gasworks("gui", "--tab", "art", "--screenshot", "shot.png")
    assert done.exit_code == 2 and "no X display" in done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux libraries")
def test_the_check_agrees_with_loading_the_libraries():
    """Each library ldd calls missing cannot be loaded, and each one it found can."""
    import ctypes

    for name in missing_libraries():
        with pytest.raises(OSError):
            ctypes.CDLL(name)
    if xcb_plugin() is not None and not missing_libraries():
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        env.pop("DISPLAY", None)
        code = "from app.gui.platform_check import check; print(check() or 'ok')"
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
        assert "no X display" in out
