"""Hopfield recall, the recipe of the ``hopfield-recall`` job, and its export.

One function recalls a pattern for every front end: ``gasworks hopfield demo`` and
``recover``, the studio's Memory tab (the digits, a password's recovery) and scripts::

    recall_recipe(source, params, *, seed=None, callback=None, network=None,
                  patterns=None, names=None, shape=None) -> Recall

What is recalled from what:

- ``source`` None: the seed's worked example, the top half of 2 with the digits 0, 1 and 2
  stored (:mod:`engines.hopfield.digits`).
- ``source`` an array of 0/1 or -1/1: a probe, recalled by a new network storing
  ``patterns`` (the digits if omitted), or by ``network``.
- ``source`` a str: a broken password, recalled by the password ``network`` that stores
  it (:func:`engines.hopfield.password.store_password`); the result's ``text`` is the
  decoded state.

``params`` (:class:`HopfieldParams`) say how: ``sync``, ``converge`` or ``async`` with
``n_times`` single-neuron updates. An asynchronous recall runs through
:func:`engines.core.run`, so the callback gets the network's snapshots (state, energy,
``iteration`` = updates done, ``error_history`` = the energy trace); returning True stops it.
A synchronous or converging recall is one call and does not call the callback.

``seed`` seeds the network the recipe builds from ``patterns``; a ``network`` given draws
from its own generator (seed it when it is made or loaded), so that recalling again with the
same network goes on where the last recall stopped.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engines.core import Callback, run
from engines.errors import GasworksError, ParameterError
from engines.hopfield import digits
from engines.hopfield.engine import (
    OUTCOME_BUDGET,
    OUTCOME_FIXED_POINT,
    DiscreteHopfieldNetwork,
    RecallResult,
)
from engines.hopfield.params import HopfieldParams
from engines.validation import check_seed

#: Outcome of an asynchronous recall stopped by its callback.
OUTCOME_CANCELLED = "cancelled"
#: Bits per character of a password pattern (its rows when drawn).
BITS_PER_CHAR = 8


@dataclass(frozen=True)
class Recall(RecallResult):
    """One recalled pattern, with what a view or an export needs to draw it.

    Attributes
    ----------
    state, energy, iterations, outcome
        As in :class:`~engines.hopfield.engine.RecallResult`, for the one probe (the outcome
        is ``'cancelled'`` when the callback stopped an asynchronous recall).
    mode : {'sync', 'converge', 'async'}
    probe : (n,) ndarray of int8
        The probe, in its own encoding.
    energy_trace : (k,) ndarray of float64
        Energy before the first and after each update (async); before and after the recall
        (sync, converge).
    shape : (int, int)
        Rows and columns a pattern is drawn with.
    network : DiscreteHopfieldNetwork
        The network that recalled (recall again with it to go on with its generator).
    patterns : (m, n) ndarray or None
        The patterns the recipe stored (None when a network was given).
    names : tuple of str or None
        A name for each of ``patterns``.
    text : str or None
        The decoded state, when the source was a (broken) password.
    """

    mode: str = "sync"
    probe: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8), repr=False)
    energy_trace: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    shape: tuple[int, int] = (1, 1)
    network: DiscreteHopfieldNetwork | None = field(default=None, repr=False, compare=False)
    patterns: np.ndarray | None = field(default=None, repr=False)
    names: tuple[str, ...] | None = None
    text: str | None = field(default=None, repr=False)

    @property
    def weight(self) -> np.ndarray:
        """(n, n) read-only weights of the network that recalled."""
        return self.network.weight

    @property
    def holds_secret(self) -> bool:
        """True when the network stores a password (its weights and this result hold it)."""
        return self.network is not None and self.network.holds_secret

    def recalled(self) -> str | None:
        """The name of the stored pattern the recall ended on, or None (a spurious state or
        a mixture)."""
        if self.patterns is None or self.names is None:
            return None
        for name, pattern in zip(self.names, self.patterns, strict=True):
            if np.array_equal(self.state, pattern):
                return name
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (refused for a password recall: it would hold the secret)."""
        if self.holds_secret or self.text is not None:
            raise GasworksError("a password's recall is never exported: it holds the password")
        return {
            "mode": self.mode,
            "shape": list(self.shape),
            "probe": self.probe.tolist(),
            "state": np.asarray(self.state).tolist(),
            "energy": float(self.energy),
            "iterations": int(self.iterations),
            "outcome": self.outcome,
            "recalled": self.recalled(),
            "energy_trace": self.energy_trace.tolist(),
        }


