"""The Memory tab: the Hopfield network as a memory of patterns and of a password.

- Password: type one (masked), store it among noise rows, break it (keep its first
  characters), recover it: one synchronous step, steps until stable, or an asynchronous
  recall animated neuron by neuron with its energy trace. The password never leaves the
  masked field: it is not saved, logged or exported.
- Digits: the seed's 0, 1 and 2, stored; the top half of 2 recalled asynchronously.
- Monte Carlo: random passwords broken in five ways, recovered; the failures of each case
  drawn as the trials run.

Every job is a registry recipe run through the tab's adapter (``hopfield-recall``,
``hopfield-montecarlo``, and :func:`engines.hopfield.password.store_recipe`), so the tab
computes exactly what ``gasworks hopfield`` computes for the same settings and seed; the
exports are the jobs' own. The Hinton diagram is drawn by :mod:`engines.hopfield.plots`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui.tabs.base import JobTab
from app.gui.theme import set_tone
from app.gui.widgets.hints import PlotHint
from app.gui.widgets.images import ImagePreview
from app.gui.widgets.panels import side_panel
from app.gui.widgets.params_form import seed_box
from app.gui.workers import TEXT_RATE, Control, Note, recipe_job

TITLE = "Memory"
MASK, GONE = "•", "·"
DEFAULT_TRIALS = 100_000
DEFAULT_ASYNC = 3000
#: The digits' async updates (as ``gasworks hopfield demo``) and the characters a broken
#: password keeps.
DIGIT_UPDATES = 400
KEEP_FIRST = 8
#: The export buttons: what is written, the file name offered and its filter.
EXPORTS = {
    "digits": ("digits.png", "PNG image (*.png)"),
    "montecarlo": ("montecarlo.png", "PNG image (*.png)"),
    "json": ("montecarlo.json", "JSON (*.json)"),
}
BAR_COLOUR = "#c0392b"
SEED_COLOUR = "#1b1b1f"


# ---------------------------------------------------------------------- frames and results
@dataclass(frozen=True)
class Stored:
    """A password stored: the network, its Hinton diagram (PNG), the pattern's shape and the
    warnings storing it raised."""

    network: Any
    hinton: bytes
    shape: tuple[int, int]
    messages: tuple[str, ...]


@dataclass(frozen=True)
class RecallFrame:
    """An asynchronous recall in progress: state, energy trace, pattern shape."""

    state: np.ndarray
    energies: np.ndarray
    shape: tuple[int, int]
    fraction: float


@dataclass(frozen=True)
class Digits:
    """The digits' recall (an :class:`engines.hopfield.recall.Recall`) and its Hinton PNG."""

    recall: Any
    hinton: bytes


def hinton_png(weight: np.ndarray) -> bytes:
    from engines.hopfield.plots import hinton_figure, png_bytes

    return png_bytes(hinton_figure(weight, title=None))


def recall_frame(shape: tuple[int, int]):
    """What the live view draws of a recall's snapshot (made in the worker)."""

    def frame(snapshot) -> RecallFrame:
        return RecallFrame(np.asarray(snapshot.state), np.asarray(snapshot.error_history),
                           shape, snapshot.fraction)  # fmt: skip

    return frame


def final_frame(recall) -> RecallFrame:
    return RecallFrame(np.asarray(recall.state), recall.energy_trace, recall.shape, 1.0)


def stored(value) -> Stored:
    """The store recipe's result, with its Hinton diagram drawn (in the worker)."""
    from engines.hopfield.password import BITS_PER_CHAR, password_length

    shape = (password_length(value.network), BITS_PER_CHAR)
    return Stored(value.network, hinton_png(value.network.weight), shape, value.warnings)


def with_hinton(recall) -> Digits:
    return Digits(recall, hinton_png(recall.weight))


def digits_params(budget: int):
    from engines.hopfield import HopfieldParams

    return HopfieldParams(mode="async", n_times=budget)


def demo_job(control, seed: int, budget: int, mc_params, mc_seed: int):
    """The demo: the digits' recall, then the Monte Carlo, one recipe after the other."""
    from engines.hopfield import digits

    recall = recipe_job(control, "hopfield-recall", None, digits_params(budget), seed=seed,
                        frame=recall_frame(digits.SHAPE), then=with_hinton)  # fmt: skip
    control.send(Note(recall))
    result = recipe_job(control, "hopfield-montecarlo", None, mc_params, seed=mc_seed)
    return ("demo", recall, result)


