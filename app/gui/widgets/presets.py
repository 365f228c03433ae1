"""The preset bar: a dropdown of presets, Save as… and Reset.

The dropdown lists the shipped presets a tab can use and the preset files saved from the
window (remembered in QSettings). Choosing one emits :attr:`PresetBar.chosen` with the
validated preset; Reset emits it again, so the tab's controls return to the preset's values.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QPushButton, QWidget

from engines.atomic import atomic_write_text
from engines.errors import GasworksError
from engines.presets import (
    Preset,
    dump_preset,
    load_preset,
    preset_names,
    read_preset_table,
    validate_preset,
)

SAVED_KEY = "presets/saved"
LAST_KEY = "presets/last/{tab}"


def preset_toml(preset: Preset) -> str:
    """TOML text of ``preset``, including sub-tables such as ``[engine_params.map]``.

    :func:`engines.presets.dump_preset` writes one level of tables; a SOFM preset's
    ``map`` settings are a table inside ``[engine_params]``, written here after it.
    """
    try:
        return dump_preset(preset)
    except TypeError:
        pass
    from engines.presets import _to_toml

    table = preset.model_dump(mode="json", exclude_none=True)
    table.pop("name", None)
    nested: dict[str, Any] = {}
    for key, sub in table.items():
        if isinstance(sub, dict):
            for inner in [k for k, v in sub.items() if isinstance(v, dict)]:
                nested[f"{key}.{inner}"] = sub.pop(inner)
    return _to_toml(table) + _to_toml(nested)


def shipped_presets(accept: Callable[[dict[str, Any]], bool]) -> list[str]:
    """Names of the shipped presets whose raw table ``accept`` takes."""
    names = []
    for name in preset_names():
        try:
            if accept(read_preset_table(name)):
                names.append(name)
        except GasworksError:
            continue
    return names


class PresetBar(QWidget):
    """Dropdown, Save as… and Reset for one tab.

    Parameters
    ----------
    tab : str
        Settings key of the tab (its last preset is remembered).
    accept : callable
        Takes a raw preset table; True if the tab can use it.
    current : callable
        Returns the tab's settings as a :class:`Preset`, for Save as….
    placeholder : str, optional
        A first entry that stands for "no preset"; choosing it emits ``chosen(None)``.
    """

    chosen = Signal(object)  # Preset, or None for the placeholder
    failed = Signal(str)

    def __init__(
        self,
        tab: str,
        accept: Callable[[dict[str, Any]], bool],
        current: Callable[[], Preset],
        parent: QWidget | None = None,
        *,
        placeholder: str | None = None,
    ):
        super().__init__(parent)
        self.tab = tab
        self.placeholder = placeholder
        self._accept = accept
        self._current = current
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(14)
        self.combo.setToolTip("Presets: the shipped ones, then the files saved from here")
        self.open_button = QPushButton("Open…")
        self.open_button.setToolTip("Use a preset file (.toml), e.g. one made for gasworks")
        self.save_button = QPushButton("Save as…")
        self.save_button.setToolTip("Write the current settings to a preset file (.toml)")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Return every control to the chosen preset's values")
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.save_button)
        layout.addWidget(self.reset_button)
        self._fill()
        self.combo.activated.connect(self._apply_current)
        self.open_button.clicked.connect(self._ask_open)
        self.save_button.clicked.connect(self._ask_save)
        self.reset_button.clicked.connect(self._apply_current)

    # ------------------------------------------------------------------ entries
    def _saved_files(self) -> list[str]:
        saved = QSettings().value(SAVED_KEY, [], type=list) or []
        return [p for p in saved if Path(p).is_file()]

    def _fill(self) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        if self.placeholder:
            self.combo.addItem(self.placeholder, None)
        for name in shipped_presets(self._accept):
            self.combo.addItem(name, name)
        for path in self._saved_files():
            try:
                if self._accept(read_preset_table(path)):
                    self.combo.addItem(f"{Path(path).stem} (file)", path)
            except GasworksError:
                continue
        self.combo.blockSignals(False)

    def select(self, key: str, *, apply: bool = True) -> bool:
        """Select the preset ``key`` (a shipped name or a file path); False if unknown."""
        index = self.combo.findData(key)
        if index < 0:
            return False
        self.combo.setCurrentIndex(index)
        if apply:
            self._apply_current()
        return True

    def current_key(self) -> str | None:
        return self.combo.currentData()

    def _apply_current(self, *_: Any) -> None:
        key = self.combo.currentData()
        if key is None:
            if self.placeholder:
                QSettings().remove(LAST_KEY.format(tab=self.tab))
                self.chosen.emit(None)
            return
        try:
            preset = load_preset(key)
        except GasworksError as exc:
            self.failed.emit(str(exc))
            return
        QSettings().setValue(LAST_KEY.format(tab=self.tab), key)
        self.chosen.emit(preset)

    def last_key(self) -> str | None:
        value = QSettings().value(LAST_KEY.format(tab=self.tab))
        return str(value) if value else None

    # ------------------------------------------------------------------ opening
    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a preset", "", "Preset (*.toml)")
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> bool:
        """Add the preset file ``path`` to the dropdown and apply it; False (with a message
        naming the file) when it is unreadable, invalid, or not for this tab."""
        try:
            table = read_preset_table(path)
            validate_preset(table, origin=str(path))
        except GasworksError as exc:
            self.failed.emit(str(exc))
            return False
        if not self._accept(table):
            self.failed.emit(f"{path}: this preset is not for the {self.tab} tab")
            return False
        saved = [p for p in self._saved_files() if p != str(path)] + [str(path)]
        QSettings().setValue(SAVED_KEY, saved)
        self._fill()
        return self.select(str(path))

    # ------------------------------------------------------------------ saving
    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save preset as", f"{self.tab}-preset.toml", "Preset (*.toml)"
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> Path | None:
        """Write the tab's settings to ``path`` and add the file to the dropdown."""
        if path.suffix.lower() != ".toml":
            path = path.with_suffix(".toml")
        try:
            text = preset_toml(self._current())
            atomic_write_text(path, text)
        except (GasworksError, ValueError, TypeError, OSError) as exc:
            self.failed.emit(f"{path}: cannot save the preset ({exc})")
            return None
        saved = [p for p in self._saved_files() if p != str(path)] + [str(path)]
        QSettings().setValue(SAVED_KEY, saved)
        self._fill()
        self.select(str(path), apply=False)
        QSettings().setValue(LAST_KEY.format(tab=self.tab), str(path))
        return path
