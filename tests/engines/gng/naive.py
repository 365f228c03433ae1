"""A slow, plain-NumPy Growing Neural Gas with exactly the engine's semantics.

Brute-force nearest-two search, eager error decay, nodes kept in creation order (NeuPy's
order), edges in a dict keyed by the nodes' creation numbers. Ties go to the node created
first. The random draws are passed in, so tests can feed it the engine's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class NaiveGNG:
    """State of the reference network; ``weights`` float32 like the engine's."""

    step: float = 0.2
    neighbour_step: float = 0.05
    max_edge_age: int = 100
    max_nodes: int = 1000
    n_iter_before_neuron_added: int = 1000
    after_split_error_decay_rate: float = 0.5
    error_decay_rate: float = 0.995
    min_distance_for_update: float = 0.0
    inherit_error: bool = False
    weights: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.float32))
    errors: np.ndarray = field(default_factory=lambda: np.zeros(0))
    births: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    edges: dict = field(default_factory=dict)  # (birth_a, birth_b), a < b -> age
    adjacency: dict = field(default_factory=dict)  # birth -> set of neighbour births
    n_updates: int = 0
    next_birth: int = 0

    @classmethod
    def from_params(cls, params) -> NaiveGNG:
        """A reference network with the options of a ``GNGParams``."""
        return cls(
            step=params.step,
            neighbour_step=params.neighbour_step,
            max_edge_age=params.max_edge_age,
            max_nodes=params.max_nodes,
            n_iter_before_neuron_added=params.n_iter_before_neuron_added,
            after_split_error_decay_rate=params.after_split_error_decay_rate,
            error_decay_rate=params.error_decay_rate,
            min_distance_for_update=params.min_distance_for_update,
            inherit_error=params.new_node_error == "inherit",
        )

    # ------------------------------------------------------------------ graph helpers

    def _add_node(self, weight: np.ndarray, error: float) -> int:
        self.weights = np.vstack([self.weights, weight.astype(np.float32)[None, :]])
        self.errors = np.append(self.errors, error)
        self.births = np.append(self.births, self.next_birth)
        self.adjacency[self.next_birth] = set()
        self.next_birth += 1
        return self.next_birth - 1

    def _row(self, birth: int) -> int:
        return int(np.flatnonzero(self.births == birth)[0])

    def _remove_node(self, birth: int) -> None:
        row = self._row(birth)
        self.weights = np.delete(self.weights, row, axis=0)
        self.errors = np.delete(self.errors, row)
        self.births = np.delete(self.births, row)
        del self.adjacency[birth]

    def neighbours(self, birth: int) -> list[int]:
        return sorted(self.adjacency[birth])

    def _link(self, a: int, b: int) -> None:
        self.edges[self._key(a, b)] = 0
        self.adjacency[a].add(b)
        self.adjacency[b].add(a)

    def _unlink(self, a: int, b: int) -> None:
        del self.edges[self._key(a, b)]
        self.adjacency[a].discard(b)
        self.adjacency[b].discard(a)

    @staticmethod
    def _key(a: int, b: int) -> tuple[int, int]:
        return (a, b) if a < b else (b, a)

    def _move(self, row: int, sample: np.ndarray, rate: float) -> None:
        w = self.weights[row].astype(np.float64)
        self.weights[row] = (w + rate * (sample - w)).astype(np.float32)

    @classmethod
    def from_snapshot(cls, params, snap) -> NaiveGNG:
        """A reference network continuing from an engine snapshot (for timing)."""
        ref = cls.from_params(params)
        ref.weights = snap.nodes.copy()
        ref.errors = snap.errors.copy()
        ref.births = snap.ids.copy()
        ref.adjacency = {int(b): set() for b in snap.ids}
        for (a, b), age in zip(snap.edges, snap.ages, strict=True):
            ref._link(int(snap.ids[a]), int(snap.ids[b]))
            ref.edges[ref._key(int(snap.ids[a]), int(snap.ids[b]))] = int(age)
        ref.n_updates = snap.n_updates
        ref.next_birth = int(snap.ids.max()) + 1
        return ref

    # ------------------------------------------------------------------ training

    def start(self, points: np.ndarray, indices: np.ndarray) -> None:
        """Place the start nodes on ``points[indices]``."""
        for i in indices:
            self._add_node(points[i], 0.0)

    def signal(self, sample32: np.ndarray) -> float:
        """Present one point; returns the winner's distance."""
        sample = sample32.astype(np.float64)
        diff = self.weights.astype(np.float64) - sample
        d2 = np.sum(diff * diff, axis=1)
        first, second = np.lexsort((self.births, d2))[:2]
        dist = float(np.sqrt(d2[first]))
        if dist < self.min_distance_for_update**2:
            return dist
        self.n_updates += 1
        c, s = int(self.births[first]), int(self.births[second])
        self.errors[first] += dist
        self._move(first, sample, self.step)
        self._link(c, s)
        for n in self.neighbours(c):
            key = self._key(c, n)
            if self.edges[key] >= self.max_edge_age:
                self._unlink(c, n)
                if not self.adjacency[n]:
                    self._remove_node(n)
            else:
                self.edges[key] += 1
                self._move(self._row(n), sample, self.neighbour_step)
        if (
            self.n_updates % self.n_iter_before_neuron_added == 0
            and self.births.size < self.max_nodes
        ):
            self._insert()
        self.errors *= self.error_decay_rate
        return dist

    def _insert(self) -> None:
        q_row = int(np.argmax(self.errors))  # first maximum = earliest born
        q = int(self.births[q_row])
        nbrs = self.neighbours(q)
        if not nbrs:
            return
        nbr_errors = [self.errors[self._row(n)] for n in nbrs]
        f = nbrs[int(np.argmax(nbr_errors))]
        f_row = self._row(f)
        self.errors[q_row] *= self.after_split_error_decay_rate
        self.errors[f_row] *= self.after_split_error_decay_rate
        mid = 0.5 * (
            self.weights[q_row].astype(np.float64) + self.weights[f_row].astype(np.float64)
        )
        r = self._add_node(mid, self.errors[q_row] if self.inherit_error else 0.0)
        self._unlink(q, f)
        self._link(q, r)
        self._link(f, r)

    def epoch(self, points: np.ndarray, order: np.ndarray) -> float:
        """Present ``points[order]``; returns the mean winner distance."""
        total = 0.0
        for i in order:
            total += self.signal(points[i])
        return total / len(order)

    # ------------------------------------------------------------------ views

    def graph(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(nodes, edges, errors, ages): nodes in creation order, edges as sorted row pairs."""
        row_of = {int(b): i for i, b in enumerate(self.births)}
        pairs = sorted((row_of[a], row_of[b], age) for (a, b), age in self.edges.items())
        edges = np.array([(a, b) for a, b, _ in pairs], dtype=np.int64).reshape(-1, 2)
        ages = np.array([age for _, _, age in pairs], dtype=np.int64)
        return self.weights.copy(), edges, self.errors.copy(), ages
