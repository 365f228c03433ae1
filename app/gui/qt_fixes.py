"""A guard against a reference-count bug of some PySide6 builds.

With PySide6 6.12.0 on Python 3.11, every ``Signal.emit()`` called from Python returns
``True`` without owning a reference to it, so each emission takes one reference from
``True`` (and, less regularly, from ``False`` and ``None``). ``True`` starts with a few
hundred references: after that many emissions the interpreter aborts with "bool_dealloc:
deallocating True or False" (pyqtgraph emits on every ``setData``). From Python 3.12 on
these objects are immortal and the bug is harmless.

:func:`install` measures one emission; when it costs a reference, a timer keeps the
reference counts of the three objects far above zero for the life of the application.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

#: Reference count the guarded objects are topped up to.
FLOOR = 1 << 30
#: Top-ups happen when a count falls below this (the timer runs every TOP_UP_MS).
LOW = FLOOR - (1 << 20)
TOP_UP_MS = 250
GUARDED = (True, False, None)

_timer: QTimer | None = None


class _Probe(QObject):
    fired = Signal(int)


def emit_leaks_references() -> bool:
    """True when a Python ``Signal.emit`` takes a reference it does not own."""
    probe = _Probe()
    probe.fired.connect(lambda _: None)
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.fired.emit(1)
    leaked = sys.getrefcount(True) < before
    if leaked:
        _add(True, 8)
    return leaked


def _add(obj: object, n: int) -> None:
    """Add ``n`` to the reference count of ``obj`` (CPython: the first field of the object)."""
    count = ctypes.c_ssize_t.from_address(id(obj))
    count.value += n


def top_up() -> None:
    for obj in GUARDED:
        current = sys.getrefcount(obj)
        if current < LOW:
            _add(obj, FLOOR - current)


def install(app: QCoreApplication) -> bool:
    """Start the guard if this PySide6 build needs it; True if it was started."""
    global _timer
    if _timer is not None:
        return True
    if sys.implementation.name != "cpython" or not emit_leaks_references():
        return False
    top_up()
    _timer = QTimer(app)
    _timer.setInterval(TOP_UP_MS)
    _timer.timeout.connect(top_up)
    _timer.start()
    return True
