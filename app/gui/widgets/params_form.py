"""A form generated from a pydantic parameter type.

Each field becomes an editor chosen from its annotation: ``bool`` a check box, a
``Literal`` a combo box, ``int`` and ``float`` spin boxes bounded by the field's ``ge``/``le``
(an optional number shows its ``None`` as the spin box's lowest, named value), a tuple of
ints a line of comma-separated numbers, other text a line edit. The field's description is
the tooltip; a colour's text has a swatch that opens a colour dialog. Validation stays with
the model: each change checks the values at once and writes a bad field's message under it
(before Run), and :meth:`ParamsForm.model` raises pydantic's error, which the tab shows in
its message bar. Fields that do not apply given the others (:mod:`.applies`) are disabled,
their tooltip saying why.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any, Literal

import annotated_types as at
from pydantic import BaseModel
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.theme import set_tone
from app.gui.widgets.applies import reasons, tooltip

INT_LIMIT = 2**31 - 1
FLOAT_LIMIT = 1e9
FLOAT_DECIMALS = 5
#: Text of the lowest value of an optional number's spin box, which stands for None.
NONE_TEXT = "off"


class FloatSpin(QDoubleSpinBox):
    """A double spin box that drops trailing zeros (0.2, not 0.20000)."""

    def textFromValue(self, value: float) -> str:
        text = f"{value:.{self.decimals()}f}".rstrip("0").rstrip(".")
        return text or "0"


class IntSpin(QDoubleSpinBox):
    """An integer spin box past QSpinBox's 32-bit signed range (seeds reach 2**32 − 1)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDecimals(0)

    def value(self) -> int:
        return round(super().value())

    def textFromValue(self, value: float) -> str:
        return str(round(value))


def seed_box() -> IntSpin:
    """The seed editor every tab uses: the seed type's whole range, 0 to 2**32 − 1."""
    from engines.validation import SEED_MAX

    box = IntSpin()
    box.setRange(0, SEED_MAX)
    box.setToolTip(f"Seed of the random generator, 0 to {SEED_MAX:,}: same seed, same result")
    return box


def _bounds(metadata: list[Any]) -> tuple[float | None, float | None, bool, bool]:
    lo = hi = None
    lo_open = hi_open = False
    for item in metadata:
        if isinstance(item, at.Ge):
            lo = item.ge
        elif isinstance(item, at.Gt):
            lo, lo_open = item.gt, True
        elif isinstance(item, at.Le):
            hi = item.le
        elif isinstance(item, at.Lt):
            hi, hi_open = item.lt, True
    return lo, hi, lo_open, hi_open


