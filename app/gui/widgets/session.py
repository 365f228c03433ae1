"""A tab's settings as named fields: undo/redo of their changes, and the session kept between
runs of the studio.

The fields of a tab are found once, by name, among its attributes: every
:class:`~app.gui.widgets.params_form.ParamsForm` (and dicts of them, such as the Art tab's
``engine_forms``), and the plain editors named ``*_spin``, ``*_combo``, ``*_check`` and
``*_edit`` (seeds, epochs, texts…). A password field (an echo mode other than normal) is
never a field, so a password is never kept in the settings nor in the undo history.

:class:`TabHistory` records every change of a field on a ``QUndoStack``; the changes made
in one turn of the event loop (a preset filling several forms at once) are one step, and
so are the successive edits of one field while it keeps the keyboard focus (typing a
number). Undo and redo set the fields back through the editors, so the tab reacts to them
as to the user's own edits (previews redraw, the drawing is restyled).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from app.gui.widgets.params_form import ParamsForm

log = logging.getLogger(__name__)

SESSION_KEY = "session/{tab}"
#: Plain editors become fields when their attribute name ends so.
EDITOR_SUFFIXES = ("_spin", "_combo", "_check", "_edit")
#: Attributes that are no settings: the input chooser (the input itself is kept as the
#: session's ``source``), and anything secret.
SKIPPED = frozenset({"sample_combo", "password_edit"})
#: All fields' changes merge into one undo step per event-loop turn; this is their id.
CHANGE_ID = 1717


@dataclass
class Field:
    """One setting of a tab: how to read it, set it, and hear it change."""

    name: str
    widget: QWidget
    get: Callable[[], Any]
    set: Callable[[Any], None]
    signal: Any


def _plain(name: str, widget: QWidget) -> Field | None:
    if isinstance(widget, QLineEdit):
        if widget.echoMode() != QLineEdit.EchoMode.Normal:
            return None  # a password: never kept, never in the history
        return Field(name, widget, widget.text, lambda v: widget.setText(str(v)),
                     widget.editingFinished)  # fmt: skip
    if isinstance(widget, QCheckBox):
        return Field(name, widget, widget.isChecked, lambda v: widget.setChecked(bool(v)),
                     widget.toggled)  # fmt: skip
    if isinstance(widget, QComboBox):
        return Field(name, widget, widget.currentText, lambda v: widget.setCurrentText(str(v)),
                     widget.currentTextChanged)  # fmt: skip
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return Field(name, widget, widget.value, widget.setValue, widget.valueChanged)
    return None


def fields_of(owner: QObject) -> list[Field]:
    """The settings of ``owner`` (a tab), found among its attributes (see the module)."""
    found: list[Field] = []
    for name, value in list(vars(owner).items()):
        if name.startswith("_") or name in SKIPPED:
            continue
        if isinstance(value, ParamsForm):
            found.append(Field(name, value, value.values, value.set_values, value.changed))
        elif isinstance(value, dict):
            for key, form in value.items():
                if isinstance(form, ParamsForm):
                    found.append(Field(f"{name}.{key}", form, form.values, form.set_values,
                                       form.changed))  # fmt: skip
        elif isinstance(value, QWidget) and name.endswith(EDITOR_SUFFIXES):
            field = _plain(name, value)
            if field is not None:
                found.append(field)
    return found


def _plain_json(value: Any) -> Any:
    """``value`` as it reads back from JSON (tuples as lists), so values compare alike."""
    return json.loads(json.dumps(value))


def describe(changes: dict[str, tuple[Any, Any]]) -> str:
    """What a step changed, for the Edit menu ("Undo blur", "Undo 3 settings")."""
    names: list[str] = []
    for name, (old, new) in changes.items():
        if isinstance(old, dict) and isinstance(new, dict):
            names += [k for k in new if old.get(k) != new.get(k)]
        else:
            names.append(name.rsplit("_", 1)[0] if name.endswith(EDITOR_SUFFIXES) else name)
    names = [n.replace("_", " ") for n in names]
    if len(names) == 1:
        return names[0]
    return f"{len(names)} settings" if names else "settings"


class Change(QUndoCommand):
    """Fields set from old to new values; ``applied`` when the editors show the new already."""

    def __init__(self, history: TabHistory, changes: dict[str, tuple[Any, Any]], batch: int,
                 focus: str | None, applied: bool):  # fmt: skip
        super().__init__(describe(changes))
        self.history = history
        self.changes = dict(changes)
        self.batch = batch
        self.focus = focus
        self._skip_redo = applied

    def id(self) -> int:
        return CHANGE_ID

    def mergeWith(self, other) -> bool:
        same_turn = other.batch == self.batch
        typing = (self.focus is not None and self.focus == other.focus
                  and set(self.changes) == set(other.changes) == {self.focus})  # fmt: skip
        if not (same_turn or typing):
            return False
        for name, (old, new) in other.changes.items():
            first = self.changes[name][0] if name in self.changes else old
            self.changes[name] = (first, new)
        self.setText(describe(self.changes))
        if all(old == new for old, new in self.changes.values()):
            self.setObsolete(True)
        return True

    def undo(self) -> None:
        self.history.apply({name: old for name, (old, _) in self.changes.items()})

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.history.apply({name: new for name, (_, new) in self.changes.items()})


class TabHistory(QObject):
    """Undo and redo of a tab's field changes (see the module)."""

    def __init__(self, owner: QWidget, fields: list[Field]):
        super().__init__(owner)
        self.owner = owner
        self.stack = QUndoStack(self)
        self.fields = {f.name: f for f in fields}
        self.values = self.snapshot()
        self._applying = False
        self._batch = 0
        self._turn_open = False
        for f in fields:
            f.signal.connect(lambda *_, name=f.name: self._changed(name))

    def snapshot(self) -> dict[str, Any]:
        """Every field's value now (JSON values)."""
        return {name: _plain_json(f.get()) for name, f in self.fields.items()}

    def _focus_of(self, name: str) -> str | None:
        widget = QApplication.focusWidget()
        field = self.fields[name].widget
        if widget is not None and (widget is field or field.isAncestorOf(widget)):
            return name
        return None

    def _next_batch(self) -> int:
        if not self._turn_open:
            self._batch += 1
            self._turn_open = True
            QTimer.singleShot(0, self._close_turn)
        return self._batch

    def _close_turn(self) -> None:
        self._turn_open = False

    def _changed(self, name: str) -> None:
        new = _plain_json(self.fields[name].get())
        old = self.values.get(name)
        self.values[name] = new
        if self._applying or new == old:
            return
        self.stack.push(Change(self, {name: (old, new)}, self._next_batch(), self._focus_of(name),
                               applied=True))  # fmt: skip

    def apply(self, values: dict[str, Any]) -> None:
        """Set fields (unknown names and values an editor refuses are skipped), unrecorded."""
        self._applying = True
        try:
            for name, value in values.items():
                field = self.fields.get(name)
                if field is None:
                    continue
                try:
                    field.set(value)
                except (TypeError, ValueError, KeyError) as exc:
                    log.debug("field %s: cannot set %r: %s", name, value, exc)
                self.values[name] = _plain_json(field.get())
        finally:
            self._applying = False

    def set_values(self, values: dict[str, Any]) -> None:
        """Set fields as one undoable step (Reset parameters)."""
        changes = {}
        for name, value in values.items():
            new = _plain_json(value)
            if name in self.fields and self.values.get(name) != new:
                changes[name] = (self.values.get(name), new)
        if changes:
            self.stack.push(Change(self, changes, self._next_batch(), None, applied=False))


# ---------------------------------------------------------------------- sessions
#: A URL carrying a password (``scheme://user:secret@host``): never written to the settings.
CREDENTIALS = re.compile(r"://[^/@\s]*:[^/@\s]*@")


def save_session(tab: str, history: TabHistory, source: str | None) -> None:
    """Keep the tab's fields and input (``source``) in QSettings; a field holding a URL
    with a password in it (a tuning study's database) is left out."""
    fields = {name: value for name, value in history.snapshot().items()
              if not (isinstance(value, str) and CREDENTIALS.search(value))}  # fmt: skip
    data = {"fields": fields}
    if source:
        data["source"] = source
    QSettings().setValue(SESSION_KEY.format(tab=tab), json.dumps(data))


def load_session(tab: str) -> dict[str, Any]:
    """The kept session of ``tab`` ({} when none, or when it cannot be read)."""
    text = QSettings().value(SESSION_KEY.format(tab=tab))
    if not text:
        return {}
    try:
        data = json.loads(str(text))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def forget_session(tab: str) -> None:
    QSettings().remove(SESSION_KEY.format(tab=tab))
