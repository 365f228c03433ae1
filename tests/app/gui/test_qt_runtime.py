"""The Qt binding in use must not leak references on Signal.emit (PySide6 6.12.0 on
Python 3.11 does, and aborts long sessions with "bool_dealloc"; pyproject excludes it)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    fired = Signal(int)


def test_signal_emit_keeps_reference_counts(qapp):
    probe = _Probe()
    probe.fired.connect(lambda _: None)
    before = sys.getrefcount(True)
    for _ in range(200):
        probe.fired.emit(1)
    assert sys.getrefcount(True) >= before - 2
