"""Load large native libraries without holding the GIL, so the window keeps painting.

The window imports the engines' modules in a worker thread while it paints and builds its
tabs (:class:`app.gui.main.MainWindow`). Python holds the GIL while it loads an extension
module, including the ``dlopen`` of every shared library it links and their static
initialisers. ``import torch`` spends about a quarter of a second that way in
``from torch._C import *`` (``libtorch_cpu.so`` alone is several hundred MB of code with
operator registrations run at load time): the GUI thread cannot run meanwhile, and the
window froze for 140-330 ms while the tabs were being built.

A call through :mod:`ctypes` releases the GIL for its duration, so ``dlopen`` called as a C
function from the worker loads the library while the GUI thread runs on. The import that
follows finds it loaded (``dlopen`` of a library already in the process only counts a
reference) and holds the GIL only for the Python part of its work.

Only libraries whose loading runs no Python code are preloaded (``libtorch_cpu.so`` and its
dependencies, not ``libtorch_python.so``). Anything that cannot be found or loaded is
skipped: the ordinary import then loads it as before.

The load must not overlap the window's own first steps: ``dlopen`` holds the process's
loader lock throughout, and the GUI thread, loading Qt's plugins and fonts for its first
paint, would wait on it (a 0.4-0.6 s freeze measured when the preload ran at once). So
:func:`preload_on_import` defers it to the moment the package is first imported, which the
engines' imports reach after the window has painted.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.abc
import importlib.util
import os
import sys
import threading
from pathlib import Path

#: Package → its native libraries to load ahead of the package's import (relative to the
#: package's folder), in load order.
NATIVE_LIBRARIES = {"torch": ("lib/libtorch_cpu.so",)}


def _dlopen():
    """libc's ``dlopen`` as a ctypes function (the GIL released while it runs), or None."""
    try:
        libc = ctypes.CDLL(None)
        function = libc.dlopen
    except (OSError, AttributeError):
        return None
    function.restype = ctypes.c_void_p
    function.argtypes = [ctypes.c_char_p, ctypes.c_int]
    return function


def library_paths(package: str) -> list[Path]:
    """The native libraries of ``package`` that :func:`preload` loads (those present)."""
    spec = importlib.util.find_spec(package) if package not in sys.modules else None
    if spec is None or spec.origin is None:
        return []
    home = Path(spec.origin).parent
    return [home / name for name in NATIVE_LIBRARIES.get(package, ()) if (home / name).exists()]


def preload(packages=tuple(NATIVE_LIBRARIES)) -> list[Path]:
    """Load the native libraries of ``packages`` not yet imported, the GIL released.

    Returns the libraries loaded (empty off Linux, or when a package is already imported
    or not installed). Call it from the thread that is about to import the packages.
    """
    if not sys.platform.startswith("linux"):
        return []
    dlopen = _dlopen()
    if dlopen is None:
        return []
    loaded = []
    for package in packages:
        for path in library_paths(package):
            if dlopen(os.fsencode(path), os.RTLD_NOW | os.RTLD_LOCAL):
                loaded.append(path)
            else:  # the import loads it as usual (and reports a real problem)
                break
    return loaded


class _PreloadFinder(importlib.abc.MetaPathFinder):
    """Preloads a package's native libraries when its import starts, then finds nothing
    itself (the ordinary finders import the package)."""

    def __init__(self, packages):
        self.packages = set(packages)
        self.lock = threading.Lock()

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.packages:
            return None
        with self.lock:
            if fullname not in self.packages:
                return None
            self.packages.discard(fullname)
            if not self.packages:
                uninstall(self)
        preload((fullname,))
        return None


def preload_on_import(packages=tuple(NATIVE_LIBRARIES)) -> _PreloadFinder | None:
    """Preload each package's native libraries (:func:`preload`) when it is first imported,
    in the importing thread. Returns the import hook (None when every package is imported
    already); it removes itself once it has served every package."""
    waiting = [p for p in packages if p not in sys.modules]
    if not waiting:
        return None
    finder = _PreloadFinder(waiting)
    sys.meta_path.insert(0, finder)
    return finder


def uninstall(finder) -> None:
    """Remove an import hook of :func:`preload_on_import` (if it is still there)."""
    with contextlib.suppress(ValueError):
        sys.meta_path.remove(finder)
