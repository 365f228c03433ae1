"""Self-Organizing Feature Map (SOFM) engine with NeuPy's training rules, compiled with Numba.

``SOFM(params, data, *, n_inputs=..., weights=..., seed=...)`` trains with
``train(data, epochs)`` or ``step(n)`` (n epochs), and answers ``winners``,
``quantization_error``, ``topographic_error`` and ``u_matrix``. The recipes built on it
live beside it: :mod:`engines.som.logo` (text logos), :mod:`engines.som.avatar` (SOFM
avatars) and :mod:`engines.som.maps` (data maps), with heat maps in :mod:`engines.som.plots`.
"""

from engines.som.engine import SOFM, Schedule, SOFMSnapshot, pca_weights
from engines.som.params import SOFMParams

__all__ = ["SOFM", "SOFMParams", "SOFMSnapshot", "Schedule", "pca_weights", "warm_up"]


def warm_up() -> None:
    """Compile (or load from the cache) every kernel on a tiny map."""
    import numpy as np

    data = np.random.default_rng(0).random((8, 2), dtype=np.float32)
    for distance in ("euclid", "cos", "dot"):
        for training in ("online", "batch"):
            params = SOFMParams(
                features_grid=(2, 2), learning_radius=1, distance=distance, training=training
            )
            som = SOFM(params, data + 0.1, seed=0)
            som.step(1)
            som.winners(data + 0.1)
            som.quantization_error(data + 0.1)
            som.topographic_error(data + 0.1)
    # The planar winner search (2-D data, euclid, online) has kernels of its own.
    SOFM(SOFMParams(features_grid=(2, 2), learning_radius=1), data, seed=0, search="planar").step(1)
