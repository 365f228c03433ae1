"""The Maps tab: a data set (bundled, or a CSV/NPY file) → a trained SOFM, seen as it learns.

The recipe is :func:`engines.som.maps.map_recipe` (what ``gasworks map`` runs). Views: the
U-matrix heat map (rect or hexagon cells), the expanded U-matrix, both with a marker of
each class on its samples' winning units; the grid or the units over 2-D data; the digit
images on the map. The heat map and the grid are redrawn live while the map trains; export
is :func:`engines.som.maps.export_map`, so a file saved here has the bytes the command
writes for the same preset and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.widgets.files import ask_open_path, remember_file
from app.gui.widgets.hints import PlotHint
from app.gui.widgets.live import FramePump, polylines_xy
from app.gui.widgets.panels import (
    export_buttons,
    sample_combo,
    side_panel,
    source_picker,
    stats_label,
    two_columns,
)
from app.gui.widgets.params_form import ParamsForm, seed_box
from app.gui.widgets.presets import PresetBar
from app.gui.workers import TEXT_RATE, Control
from engines.art import ArtStyle
from engines.options import bounds
from engines.presets import Preset, validate_preset

TITLE = "Maps"
MISSING = "train the map first"
DEFAULT_SAMPLE = "sample:breast_cancer"
DATA_FILTER = "Feature matrices (*.csv *.npy);;All files (*)"
FEATURES_FILTER = "A saved network or a feature matrix (*.pt *.npy);;All files (*)"
NO_FEATURES = "the data's own columns"
FEATURES_TIP = ("Map a model's features of the data: the last hidden layer of a network "
                "saved by gasworks train --save (.pt), or an .npy matrix with one row per row "
                "of the data")  # fmt: skip
SOFM_FIELDS = ("features_grid", "grid_type", "toroidal", "learning_radius", "reduce_radius_after",
               "std", "reduce_std_after", "step", "reduce_step_after", "distance", "weight_init",
               "training", "shuffle_data")  # fmt: skip
#: Class markers of the heat maps (pyqtgraph symbols), in the class colours of the recipe.
MARKER_SYMBOLS = ("o", "s", "t", "d", "+", "x", "star")
HEX_CELL = 1.12


def accepts_preset(table: dict[str, Any]) -> bool:
    """Map presets: SOFM presets with a map table or a map data set as input."""
    from engines.som.maps import SAMPLE_PREFIX, SAMPLES

    if table.get("engine") != "som":
        return False
    params = table.get("engine_params") or {}
    source = str(table.get("input") or "")
    samples = {SAMPLE_PREFIX + name for name in SAMPLES}
    return "map" in params or source.endswith((".csv", ".npy")) or source in samples


@dataclass(frozen=True)
class MapFrame:
    """One live frame: the map's snapshot, the heat map its view shows (None for views
    drawn over the data), the data and the view."""

    snapshot: Any
    values: np.ndarray | None
    data: Any
    view: str


class LiveMap:
    """Makes the live frames of one run, in the worker thread: the recipe hands it the data
    and the resolved view once loaded (``loaded``), then each snapshot due (``__call__``)."""

    def __init__(self):
        self.data = None
        self.view = "auto"

    def loaded(self, data, view: str) -> None:
        self.data, self.view = data, view

    def __call__(self, snapshot) -> MapFrame:
        from engines.som.maps import live_values

        return MapFrame(snapshot, live_values(snapshot, self.view), self.data, self.view)


class MapView(QWidget):
    """Heat map cells, class markers, data dots, grid lines and a mosaic, made once."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.plot = pg.PlotWidget(enableMenu=False)
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        self.cells = pg.ScatterPlotItem(pxMode=False, pen=pg.mkPen("#9a9a9a", width=0))
        self.markers = pg.ScatterPlotItem(pxMode=False, brush=None)
        self.data_dots = pg.ScatterPlotItem(size=5, pen=None)
        from engines.som.maps import UNIT_COLOUR

        self.grid = pg.PlotDataItem(pen=pg.mkPen(UNIT_COLOUR, width=1.5), connect="finite")
        self.units = pg.ScatterPlotItem(size=7, pen=None, brush=pg.mkBrush(UNIT_COLOUR))
        self.mosaic = pg.ImageItem()
        for item in (self.mosaic, self.cells, self.markers, self.data_dots, self.grid,
                     self.units):  # fmt: skip
            self.plot.addItem(item)
        layout.addWidget(self.plot)
        self._axes(False)  # no data yet: no scale to read
        self.hint = PlotHint(self.plot, "The map is drawn here as it trains: Run (Ctrl+R).")
        self.bar: pg.ColorBarItem | None = None  # made with the first heat map
        self.frames = 0
        self._marker_key = None

    def clear(self) -> None:
        for item in (self.cells, self.markers, self.data_dots, self.units):
            item.clear()
        self.grid.setData([], [])
        self.mosaic.clear()
        if self.bar is not None:
            self.bar.hide()
        self._marker_key = None

    def show_heat(self, values: np.ndarray, grid_type: str) -> None:
        from engines.som.grid import unit_positions

        v = np.asarray(values, dtype=np.float64)
        rows, cols = v.shape
        pos = unit_positions((rows, cols), grid_type)
        lo, hi = float(v.min()), float(v.max())
        level = (v.ravel() - lo) / (hi - lo) if hi > lo else np.zeros(v.size)
        grey = np.round(level * 235 + 10).astype(int)
        brushes = [pg.mkBrush(int(g), int(g), int(g)) for g in grey]
        hexagon = grid_type == "hexagon"
        self.cells.setData(pos=pos, size=HEX_CELL if hexagon else 1.0, brush=brushes,
                           symbol="h" if hexagon else "s")  # fmt: skip
        if self.bar is None:
            # The heat map's scale: its greys from the smallest to the largest distance.
            greys = pg.ColorMap([0.0, 1.0], [(10, 10, 10), (245, 245, 245)])
            self.bar = pg.ColorBarItem(values=(lo, hi), colorMap=greys, interactive=False,
                                       width=14, label="distance to neighbours")  # fmt: skip
            self.plot.getPlotItem().layout.addItem(self.bar, 2, 5)
        self.bar.setLevels((lo, hi if hi > lo else lo + 1e-12))
        if not self.bar.isVisible():
            self.bar.show()
        self._axes(False)
        self.plot.invertY(True)
        self.frames += 1

    def show_markers(self, markers: list[tuple[int, int, int]], grid_type: str,
                     grid_shape: tuple[int, int]) -> None:  # fmt: skip
        """A marker of class k on cell (row, col) for each (row, col, k) of ``markers``."""
        from engines.som.grid import unit_positions
        from engines.som.maps import CLASS_COLOURS

        seen = sorted(set(markers))
        key = (tuple(seen), grid_type, tuple(grid_shape))
        if key == self._marker_key:
            return
        self._marker_key = key
        pos = unit_positions(grid_shape, grid_type)
        cols = grid_shape[1]
        spots = [{"pos": pos[r * cols + c], "symbol": MARKER_SYMBOLS[k % len(MARKER_SYMBOLS)],
                  "size": 0.55, "brush": None,
                  "pen": pg.mkPen(CLASS_COLOURS[k % len(CLASS_COLOURS)], width=2)}
                 for r, c, k in seen]  # fmt: skip
        self.markers.setData(spots)

    def show_scatter(self, points: np.ndarray, labels: np.ndarray | None) -> None:
        from engines.som.maps import CLASS_COLOURS, DATA_COLOUR

        self.plot.invertY(False)
        self._axes(True)
        if labels is None:
            self.data_dots.setData(pos=points, brush=pg.mkBrush(DATA_COLOUR))
        else:
            brushes = [pg.mkBrush(CLASS_COLOURS[k % len(CLASS_COLOURS)]) for k in labels]
            self.data_dots.setData(pos=points, brush=brushes)

    def show_units(self, grid_weights: np.ndarray, grid_type: str, lines: bool) -> None:
        from engines.som.maps import grid_lines

        g = np.asarray(grid_weights, dtype=np.float64)
        if lines:
            x, y = polylines_xy(grid_lines(g, grid_type))
            self.grid.setData(x, y, connect="finite")
        self.units.setData(pos=g.reshape(-1, 2))
        self.frames += 1

    def _axes(self, shown: bool) -> None:
        for side in ("left", "bottom"):
            self.plot.getPlotItem().showAxis(side, shown)

    def show_mosaic(self, image: np.ndarray) -> None:
        self._axes(False)
        self.cells.clear()
        self.markers.clear()
        self.plot.invertY(True)
        self.mosaic.setImage(np.swapaxes(np.asarray(image), 0, 1), levels=(0, 255))
        self.plot.autoRange()


