"""The reference-count guard keeps a long session of signal emissions alive."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from app.gui import qt_fixes


class Emitter(QObject):
    value = Signal(int, object)


def test_many_emissions_do_not_exhaust_true(qtbot, qapp):
    qt_fixes.install(qapp)
    emitter = Emitter()
    received = []
    emitter.value.connect(lambda i, v: received.append(i))
    start = sys.getrefcount(True)
    for i in range(20_000):  # far more than True's few hundred references
        emitter.value.emit(i, None)
    qtbot.wait(qt_fixes.TOP_UP_MS * 2)
    assert len(received) == 20_000
    assert sys.getrefcount(True) > 1000 and sys.getrefcount(None) > 1000
    if qt_fixes.emit_leaks_references():
        assert sys.getrefcount(True) >= start - 20_000  # topped up, not left to fall
