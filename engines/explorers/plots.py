"""Pictures of the explorers: landscape frames (contour map or 3-D surface), the per-sample
view, and the Gaussian-process demo's steps.

Figures are built on matplotlib's object API with the Agg canvas (no pyplot, no global
backend switch, so it is safe beside Qt); matplotlib is imported only when a picture is
made. Every picture comes back as an ``(H, W, 3)`` uint8 array of exactly the size asked
for, so frames stack into a GIF or a video.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engines.explorers.params import W_RANGE

if TYPE_CHECKING:
    from engines.explorers.gp_demo import GPStep
    from engines.explorers.landscape import LandscapeFrame, LandscapeResult, PanelFrame

DPI = 100
#: Colour bands of a landscape (filled contours) and the colour map they come from.
LEVELS = 16
CMAP = "viridis"
PATH_COLOUR = "white"
ARROW_COLOUR = "#e4572e"
LINE_COLOUR = "black"
#: Largest number of grid lines along an axis of a 3-D surface (more is slow, not finer).
SURFACE_LINES = 48
#: The surface's height axis ends at this multiple of the whole data's highest loss (a
#: mini-batch's landscape rises above it); the view looks down the valley from its side.
SURFACE_TOP = 1.3
SURFACE_ELEVATION, SURFACE_AZIMUTH = 40, -120
#: Where the frame counter stands (figure fraction) and how it looks: every frame differs
#: by it, so a GIF keeps each frame (its writer merges equal consecutive frames).
COUNTER_XY = (0.996, 0.006)
COUNTER_STYLE = {"ha": "right", "va": "bottom", "fontsize": 7, "color": "0.45"}
#: Margins of a landscape panel inside its square, as fractions of its side.
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_RIGHT, MARGIN_TOP = 0.13, 0.11, 0.03, 0.09


def _figure(width_px: int, height_px: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _pixels(figure) -> np.ndarray:
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()


#: The lowest band edge of a run's frames is the whole data's lowest loss divided by this (a
#: mini-batch's landscape dips below the whole data's).
BATCH_DIP = 10.0


def levels(scale: tuple[float, float], n: int = LEVELS) -> np.ndarray:
    """Loss values of the band edges of a run's frames: geometric steps from the whole
    data's lowest loss (over :data:`BATCH_DIP`) to its highest (the loss spans orders of
    magnitude between the valley and the far corners)."""
    lo, hi = scale
    lo = max(lo / BATCH_DIP, 1e-3)
    return np.geomspace(lo, max(hi, lo * 1.01), n + 1)


def linear_levels(landscapes: np.ndarray, n: int = LEVELS) -> np.ndarray:
    """Evenly spaced band edges over the range of ``landscapes`` (a sample's landscape is
    nearly piecewise linear: its contour lines come out straight and evenly spaced)."""
    lo, hi = float(np.min(landscapes)), float(np.max(landscapes))
    return np.linspace(lo, max(hi, lo + 1e-6), n + 1)


def _norm(edges: np.ndarray):
    from matplotlib.colors import BoundaryNorm

    return BoundaryNorm(edges, ncolors=256, extend="both")


def _contour_panel(ax, axis: np.ndarray, landscape: np.ndarray, edges: np.ndarray) -> None:
    """A landscape as coloured bands with their edges drawn (filled contours)."""
    extent = (axis[0], axis[-1], axis[0], axis[-1])
    ax.imshow(landscape, origin="lower", extent=extent, cmap=CMAP, norm=_norm(edges),
              interpolation="nearest", aspect="equal")  # fmt: skip
    ax.contour(axis, axis, landscape, levels=edges, colors=LINE_COLOUR, linewidths=0.4,
               alpha=0.45)  # fmt: skip
    ax.set_xlim(-W_RANGE, W_RANGE)
    ax.set_ylim(-W_RANGE, W_RANGE)


def _path(ax, panel: PanelFrame) -> None:
    """The path so far as arrows (one per update), the update held now in colour."""
    path = panel.path
    if len(path) > 1:
        start, delta = path[:-1], np.diff(path, axis=0)
        held = panel.arrow is not None
        if held:
            start, delta = start[:-1], delta[:-1]
        if len(start):
            ax.quiver(start[:, 0], start[:, 1], delta[:, 0], delta[:, 1], angles="xy",
                      scale_units="xy", scale=1, color=PATH_COLOUR, width=0.006,
                      headwidth=4, headlength=5, zorder=3)  # fmt: skip
        if held:
            (x0, y0), (x1, y1) = panel.arrow
            ax.quiver([x0], [y0], [x1 - x0], [y1 - y0], angles="xy", scale_units="xy",
                      scale=1, color=ARROW_COLOUR, width=0.011, headwidth=3.5,
                      headlength=4.5, zorder=4)  # fmt: skip
    ax.plot(path[:1, 0], path[:1, 1], "o", color=PATH_COLOUR, ms=4, zorder=4)


def _title(panel: PanelFrame) -> str:
    what = "update" if panel.arrow is not None else "next batch"
    return f"batch {panel.batch_size} · step {panel.step + 1} · {what}"


class FrameRenderer:
    """Draws frames of one run, all the same size: ``len(batch_sizes)`` square panels of
    ``panel_px`` pixels side by side.

    Parameters
    ----------
    n_panels : int
    scale : (float, float)
        The run's loss range (fixed colours, so a frame's changes are the landscape's).
    view : {'contour', 'surface'}
    panel_px : int
    """

    def __init__(self, n_panels: int, scale: tuple[float, float], view: str, panel_px: int):
        self.n_panels = n_panels
        self.scale = scale
        self.view = view
        self.panel_px = panel_px
        self.edges = levels(scale)
        self.figure = _figure(n_panels * panel_px, panel_px)
        self._panels: list[dict] | None = None

    @classmethod
    def for_result(cls, result: LandscapeResult) -> FrameRenderer:
        p = result.params
        return cls(len(p.batch_sizes), result.scale, p.view, p.panel_px)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of a frame in pixels."""
        return self.n_panels * self.panel_px, self.panel_px

    def render(self, frame: LandscapeFrame) -> np.ndarray:
        """The frame as an (H, W, 3) uint8 array."""
        counter = f"frame {frame.index + 1}/{frame.budget or frame.iteration}"
        if self.view == "surface":
            self.figure.clear()
            for i, panel in enumerate(frame.panels):
                self._surface(i, self.n_panels, frame.axis, panel)
            self.figure.text(*COUNTER_XY, counter, **COUNTER_STYLE)
            return _pixels(self.figure)
        canvas = self.figure.canvas
        if self._panels is None:
            # Axes, ticks and labels are the same in every frame: drawn once, then copied.
            self._panels = [self._contour_axes(i, frame.axis) for i in range(self.n_panels)]
            self._counter = self.figure.text(*COUNTER_XY, "", animated=True, **COUNTER_STYLE)
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        canvas.restore_region(self._background)
        for artists, panel in zip(self._panels, frame.panels, strict=True):
            self._draw_contour(artists, frame.axis, panel)
        self._counter.set_text(counter)
        self.figure.draw_artist(self._counter)
        return np.asarray(canvas.buffer_rgba())[..., :3].copy()

    def _contour_axes(self, i: int, axis: np.ndarray) -> dict:
        """A contour panel's axes, image and title, made once."""
        n = self.n_panels
        width = (1.0 - MARGIN_LEFT - MARGIN_RIGHT) / n
        rect = (i / n + MARGIN_LEFT / n, MARGIN_BOTTOM, width,
                1.0 - MARGIN_BOTTOM - MARGIN_TOP)  # fmt: skip
        ax = self.figure.add_axes(rect)
        extent = (axis[0], axis[-1], axis[0], axis[-1])
        image = ax.imshow(np.zeros((len(axis), len(axis))), origin="lower", extent=extent,
                          cmap=CMAP, norm=_norm(self.edges), interpolation="nearest",
                          aspect="equal", animated=True)  # fmt: skip
        ax.set_xlim(-W_RANGE, W_RANGE)
        ax.set_ylim(-W_RANGE, W_RANGE)
        ax.set_xlabel("W1", fontsize=8, labelpad=1)
        ax.set_ylabel("W2", fontsize=8, labelpad=0)
        ax.tick_params(labelsize=7, length=2, pad=1)
        title = ax.text(0.5, 1.015, "", transform=ax.transAxes, ha="center", va="bottom",
                        fontsize=9, animated=True)  # fmt: skip
        return {"ax": ax, "image": image, "title": title}

    def _draw_contour(self, artists: dict, axis: np.ndarray, panel: PanelFrame) -> None:
        """Draw one panel's moving parts over the copied background, then remove them."""
        ax = artists["ax"]
        artists["image"].set_data(panel.landscape)
        artists["title"].set_text(_title(panel))
        before = set(ax.get_children())
        ax.contour(axis, axis, panel.landscape, levels=self.edges, colors=LINE_COLOUR,
                   linewidths=0.4, alpha=0.45)  # fmt: skip
        _path(ax, panel)
        drawn = [a for a in ax.get_children() if a not in before]
        ax.draw_artist(artists["image"])
        for artist in drawn:
            ax.draw_artist(artist)
        for spine in ax.spines.values():
            ax.draw_artist(spine)
        ax.draw_artist(artists["title"])
        for artist in drawn:
            artist.remove()

    def _surface(self, i: int, n: int, axis: np.ndarray, panel: PanelFrame) -> None:
        from matplotlib import colormaps

        ax = self.figure.add_axes((i / n + 0.03 / n, 0.0, 0.95 / n, 0.94), projection="3d")
        stride = max(1, -(-len(axis) // SURFACE_LINES))
        a = axis[::stride]
        z = panel.landscape[::stride, ::stride]
        top = SURFACE_TOP * self.edges[-1]
        w1, w2 = np.meshgrid(a, a)
        colours = colormaps[CMAP](_norm(self.edges)(np.clip(z, None, top)))
        ax.plot_surface(w1, w2, np.minimum(z, top), facecolors=colours, rstride=1, cstride=1,
                        linewidth=0, antialiased=False, shade=False)  # fmt: skip
        path = panel.path
        heights = _bilinear(axis, panel.landscape, path)
        lift = 0.02 * top
        ax.plot(path[:, 0], path[:, 1], np.minimum(heights, top) + lift, color=PATH_COLOUR,
                lw=1.2, marker="o", ms=2.5, zorder=5)  # fmt: skip
        if panel.arrow is not None:
            ax.plot(path[-2:, 0], path[-2:, 1], np.minimum(heights[-2:], top) + lift,
                    color=ARROW_COLOUR, lw=2.5, zorder=6)  # fmt: skip
            ax.plot(path[-1:, 0], path[-1:, 1], np.minimum(heights[-1:], top) + lift, "o",
                    color=ARROW_COLOUR, ms=5, zorder=6)  # fmt: skip
        ax.set_xlim(-W_RANGE, W_RANGE)
        ax.set_ylim(-W_RANGE, W_RANGE)
        ax.set_zlim(0.0, top)
        ax.view_init(elev=SURFACE_ELEVATION, azim=SURFACE_AZIMUTH)
        ax.set_xlabel("W1", fontsize=8, labelpad=-6)
        ax.set_ylabel("W2", fontsize=8, labelpad=-6)
        ax.set_zlabel("loss", fontsize=8, labelpad=-6)
        ax.tick_params(labelsize=6, pad=-2)
        ax.set_title(_title(panel), fontsize=9, y=0.98)


def _bilinear(axis: np.ndarray, landscape: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The landscape's value at each (w1, w2) of ``points``, interpolated on the grid."""
    step = axis[1] - axis[0]
    g = len(axis)
    fx = np.clip((points[:, 0] - axis[0]) / step, 0, g - 1.000001)
    fy = np.clip((points[:, 1] - axis[0]) / step, 0, g - 1.000001)
    j, i = fx.astype(int), fy.astype(int)
    tx, ty = fx - j, fy - i
    l = landscape.astype(np.float64)
    return ((1 - ty) * ((1 - tx) * l[i, j] + tx * l[i, j + 1])
            + ty * ((1 - tx) * l[i + 1, j] + tx * l[i + 1, j + 1]))  # fmt: skip


#: Size of the per-sample picture in pixels: a 3 × 3 block and the average beside it.
SAMPLES_SIZE = (1200, 600)


def samples_image(result: LandscapeResult) -> np.ndarray:
    """The seed's per-sample view: nine samples' own landscapes (straight contour lines) in
    a 3 × 3 block and, beside them, their average (curved ones), as an (H, W, 3) array."""
    samples = result.samples
    axis = result.axis
    figure = _figure(*SAMPLES_SIZE)
    stack = samples.landscapes
    side = 0.30
    for k in range(len(stack)):
        row, col = divmod(k, 3)
        ax = figure.add_axes((0.02 + col * 0.16, 0.66 - row * 0.32, 0.15, side))
        _contour_panel(ax, axis, stack[k], linear_levels(stack[k]))
        ax.set_xticks([])
        ax.set_yticks([])
        cls = int(samples.y[k])
        ax.set_title(f"sample {samples.indices[k]} (class {cls})", fontsize=7, pad=2)
    ax = figure.add_axes((0.55, 0.07, 0.42, 0.84))
    average = samples.average
    _contour_panel(ax, axis, average, linear_levels(average))
    ax.set_title(f"average of the {len(stack)} landscapes", fontsize=10)
    ax.set_xlabel("W1", fontsize=8)
    ax.set_ylabel("W2", fontsize=8)
    ax.tick_params(labelsize=7)
    return _pixels(figure)


#: Size of a GP demo picture in pixels.
GP_SIZE = (800, 560)
MEAN_COLOUR = "#1f4e79"
BAND_COLOUR = "#9ecae1"
DRAW_COLOUR = "#6baed6"
TRUTH_COLOUR = "0.35"
POINT_COLOUR = "#c0392b"
ACQUISITION_COLOUR = "#2e7d32"


def gp_step_image(step: GPStep) -> np.ndarray:
    """One step of the GP demo: the observations, the GP's mean and 95 % band, posterior
    draws and the stand-in curve above; the acquisition and its choice below."""
    from engines.explorers.gp_demo import ACQUISITION_NAMES, BAND

    figure = _figure(*GP_SIZE)
    top = figure.add_axes((0.1, 0.40, 0.86, 0.53))
    bottom = figure.add_axes((0.1, 0.115, 0.86, 0.2), sharex=top)
    units = step.units
    if np.isfinite(step.truth).any():
        top.plot(units, step.truth, "--", color=TRUTH_COLOUR, lw=1, label="stand-in curve")
    if len(step.mean):
        top.fill_between(units, step.mean - BAND * step.std, step.mean + BAND * step.std,
                         color=BAND_COLOUR, alpha=0.6, lw=0, label="95 % band")  # fmt: skip
        for k, draw in enumerate(step.draws):
            top.plot(step.draws_units, draw, color=DRAW_COLOUR, lw=0.8,
                     label="posterior draws" if k == 0 else None)  # fmt: skip
        top.plot(units, step.mean, color=MEAN_COLOUR, lw=1.6, label="GP mean")
        bottom.fill_between(units, 0, step.acquisition, color=ACQUISITION_COLOUR, alpha=0.35,
                            lw=0)  # fmt: skip
        bottom.plot(units, step.acquisition, color=ACQUISITION_COLOUR, lw=1.2)
    top.plot(step.tried, step.errors, "o", color=POINT_COLOUR, ms=5, label="tried", zorder=5)
    if step.proposal is not None:
        for ax in (top, bottom):
            ax.axvline(step.proposal, color=POINT_COLOUR, lw=1, ls=":")
        top.text(step.proposal, 1.0, f" next: {step.proposal}", va="top", fontsize=8,
                 transform=top.get_xaxis_transform(), color=POINT_COLOUR)  # fmt: skip
    top.set_ylabel("validation error", fontsize=9)
    best = step.best
    heading = f"after {step.iteration} evaluation{'s' * (step.iteration != 1)}"
    if best is not None:
        heading += f" · best {best[1]:.4f} at {best[0]} units"
    top.set_title(heading, fontsize=10)
    top.legend(fontsize=7, loc="upper right", ncols=2)
    top.tick_params(labelsize=8, labelbottom=False)
    bottom.set_ylabel("acquisition", fontsize=9)
    bottom.set_xlabel("hidden units", fontsize=9)
    bottom.tick_params(labelsize=8)
    bottom.set_title(ACQUISITION_NAMES[step.acquisition_name], fontsize=9)
    shown = [step.errors[np.isfinite(step.errors)], step.truth[np.isfinite(step.truth)]]
    shown = np.concatenate(shown)
    if len(shown):
        lo, hi = float(shown.min()), float(shown.max())
        pad = 0.1 * max(hi - lo, 1e-3)
        top.set_ylim(lo - pad, hi + 2 * pad)
    top.set_xlim(units[0], units[-1])
    if step.stop_reason:
        figure.text(0.5, 0.005, f"stopped: {step.stop_reason}", ha="center", va="bottom",
                    fontsize=8, color="0.3")  # fmt: skip
    return _pixels(figure)


def band_index(landscape: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The colour band of every grid point: 0 below ``edges[0]``, ``i`` between
    ``edges[i-1]`` and ``edges[i]``, ``len(edges)`` above the last edge (uint8)."""
    return np.digitize(landscape, edges).astype(np.uint8)


def band_colours(edges: np.ndarray) -> np.ndarray:
    """RGB of each band of :func:`band_index`, as the exported frames colour them:
    ``(len(edges) + 1, 3)`` uint8."""
    from matplotlib import colormaps

    inner = np.sqrt(edges[:-1] * edges[1:])
    values = np.concatenate([[edges[0] / 2], inner, [edges[-1] * 2]])
    rgba = colormaps[CMAP](_norm(edges)(values))
    return np.round(np.asarray(rgba)[:, :3] * 255).astype(np.uint8)


#: Size of a study's picture in pixels.
TUNING_SIZE = (1200, 720)
SAMPLER_COLOURS = {"tpe": "#1f77b4", "gp": "#2ca02c", "random": "#7f7f7f"}


def tuning_image(result) -> np.ndarray:
    """A study: its best value so far over the trials, the parameters' importances, and one
    slice per parameter (each complete trial's value against the parameter's value)."""
    figure = _figure(*TUNING_SIZE)
    sampler = result.params.sampler
    colour = SAMPLER_COLOURS.get(sampler, "black")
    curve = figure.add_axes((0.06, 0.58, 0.52, 0.36))
    history = [np.nan if v is None else v for v in result.history]
    counted = result.counted
    values = [np.nan if t.value is None else t.value for t in counted]
    x = np.arange(1, len(history) + 1)
    curve.plot(x, values, "o", color=colour, alpha=0.35, ms=4, label="each trial")
    curve.step(x, history, where="post", color=colour, lw=2, label=f"best so far ({sampler})")
    curve.set_xlabel("trial", fontsize=9)
    curve.set_ylabel("validation cross-entropy", fontsize=9)
    finite = [v for v in values if np.isfinite(v)]
    if finite:
        curve.set_ylim(min(finite) * 0.9, min(max(finite), 5 * min(finite)) * 1.05)
    curve.legend(fontsize=8)
    curve.set_title(f"{result.study_name}: {len(counted)} trials", fontsize=10)
    bars = figure.add_axes((0.72, 0.58, 0.25, 0.36))
    names = list(result.importances)
    bars.barh(names[::-1], [result.importances[n] for n in names][::-1], color=colour)
    bars.set_title("importance (fANOVA)", fontsize=10)
    bars.tick_params(labelsize=8)
    params = sorted({k for t in counted for k in t.params})
    complete = [t for t in counted if t.state == "COMPLETE"]
    n = max(len(params), 1)
    for i, name in enumerate(params):
        ax = figure.add_axes((0.06 + i * 0.94 / n, 0.08, 0.94 / n - 0.05, 0.36))
        points = [(t.params[name], t.value) for t in complete if name in t.params]
        if points:
            xs, ys = zip(*points, strict=True)
            numeric = all(isinstance(v, int | float) for v in xs)
            if not numeric:
                labels = sorted({str(v) for v in xs})
                xs = [labels.index(str(v)) for v in xs]
                ax.set_xticks(range(len(labels)), labels)
            ax.scatter(xs, ys, c=np.arange(len(ys)), cmap="Blues", s=14, vmin=-len(ys) / 3)
            if name in ("batch_size", "step_size"):
                from matplotlib.ticker import NullFormatter

                ax.set_xscale("log")
                ax.xaxis.set_minor_formatter(NullFormatter())
            if finite:
                ax.set_ylim(curve.get_ylim())
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=7)
    return _pixels(figure)
