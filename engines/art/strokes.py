"""Join graph edges into few long strokes, each edge drawn exactly once.

Edges sharing an end are chained into polylines. The fewest strokes that cover a connected
graph's edges once each is max(1, odd-degree nodes / 2) (Euler); :func:`merge_edges` reaches
it by pairing odd nodes with virtual edges, walking an Euler circuit (Hierholzer) and
cutting it at the virtual edges.
"""

from __future__ import annotations

import numpy as np


def merge_edges(edges: np.ndarray, positions: np.ndarray | None = None) -> list[np.ndarray]:
    """Cover every edge exactly once with the fewest node paths.

    Parameters
    ----------
    edges : (E, 2) ndarray of int
        Undirected edges; self-loops and duplicates are dropped.
    positions : (N, 2) ndarray, optional
        Node coordinates; when given, odd nodes are paired with near neighbours first, so
        the strokes' ends (where the pen lifts) lie close together.

    Returns
    -------
    list of (K,) ndarray of int
        Node indices along each stroke (K >= 2); consecutive nodes are an edge.
    """
    edges = _clean(np.asarray(edges, dtype=np.int64).reshape(-1, 2))
    if len(edges) == 0:
        return []
    n_nodes = int(edges.max()) + 1
    degree = np.bincount(edges.ravel(), minlength=n_nodes)
    odd = np.flatnonzero(degree % 2)
    virtual = _pair_odd_nodes(odd, edges, n_nodes, positions)
    all_edges = np.vstack([edges, virtual]) if len(virtual) else edges
    is_virtual = np.zeros(len(all_edges), dtype=bool)
    is_virtual[len(edges) :] = True

    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes)]
    for index, (a, b) in enumerate(all_edges.tolist()):
        adjacency[a].append((b, index))
        adjacency[b].append((a, index))
    used = np.zeros(len(all_edges), dtype=bool)
    strokes: list[np.ndarray] = []
    for start in _component_starts(adjacency, odd, n_nodes):
        circuit = _euler_circuit(start, adjacency, used)
        strokes.extend(_split_at_virtual(circuit, is_virtual))
    return strokes


def _clean(edges: np.ndarray) -> np.ndarray:
    edges = edges[edges[:, 0] != edges[:, 1]]
    return np.unique(np.sort(edges, axis=1), axis=0)


def _components(edges: np.ndarray, n_nodes: int) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), (n_nodes, n_nodes))
    return connected_components(graph, directed=False)[1]


def _pair_odd_nodes(
    odd: np.ndarray, edges: np.ndarray, n_nodes: int, positions: np.ndarray | None
) -> np.ndarray:
    """Virtual edges pairing the odd nodes of each component (greedy nearest pairs)."""
    if len(odd) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    labels = _components(edges, n_nodes)
    pairs = []
    for label in np.unique(labels[odd]):
        members = odd[labels[odd] == label]
        if positions is None:
            pairs.extend(zip(members[0::2], members[1::2], strict=True))
            continue
        pairs.extend(_greedy_pairs(members, np.asarray(positions, dtype=np.float64)))
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)


def _greedy_pairs(members: np.ndarray, positions: np.ndarray) -> list[tuple[int, int]]:
    from scipy.spatial import cKDTree

    left = set(members.tolist())
    tree = cKDTree(positions[members])
    pairs = []
    for node in members.tolist():
        if node not in left:
            continue
        left.discard(node)
        k = min(len(members), 8)
        while True:
            _, found = tree.query(positions[node], k=k)
            partner = next((members[i] for i in np.atleast_1d(found) if members[i] in left), None)
            if partner is not None or k >= len(members):
                break
            k = min(len(members), k * 4)
        if partner is None:  # cannot happen: each component has an even number of odd nodes
            raise RuntimeError("odd nodes could not be paired")
        left.discard(int(partner))
        pairs.append((node, int(partner)))
    return pairs


def _component_starts(adjacency, odd: np.ndarray, n_nodes: int) -> list[int]:
    """One start node per component (odd nodes first, so the walk begins at a stroke end)."""
    seen = np.zeros(n_nodes, dtype=bool)
    starts = []
    for node in [*odd.tolist(), *range(n_nodes)]:
        if seen[node] or not adjacency[node]:
            continue
        starts.append(node)
        stack = [node]
        seen[node] = True
        while stack:
            for nxt, _ in adjacency[stack.pop()]:
                if not seen[nxt]:
                    seen[nxt] = True
                    stack.append(nxt)
    return starts


def _euler_circuit(start: int, adjacency, used: np.ndarray) -> list[tuple[int, int]]:
    """Hierholzer's algorithm: (node, edge taken to reach it) along a closed walk."""
    cursor = [0] * len(adjacency)
    stack: list[tuple[int, int]] = [(start, -1)]
    circuit: list[tuple[int, int]] = []
    while stack:
        node, _via = stack[-1]
        options = adjacency[node]
        while cursor[node] < len(options) and used[options[cursor[node]][1]]:
            cursor[node] += 1
        if cursor[node] == len(options):
            circuit.append(stack.pop())
        else:
            nxt, edge = options[cursor[node]]
            used[edge] = True
            stack.append((nxt, edge))
    circuit.reverse()
    return circuit


def _split_at_virtual(circuit, is_virtual: np.ndarray) -> list[np.ndarray]:
    """Cut a circuit wherever it takes a virtual edge (the pen lifts there)."""
    if not any(is_virtual[e] for _, e in circuit[1:]):
        return [np.array([n for n, _ in circuit], dtype=np.int64)]
    # Rotate the closed walk so it starts right after a virtual edge.
    first = next(i for i, (_, e) in enumerate(circuit) if i > 0 and is_virtual[e])
    nodes = [n for n, _ in circuit[:-1]]
    vias = [e for _, e in circuit[1:]]  # vias[i]: edge from nodes[i] to nodes[i+1]
    order = list(range(first, len(nodes))) + list(range(0, first))
    strokes, current = [], [nodes[order[0]]]
    for i in order:
        nxt = nodes[(i + 1) % len(nodes)]
        if is_virtual[vias[i]]:
            if len(current) >= 2:
                strokes.append(np.array(current, dtype=np.int64))
            current = [nxt]
        else:
            current.append(nxt)
    if len(current) >= 2:
        strokes.append(np.array(current, dtype=np.int64))
    return strokes
