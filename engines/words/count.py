"""Count words with Growing Neural Gas: one connected subgraph per word.

The seed blurs a page, trains a GNG on its ink and counts the connected subgraphs, and
gets "a number very close to the right answer". Two things make it exact here:

1. The ink is prepared from the text's measured scale (letter height, stroke width, letter
   and word gaps): letters are joined across letter gaps but never across word gaps, and
   hyphens and rules are dropped so "Region-based" is two words (see ``scale``, ``segment``).
2. The network's edges are refreshed once by competitive Hebbian learning over all points
   (each point links its two nearest nodes — GNG's own edge rule, without ageing), and an
   edge that leaves the ink is cut. Edges inside a word connect it; none bridges two words.

The count is the number of connected subgraphs of the network, nodes that win no point
excluded. Connected components of the ink are never used for the answer.

:func:`words_recipe` is the recipe of the ``words`` job (a preset, an input and a seed to a
:class:`WordCount`): ``gasworks words``, the studio's Words tab and scripts all run it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from skimage import transform

from engines.core import Callback, run
from engines.errors import ParameterError
from engines.pipeline import PipelineParams, load_image, prepare_grey, steps
from engines.pipeline.points import binary_to_points
from engines.words.params import WordParams
from engines.words.scale import TextScale, clean_letters, measure_scale
from engines.words.segment import WordLayout, smear_words, word_layout

if TYPE_CHECKING:
    from engines.presets import Preset

#: Pages whose letters are within this factor of the target height are used as they are.
RESCALE_BAND = (0.8, 1.25)
#: Window of the first, scale-finding threshold pass (pixels, odd).
FIRST_PASS_WINDOW = 25
#: An edge may cross this share of the word-splitting gap off the ink (notches in a word);
#: a gap between two words is wider than the split.
GAP_TOLERANCE = 0.5
#: Each point links its nearest node to this many next-nearest ones when the edges are
#: refreshed (2 is GNG's own rule; more links bridge thin joins inside a word).
CHL_NEIGHBOURS = 3
#: Samples per pixel of edge length when checking that an edge stays on ink.
EDGE_SAMPLES_PER_PIXEL = 2.0


@dataclass(frozen=True)
class WordCount:
    """The count and everything needed to draw it."""

    words: int
    scale: TextScale
    grey: np.ndarray = field(repr=False)  # (M, N) the page as analysed (after rescaling)
    ink: np.ndarray = field(repr=False)  # (M, N) bool, word-shaped ink the GNG learned
    nodes: np.ndarray = field(repr=False)  # (N, 2) in (col, -row) pixel coordinates
    edges: np.ndarray = field(repr=False)  # (E, 2) after refresh and pruning
    labels: np.ndarray = field(repr=False)  # (N,) subgraph of each node, -1 if unused
    layout: WordLayout = field(repr=False)  # lines and word spans of the prepared ink
    rescale: float = 1.0  # the page was resized by this factor before analysis
    source: str | None = None  # the input counted (None for an array)
    seed: int = 0  # the GNG's seed
    cancelled: bool = False  # the callback stopped training early (the count is provisional)

    def to_dict(self) -> dict[str, Any]:
        """The count and its figures, as ``gasworks words --json`` prints them per file."""
        return {
            "file": self.source,
            "words": self.words,
            "nodes": int((self.labels >= 0).sum()),
            "edges": len(self.edges),
            "letter_height": self.scale.letter_height,
            "lines": len(self.layout.bands),
        }

    def word_boxes(self) -> list[tuple[int, int, int, int]]:
        """(row0, col0, row1, col1) of each word's nodes, in reading order of labels."""
        boxes = []
        for label in range(self.words):
            pts = self.nodes[self.labels == label]
            rows, cols = -pts[:, 1], pts[:, 0]
            boxes.append((int(rows.min()), int(cols.min()), int(rows.max()), int(cols.max())))
        return boxes