def recall_recipe(
    source: Any = None,
    params: HopfieldParams | None = None,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
    network: DiscreteHopfieldNetwork | None = None,
    patterns: Any = None,
    names: tuple[str, ...] | None = None,
    shape: tuple[int, int] | None = None,
) -> Recall:
    """Recall one pattern (see the module docstring for what ``source`` may be).

    Parameters
    ----------
    source : None, (n,) array_like or str
        The probe: None for the top half of the digit 2, an array of 0/1 or -1/1, or a
        broken password (with a password ``network``).
    params : HopfieldParams, optional
        Recall mode, ``n_times``, tie rule, ``max_iterations``; default: the network's own
        when one is given, else ``HopfieldParams()``.
    seed : int, optional
        Seeds the network built from ``patterns`` (refused with ``network``).
    callback : callable, optional
        Gets the snapshots of an asynchronous recall; returning True stops it.
    network : DiscreteHopfieldNetwork, optional
        A trained network to recall with (it is not changed: other ``params`` apply to a
        copy sharing its weights and generator).
    patterns : (m, n) array_like, optional
        Patterns to store in a new network (default: the digits 0, 1, 2).
    names : tuple of str, optional
        A name per pattern (default: their numbers; the digits' own for the digits).
    shape : (int, int), optional
        How a pattern is drawn (default: the digits' 6 × 5, a password's characters × 8
        bits, else one row).

    Returns
    -------
    Recall
    """
    from engines.hopfield.password import bin2str, password_length, password_probe

    if params is not None and not isinstance(params, HopfieldParams):
        raise TypeError(f"params must be a HopfieldParams, got {type(params).__name__}")
    if network is not None:
        if patterns is not None:
            raise ParameterError("give a network or patterns to store, not both")
        if seed is not None:
            raise ParameterError(
                "a network given recalls with its own generator: seed it when it is made or "
                f"loaded, not here (seed={seed!r})"
            )
        if not isinstance(network, DiscreteHopfieldNetwork):
            raise TypeError(
                f"network must be a DiscreteHopfieldNetwork, got {type(network).__name__}"
            )
        if params is not None and params != network.params:
            network = copy.copy(network)
            network.params = params
        stored, kept_names = None, None
    else:
        if isinstance(source, str):
            raise ParameterError("a password is recalled by the network that stores it")
        if seed is not None:
            seed = check_seed(seed)
        is_digits = patterns is None
        stored = np.asarray(digits.DIGITS if is_digits else patterns)
        network = DiscreteHopfieldNetwork(params, data=stored, seed=seed)
        stored = np.atleast_2d(stored)
        if names is None:
            names = ("0", "1", "2") if is_digits else tuple(str(i + 1) for i in range(len(stored)))
        if len(names) != len(stored):
            raise ParameterError(f"names: {len(names)} given for {len(stored)} patterns")
        kept_names = tuple(names)
        if shape is None and is_digits:
            shape = digits.SHAPE
    params = network.params
    is_password = isinstance(source, str)
    if is_password:
        probe = password_probe(network, source)
        shape = shape or (password_length(network), BITS_PER_CHAR)
    else:
        probe = np.asarray(digits.HALF_TWO_TOP if source is None else source)
    shape = shape or (1, int(np.size(probe)))
    if params.mode == "async":
        network.start(probe)
        last = run(network, params.n_times, callback)
        stopped_early = not network.done
        outcome = (
            OUTCOME_CANCELLED
            if stopped_early
            else OUTCOME_FIXED_POINT
            if last.stable
            else OUTCOME_BUDGET
        )
        state = np.asarray(last.state).copy()
        result = RecallResult(state, float(last.energy), int(last.iteration), outcome)
        trace = network.energy_trace
    else:
        result = network.recall(probe, mode=params.mode)
        trace = np.array([network.energy(probe), result.energy], dtype=np.float64)
    probe_copy = np.array(probe, dtype=np.int8)
    return Recall(
        state=result.state, energy=result.energy, iterations=result.iterations,
        outcome=result.outcome, mode=params.mode, probe=probe_copy, energy_trace=trace,
        shape=tuple(shape), network=network, patterns=stored, names=kept_names,
        text=bin2str(result.state) if is_password else None,
    )  # fmt: skip


def export_recall(
    result: Recall,
    path: str | Path,
    *,
    overwrite: bool = True,
    panels: dict[str, Any] | None = None,
) -> Path:
    """Write a recall: a figure (``.png``) or its summary (``.json``).

    The figure shows the stored patterns, the probe and the recalled state on top (or, with
    ``panels``, these titled states instead of the recalled one), the Hinton diagram of the
    weights and the energy trace below. A password's recall is never written: it holds the
    password.

    Parameters
    ----------
    result : Recall
    path : str or Path
    overwrite : bool
        If False, an existing file is an error (``FileExistsError``).
    panels : dict of str to (n,) array_like, optional
        Title → state, drawn after the probe in place of the recalled state.

    Returns
    -------
    Path
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".json"):
        raise ParameterError(f"{path}: a recall is exported as .png or .json, not {suffix!r}")
    if result.holds_secret or result.text is not None:
        raise GasworksError(f"{path}: a password's recall is never exported: it holds the password")
    if suffix == ".json":
        from engines.atomic import atomic_write_text

        text = json.dumps(result.to_dict(), indent=2) + "\n"
        return atomic_write_text(path, text, overwrite=overwrite)
    from engines.hopfield.plots import demo_figure, write_png

    titles, states = [], []
    if result.patterns is not None:
        titles += list(result.names or ())
        states += list(result.patterns)
    shown = panels if panels is not None else {"recalled": result.state}
    titles += ["probe", *shown]
    states += [result.probe, *shown.values()]
    rows = np.stack([np.asarray(s) > 0 for s in states]).astype(np.int8)
    figure = demo_figure(result.weight, result.energy_trace, rows, result.shape, titles)
    return write_png(figure, path, overwrite=overwrite)
