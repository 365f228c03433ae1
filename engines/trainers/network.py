"""The networks the trainers fit: fully connected layers, their initialisation, and a NumPy
forward pass that needs no torch (snapshots draw decision boundaries with it).

Parameter order is torch's: for each layer its weight (outputs × inputs) then its bias. The
flat vector of a network (:func:`flat_parameters`) follows that order, and so do the columns
of Levenberg-Marquardt's Jacobian.

Initialisations
---------------
``uniform``
    The spirals article's: ``np.random.seed(seed)``, then one vector of
    ``Σ (n_in + 1) · n_out`` draws from U(−r, r); each layer's block is reshaped
    ``(n_in + 1, n_out)`` in Fortran order, its last row the biases. So unit ``j`` of a layer
    takes ``n_in`` weights and then its bias from consecutive draws. With seed 1 and the
    2-25-2 network these are exactly the article's initial weights.
``he_normal``
    NeuPy's default for dense layers: weights N(0, 2 / n_in), biases 0 (torch generator).
``torch``
    torch's ``nn.Linear`` default: weights and biases U(−1/√n_in, 1/√n_in) (torch generator).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

ACTIVATIONS = ("sigmoid", "tanh", "relu", "softplus", "softmax", "linear")
DTYPES = {"float64": torch.float64, "float32": torch.float32}


@dataclass(frozen=True)
class NetworkSpec:
    """The shape of a network: layer sizes (inputs first) and activations."""

    sizes: tuple[int, ...]
    activation: str
    output: str

    @property
    def n_parameters(self) -> int:
        return sum((a + 1) * b for a, b in zip(self.sizes[:-1], self.sizes[1:], strict=True))

    @property
    def n_inputs(self) -> int:
        return self.sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    def describe(self) -> str:
        """``2-25-2 sigmoid/softmax``."""
        return "-".join(map(str, self.sizes)) + f" {self.activation}/{self.output}"


def _activate(name: str, z: torch.Tensor) -> torch.Tensor:
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return torch.relu(z)
    if name == "softplus":
        return torch.nn.functional.softplus(z)
    if name == "softmax":
        return torch.softmax(z, dim=-1)
    return z


class Network(torch.nn.Module):
    """A multilayer perceptron. ``forward`` returns the output layer's pre-activations
    (logits), :meth:`outputs` applies the output activation, :meth:`predict` does both."""

    def __init__(self, spec: NetworkSpec, dtype: torch.dtype = torch.float64):
        super().__init__()
        self.spec = spec
        self.layers = torch.nn.ModuleList(
            torch.nn.Linear(a, b, dtype=dtype)
            for a, b in zip(spec.sizes[:-1], spec.sizes[1:], strict=True)
        )
        self._hidden = tuple(self.layers)[:-1]

    def hidden_features(self, x: torch.Tensor) -> torch.Tensor:
        """Activations of the last hidden layer (the inputs when there is none)."""
        activation = self.spec.activation
        for layer in self._hidden:
            x = _activate(activation, layer(x))
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers[-1](self.hidden_features(x))

    def outputs(self, logits: torch.Tensor) -> torch.Tensor:
        return _activate(self.spec.output, logits)

    def predict(self, x: torch.Tensor) -> torch.Tensor:
        return self.outputs(self.forward(x))


def initialise(network: Network, init: str, *, seed: int, init_range: float = 0.1) -> None:
    """Set the network's weights by ``init`` ('uniform', 'he_normal' or 'torch') from
    ``seed`` (see the module docstring for each draw)."""
    layers = list(network.layers)
    with torch.no_grad():
        if init == "uniform":
            sizes = [(layer.in_features, layer.out_features) for layer in layers]
            total = sum((a + 1) * b for a, b in sizes)
            draws = np.random.RandomState(seed).uniform(-init_range, init_range, total)
            at = 0
            for layer, (a, b) in zip(layers, sizes, strict=True):
                block = draws[at : at + (a + 1) * b].reshape(b, a + 1)  # = F-order (a+1, b).T
                at += (a + 1) * b
                layer.weight.copy_(torch.from_numpy(block[:, :a].copy()))
                layer.bias.copy_(torch.from_numpy(block[:, a].copy()))
            return
        generator = torch.Generator().manual_seed(seed)
        for layer in layers:
            fan_in = layer.in_features
            if init == "he_normal":
                std = float(np.sqrt(2.0 / fan_in))
                weight = torch.randn(layer.weight.shape, generator=generator, dtype=torch.float64)
                layer.weight.copy_(weight * std)
                layer.bias.zero_()
            elif init == "torch":
                bound = 1.0 / float(np.sqrt(fan_in))
                for tensor in (layer.weight, layer.bias):
                    draw = torch.rand(tensor.shape, generator=generator, dtype=torch.float64)
                    tensor.copy_(draw * 2 * bound - bound)
            else:
                raise ValueError(f"init must be 'uniform', 'he_normal' or 'torch', got {init!r}")


def flat_parameters(network: torch.nn.Module) -> np.ndarray:
    """Every parameter in one float64 vector (torch's order)."""
    with torch.no_grad():
        return torch.cat([p.reshape(-1) for p in network.parameters()]).double().numpy().copy()


def load_flat_parameters(network: torch.nn.Module, vector: np.ndarray) -> None:
    """Set every parameter from a vector made by :func:`flat_parameters`."""
    vector = np.asarray(vector, dtype=np.float64)
    at = 0
    with torch.no_grad():
        for p in network.parameters():
            n = p.numel()
            p.copy_(torch.from_numpy(vector[at : at + n].reshape(p.shape)))
            at += n
    if at != vector.size:
        raise ValueError(f"expected {at} parameters, got {vector.size}")


def _np_activate(name: str, z: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "softplus":
        return np.logaddexp(0.0, z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    return z


def numpy_layers(spec: NetworkSpec, vector: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(weight (out, in), bias (out,)) of each layer, from a flat vector."""
    layers = []
    at = 0
    for a, b in zip(spec.sizes[:-1], spec.sizes[1:], strict=True):
        weight = vector[at : at + a * b].reshape(b, a)
        at += a * b
        layers.append((weight, vector[at : at + b]))
        at += b
    return layers


def numpy_predict(spec: NetworkSpec, vector: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The network's outputs for ``x`` (N, inputs), in NumPy float64."""
    h = np.asarray(x, dtype=np.float64)
    layers = numpy_layers(spec, np.asarray(vector, dtype=np.float64))
    for i, (weight, bias) in enumerate(layers):
        z = h @ weight.T + bias
        h = _np_activate(spec.output if i == len(layers) - 1 else spec.activation, z)
    return h


# --------------------------------------------------------------------------- saved networks
#: Format tag of saved networks.
SAVE_FORMAT = "gasworks-trainer-1"


def _scaling_table(scaling) -> dict | None:
    if scaling is None:
        return None
    return {"kind": scaling.kind, "center": torch.as_tensor(scaling.center),
            "factor": torch.as_tensor(scaling.factor),
            "low": torch.as_tensor(scaling.low)}  # fmt: skip


def network_bytes(snapshot, dataset, params) -> bytes:
    """A trained network as ``torch.save`` bytes: the state dict and everything needed to
    use it on raw inputs again (network shape, input and target scaling, class and
    feature names, the params and metrics). Only tensors, numbers, strings, lists and dicts:
    :func:`load_network` reads it with ``weights_only=True``."""
    import io

    spec = snapshot.spec
    network = Network(spec, torch.float64)
    load_flat_parameters(network, snapshot.parameters)
    table = {
        "format": SAVE_FORMAT,
        "spec": {"sizes": list(spec.sizes), "activation": spec.activation,
                 "output": spec.output},
        "state_dict": {k: v.detach().clone() for k, v in network.state_dict().items()},
        "dataset": dataset.name, "task": dataset.task,
        "class_names": list(dataset.class_names), "feature_names": list(dataset.feature_names),
        "image_shape": list(dataset.image_shape) if dataset.image_shape else None,
        "scaling": _scaling_table(dataset.scaling),
        "target_scaling": _scaling_table(dataset.target_scaling),
        "params": params.model_dump(mode="json"), "seed": snapshot.seed,
        "metrics": {k: float(v) for k, v in snapshot.metrics.items()},
    }  # fmt: skip
    buffer = io.BytesIO()
    torch.save(table, buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class SavedNetwork:
    """A network read back by :func:`load_network`.

    ``network`` is a float64 :class:`Network`; ``scaling`` scales raw inputs as in
    training; ``info`` holds the rest of the file (dataset, task, class_names,
    feature_names, image_shape, params, seed, metrics).
    """

    network: Network
    scaling: object
    target_scaling: object
    info: dict

    @property
    def spec(self) -> NetworkSpec:
        return self.network.spec

    def _inputs(self, raw: np.ndarray, source: str) -> torch.Tensor:
        from engines.errors import InputError

        x = np.asarray(raw, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.spec.n_inputs:
            width = x.shape[1] if x.ndim == 2 else f"shape {x.shape}"
            raise InputError(
                source,
                f"the network ({self.spec.describe()}, trained on {self.info.get('dataset')}) "
                f"takes {self.spec.n_inputs} inputs per row, the data has {width}",
            )
        if self.scaling is not None:
            x = self.scaling.apply(x)
        return torch.as_tensor(x, dtype=torch.float64)

    @torch.no_grad()
    def predict(self, raw: np.ndarray, *, source: str = "data") -> np.ndarray:
        """Outputs (N, K) for raw inputs (N, D) (scaled as in training)."""
        return self.network.predict(self._inputs(raw, source)).numpy()

    @torch.no_grad()
    def features(self, raw: np.ndarray, *, source: str = "data") -> np.ndarray:
        """Activations of the last hidden layer (N, H) for raw inputs (N, D): the deep
        features a map can be trained on. A data width that does not fit the network is an
        InputError naming both."""
        return self.network.hidden_features(self._inputs(raw, source)).numpy()


def load_network(path) -> SavedNetwork:
    """Read a network written by :func:`network_bytes` (``gasworks train --save``).

    Raises
    ------
    InputError
        The file is missing, not a saved network, or of another format.
    """
    from engines.errors import InputError
    from engines.trainers.datasets import Scaling

    try:
        table = torch.load(path, weights_only=True, map_location="cpu")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except Exception as exc:  # torch raises many kinds for a file that is not its own
        raise InputError(path, f"not a network saved by gasworks train ({exc})") from None
    if not isinstance(table, dict) or table.get("format") != SAVE_FORMAT:
        raise InputError(path, f"not a network saved by gasworks train (format {SAVE_FORMAT})")
    spec_table = table["spec"]
    spec = NetworkSpec(tuple(spec_table["sizes"]), spec_table["activation"], spec_table["output"])
    network = Network(spec, torch.float64)
    network.load_state_dict(table["state_dict"])

    def scaling(entry):
        if entry is None:
            return None
        return Scaling(entry["kind"], entry["center"].numpy(), entry["factor"].numpy(),
                       entry["low"].numpy())  # fmt: skip

    info = {k: v for k, v in table.items()
            if k not in ("state_dict", "scaling", "target_scaling", "spec")}  # fmt: skip
    return SavedNetwork(network, scaling(table["scaling"]), scaling(table["target_scaling"]),
                        info)  # fmt: skip