def page_ink(
    grey: np.ndarray, params: WordParams, *, measured: float | None = None
) -> tuple[np.ndarray, TextScale, WordLayout, np.ndarray, float]:
    """Threshold at the text's own scale; return (word ink, scale, layout, grey, shrink).

    ``measured`` is the letter height of ``grey`` when the caller measured it already (a
    large page, measured at full size strip by strip before it was shrunk): the first,
    scale-finding pass is then skipped."""
    if measured is None:
        measured = measure_scale(_letters(grey, params, FIRST_PASS_WINDOW)).letter_height
    shrink = params.target_letter_height / measured
    if RESCALE_BAND[0] <= shrink <= RESCALE_BAND[1]:
        shrink = 1.0
    else:  # small print gains resolution in its gaps, large print loses needless pixels
        grey = transform.rescale(grey, shrink, order=1, anti_aliasing=shrink < 1.0)
    window = _odd(max(7, round(params.window * measured * shrink)))
    letters = clean_letters(_letters(grey, params, window))
    scale = measure_scale(letters)
    layout = word_layout(letters, scale.letter_height)
    return smear_words(letters, layout), scale, layout, grey, shrink


def _letters(grey: np.ndarray, params: WordParams, window: int) -> np.ndarray:
    thresh = steps.threshold(grey, params.threshold, block_size=_odd(window), k=params.k)
    return steps.binarize(grey, thresh)


def _odd(n: int) -> int:
    return int(n) | 1


