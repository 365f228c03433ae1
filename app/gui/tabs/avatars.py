"""The Avatars tab: a name → its SOFM avatar (as you type), and a sheet of random ones.

The recipe is :func:`engines.som.avatar.avatar_recipe` (what ``gasworks avatar`` runs): a
9 x 9 grid pulled by two rotating points; a name chooses the step, radius, std and colours
through SHA-256, so a name always gives the same picture. A look preset (bird, star, blob)
fixes the three parameters and the colours instead. Export is
:func:`engines.som.avatar.export_avatar`, so a file saved here has the bytes the command
writes for the same name (or sheet seed) and preset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.widgets.images import ImagePreview
from app.gui.widgets.live import FramePump
from app.gui.widgets.params_form import seed_box
from app.gui.widgets.presets import PresetBar
from app.gui.workers import JobRunner
from engines.presets import Preset, validate_preset

TITLE = "Avatars"
DEFAULT_NAME = "Ada Lovelace"
DEFAULT_SHEET = 16
TYPING_DELAY_MS = 120


def accepts_preset(table: dict[str, Any]) -> bool:
    """Avatar looks: SOFM presets on the 9 x 9 grid."""
    grid = (table.get("engine_params") or {}).get("features_grid")
    return table.get("engine") == "som" and list(grid or []) == [9, 9]


def with_pixels(avatar):
    """(avatar, its pixels): run in the worker, so the GUI thread only shows them."""
    from engines.art import render_array

    return avatar, render_array(avatar.drawing, avatar.style)


#: What the empty sheet says until a sheet is drawn.
SHEET_HINT = "Run (Ctrl+R) draws a sheet of random avatars here."


class AvatarsTab(JobTab):
    title = TITLE

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.look_preset: Preset | None = None
        self.avatar = None  # the Avatar shown (engines.som.avatar.Avatar)
        self.sheet = None  # the last finished sheet
        self.typing = JobRunner(self)
        self.typing.result.connect(self._show_avatar)
        self.typing.failed.connect(self.show_error)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_DELAY_MS)
        self._timer.timeout.connect(self.draw_name)
        self._build()
        self.runner.result.connect(self._on_result)
        self.pump = FramePump(self.runner, self._apply_progress)
        key = self.presets.last_key()
        if not (key and self.presets.select(key)):
            self.draw_name()

    def _build(self) -> None:
        controls = QWidget()
        controls.setMaximumWidth(400)
        side = QVBoxLayout(controls)
        name_box = QGroupBox("Name")
        form = QFormLayout(name_box)
        self.name_edit = QLineEdit(DEFAULT_NAME)
        self.name_edit.setPlaceholderText("type a name")
        self.name_edit.textChanged.connect(lambda _: self._timer.start())
        form.addRow("name", self.name_edit)
        side.addWidget(name_box)

        # The look gets a box of its own: its dropdown takes the column's width (beside a
        # form label and three buttons it was squeezed to a few letters).
        look_box = QGroupBox("Look")
        look_layout = QVBoxLayout(look_box)
        self.look_label = QLabel("look: from the name")
        self.look_label.setWordWrap(True)
        self.presets = PresetBar("avatars", accepts_preset, self.current_preset,
                                 placeholder="from the name")  # fmt: skip
        self.presets.chosen.connect(self.apply_preset)
        self.presets.failed.connect(self.show_error)
        self.presets.combo.setToolTip(
            "The avatar's look: from the name (its letters choose the network's step, "
            "radius and spread), or an avatar preset"
        )
        self.presets.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        look_layout.addWidget(self.presets.combo)
        buttons = QHBoxLayout()
        for button in (self.presets.open_button, self.presets.save_button,
                       self.presets.reset_button):  # fmt: skip
            buttons.addWidget(button)
        look_layout.addLayout(buttons)
        look_layout.addWidget(self.look_label)
        self.presets.hide()  # its parts are laid out above; it keeps their signals
        look_layout.addWidget(self.presets)
        side.addWidget(look_box)

        sheet_box = QGroupBox("Sheet of random avatars")
        sheet_form = QFormLayout(sheet_box)
        from engines.som.avatar import MAX_SHEET

        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, MAX_SHEET)
        self.count_spin.setValue(DEFAULT_SHEET)
        self.seed_spin = seed_box()
        sheet_form.addRow("avatars", self.count_spin)
        sheet_form.addRow("seed", self.seed_spin)
        self.run_button.setText("Draw sheet")
        sheet_form.addRow(self.run_buttons())
        side.addWidget(sheet_box)

        export_box = QGroupBox("Export")
        grid = QVBoxLayout(export_box)
        for label, target, fmt in (("Avatar PNG…", "avatar", "png"),
                                   ("Avatar SVG…", "avatar", "svg"),
                                   ("Sheet PNG…", "sheet", "png"),
                                   ("Sheet SVG…", "sheet", "svg")):  # fmt: skip
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, t=target, f=fmt: self._ask_export(t, f))
            grid.addWidget(button)
        side.addWidget(export_box)
        side.addStretch(1)

        self.avatar_view = ImagePreview("avatar", minimum=240)
        self.sheet_view = ImagePreview("sheet", minimum=240)
        self.sheet_view.set_placeholder(SHEET_HINT)
        pictures = QHBoxLayout()
        pictures.addWidget(self.avatar_view, 2)
        pictures.addWidget(self.sheet_view, 3)
        right = QVBoxLayout()
        right.addLayout(pictures, 1)
        right.addWidget(self.status)
        layout = QHBoxLayout(self)
        layout.addWidget(controls)
        layout.addLayout(right, 1)

    # ------------------------------------------------------------------ looks
    def apply_preset(self, preset: Preset | None) -> None:
        if preset is None:
            self.use_name_look()
            return
        self.look_preset = preset
        p = preset.engine_params
        self.look_label.setText(
            f"look: {preset.name} (step {p.step}, radius {p.learning_radius}, std {p.std})"
        )
        self.draw_name()

    def use_name_look(self) -> None:
        self.look_preset = None
        self.presets.combo.setCurrentIndex(0)
        self.look_label.setText("look: from the name")
        self.draw_name()

    def current_preset(self) -> Preset:
        """The current look (the name's, or the preset's) as a preset."""
        from engines.som.avatar import avatar_look, avatar_style

        look = avatar_look(self.name_edit.text() or DEFAULT_NAME, self.look_preset)
        style = avatar_style(self.look_preset)
        table = {
            "name": look.name,
            "description": f"The avatar look of {look.name!r}.",
            "engine": "som",
            "seed": self.seed_spin.value(),
            "engine_params": {"features_grid": [9, 9], "step": look.step,
                              "learning_radius": look.learning_radius, "std": look.std},
            "style": {**style.model_dump(), "line_color": look.line, "node_color": look.dots,
                      "background": look.background},
        }  # fmt: skip
        return validate_preset(table, origin="the Avatars tab's look")

    # ------------------------------------------------------------------ jobs
    def draw_name(self) -> None:
        self._timer.stop()
        name = self.name_edit.text()
        if not name.strip():
            self.show_error("Type a name to see its avatar.")
            return
        self.typing.start_recipe("avatar", name, self.look_preset, then=with_pixels)

    def _show_avatar(self, drawn) -> None:
        avatar, pixels = drawn
        self.avatar = avatar
        self.avatar_view.set_array(pixels)
        self.avatar_view.title.setText(avatar.caption)
        if self.status.is_error:
            self.status.clear()

    def run_default(self) -> None:
        """Draw a sheet of random avatars (with the look preset's style and keys, if any)."""
        self.start_recipe("avatar", None, self.look_preset, sheet=self.count_spin.value(),
                          seed=self.seed_spin.value(), then=with_pixels)  # fmt: skip
        self.status.show_info(f"Drawing {self.count_spin.value()} random avatars…")

    def _apply_progress(self, progress) -> None:
        """A sheet's progress (:class:`engines.som.avatar.SheetProgress`)."""
        self.status.set_fraction(progress.fraction)

    def _on_result(self, drawn) -> None:
        sheet, pixels = drawn
        self.sheet = sheet
        self.sheet_view.set_array(pixels)
        self.sheet_view.title.setText(sheet.caption)
        self.status.set_fraction(1.0)
        self.status.show_info(f"Drew {sheet.caption} in {self.elapsed():.2f} s.")

    def settle(self) -> bool:
        return not self.typing.running and not self._timer.isActive()

    def shutdown(self) -> bool:
        self._timer.stop()
        ok = self.typing.shutdown()
        return super().shutdown() and ok

    # ------------------------------------------------------------------ export
    def _ask_export(self, target: str, fmt: str) -> None:
        from engines.som.avatar import slug

        stem = slug(self.name_edit.text()) or "avatar" if target == "avatar" else "avatars"
        self.ask_and_export(getattr(self, target), f"draw the {target} first", f"{stem}.{fmt}",
                            lambda path: self.export(target, path))  # fmt: skip

    def export(self, target: str, path: str | Path) -> Path | None:
        """Write the avatar or the sheet (``target``) to ``path`` (.png or .svg) as
        ``gasworks avatar`` does."""
        from engines.som.avatar import export_avatar

        return self.write_export(getattr(self, target), export_avatar, path,
                                 f"draw the {target} first")  # fmt: skip