def _unwrap(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(base type, None allowed, extra metadata) of an annotation."""
    optional = False
    metadata: list[Any] = []
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            annotation = args[0]
        else:
            return tuple(args), optional, metadata
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        for item in extra:
            metadata += list(getattr(item, "metadata", [item]))
        annotation = base
    return annotation, optional, metadata


def label_for(name: str) -> str:
    return name.replace("_", " ")


def _is_colour(name: str) -> bool:
    return name.endswith(("color", "colour")) or name == "background"


def _colour_of(value: Any) -> QColor | None:
    """The colour a style value names (#rgb, #rrggbb or a named colour), or None."""
    try:
        from engines.art.style import parse_colour

        text = parse_colour(str(value))
    except (ValueError, TypeError):
        return None
    colour = QColor(text)
    return colour if colour.isValid() else None


def _swatch_icon(value: Any) -> QIcon:
    """A square of the colour, or a crossed square for none or a bad value."""
    pixmap = QPixmap(16, 16)
    colour = _colour_of(value)
    pixmap.fill(colour if colour is not None else QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#808080"))
    painter.drawRect(0, 0, 15, 15)
    if colour is None:
        painter.drawLine(0, 0, 15, 15)
    painter.end()
    return QIcon(pixmap)


class ParamsForm(QWidget):
    """Editors for the fields of ``model``.

    Parameters
    ----------
    model : type of BaseModel
    fields : sequence of str, optional
        Fields shown, in this order (default: every field the form can edit).
    choices : dict of str to sequence of str, optional
        Suggestions for fields typed ``str | float`` (an editable combo box).
    none_text : dict of str to str, optional
        What the None value of an optional field is called (default 'off').
    """

    changed = Signal()

    def __init__(
        self,
        model: type[BaseModel],
        *,
        fields: typing.Sequence[str] | None = None,
        choices: dict[str, typing.Sequence[str]] | None = None,
        none_text: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.model_type = model
        self.editors: dict[str, QWidget] = {}
        self._kinds: dict[str, str] = {}
        self._optional: dict[str, bool] = {}
        self._choices = choices or {}
        self._none_text = none_text or {}
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        #: Each field's message under its editor (a bad value, before Run) and its tooltip.
        self.messages: dict[str, QLabel] = {}
        self.tooltips: dict[str, str] = {}
        self.problems: dict[str, str] = {}
        self.not_applying: dict[str, str] = {}
        self.swatches: dict[str, QToolButton] = {}
        names = list(fields) if fields is not None else list(model.model_fields)
        for name in names:
            info = model.model_fields[name]
            editor = self._editor(name, info)
            if editor is None:
                continue
            editor.setObjectName(name)
            self.tooltips[name] = tooltip(model.__name__, name, info.description)
            editor.setToolTip(self.tooltips[name])
            layout.addRow(label_for(name), self._row(name, editor))
            self.editors[name] = editor
        self.changed.connect(self.refresh)
        self.set_values(model.model_construct())

    def _row(self, name: str, editor: QWidget) -> QWidget:
        """The editor, a colour swatch beside a colour's text, and its message below."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        if self._kinds[name] == "str" and _is_colour(name):
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(editor, 1)
            swatch = QToolButton()
            swatch.setObjectName(f"{name}_swatch")
            swatch.setToolTip("Choose the colour")
            swatch.clicked.connect(lambda _=False, n=name: self._pick_colour(n))
            row.addWidget(swatch)
            self.swatches[name] = swatch
            column.addLayout(row)
        else:
            column.addWidget(editor)
        message = QLabel()
        message.setObjectName(f"{name}_message")
        message.setWordWrap(True)
        message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        set_tone(message, "error")
        message.hide()
        column.addWidget(message)
        self.messages[name] = message
        return box

    # ------------------------------------------------------------------ checks
    def refresh(self) -> None:
        """Check the values at once (a bad one gets its message under its editor), disable
        the fields that do not apply with the reason as tooltip, and paint the swatches."""
        values = self.values()
        self.problems = self._problems(values)
        for name, message in self.messages.items():
            text = self.problems.get(name, "")
            if message.text() != text:
                message.setText(text)
            message.setVisible(bool(text))
        self.not_applying = reasons(self.model_type.__name__, values)
        for name, editor in self.editors.items():
            why = self.not_applying.get(name)
            editor.setEnabled(why is None)
            tip = self.tooltips[name]
            editor.setToolTip(f"Not used now: {why}.\n{tip}" if why else tip)
        for name, swatch in self.swatches.items():
            swatch.setIcon(_swatch_icon(values.get(name)))
            swatch.setEnabled(name not in self.not_applying)

    def _problems(self, values: dict[str, Any]) -> dict[str, str]:
        """Field → what is wrong with its value (checks of single fields; rules across
        fields are the model's, told at Run)."""
        from pydantic import ValidationError

        try:
            self.model_type.model_validate(values)
        except ValidationError as exc:
            out: dict[str, str] = {}
            for err in exc.errors():
                loc = err.get("loc") or ()
                if loc and loc[0] in self.editors and loc[0] not in out:
                    out[str(loc[0])] = str(err["msg"]).removeprefix("Value error, ")
            return out
        except (TypeError, ValueError):
            return {}
        return {}

    def _pick_colour(self, name: str) -> None:
        from PySide6.QtWidgets import QColorDialog

        current = _colour_of(self.values().get(name)) or QColor("black")
        chosen = QColorDialog.getColor(current, self, f"{label_for(name)}")
        if chosen.isValid():
            self.set_values({name: chosen.name()})

    # ------------------------------------------------------------------ building
    def _editor(self, name: str, info) -> QWidget | None:
        base, optional, extra = _unwrap(info.annotation)
        metadata = list(info.metadata) + extra
        self._optional[name] = optional
        if base is bool:
            box = QCheckBox()
            box.toggled.connect(self.changed)
            self._kinds[name] = "bool"
            return box
        if typing.get_origin(base) is Literal:
            combo = QComboBox()
            combo.addItems([str(v) for v in typing.get_args(base)])
            combo.currentIndexChanged.connect(self.changed)
            self._kinds[name] = "literal"
            return combo
        if isinstance(base, tuple) and set(base) == {str, float}:
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(list(self._choices.get(name, ())))
            combo.currentTextChanged.connect(self.changed)
            self._kinds[name] = "str_or_float"
            return combo
        if base is int or base is float:
            return self._spin(name, base, metadata, optional)
        if typing.get_origin(base) is tuple:
            edit = QLineEdit()
            edit.setPlaceholderText("e.g. 10, 10")
            edit.editingFinished.connect(self.changed)
            self._kinds[name] = "int_tuple"
            return edit
        if base is str:
            edit = QLineEdit()
            if optional:
                edit.setPlaceholderText("none")
            edit.editingFinished.connect(self.changed)
            self._kinds[name] = "str"
            return edit
        return None  # nested tables are edited by the tab that owns them

    def _spin(self, name: str, base: type, metadata: list[Any], optional: bool) -> QWidget:
        lo, hi, lo_open, hi_open = _bounds(metadata)
        if base is int:
            step = 1
            low = int(lo) + (1 if lo_open else 0) if lo is not None else -INT_LIMIT
            high = int(hi) - (1 if hi_open else 0) if hi is not None else INT_LIMIT
            # The field's own bounds, even past what a 32-bit QSpinBox holds.
            wide = high > INT_LIMIT or low < -INT_LIMIT
            spin: QSpinBox | QDoubleSpinBox = IntSpin() if wide else QSpinBox()
            self._kinds[name] = "int"
        else:
            spin = FloatSpin()
            spin.setDecimals(FLOAT_DECIMALS)
            step = 10.0**-FLOAT_DECIMALS
            low = float(lo) + (step if lo_open else 0.0) if lo is not None else -FLOAT_LIMIT
            high = float(hi) - (step if hi_open else 0.0) if hi is not None else FLOAT_LIMIT
            spin.setSingleStep(self._float_step(low, high))
            self._kinds[name] = "float"
        if optional:
            low = low - step
            spin.setSpecialValueText(self._none_text.get(name, NONE_TEXT))
        spin.setRange(low, high)
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(self.changed)
        return spin

    @staticmethod
    def _float_step(low: float, high: float) -> float:
        span = high - low
        if not math.isfinite(span) or span <= 0:
            return 0.01
        return min(1.0, 10.0 ** math.floor(math.log10(span) - 1))

    # ------------------------------------------------------------------ values
    def set_values(self, values: BaseModel | dict[str, Any]) -> None:
        """Show ``values`` (a model or a dict; missing keys keep their editors' values)."""
        data = values if isinstance(values, dict) else dict(values)
        with _Blocked(self):
            for name, editor in self.editors.items():
                if name in data:
                    self._set(name, editor, data[name])
        self.changed.emit()

    def _set(self, name: str, editor: QWidget, value: Any) -> None:
        kind = self._kinds[name]
        if kind == "bool":
            editor.setChecked(bool(value))
        elif kind == "literal" or kind == "str_or_float":
            editor.setCurrentText(str(value))
        elif kind in ("int", "float"):
            editor.setValue(editor.minimum() if value is None else value)
        elif kind == "int_tuple":
            editor.setText(", ".join(str(v) for v in value) if value is not None else "")
        else:
            editor.setText("" if value is None else str(value))

    def values(self) -> dict[str, Any]:
        """The editors' values as plain Python values (not validated yet)."""
        out: dict[str, Any] = {}
        for name, editor in self.editors.items():
            kind = self._kinds[name]
            if kind == "bool":
                out[name] = editor.isChecked()
            elif kind == "literal":
                out[name] = editor.currentText()
            elif kind == "str_or_float":
                text = editor.currentText().strip()
                try:
                    out[name] = float(text)
                except ValueError:
                    out[name] = text
            elif kind in ("int", "float"):
                value = editor.value()
                if self._optional[name] and value == editor.minimum():
                    out[name] = None
                else:
                    out[name] = int(value) if kind == "int" else float(value)
            elif kind == "int_tuple":
                if not editor.text().strip() and self._optional[name]:
                    out[name] = None
                    continue
                text = editor.text().replace("x", ",").replace(" ", ",")
                parts = [p for p in text.split(",") if p]
                try:
                    out[name] = tuple(int(p) for p in parts)
                except ValueError:
                    out[name] = editor.text()  # the model names the problem
            else:
                text = editor.text().strip()
                out[name] = None if (text == "" and self._optional[name]) else text
        return out

    def model(self, base: BaseModel | dict[str, Any] | None = None) -> BaseModel:
        """Validate ``base`` (a model or dict) updated with the editors' values."""
        data: dict[str, Any] = {}
        if isinstance(base, BaseModel):
            data = base.model_dump()
        elif base:
            data = dict(base)
        data.update(self.values())
        return self.model_type.model_validate(data)


class _Blocked:
    """Blocks the editors' signals while values are set programmatically."""

    def __init__(self, form: ParamsForm):
        self.form = form

    def __enter__(self):
        for editor in self.form.editors.values():
            editor.blockSignals(True)

    def __exit__(self, *exc):
        for editor in self.form.editors.values():
            editor.blockSignals(False)
