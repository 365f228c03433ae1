"""The Avatars tab: a name → its SOFM avatar (as you type), and a sheet of random ones.

The recipe is :mod:`engines.som.avatar`: a 9 x 9 grid pulled by two rotating points; a
name chooses the step, radius, std and colours through SHA-256, so a name always gives
the same picture. A look preset (bird, star, blob) fixes the three parameters instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
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
from app.gui.widgets.presets import PresetBar
from app.gui.workers import JobRunner
from engines.art import ArtStyle
from engines.errors import GasworksError
from engines.presets import Preset, validate_preset

TITLE = "Avatars"
DEFAULT_NAME = "Ada Lovelace"
DEFAULT_SHEET = 16
TYPING_DELAY_MS = 120
#: The avatar style of ``gasworks avatar`` when no preset is given.
AVATAR_STYLE = ArtStyle(line_width=2.0, node_size=4.0, width=480, margin=16)


def accepts_preset(table: dict[str, Any]) -> bool:
    """Avatar looks: SOFM presets on the 9 x 9 grid."""
    grid = (table.get("engine_params") or {}).get("features_grid")
    return table.get("engine") == "som" and list(grid or []) == [9, 9]


@dataclass(frozen=True)
class Picture:
    """A finished picture: the drawing, its style, the pixels shown, and a caption."""

    drawing: Any
    style: ArtStyle
    pixels: Any
    caption: str


def look_for(name: str, preset: Preset | None):
    """The name's look; a look preset's step, radius, std and colours replace the name's."""
    from dataclasses import replace

    from engines.som.avatar import look_for_name

    look = look_for_name(name)
    if preset is None:
        return look
    p, s = preset.engine_params, preset.style or AVATAR_STYLE
    return replace(look, step=p.step, learning_radius=p.learning_radius, std=p.std,
                   line=s.line_color, dots=s.node_color, background=s.background)  # fmt: skip


def avatar_picture(name: str, preset: Preset | None) -> Picture:
    from engines.art import render_array
    from engines.som.avatar import avatar_drawing, train_avatar

    look = look_for(name, preset)
    style = (preset.style if preset is not None and preset.style else None) or AVATAR_STYLE
    weights, _ = train_avatar(look.params())
    drawing = avatar_drawing(weights, look, style)
    caption = (f"{look.name}: step {look.step:.3f}, radius {look.learning_radius}, "
               f"std {look.std:.3f}")  # fmt: skip
    return Picture(drawing, style, render_array(drawing, style), caption)


def avatar_job(control, name: str, preset: Preset | None) -> Picture:
    control.checkpoint()
    return avatar_picture(name, preset)


def sheet_job(control, name: str, preset: Preset | None, n: int, seed: int):
    """The name's avatar, then ``n`` random ones on a sheet, one at a time (cancellable)."""
    from engines.art import render_array
    from engines.som.avatar import random_looks, sheet_drawing, train_avatar

    single = avatar_picture(name, preset)
    pictures = []
    for k, look in enumerate(random_looks(n, seed)):
        control.checkpoint()
        pictures.append((train_avatar(look.params())[0], look))
        if control.due():
            yield (k + 1) / n
    style = AVATAR_STYLE.model_copy(update={"width": 960})
    drawing = sheet_drawing(pictures, style, background=style.background)
    sheet = Picture(drawing, style, render_array(drawing, style),
                    f"{n} random avatars, seed {seed}")  # fmt: skip
    return single, sheet


class AvatarsTab(JobTab):
    title = TITLE

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.look_preset: Preset | None = None
        self.avatar: Picture | None = None
        self.sheet: Picture | None = None
        self.typing = JobRunner(self)
        self.typing.result.connect(self._show_avatar)
        self.typing.failed.connect(self.show_error)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_DELAY_MS)
        self._timer.timeout.connect(self.draw_name)
        self._build()
        self.runner.result.connect(self._on_result)
        self.pump_timer = QTimer(self)
        self.pump_timer.setInterval(50)
        self.pump_timer.timeout.connect(self._pull_progress)
        self.runner.state_changed.connect(
            lambda s: self.pump_timer.start() if s == "running" else self.pump_timer.stop()
        )
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
        self.look_label = QLabel("look: from the name")
        self.look_label.setWordWrap(True)
        self.presets = PresetBar("avatars", accepts_preset, self.current_preset,
                                 placeholder="from the name")  # fmt: skip
        self.presets.chosen.connect(self.apply_preset)
        self.presets.failed.connect(self.show_error)
        form.addRow("look", self.presets)
        form.addRow(self.look_label)
        side.addWidget(name_box)

        sheet_box = QGroupBox("Sheet of random avatars")
        sheet_form = QFormLayout(sheet_box)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, 400)
        self.count_spin.setValue(DEFAULT_SHEET)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
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
        look = look_for(self.name_edit.text() or DEFAULT_NAME, self.look_preset)
        style = (self.look_preset.style if self.look_preset else None) or AVATAR_STYLE
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
        self.typing.start(avatar_job, name, self.look_preset)

    def _show_avatar(self, picture: Picture) -> None:
        self.avatar = picture
        self.avatar_view.set_array(picture.pixels)
        self.avatar_view.title.setText(picture.caption)
        if self.status.is_error:
            self.status.clear()

    def run_default(self) -> None:
        name = self.name_edit.text()
        if not name.strip():
            self.show_error("Type a name to see its avatar.")
            return
        self.start_job(sheet_job, name, self.look_preset, self.count_spin.value(),
                       self.seed_spin.value())  # fmt: skip

    def _pull_progress(self) -> None:
        fraction = self.runner.take_latest()
        if fraction is not None:
            self.status.set_fraction(fraction)

    def _on_result(self, pictures) -> None:
        single, sheet = pictures
        self._show_avatar(single)
        self.sheet = sheet
        self.sheet_view.set_array(sheet.pixels)
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
        if getattr(self, target) is None:
            self.show_error(f"No {target} yet: draw it first.")
            return
        from engines.som.avatar import slug

        stem = slug(self.name_edit.text()) or "avatar" if target == "avatar" else "avatars"
        filters = "PNG image (*.png)" if fmt == "png" else "SVG drawing (*.svg)"
        path = self.ask_export(f"Export the {target}", f"{stem}.{fmt}", filters)
        if path is not None:
            self.export(target, path)

    def export(self, target: str, path: str | Path) -> Path | None:
        """Write the avatar or the sheet (``target``) to ``path`` (.png or .svg)."""
        from engines.art import write_png, write_svg

        picture: Picture | None = getattr(self, target)
        path = Path(path)
        if picture is None:
            self.show_error(f"No {target} yet: draw it first.")
            return None
        try:
            if path.suffix.lower() == ".png":
                written = write_png(picture.drawing, path, picture.style)
            elif path.suffix.lower() == ".svg":
                written = write_svg(picture.drawing, path, picture.style, title=picture.caption)
            else:
                raise ValueError(f"{path}: the file must end in .png or .svg")
        except (GasworksError, ValueError, OSError) as exc:
            self.report(exc)
            return None
        self.status.show_info(f"Exported {written}")
        return written
