"""Before Qt starts on Linux: are the system libraries of its X11 (``xcb``) plugin there?

PySide6's wheels bring Qt but not the X11 libraries its ``xcb`` platform plugin links to.
Without them Qt aborts with 'Could not load the Qt platform plugin "xcb"' and a core dump;
:func:`check` finds the missing libraries first (``ldd`` on the plugin, or loading each
library when there is no ``ldd``) and says which packages bring them. Imports no Qt.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

#: Libraries the xcb plugin and the Qt libraries under it load (``ldd libqxcb.so``, PySide6
#: 6.11), with the Debian/Ubuntu and the Fedora package that installs each.
LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libGLdispatch.so.0": ("libglvnd0", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
}
#: The lines the README gives (every package above, once).
APT_LINE = "sudo apt install " + " ".join(dict.fromkeys(p for p, _ in LIBRARIES.values()))
DNF_LINE = "sudo dnf install " + " ".join(dict.fromkeys(p for _, p in LIBRARIES.values()))
NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def platform_wanted(environ: Mapping[str, str] | None = None) -> str | None:
    """The Qt platform plugin Qt will load on Linux (None elsewhere): the first one
    ``QT_QPA_PLATFORM`` names, else Qt 6's choice (wayland in a Wayland session, else xcb)."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    named = env.get("QT_QPA_PLATFORM", "").strip()
    if named:
        return re.split(r"[;:]", named, maxsplit=1)[0].strip() or None
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def xcb_plugin() -> Path | None:
    """PySide6's xcb plugin (found without importing Qt), or None."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    plugin = root / "Qt/plugins/platforms/libqxcb.so"
    return plugin if plugin.is_file() else None


def parse_ldd(text: str) -> list[str]:
    """The libraries ``ldd`` printed as 'not found', once each, in order."""
    return list(dict.fromkeys(NOT_FOUND.findall(text)))


def missing_libraries(plugin: Path | None = None) -> list[str]:
    """Libraries the xcb plugin needs that the system lacks ([] when none, or when there is
    no plugin to ask about)."""
    plugin = plugin or xcb_plugin()
    if plugin is None:
        return []
    ldd = shutil.which("ldd")
    if ldd is not None:
        try:
            done = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            done = None
        if done is not None and done.returncode == 0:
            return parse_ldd(done.stdout)
    missing = []
    for name in LIBRARIES:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def report(missing: list[str]) -> str:
    """What to tell the user: the missing libraries, their packages and both install lines."""
    lines = ["Error: the studio cannot open a window: Qt's X11 (xcb) plugin needs system "
             "libraries that are missing:"]  # fmt: skip
    for name in missing:
        debian, fedora = LIBRARIES.get(name, ("?", "?"))
        lines.append(f"  {name}  (Debian/Ubuntu: {debian}; Fedora: {fedora})")
    lines += [
        "Install them with",
        f"  {APT_LINE}",
        "or on Fedora",
        f"  {DNF_LINE}",
        "(QT_QPA_PLATFORM=offscreen needs none of them: gasworks gui --screenshot works so.)",
    ]
    return "\n".join(lines)


def check(environ: Mapping[str, str] | None = None) -> str | None:
    """None when Qt can start; otherwise the message to print before exiting with 2."""
    env = os.environ if environ is None else environ
    if platform_wanted(env) != "xcb":
        return None
    missing = missing_libraries()
    if missing:
        return report(missing)
    if not env.get("DISPLAY"):
        return ("Error: the studio cannot open a window: there is no X display (DISPLAY is "
                "not set). Run it in a desktop session, or with QT_QPA_PLATFORM=offscreen "
                "for gasworks gui --screenshot.")  # fmt: skip
    return None
