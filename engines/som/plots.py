"""Heat maps of a map (U-matrix, expanded U-matrix), image mosaics and drawings, as PNG or
SVG.

Matplotlib is imported only here and only when a figure is made, through its object API
(``Figure`` + the Agg canvas), so no global pyplot state is touched: safe from a worker
thread. Files are written atomically; SVG output carries no date, so it is reproducible.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from engines.atomic import atomic_write_bytes
from engines.som.grid import unit_positions

#: Formats the writers produce, by file suffix.
FORMATS = {".png": "png", ".svg": "svg"}
#: The seed's class markers: red open circles, blue open squares, then more.
MARKERS = (
    dict(marker="o", color="#e24a33", size=9.0),
    dict(marker="s", color="#348abd", size=11.0),
    dict(marker="^", color="#8eba42", size=10.0),
    dict(marker="D", color="#988ed5", size=9.0),
    dict(marker="v", color="#fbc15e", size=10.0),
)
HEATMAP_CMAP = "Greys_r"
SVG_HASH_SALT = "gasworks-som"
#: Markers keep their full size up to this many cells across, and shrink beyond.
MARKER_CELLS = 22


def figure_format(path: str | Path) -> str:
    """'png' or 'svg' from the file name, or a ValueError naming the suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path}: the output must end in .png or .svg, got {suffix or 'none'!r}")
    return FORMATS[suffix]


def _figure_bytes(fig, fmt: str, dpi: int) -> bytes:
    from matplotlib import rc_context

    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    # A fixed salt makes the SVG's element ids, and so the whole file, reproducible.
    with rc_context({"svg.hashsalt": SVG_HASH_SALT}):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor=fig.get_facecolor())
    return buffer.getvalue()


def _new_figure(width_in: float, height_in: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in))
    FigureCanvasAgg(fig)
    return fig


def heatmap_bytes(
    values: np.ndarray,
    fmt: str = "png",
    *,
    grid_type: str = "rect",
    markers: list[tuple[int, int, int]] | None = None,
    label_names: tuple[str, ...] = (),
    title: str | None = None,
    size_inches: float = 9.0,
    dpi: int = 110,
) -> bytes:
    """A heat map of ``values`` (rows, cols), dark = small, light = large, with a colour bar.

    Parameters
    ----------
    values : (rows, cols) ndarray
        A U-matrix (one cell per unit) or an expanded U-matrix.
    fmt : {'png', 'svg'}
    grid_type : {'rect', 'hexagon'}
        'hexagon' draws each cell as a hexagon, odd rows shifted right.
    markers : list of (row, col, class), optional
        Class markers placed on the cells (each (row, col, class) drawn once).
    label_names : tuple of str
        Names of classes 0, 1, ... for the legend.
    """
    from matplotlib import colormaps
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D

    v = np.asarray(values, dtype=np.float64)
    rows, cols = v.shape
    aspect = rows / cols if grid_type != "hexagon" else rows * 0.866 / (cols + 0.5)
    fig = _new_figure(size_inches, max(2.0, size_inches * aspect * 0.92))
    ax = fig.add_axes((0.03, 0.05, 0.8, 0.88))
    cax = fig.add_axes((0.86, 0.1, 0.03, 0.78))
    norm = Normalize(vmin=float(v.min()), vmax=float(v.max()) if v.max() > v.min() else 1.0)
    cmap = colormaps[HEATMAP_CMAP]
    if grid_type == "hexagon":
        centres = unit_positions((rows, cols), "hexagon")
        angles = np.radians(np.arange(6) * 60 + 30)
        r = 1 / np.sqrt(3)
        shape = np.stack([np.cos(angles), np.sin(angles)], axis=1) * r
        polys = centres[:, None, :] + shape[None]
        coll = PolyCollection(
            polys, array=v.ravel(), cmap=cmap, norm=norm, edgecolors="#9a9a9a", linewidths=0.4
        )
        ax.add_collection(coll)
        ax.set_xlim(-0.6, cols + 0.1)
        ax.set_ylim(centres[:, 1].max() + 0.7, -0.7)
        mappable = coll

        def place(row, col):
            return centres[row * cols + col]
    else:
        mappable = ax.imshow(v, cmap=cmap, norm=norm, interpolation="nearest")

        def place(row, col):
            return np.array([col, row], dtype=np.float64)

    ax.set_aspect("equal")
    ax.axis("off")
    fig.colorbar(mappable, cax=cax)
    if markers:
        shrink = min(1.0, MARKER_CELLS / max(rows, cols))
        seen = set()
        present = set()
        for row, col, cls in markers:
            if (row, col, cls) in seen:
                continue
            seen.add((row, col, cls))
            present.add(cls)
            style = MARKERS[cls % len(MARKERS)]
            x, y = place(row, col)
            ax.plot(x, y, linestyle="none", marker=style["marker"],
                    markersize=style["size"] * shrink, markerfacecolor="none",
                    markeredgecolor=style["color"], markeredgewidth=1.6)  # fmt: skip
        handles = [
            Line2D([], [], linestyle="none", marker=MARKERS[c % len(MARKERS)]["marker"],
                   markerfacecolor="none", markeredgecolor=MARKERS[c % len(MARKERS)]["color"],
                   markersize=9, label=label_names[c] if c < len(label_names) else str(c))
            for c in sorted(present)
        ]  # fmt: skip
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.005), ncol=5,
                  frameon=False, fontsize=9)  # fmt: skip
    if title:
        ax.set_title(title, fontsize=11)
    return _figure_bytes(fig, fmt, dpi)


def write_heatmap(path: str | Path, values: np.ndarray, *, overwrite: bool = True, **kw) -> Path:
    """Write :func:`heatmap_bytes` to ``path`` (.png or .svg) atomically."""
    return atomic_write_bytes(
        path, heatmap_bytes(values, figure_format(path), **kw), overwrite=overwrite
    )


def mosaic_bytes(image: np.ndarray, fmt: str = "png", *, scale: int = 2) -> bytes:
    """An 8-bit grey (H, W) or RGB (H, W, 3) image as PNG (pixels enlarged ``scale`` times)
    or SVG (embedded)."""
    img = np.asarray(image, dtype=np.uint8)
    if fmt == "png":
        from engines.atomic import png_bytes

        return png_bytes(img.repeat(scale, axis=0).repeat(scale, axis=1))
    height, width = img.shape[:2]
    dpi = 100
    fig = _new_figure(width * scale / dpi, height * scale / dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(img, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    ax.axis("off")
    return _figure_bytes(fig, "svg", dpi)


def write_mosaic(path: str | Path, image: np.ndarray, *, overwrite: bool = True) -> Path:
    """Write :func:`mosaic_bytes` to ``path`` (.png or .svg) atomically."""
    return atomic_write_bytes(path, mosaic_bytes(image, figure_format(path)), overwrite=overwrite)


def write_drawing(drawing, path: str | Path, style=None, *, overwrite: bool = True) -> Path:
    """Write a drawing (:class:`engines.art.Drawing`) as SVG or PNG, by the suffix of
    ``path``; any other suffix is a ValueError naming it."""
    from engines.art import write_png, write_svg

    writer = write_svg if figure_format(path) == "svg" else write_png
    return writer(drawing, path, style, overwrite=overwrite)