def int_spin(model, field: str, value: int | None = None) -> QSpinBox:
    """A spin box with the range of ``model.field`` and its default (or ``value``)."""
    from engines.options import bounds, default

    spin = QSpinBox()
    spin.setRange(*bounds(model, field))
    spin.setValue(default(model, field) if value is None else value)
    return spin


def choice_combo(model, field: str, value: str | None = None) -> QComboBox:
    """A combo box of the choices of ``model.field``, showing its default (or ``value``)."""
    from engines.options import choices, default

    combo = QComboBox()
    combo.addItems(list(choices(model, field)))
    combo.setCurrentText(default(model, field) if value is None else value)
    return combo


def pattern_image(state: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A pattern as pixels: on dark, off light."""
    return np.where(np.asarray(state).reshape(shape) > 0, 20, 235).astype(np.uint8)


def break_password(secret: str, keep: int) -> str:
    """The password with all but its first ``keep`` characters replaced by spaces."""
    return secret[:keep] + " " * max(0, len(secret) - keep)


def masked(text: str) -> str:
    return "".join(GONE if c == " " else MASK for c in text)


def digits_verdict(recall) -> tuple[str, bool]:
    """What the digits' recall came to, in words, and whether it recovered 2."""
    from engines.hopfield import digits

    name = recall.recalled()
    if name == "2":
        return "✓ recovered 2 from its top half", True
    if name is not None:
        return (f"✗ ended on {name}, not 2: the top half of 2 is as near 1 as 2, so the order "
                "in which the neurons fire decides (try another seed)"), False  # fmt: skip
    state = np.asarray(recall.state).ravel()
    if np.array_equal(state, np.asarray(digits.ONE_TWO_MIXTURE).ravel()):
        return "✗ a mixture of 1 and 2, the seed's synchronous answer", False
    return "✗ a spurious state: no stored digit", False


# ---------------------------------------------------------------------- the tab
class MemoryTab(JobTab):
    title = TITLE
    staged = True

    def __init__(self, parent: QWidget | None = None, *, staged: bool = False):
        super().__init__(parent)
        self.network = None
        self.password_shape: tuple[int, int] | None = None
        self.broken: str | None = None
        self.recovered: str | None = None
        self.mc_result = None
        self.digits_result = None
        self.last_recall: RecallFrame | None = None
        self.text_clock = Control(TEXT_RATE)
        steps = self._build()
        next(steps)  # the controls, which the rest of __init__ uses
        self.runner.result.connect(self._on_result)
        self.runner.noted.connect(self._on_note)
        self.runner.stopped.connect(lambda how: self._set_buttons())
        from app.gui.widgets.live import FramePump

        self.pump = FramePump(self.runner, self._apply)
        self.build_in_steps(steps, staged)

    # ------------------------------------------------------------------ layout
    def _build(self):
        """The tab's parts, one per ``yield``: the controls, the digits and the Hinton
        diagram, the energy plot, the Monte Carlo plot."""
        from engines.hopfield import (
            CASE_NAMES,
            HopfieldParams,
            MonteCarloParams,
            PasswordParams,
        )

        controls = QWidget()
        side = QVBoxLayout(controls)

        pw_box = QGroupBox("Password")
        pw = QFormLayout(pw_box)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("never saved, logged or exported")
        self.noise_spin = int_spin(PasswordParams, "noise_level")
        self.length_spin = int_spin(PasswordParams, "max_length")
        self.store_button = QPushButton("Store")
        self.store_button.clicked.connect(self.store)
        pw.addRow("password", self.password_edit)
        pw.addRow("noise rows", self.noise_spin)
        pw.addRow("max length", self.length_spin)
        pw.addRow(self.store_button)
        self.keep_spin = int_spin(PasswordParams, "max_length", KEEP_FIRST)
        self.keep_spin.setMinimum(0)
        self.break_button = QPushButton("Break")
        self.break_button.clicked.connect(self.break_it)
        self.broken_label = QLabel()
        pw.addRow("keep first", self.keep_spin)
        pw.addRow(self.break_button, self.broken_label)
        self.mode_combo = choice_combo(HopfieldParams, "mode", "async")
        self.async_spin = int_spin(HopfieldParams, "n_times", DEFAULT_ASYNC)
        self.async_spin.setToolTip("Single-neuron updates of an asynchronous recall")
        self.recover_button = QPushButton("Recover")
        self.recover_button.clicked.connect(self.recover)
        self.recovered_label = QLabel()
        self.show_check = QCheckBox("show")
        self.show_check.toggled.connect(lambda _: self._show_recovered())
        pw.addRow("recall", self.mode_combo)
        pw.addRow("async updates", self.async_spin)
        pw.addRow(self.recover_button)
        row = QHBoxLayout()
        row.addWidget(self.recovered_label, 1)
        row.addWidget(self.show_check)
        pw.addRow("recovered", row)
        self.verdict_label = QLabel()
        pw.addRow(self.verdict_label)
        side.addWidget(pw_box)

        digits_box = QGroupBox("The seed's digits")
        dg = QFormLayout(digits_box)
        self.digit_seed_spin = seed_box()
        self.digit_seed_spin.setValue(1)
        self.digit_updates_spin = int_spin(HopfieldParams, "n_times", DIGIT_UPDATES)
        self.digits_button = QPushButton("Recall the top half of 2")
        self.digits_button.clicked.connect(self.recall_digits)
        self.digits_verdict = QLabel()
        self.digits_verdict.setWordWrap(True)
        dg.addRow("seed", self.digit_seed_spin)
        dg.addRow("async updates", self.digit_updates_spin)
        dg.addRow(self.digits_button)
        dg.addRow(self.digits_verdict)
        side.addWidget(digits_box)

        mc_box = QGroupBox("Monte Carlo")
        mc = QFormLayout(mc_box)
        self.trials_spin = int_spin(MonteCarloParams, "trials", DEFAULT_TRIALS)
        self.cut_combo = choice_combo(MonteCarloParams, "cut")
        self.recall_combo = choice_combo(MonteCarloParams, "recall")
        self.mc_seed_spin = seed_box()
        self.mc_button = QPushButton("Run the Monte Carlo")
        self.mc_button.clicked.connect(self.start_montecarlo)
        mc.addRow("trials", self.trials_spin)
        mc.addRow("cut", self.cut_combo)
        mc.addRow("recall", self.recall_combo)
        mc.addRow("seed", self.mc_seed_spin)
        mc.addRow(self.mc_button)
        side.addWidget(mc_box)
        tips = {
            self.password_edit: "The password to store: it stays in this field only (never saved, "
            "logged or exported)",
            self.noise_spin: "Random rows stored beside the password: more rows crowd the "
            "memory, so recovery fails more often and the Hinton diagram gets noisier",
            self.length_spin: "Characters the network holds (8 neurons each); a shorter "
            "password is padded with spaces",
            self.store_button: "Store the password among the noise rows (W = XᵀX); the Hinton "
            "diagram shows W",
            self.keep_spin: "Characters kept from the start; the rest become spaces the "
            "network has to fill in",
            self.break_button: "Keep only the first characters of the password (• kept, · lost)",
            self.mode_combo: "sync: one step for all neurons; converge: steps until stable; "
            "async: one neuron at a time, animated, the energy never rising",
            self.recover_button: "Recall from the broken password and say whether it came back",
            self.show_check: "Show the recovered text instead of dots",
            self.digit_updates_spin: "Single-neuron updates of the digits' recall: the state "
            "picture fills in as they run",
            self.digits_button: "Recall from the top half of 2, a probe as near 1 as 2: the "
            "order the neurons fire in decides which digit comes back",
            self.trials_spin: "Random passwords stored, broken and recovered: more trials, "
            "steadier bars",
            self.cut_combo: "How each probe loses characters (from the left or the right)",
            self.recall_combo: "sync: one step, as in the seed's table; converge: until stable",
            self.mc_button: "Fail rates of the five cases as the trials run; black marks are "
            "the seed's table",
        }
        for widget, tip in tips.items():
            widget.setToolTip(tip)

        self.run_button.setText("Run the demo")
        self.run_button.setToolTip("The digits' async recall, then the Monte Carlo")
        side.addWidget(self.run_buttons())
        export_box = QGroupBox("Export")
        ex = QVBoxLayout(export_box)
        self.export_recall_button = QPushButton("Digits figure PNG…")
        self.export_recall_button.clicked.connect(lambda: self._ask("digits"))
        self.export_mc_button = QPushButton("Monte Carlo PNG…")
        self.export_mc_button.clicked.connect(lambda: self._ask("montecarlo"))
        self.export_json_button = QPushButton("Monte Carlo JSON…")
        self.export_json_button.clicked.connect(lambda: self._ask("json"))
        self.export_recall_button.setToolTip("The digits' figure, as gasworks hopfield demo -o")
        self.export_mc_button.setToolTip("The Monte Carlo chart (gasworks hopfield montecarlo -o)")
        self.export_json_button.setToolTip("What gasworks hopfield montecarlo --json prints")
        for b in (self.export_recall_button, self.export_mc_button, self.export_json_button):
            ex.addWidget(b)
        side.addWidget(export_box)
        side.addStretch(1)
        scroll = side_panel(controls)

        from engines.hopfield import digits

        right = QWidget()
        grid = QGridLayout(right)
        grid.setContentsMargins(0, 0, 0, 0)
        self.mc_label = QLabel()
        self.mc_label.setWordWrap(True)  # a long count wraps; it never widens the window
        self.mc_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        grid.addWidget(self.mc_label, 3, 0, 1, 2)
        grid.addWidget(self.status, 4, 0, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(2, 2)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(right, 1)
        self._set_buttons()
        yield True

        self.pattern_views = []
        strip = QHBoxLayout()
        for title, pattern in (("0", digits.ZERO), ("1", digits.ONE), ("2", digits.TWO),
                               ("probe: top of 2", digits.HALF_TWO_TOP)):  # fmt: skip
            view = ImagePreview(title, minimum=60, smooth=False)
            view.set_array(pattern_image(pattern, digits.SHAPE))
            strip.addWidget(view)
            self.pattern_views.append(view)
        self.state_view = ImagePreview("state", minimum=60, smooth=False)
        self.state_view.set_placeholder("the network's state during a recall")
        strip.addWidget(self.state_view)
        grid.addLayout(strip, 0, 0, 1, 2)
        self.hinton_view = ImagePreview("Hinton diagram of W", minimum=200)
        self.hinton_view.set_placeholder(
            "The weights W, drawn once patterns are stored: Run (Ctrl+R) plays the demo, or "
            "store a password on the left."
        )
        grid.addWidget(self.hinton_view, 1, 0)
        yield True

        self.energy_plot = pg.PlotWidget(title="energy of the async recall")
        self.energy_plot.setLabel("bottom", "update")
        self.energy_plot.setLabel("left", "energy  -½ xᵀWx")
        self.energy_curve = self.energy_plot.plot(pen=pg.mkPen("#1b1b1f", width=1.5))
        self.energy_hint = PlotHint(self.energy_plot, "The energy after each update, "
                                    "plotted while the network recalls.")  # fmt: skip
        grid.addWidget(self.energy_plot, 1, 1)
        yield True

        self.mc_plot = pg.PlotWidget(title="Monte Carlo: share of trials failed")
        self.mc_plot.setYRange(0, 1.05)
        self.mc_plot.setXRange(-0.6, len(CASE_NAMES) - 0.4)
        self.mc_plot.getAxis("bottom").setTicks([list(enumerate(CASE_NAMES))])
        self.mc_bars = pg.BarGraphItem(x=np.arange(len(CASE_NAMES)), height=np.zeros(5),
                                       width=0.6, brush=BAR_COLOUR)  # fmt: skip
        self.mc_plot.addItem(self.mc_bars)
        self.mc_seed = pg.ScatterPlotItem(symbol="_", size=30, pen=pg.mkPen(SEED_COLOUR, width=3))
        self.mc_plot.addItem(self.mc_seed)
        grid.addWidget(self.mc_plot, 2, 0, 1, 2)

    def _set_buttons(self) -> None:
        idle = not self.busy
        for button in (self.store_button, self.digits_button, self.mc_button):
            button.setEnabled(idle)
        self.break_button.setEnabled(idle and self.network is not None)
        self.recover_button.setEnabled(idle and self.broken is not None)

    def _start_recipe(self, recipe, source, params, **options) -> None:
        self.start_recipe(recipe, source, params, **options)
        self._set_buttons()

    # ------------------------------------------------------------------ password
    def store(self) -> None:
        from engines.hopfield import PasswordParams
        from engines.hopfield.password import store_recipe

        secret = self.password_edit.text()
        if not secret:
            self.show_error("Type a password to store first.")
            return
        self.network = self.password_shape = self.broken = self.recovered = None
        self.broken_label.clear()
        self._show_recovered()
        params = PasswordParams(noise_level=self.noise_spin.value(),
                                max_length=self.length_spin.value())  # fmt: skip
        self._start_recipe(store_recipe, secret, params, seed=self.mc_seed_spin.value(),
                           then=stored)  # fmt: skip
        self.status.show_info("Storing the password among noise rows…")

    def break_it(self) -> None:
        secret = self.password_edit.text()
        if self.network is None or not secret:
            self.show_error("Store a password first.")
            return
        self.broken = break_password(secret, self.keep_spin.value())
        self.broken_label.setText(masked(self.broken))
        self.status.show_info(
            f"Broken: kept {min(self.keep_spin.value(), len(secret))} of {len(secret)} "
            "characters (• kept, · replaced by a space)."
        )
        self._set_buttons()

    def recover(self) -> None:
        from engines.hopfield import HopfieldParams

        if self.network is None or self.broken is None:
            self.show_error("Store and break a password first.")
            return
        self.recovered = None
        self._show_recovered()
        self.energy_curve.setData([], [])
        params = HopfieldParams(mode=self.mode_combo.currentText(),
                                n_times=self.async_spin.value())  # fmt: skip
        self._start_recipe("hopfield-recall", self.broken, params, network=self.network,
                           frame=recall_frame(self.password_shape))  # fmt: skip
        self.status.show_info("Recovering…")

    def _show_recovered(self) -> None:
        text = self.recovered
        if text is None:
            self.recovered_label.clear()
            self.verdict_label.clear()
            return
        self.recovered_label.setText(text if self.show_check.isChecked() else MASK * len(text))
        found = text == self.password_edit.text()
        self.verdict_label.setText(
            "✓ recovered the password" if found else "✗ not the password (a spurious memory)"
        )
        set_tone(self.verdict_label, "good" if found else "bad")

    # ------------------------------------------------------------------ digits and Monte Carlo
    def recall_digits(self) -> None:
        from engines.hopfield import digits

        self.energy_curve.setData([], [])
        self.digits_verdict.clear()
        self._start_recipe("hopfield-recall", None, digits_params(self.digit_updates_spin.value()),
                           seed=self.digit_seed_spin.value(), frame=recall_frame(digits.SHAPE),
                           then=with_hinton)  # fmt: skip
        self.status.show_info("Recalling the top half of 2, one neuron at a time…")

    def montecarlo_params(self):
        from engines.hopfield import MonteCarloParams

        return MonteCarloParams(trials=self.trials_spin.value(), seed=self.mc_seed_spin.value(),
                                cut=self.cut_combo.currentText(),
                                recall=self.recall_combo.currentText())  # fmt: skip

    def start_montecarlo(self) -> None:
        self._reset_bars()
        self._start_recipe("hopfield-montecarlo", None, self.montecarlo_params(),
                           seed=self.mc_seed_spin.value())  # fmt: skip
        self.status.show_info("Monte Carlo running…")

    def run_default(self) -> None:
        """The demo: the digits' async recall, then the Monte Carlo."""
        self.energy_curve.setData([], [])
        self.digits_verdict.clear()
        self._reset_bars()
        self.start_job(demo_job, self.digit_seed_spin.value(), self.digit_updates_spin.value(),
                       self.montecarlo_params(), self.mc_seed_spin.value())  # fmt: skip
        self._set_buttons()
        self.status.show_info("Demo: the digits' recall, then the Monte Carlo…")

    def _reset_bars(self) -> None:
        from engines.hopfield import CASE_NAMES, SEED_TABLES
        from engines.hopfield.montecarlo import SEED_TRIALS

        self.mc_result = None
        self.mc_bars.setOpts(height=np.zeros(len(CASE_NAMES)))
        seed = [SEED_TABLES[self.cut_combo.currentText()][c] / SEED_TRIALS for c in CASE_NAMES]
        self.mc_seed.setData(x=np.arange(len(CASE_NAMES)), y=seed)
        self.mc_label.setText("bars: this run; black marks: the seed's table (10,000 trials)")

    # ------------------------------------------------------------------ frames and results
    def _apply(self, frame) -> None:
        from engines.hopfield import MonteCarloProgress

        if isinstance(frame, RecallFrame):
            self._show_recall(frame)
        elif isinstance(frame, MonteCarloProgress):
            self._show_bars(frame.fails, frame.iteration)
            if self.text_clock.due():
                self.status.set_fraction(frame.fraction)

    def _on_note(self, value) -> None:
        if isinstance(value, Digits):
            self._digits_done(value)

    def _show_recall(self, frame: RecallFrame) -> None:
        self.last_recall = frame
        self.state_view.set_array(pattern_image(frame.state, frame.shape))
        e = frame.energies
        self.energy_curve.setData(np.arange(e.size), e)
        if self.text_clock.due():
            self.status.set_fraction(frame.fraction)

    def _show_hinton(self, png: bytes) -> None:
        self.hinton_view.set_image(QImage.fromData(png, "PNG"))

    def _show_bars(self, fails: dict[str, int], trials: int) -> None:
        from engines.hopfield import CASE_NAMES

        rates = np.array([fails[c] / trials if trials else 0.0 for c in CASE_NAMES])
        self.mc_bars.setOpts(height=rates)
        self.mc_label.setText(
            f"{trials:,} trials: "
            + ", ".join(f"{c} {fails[c]:,}" for c in CASE_NAMES)
            + "  (bars: this run; black marks: the seed's table)"
        )

    def _on_result(self, value) -> None:
        from engines.hopfield import MonteCarloResult, Recall

        self.status.set_fraction(1.0)
        if isinstance(value, Stored):
            self.network, self.password_shape = value.network, value.shape
            self._show_hinton(value.hinton)
            note = " ".join(value.messages)
            self.status.show_info(
                f"Stored among {self.noise_spin.value()} noise rows: {value.network.n_features} "
                f"neurons, {value.network.n_patterns} patterns. {note}".strip()
            )
        elif isinstance(value, Recall):
            self._show_recall(final_frame(value))
            self.recovered = value.text
            self._show_recovered()
            self.status.show_info(f"Recall finished ({value.mode}, {value.outcome}).")
        elif isinstance(value, Digits):
            self._digits_done(value)
        elif isinstance(value, MonteCarloResult):
            self._montecarlo_done(value)
        elif value[0] == "demo":
            self._digits_done(value[1])
            self._montecarlo_done(value[2], demo=True)
        self._set_buttons()

    def _digits_done(self, value: Digits) -> None:
        recall = value.recall
        self.digits_result = recall
        self._show_hinton(value.hinton)
        self._show_recall(final_frame(recall))
        verdict, recovered = digits_verdict(recall)
        self.digits_verdict.setText(verdict)
        set_tone(self.digits_verdict, "good" if recovered else "bad")
        self.state_view.title.setText(f"state: {recall.recalled() or 'no digit'}")
        name = recall.recalled() or "a spurious state"
        self.status.show_info(
            f"Async recall of the top half of 2 ended on {name} after {recall.iterations} "
            f"updates (energy {recall.energy:.0f}): {verdict.lstrip('✓✗ ')}."
        )

    def _montecarlo_done(self, result, *, demo: bool = False) -> None:
        self.mc_result = result
        self._show_bars(result.fails, result.trials)
        digits = ""
        if demo and self.digits_verdict.text():
            digits = f" Digits: {self.digits_verdict.text().lstrip('✓✗ ')}."
        self.status.show_info(
            f"Monte Carlo: {result.trials:,} trials from seed {result.seed}, in "
            f"{result.seconds:.2f} s.{digits}"
        )

    # ------------------------------------------------------------------ export
    def _ask(self, what: str) -> None:
        name, filters = EXPORTS[what]
        path = self.ask_export("Export", name, filters)
        if path is not None:
            self.export(what, path if path.suffix else path.with_suffix(Path(name).suffix))

    def export(self, what: str, path: str | Path) -> Path | None:
        """Write the digits figure (PNG), the Monte Carlo chart (PNG) or its JSON: the
        jobs' own exports, so the JSON is what ``gasworks hopfield montecarlo --json``
        prints."""
        from engines.hopfield import export_montecarlo, export_recall

        if what == "digits":
            return self.write_export(self.digits_result, export_recall, path,
                                     "recall the digits first")  # fmt: skip
        return self.write_export(self.mc_result, export_montecarlo, path,
                                 "run the Monte Carlo first")  # fmt: skip

    def shutdown(self) -> bool:
        self.password_edit.clear()
        self.network = None
        return super().shutdown()
