"""The Logos tab: text in a font → the seed's SOFM logo, trained live.

The recipe is :func:`engines.som.logo.logo_recipe` (what ``gasworks logo`` runs): the
text's ink becomes about 20,000 points in a 540 x 220 box, a (2, 1000) grid laid along a
sine wave over it is trained, and the grid's rows and columns are the logo. The live view
draws the map's snapshots; export is :func:`engines.som.logo.export_logo`, so a file
saved here has the bytes the command writes for the same preset and seed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.widgets.files import ask_open_path
from app.gui.widgets.live import FramePump, LiveArtView, grid_polylines
from app.gui.widgets.panels import (
    export_buttons,
    side_panel,
    stats_label,
    two_columns,
)
from app.gui.widgets.params_form import ParamsForm, seed_box
from app.gui.widgets.presets import PresetBar
from app.gui.workers import TEXT_RATE, Control
from engines.art import ArtStyle
from engines.errors import GasworksError
from engines.options import bounds
from engines.presets import Preset, TextParams, validate_preset

TITLE = "Logos"
MISSING = "train the logo first"
DEFAULT_PRESET = "logo"
SOFM_FIELDS = ("features_grid", "step", "learning_radius", "reduce_radius_after", "std",
               "reduce_std_after", "reduce_step_after", "shuffle_data")  # fmt: skip
STYLE_FIELDS = ("line_width", "line_color", "background", "cut_long", "width", "margin")
#: The text the tab starts with on the shipped logo preset (the README's logo).
DEFAULT_TEXT = "Gasworks"
FONT_FILTER = "Fonts (*.ttf *.otf);;All files (*)"


def accepts_preset(table: dict[str, Any]) -> bool:
    """Logo presets: SOFM presets that draw a text."""
    return table.get("engine") == "som" and bool((table.get("text") or {}).get("text"))


def bundled_fonts() -> list[Path]:
    from engines.pipeline.text import FONT_DIR

    return sorted(FONT_DIR.glob("*.ttf"))


class LogosTab(JobTab):
    title = TITLE
    staged = True

    def __init__(self, parent: QWidget | None = None, *, staged: bool = False):
        super().__init__(parent)
        self.preset_name = DEFAULT_PRESET
        self.base_preset: Preset | None = None
        self.result = None  # the Logo of the last finished run
        self.last_frame = None  # the last snapshot drawn
        self.pump = FramePump(self.runner, self._apply_frame)
        self.runner.result.connect(self._on_result)
        self.build_in_steps(self._build(), staged)

    def _build(self):
        """The tab's parts, one per ``yield``: the controls and the frame, the live
        drawing, the error plot, and last the first preset."""
        from engines.som import SOFMParams

        controls = QWidget()
        side = QVBoxLayout(controls)
        text_box = QGroupBox("Text")
        form = QFormLayout(text_box)
        self.text_edit = QLineEdit()
        self.text_edit.returnPressed.connect(self.run_default)
        self.font_combo = QComboBox()
        self.font_combo.addItem("bundled sans", None)
        for font in bundled_fonts():
            self.font_combo.addItem(font.stem, str(font))
        self.font_button = QPushButton("Font file…")
        self.font_button.clicked.connect(self._ask_font)
        font_row = QHBoxLayout()
        font_row.addWidget(self.font_combo, 1)
        font_row.addWidget(self.font_button)
        self.size_spin = QSpinBox()
        self.size_spin.setRange(*bounds(TextParams, "size"))
        self.size_spin.setToolTip("First font size tried (the recipe aims at ~20,000 points)")
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(*bounds(Preset, "epochs"))
        self.seed_spin = seed_box()
        form.addRow("text", self.text_edit)
        form.addRow("font", font_row)
        form.addRow("size", self.size_spin)
        form.addRow("epochs", self.epochs_spin)
        form.addRow("seed", self.seed_spin)
        side.addWidget(text_box)

        preset_box = QGroupBox("Preset")
        QVBoxLayout(preset_box).addWidget(
            presets := PresetBar("logos", accepts_preset, self.current_preset)
        )
        self.presets = presets
        presets.chosen.connect(self.apply_preset)
        presets.failed.connect(self.show_error)
        side.addWidget(preset_box)

        map_box = QGroupBox("Map")
        map_layout = QVBoxLayout(map_box)
        self.sofm_form = ParamsForm(SOFMParams, fields=SOFM_FIELDS)
        map_layout.addWidget(self.sofm_form)
        map_layout.addWidget(self.run_buttons())
        side.addWidget(map_box)

        export_box = QGroupBox("Style and export")
        export_layout = QVBoxLayout(export_box)
        self.style_form = ParamsForm(ArtStyle, fields=STYLE_FIELDS)
        self.style_form.editors["cut_long"].setToolTip(
            "Cut the long links the map stretches across the gaps between letters: a link "
            "longer than this many median links is not drawn (0 keeps them all)"
        )
        self.style_form.tooltips["cut_long"] = self.style_form.editors["cut_long"].toolTip()
        self.style_form.changed.connect(self._redraw)
        export_layout.addWidget(self.style_form)
        row, self.png_button, self.svg_button = export_buttons(self._ask_export)
        export_layout.addLayout(row)
        side.addWidget(export_box)
        side.addStretch(1)

        right_layout = two_columns(self, side_panel(controls, 360))
        self.stats_label = stats_label()
        self.text_clock = Control(TEXT_RATE)
        right_layout.addWidget(self.stats_label)
        right_layout.addWidget(self.status)
        yield True

        self.view = LiveArtView(error_label="training error", error_plot=False)
        self.view.nodes.setVisible(False)
        right_layout.insertWidget(0, self.view, 1)
        yield True

        self.view.add_error_plot()
        yield True

        key = self.presets.last_key()
        if not (key and self.presets.select(key)):
            self.presets.select(DEFAULT_PRESET)
            self.text_edit.setText(DEFAULT_TEXT)

    # ------------------------------------------------------------------ presets
    def apply_preset(self, preset: Preset) -> None:
        self.preset_name = preset.name
        self.base_preset = preset
        t = preset.text
        self.text_edit.setText(t.text or "")
        index = self.font_combo.findData(t.font)
        if index < 0 and t.font:
            self.font_combo.addItem(Path(t.font).stem, t.font)
            index = self.font_combo.count() - 1
        self.font_combo.setCurrentIndex(max(index, 0))
        self.size_spin.setValue(t.size)
        self.epochs_spin.setValue(preset.epochs or preset.engine_params.epochs)
        self.seed_spin.setValue(preset.seed)
        self.sofm_form.set_values(preset.engine_params)
        self.style_form.set_values(preset.style if preset.style is not None else ArtStyle())
        self.status.show_info(preset.description)

    def current_preset(self) -> Preset:
        base = self.base_preset
        text = base.text.model_dump() if base else {}
        text.update(text=self.text_edit.text(), font=self.font_combo.currentData(),
                    size=self.size_spin.value())  # fmt: skip
        engine_params = base.engine_params.model_dump() if base else {}
        engine_params.update(self.sofm_form.values())
        table = {
            "name": self.preset_name,
            "description": base.description if base else "",
            "engine": "som",
            "seed": self.seed_spin.value(),
            "epochs": self.epochs_spin.value(),
            "pipeline": base.pipeline.model_dump() if base else {},
            "text": text,
            "engine_params": engine_params,
            "style": self._style_table(),
        }
        return validate_preset(table, origin="the Logos tab's settings")

    def _style_table(self) -> dict[str, Any]:
        """The style the form shows, over the preset's (keys the form lacks are kept)."""
        base = self.base_preset
        style = base.style.model_dump() if base and base.style else {}
        style.update(self.style_form.values())
        return style

    def _ask_font(self) -> None:
        path = ask_open_path(self, "Choose a font", FONT_FILTER)
        if path is not None:
            self.font_combo.addItem(path.stem, str(path))
            self.font_combo.setCurrentIndex(self.font_combo.count() - 1)

    # ------------------------------------------------------------------ training
    def run_default(self) -> None:
        text = self.text_edit.text()
        if not text.strip():
            self.show_error("Type the text of the logo first.")
            return
        preset = self.checked_preset()
        if preset is None:
            return
        from engines.som.logo import BOX

        self.result = None
        self.last_frame = None
        self.view.clear()
        style = preset.style or ArtStyle()
        self.view.set_colours(style.line_color, style.background)
        self.view.set_bounds((0.0, 0.0, *BOX))
        self.start_recipe("logo", text, preset)
        self.status.show_info(f"Training the logo of {text!r}…")

    def _apply_frame(self, snap) -> None:
        """Draw a map snapshot (:class:`engines.som.SOFMSnapshot`)."""
        self.last_frame = snap
        lines = grid_polylines(snap.grid_weights)
        cut = self.style_form.values().get("cut_long") or 0.0
        if cut > 0:
            from engines.som.logo import cut_long_segments

            lines = cut_long_segments(lines, cut)
        self.view.show_polylines(lines)
        self.view.show_errors(snap.error_history)
        if self.text_clock.due() or snap.fraction >= 1.0:
            self.stats_label.setText(f"epoch {snap.iteration} of {snap.budget or snap.iteration}")
            self.status.set_fraction(snap.fraction)

    def _redraw(self) -> None:
        """The style changed: the drawing on show follows (cut links), without training."""
        if self.last_frame is not None and not self.busy:
            self._apply_frame(self.last_frame)

    def _on_result(self, result) -> None:
        """Show a finished :class:`engines.som.logo.Logo`."""
        self.result = result
        self.view.show_errors(result.snapshot.error_history, force=True)
        self._apply_frame(result.snapshot)
        self.status.set_fraction(1.0)
        figures = result.figures()
        self.status.show_info(
            f"Done: {result.text!r}, {figures['points']:,} points, {figures['units']:,} units, "
            f"{figures['epochs']} epochs in {result.seconds:.2f} s."
        )

    # ------------------------------------------------------------------ export
    def _ask_export(self, fmt: str) -> None:
        stem = "".join(c if c.isalnum() else "-" for c in self.text_edit.text())[:40] or "logo"
        self.ask_and_export(self.result, MISSING, f"{stem}.{fmt}", self.export)

    def export(self, path: str | Path) -> Path | None:
        """Write the last logo to ``path`` (.svg or .png) as ``gasworks logo`` does, in the
        style the form shows now."""
        from engines.som.logo import export_logo

        try:
            style = ArtStyle.model_validate(self._style_table())
        except (GasworksError, ValueError) as exc:
            self.report(exc)
            return None
        return self.write_export(self.result, export_logo, path, MISSING, style=style)