def count_words(
    source: str | Path | np.ndarray,
    params: WordParams | None = None,
    *,
    pipeline: PipelineParams | None = None,
    seed: int = 0,
    callback: Callback | None = None,
) -> WordCount:
    """Count the words on a page.

    Parameters
    ----------
    source : str, Path or (M, N[, 3]) ndarray
        A file, ``sample:NAME`` or an image in [0, 1].
    params : WordParams, optional
    pipeline : PipelineParams, optional
        Only its crop and max_side are used (the threshold comes from the text's scale).
    seed : int
        Seeds the GNG.
    callback : callable, optional
        Gets the GNG's snapshots while it trains (``iteration`` = signals presented,
        ``budget`` = epochs × points); returning True stops training, and the count is then
        made from the network as it is (``cancelled`` set). The count does not depend on
        whether or how often the callback runs.

    Returns
    -------
    WordCount
    """
    from engines.gng import GNGParams, GrowingNeuralGas
    from engines.words import large

    params = params or WordParams()
    pipeline = pipeline or PipelineParams()
    page = None if isinstance(source, np.ndarray) else large.large_page(source, params, pipeline)
    if page is not None:  # shrunk strip by strip: the grey the lines below would make
        grey, reduced, measured = page
    else:
        image = source if isinstance(source, np.ndarray) else load_image(source)
        _, grey = prepare_grey(image, pipeline)
        reduced, measured = 1.0, None
    ink, scale, layout, grey, shrink = page_ink(grey, params, measured=measured)
    shrink *= reduced
    points = binary_to_points(ink)
    if points.shape[0] < 2:
        raise ValueError("no words found: the page has no ink after thresholding")
    spacing = params.node_spacing * scale.letter_height
    max_nodes = max(2, math.ceil(points.shape[0] / spacing**2))
    grow_epochs = max(1, params.epochs * 2 // 3)
    n_iter = max(5, (points.shape[0] * grow_epochs) // max_nodes)
    gng = GrowingNeuralGas(
        GNGParams(
            step=params.step,
            neighbour_step=params.neighbour_step,
            max_edge_age=params.max_edge_age,
            max_nodes=max_nodes,
            n_iter_before_neuron_added=n_iter,
        ),
        seed=seed,
    )
    gng.set_data(points)
    budget = params.epochs * gng.signals_per_epoch
    snap = run(gng, budget, callback)
    cancelled = not gng.done and snap.iteration < budget
    max_gap = GAP_TOLERANCE * layout.split_gap
    line_of_row = np.full(ink.shape[0], -1, dtype=np.int64)
    for index, (r0, r1) in enumerate(layout.bands):
        line_of_row[r0:r1] = index
    nodes, edges, labels = subgraphs(snap.nodes, points, ink, max_gap, snap.edges, line_of_row)
    words = int(labels.max()) + 1 if labels.size and labels.max() >= 0 else 0
    return WordCount(
        words, scale, grey, ink, nodes, edges, labels, layout, shrink,
        source=None if isinstance(source, np.ndarray) else str(source), seed=seed,
        cancelled=cancelled,
    )  # fmt: skip


def words_recipe(
    source: str | Path | np.ndarray | None,
    params: Preset,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
) -> WordCount:
    """Count the words of ``source`` as the preset ``params`` says: the ``words`` job.

    Parameters
    ----------
    source : str, Path, (M, N[, 3]) ndarray or None
        A file, ``sample:NAME`` or an image in [0, 1]; None takes the preset's input.
    params : Preset
        A preset for the ``words`` engine: its ``engine_params`` (:class:`WordParams`),
        its pipeline's crop and max_side, its ``epochs`` (overriding the engine params'),
        its seed.
    seed : int, optional
        Overrides the preset's seed.
    callback : callable, optional
        See :func:`count_words`.

    Returns
    -------
    WordCount
    """
    from engines.validation import check_seed

    if getattr(params, "engine", None) != "words":
        name = getattr(params, "name", type(params).__name__)
        engine = getattr(params, "engine", None)
        raise ParameterError(f"preset {name!r} is for engine {engine!r}; words needs 'words'")
    if source is None:
        source = params.input
        if source is None:
            raise ParameterError(f"give an input: preset {params.name!r} names none")
    seed = params.seed if seed is None else check_seed(seed)
    word_params = params.engine_params or WordParams()
    if params.epochs is not None:
        word_params = WordParams.model_validate(
            {**word_params.model_dump(), "epochs": params.epochs}
        )
    return count_words(source, word_params, pipeline=params.pipeline, seed=seed, callback=callback)


def subgraphs(
    nodes: np.ndarray,
    points: np.ndarray,
    ink: np.ndarray,
    max_gap: float = 0.0,
    trained_edges: np.ndarray | None = None,
    line_of_row: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Refresh edges over the data, cut those leaving the ink, label connected subgraphs.

    An edge may cross background for at most ``max_gap`` pixels in a row (notches between
    joined letters); gaps between words are wider. With ``line_of_row`` (the text line of
    each image row), edges between nodes on different lines are cut too.

    Returns
    -------
    nodes : (N, 2), edges : (E, 2) int, labels : (N,) int (-1 for nodes that win no point)
    """
    tree = cKDTree(nodes)
    k = min(CHL_NEIGHBOURS + 1, len(nodes))
    _, nearest = tree.query(points, k=k)
    used = np.zeros(len(nodes), dtype=bool)
    used[nearest[:, 0]] = True
    links = [np.column_stack([nearest[:, 0], nearest[:, j]]) for j in range(1, k)]
    if trained_edges is not None and len(trained_edges):
        links.append(np.asarray(trained_edges, dtype=np.int64))
    pairs = np.unique(np.sort(np.vstack(links), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = pairs[_on_ink(nodes, pairs, ink, max_gap)]
    if line_of_row is not None:  # a word never spans two lines
        rows = np.clip(np.rint(-nodes[:, 1]).astype(int), 0, len(line_of_row) - 1)
        line = line_of_row[rows]
        pairs = pairs[line[pairs[:, 0]] == line[pairs[:, 1]]]
    pairs = pairs[used[pairs[:, 0]] & used[pairs[:, 1]]]
    n = len(nodes)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, raw = connected_components(graph, directed=False)
    labels = np.full(n, -1, dtype=np.int64)
    # Renumber the used nodes' components 0..k-1 in reading order (top to bottom, left first).
    order = np.lexsort((nodes[:, 0], -nodes[:, 1]))
    next_label: dict[int, int] = {}
    for i in order:
        if used[i]:
            labels[i] = next_label.setdefault(int(raw[i]), len(next_label))
    return nodes, pairs, labels


def _on_ink(nodes: np.ndarray, pairs: np.ndarray, ink: np.ndarray, max_gap: float) -> np.ndarray:
    """True for each edge whose straight line leaves the ink for at most ``max_gap`` px."""
    keep = np.ones(len(pairs), dtype=bool)
    h, w = ink.shape
    for k, (a, b) in enumerate(pairs):
        (x0, y0), (x1, y1) = nodes[a], nodes[b]
        n = max(2, int(np.hypot(x1 - x0, y1 - y0) * EDGE_SAMPLES_PER_PIXEL) + 1)
        t = np.linspace(0.0, 1.0, n)
        rows = np.clip(np.rint(-(y0 + t * (y1 - y0))).astype(int), 0, h - 1)
        cols = np.clip(np.rint(x0 + t * (x1 - x0)).astype(int), 0, w - 1)
        off = ~ink[rows, cols]
        keep[k] = _longest_run(off) / EDGE_SAMPLES_PER_PIXEL <= max_gap
    return keep


def _longest_run(mask: np.ndarray) -> int:
    """Length of the longest run of True values."""
    if not mask.any():
        return 0
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return int((edges[1::2] - edges[0::2]).max())