class MapsTab(JobTab):
    title = TITLE
    staged = True

    def __init__(self, parent: QWidget | None = None, *, staged: bool = False):
        super().__init__(parent)
        self.source = DEFAULT_SAMPLE
        self.features: str | None = None
        self.preset_name = "map"
        self.base_preset: Preset | None = None
        self.result = None
        self.view_name = "auto"
        self.last_frame: MapFrame | None = None
        self._labels_shown = False
        self.pump = FramePump(self.runner, self._apply_frame)
        self.runner.result.connect(self._on_result)
        self.build_in_steps(self._build(), staged)

    def _build(self):
        """The tab's parts, one per ``yield``: the data and preset controls, the map
        controls and the frame, the map view, and last the first preset."""
        from engines.som import SOFMParams
        from engines.som.maps import SAMPLES
        from engines.som.params import MapSettings

        controls = QWidget()
        side = QVBoxLayout(controls)
        data_box = QGroupBox("Data")
        form = QFormLayout(data_box)
        self.sample_combo = sample_combo("File…", SAMPLES, self._on_sample)
        self.open_button = QPushButton("Load CSV/NPY…")
        self.open_button.clicked.connect(self._ask_open)
        self.source_label = source_picker(form, "data", self.sample_combo, self.open_button)
        features_row = QHBoxLayout()
        self.features_label = QLabel(NO_FEATURES)
        self.features_label.setWordWrap(True)
        self.features_label.setToolTip(FEATURES_TIP)
        self.features_button = QPushButton("Choose…")
        self.features_button.setToolTip(FEATURES_TIP)
        self.features_button.clicked.connect(self._ask_features)
        self.features_clear = QPushButton("None")
        self.features_clear.setToolTip("Map the data's own columns")
        self.features_clear.clicked.connect(lambda: self.set_features(None))
        self.features_clear.setEnabled(False)
        features_row.addWidget(self.features_label, 1)
        features_row.addWidget(self.features_button)
        features_row.addWidget(self.features_clear)
        form.addRow("features", features_row)
        self.map_form = ParamsForm(MapSettings, none_text={"label_column": "none"})
        self.map_form.changed.connect(lambda: self._on_view_chosen(self.map_form.values()["view"]))
        form.addRow(self.map_form)
        side.addWidget(data_box)

        preset_box = QGroupBox("Preset")
        self.presets = PresetBar("maps", accepts_preset, self.current_preset)
        self.presets.chosen.connect(self.apply_preset)
        self.presets.failed.connect(self.show_error)
        QVBoxLayout(preset_box).addWidget(self.presets)
        side.addWidget(preset_box)
        yield True

        map_box = QGroupBox("Map")
        map_layout = QVBoxLayout(map_box)
        top = QFormLayout()
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(*bounds(Preset, "epochs"))
        self.seed_spin = seed_box()
        top.addRow("epochs", self.epochs_spin)
        top.addRow("seed", self.seed_spin)
        map_layout.addLayout(top)
        self.sofm_form = ParamsForm(SOFMParams, fields=SOFM_FIELDS)
        map_layout.addWidget(self.sofm_form)
        map_layout.addWidget(self.run_buttons())
        side.addWidget(map_box)

        export_box = QGroupBox("Export")
        export_row, self.png_button, self.svg_button = export_buttons(self._ask_export)
        export_box.setLayout(export_row)
        side.addWidget(export_box)
        side.addStretch(1)

        right_layout = two_columns(self, side_panel(controls))
        self.stats_label = stats_label()
        self.text_clock = Control(TEXT_RATE)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        right_layout.addWidget(self.legend)
        right_layout.addWidget(self.stats_label)
        right_layout.addWidget(self.status)
        yield True

        self.view = MapView()
        right_layout.insertWidget(1, self.view, 1)
        yield True

        key = self.presets.last_key()
        if not (key and self.presets.select(key)):
            self.presets.select("map-breast-cancer")

    # ------------------------------------------------------------------ data and presets
    def set_source(self, source: str) -> None:
        if source != self.source and hasattr(self, "view"):
            self._offer_views(None)
        self.source = source
        self.source_label.setText(source)
        index = self.sample_combo.findData(source)
        self.sample_combo.setCurrentIndex(max(index, 0))

    def _on_sample(self, index: int) -> None:
        source = self.sample_combo.itemData(index)
        if source is None:
            self._ask_open()
            return
        from engines.som.maps import SAMPLE_PRESETS

        name = SAMPLE_PRESETS.get(source.split(":", 1)[1])
        if not (name and self.presets.select(name)):
            self.set_source(source)

    def _ask_open(self) -> None:
        path = ask_open_path(self, "Load a feature matrix", DATA_FILTER)
        if path is not None:
            self.open_file(path)

    def _ask_features(self) -> None:
        path = ask_open_path(self, "Features of the data: a saved network or a matrix",
                             FEATURES_FILTER)  # fmt: skip
        if path is not None:
            self.set_features(path)

    def set_features(self, path: str | Path | None) -> None:
        """Map a model's features of the data (``gasworks map --features``): a network saved
        by ``gasworks train --save`` (.pt) or an .npy matrix; None maps the data's columns.
        A file chosen brings the features preset of the data (map-digits-features for the
        digits, else map-features), as the command does."""
        from engines.som.maps import FEATURE_PRESETS, FEATURES_PRESET

        self.features = None if path is None else str(path)
        self.features_label.setText(NO_FEATURES if path is None else str(path))
        self.features_clear.setEnabled(path is not None)
        if path is None:
            return
        sample = self.source.split(":", 1)[1] if self.source.startswith("sample:") else ""
        source = self.source
        self.presets.select(FEATURE_PRESETS.get(sample, FEATURES_PRESET))
        self.set_source(source)

    def open_file(self, path: str | Path) -> None:
        """Use a CSV/NPY file with the general map preset's settings."""
        remember_file(path)
        self.presets.select("map-default")
        self.set_source(str(path))

    def apply_preset(self, preset: Preset) -> None:
        self.preset_name = preset.name
        self.base_preset = preset
        params = preset.engine_params
        self.map_form.set_values(params.map)
        self.sofm_form.set_values(params)
        self.epochs_spin.setValue(preset.epochs or params.epochs)
        self.seed_spin.setValue(preset.seed)
        if preset.input:
            self.set_source(preset.input)
        self.status.show_info(preset.description)

    def current_preset(self) -> Preset:
        base = self.base_preset
        params = base.engine_params.model_dump() if base else {}
        params.update(self.sofm_form.values())
        params["map"] = self.map_form.values()
        table = {
            "name": self.preset_name,
            "description": base.description if base else "",
            "engine": "som",
            "seed": self.seed_spin.value(),
            "epochs": self.epochs_spin.value(),
            "input": self.source,
            "engine_params": params,
            "style": (base.style if base and base.style else ArtStyle()).model_dump(),
        }
        return validate_preset(table, origin="the Maps tab's settings")

    # ------------------------------------------------------------------ training
    def run_default(self) -> None:
        preset = self.checked_preset()
        if preset is None:
            return
        self.result = None
        self.last_frame = None
        self.view.clear()
        self.legend.clear()
        self._labels_shown = False
        self.view_name = preset.engine_params.map.view
        live = LiveMap()
        self.start_recipe("map", self.source, preset, frame=live, loaded=live.loaded,
                          features=self.features)  # fmt: skip
        self.status.show_info(f"Training a map of {self.source}…")

    def _apply_frame(self, frame: MapFrame) -> None:
        from engines.som.maps import heat_grid_type

        self.last_frame = frame
        snap = frame.snapshot
        if frame.values is not None:
            self.view.show_heat(frame.values, heat_grid_type(snap.grid_type, frame.view))
        else:
            if not self._labels_shown:
                self.view.show_scatter(frame.data.features, frame.data.labels)
                self._labels_shown = True
            self.view.show_units(snap.grid_weights, snap.grid_type, lines=True)
            self.view.plot.autoRange()
        if self.text_clock.due():
            error = f", error {snap.error:.4g}" if len(snap.error_history) else ""
            self.stats_label.setText(f"epoch {snap.iteration} of {snap.budget}{error}")
            self.status.set_fraction(snap.fraction)

    def _on_result(self, result) -> None:
        """Show a finished :class:`engines.som.maps.MapResult` in its view."""
        self.result, self.view_name = result, result.view
        self._offer_views(result.data)
        self.show_result()
        f = result.figures()
        self.stats_label.setText(
            f"{f['samples']:,} samples x {f['features']} features on {f['units']} units, "
            f"{f['epochs']} epochs"
        )
        self.status.set_fraction(1.0)
        features = f" Features: {f['features_from']}." if "features_from" in f else ""
        self.status.show_info(
            f"Done in {result.seconds:.2f} s: quantization error "
            f"{f['quantization_error']:.4g}, topographic error "
            f"{f['topographic_error']:.3f} ({result.view} view).{features}"
        )

    def _on_view_chosen(self, view: str) -> None:
        """A view chosen after training: the trained map is drawn in it at once (no
        training), and the exports write it; a view the data cannot show is named."""
        from dataclasses import replace

        from engines.errors import GasworksError
        from engines.som.maps import resolve_view

        if self.result is None or self.busy:
            return
        try:
            chosen = resolve_view(view, self.result.data)
        except GasworksError as exc:
            self.show_error(str(exc))
            return
        if chosen != self.result.view:
            self.result = replace(self.result, view=chosen)
            self.view_name = chosen
            self.show_result()
            self.status.show_info(f"The trained map in the {chosen} view (no training).")

    def _offer_views(self, data) -> None:
        """Views the data cannot show are disabled in the view list, saying why (all are
        offered while the data is not loaded yet: ``data`` None)."""
        from engines.errors import GasworksError
        from engines.som.maps import resolve_view

        combo = self.map_form.editors["view"]
        model = combo.model()
        for i in range(combo.count()):
            item = model.item(i)
            try:
                if data is not None:
                    resolve_view(combo.itemText(i), data)
            except GasworksError as exc:
                item.setEnabled(False)
                item.setToolTip(str(exc))
            else:
                item.setEnabled(True)
                item.setToolTip("")

    def show_result(self) -> None:
        from engines.som.maps import (
            DATA_VIEWS,
            class_markers,
            heat_grid_type,
            mosaic_image,
            u_matrix_of,
        )

        result, view = self.result, self.view_name
        self.view.clear()
        params = result.params
        if view in DATA_VIEWS:
            self.view.show_scatter(result.data.features, result.data.labels)
            self.view.show_units(result.snapshot.grid_weights, params.grid_type,
                                 lines=view == "grid")  # fmt: skip
        elif view == "digits":
            self.view.show_mosaic(mosaic_image(result))
        else:
            expanded = view == "expanded"
            values = u_matrix_of(result.snapshot, expanded=True) if expanded else result.u_matrix
            grid_type = heat_grid_type(params.grid_type, view)
            self.view.show_heat(values, grid_type)
            markers = class_markers(result, view)
            if markers is not None:
                self.view.show_markers(markers, grid_type, values.shape)
        self.view.plot.autoRange()
        self.legend.setText(self._legend(result, view))

    @staticmethod
    def _legend(result, view: str) -> str:
        """Class names in their colours (markers on heat maps, dots over 2-D data)."""
        from engines.som.maps import CLASS_COLOURS

        names = result.data.label_names
        if result.data.labels is None or not names or view == "digits":
            return ""
        shapes = {"o": "○", "s": "□", "t": "△", "d": "◇", "+": "+", "x": "×", "star": "☆"}
        parts = []
        for k, name in enumerate(names):
            colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
            mark = "●" if view in ("grid", "units") else shapes[MARKER_SYMBOLS[k % 7]]
            parts.append(f'<span style="color:{colour}">{mark}</span> {name}')
        return "&nbsp;&nbsp;&nbsp;".join(parts)

    # ------------------------------------------------------------------ export
    def _ask_export(self, fmt: str) -> None:
        stem = Path(self.source.split(":", 1)[-1]).stem or "map"
        self.ask_and_export(self.result, MISSING, f"{stem}.{self.view_name}.{fmt}", self.export)

    def export(self, path: str | Path) -> Path | None:
        """Write the trained map's view to ``path`` (.png or .svg) as ``gasworks map`` does."""
        from engines.som.maps import export_map

        return self.write_export(self.result, export_map, path, MISSING)
