"""Union-find over edge lists, vectorized with numpy.

`components(n, u, v)` labels every node 0..n-1 with the smallest node of its connected component.
It is the classic parallel union-find ("hook to the smaller root, then pointer-jump"): each round
hooks the root of every edge's larger end onto the smaller root with ``np.minimum.at``, then
compresses all paths by pointer jumping. Rounds repeat until no edge joins two roots; the number
of rounds grows with the logarithm of component diameter, not with the number of edges, and no
Python code runs per edge. Labels are deterministic (the minimum index), which is what makes the
cluster representative the first document of the cluster.

`compact_components(u, v)` does the same over only the nodes that appear in edges (memory
proportional to the edges, not to the corpus) and returns (nodes, labels).
"""

from __future__ import annotations

import numpy as np


def components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Component label (smallest member index) of each of `n` nodes joined by edges (u[i], v[i])."""
    parent = np.arange(n, dtype=np.int64)
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    if u.size == 0:
        return parent
    if u.min() < 0 or v.min() < 0 or max(u.max(), v.max()) >= n:
        raise ValueError("edge endpoint out of range")
    while True:
        pu, pv = parent[u], parent[v]
        live = pu != pv
        if not live.any():
            return parent
        pu, pv = pu[live], pv[live]
        lo = np.minimum(pu, pv)
        hi = np.maximum(pu, pv)
        np.minimum.at(parent, hi, lo)
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
        u, v = u[live], v[live]


def compact_components(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted nodes that appear in an edge, the smallest node of each one's component)."""
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    nodes, inv = np.unique(np.concatenate([u, v]), return_inverse=True)
    lab = components(nodes.size, inv[: u.size], inv[u.size :])
    return nodes, nodes[lab]
