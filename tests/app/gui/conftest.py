"""GUI test set-up: offscreen Qt (tests/conftest.py), QSettings in a temporary folder."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QSettings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    """Each test reads and writes its own QSettings (never the user's)."""
    from app.gui.main import ORGANIZATION, SETTINGS_APP

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(SETTINGS_APP)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    yield
    QSettings().clear()


@pytest.fixture(autouse=True)
def collector_given_back():
    """After each test, the job threads it left are waited for, so that Python's automatic
    garbage collection (off while they run, see app.gui.workers.COLLECTOR) is on again for
    the tests that follow, whether or not an event loop delivers their finished signals."""
    yield
    from app.gui.workers import COLLECTOR

    COLLECTOR.settle()


def wait_idle(qtbot, tab, timeout: int = 20_000) -> None:
    """Wait until the tab's job and its worker threads are done."""
    qtbot.waitUntil(lambda: not tab.busy, timeout=timeout)
    assert tab.runner.wait_idle(timeout / 1000)


@pytest.fixture
def open_tab(qtbot):
    """Build and show a tab (``open_tab(LogosTab)``); it is shut down after the test."""
    opened = []

    def open_(cls, **kwargs):
        tab = cls(**kwargs)
        qtbot.addWidget(tab)
        tab.show()
        opened.append(tab)
        return tab

    yield open_
    for tab in opened:
        tab.shutdown()
