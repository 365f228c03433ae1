"""A password hidden in a Hopfield memory and recovered from a broken copy of it.

A password of at most ``max_length`` ASCII characters is right-justified with spaces and
written as 8 bits per character (``str2bin``); ``noise_level`` random rows of
binomial(1, 0.55) bits are stored beside it, so the weights are not simply the password's
outer product; a broken password (some characters replaced by spaces) is recovered by one
synchronous step (``recover_password``) and decoded again (``bin2str``).

Security: no function here logs, prints or writes the password, and no error message or
exception (nor any exception chained to it) contains it. The network's weights do contain
it, so a network made by :func:`store_password` has ``holds_secret`` set and warns when it is
saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engines.errors import GasworksError
from engines.hopfield.engine import CapacityError, DiscreteHopfieldNetwork, check_capacity
from engines.hopfield.params import (
    DEFAULT_MAX_LENGTH,
    NOISE_PROBABILITY,
    HopfieldParams,
    PasswordParams,
)

#: Bits per character and the range of characters they may encode.
BITS_PER_CHAR = 8
ASCII_LIMIT = 128
#: Characters below this (tab, NUL, ...) and DELETE do not print: a password holding one
#: could be recovered but not printed, so it is refused when stored.
PRINTABLE_FIRST = 0x20
DELETE = 0x7F
#: Shorter texts are right-justified with this character, which decoding strips again.
PAD_CHAR = " "
#: Metadata key under which a password network records its ``max_length``.
MAX_LENGTH_KEY = "max_length"
KIND_KEY = "kind"
PASSWORD_KIND = "password"


class PasswordError(GasworksError):
    """A password (or a broken one) cannot be encoded; the message never contains it."""


def _check_text(text: Any, max_length: int, label: str) -> None:
    """Validate without ever putting ``text`` (or a piece of it) into a message."""
    if not isinstance(text, str):
        raise PasswordError(f"the {label} must be a str, got {type(text).__name__}")
    if isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)):
        raise ValueError(f"max_length must be an integer, got {type(max_length).__name__}")
    if max_length < 1:
        raise ValueError(f"max_length must be >= 1, got {max_length}")
    if len(text) > max_length:
        raise PasswordError(f"the {label} is longer than max_length={max_length} characters")
    if not text.isascii():
        position = next(i for i, char in enumerate(text) if ord(char) >= ASCII_LIMIT) + 1
        raise PasswordError(
            f"the {label} contains a character outside ASCII (character {position}); "
            "only ASCII characters can be stored"
        )


def str2bin(text: str, max_length: int = DEFAULT_MAX_LENGTH, *, label: str = "text") -> np.ndarray:
    """Encode ``text`` as 8 bits per ASCII character, right-justified to ``max_length``.

    Parameters
    ----------
    text : str
        ASCII text of at most ``max_length`` characters.
    max_length : int
        Characters after padding; the result has ``8 * max_length`` bits.
    label : str
        How errors call the text ("password", "broken password"); the text itself is never
        shown.

    Returns
    -------
    (8 * max_length,) ndarray of uint8
        Bits, most significant first within each character; padding is spaces (00100000).

    Raises
    ------
    PasswordError
        If ``text`` is not a str, is too long or holds a non-ASCII character.

    Examples
    --------
    >>> str2bin("test", max_length=5)[:8].tolist()
    [0, 0, 1, 0, 0, 0, 0, 0]
    """
    _check_text(text, max_length, label)
    codes = np.frombuffer(text.rjust(max_length, PAD_CHAR).encode("ascii"), dtype=np.uint8)
    return np.unpackbits(codes)


def bin2str(bits: Any) -> str:
    """Decode bits written by :func:`str2bin`, dropping the leading padding.

    Every 8 bits become ``chr`` of their value (so a recovered pattern may decode to any of
    the 256 first code points) and leading whitespace is stripped, as in the seed.

    Parameters
    ----------
    bits : (8 * k,) array_like of 0/1
        Bits, most significant first; -1/1 (bipolar) values are accepted as well.

    Returns
    -------
    str
    """
    array = np.asarray(bits)
    if array.ndim != 1 or array.size % BITS_PER_CHAR:
        raise ValueError(
            f"bits must be a 1-D array whose length is a multiple of {BITS_PER_CHAR}, "
            f"got shape {array.shape}"
        )
    if array.size and not np.all(np.isin(array, (-1, 0, 1))):
        raise ValueError("bits must hold only 0/1 (or -1/1) values")
    codes = np.packbits(array > 0)
    return codes.tobytes().decode("latin-1").lstrip()


def noise_rows(
    n_rows: int,
    n_bits: int,
    rng: np.random.Generator,
    *,
    probability: float = NOISE_PROBABILITY,
) -> np.ndarray:
    """Random binomial(1, ``probability``) rows to store beside a password.

    Parameters
    ----------
    n_rows, n_bits : int
        Shape of the result.
    rng : numpy.random.Generator
    probability : float
        P(bit = 1); the seed's 0.55 keeps the rows unlike ASCII text (mostly 0 bits).

    Returns
    -------
    (n_rows, n_bits) ndarray of uint8
    """
    if n_rows < 0 or n_bits < 1:
        raise ValueError(f"need n_rows >= 0 and n_bits >= 1, got {n_rows} and {n_bits}")
    if not 0.0 < probability < 1.0:
        raise ValueError(f"probability must lie in (0, 1), got {probability}")
    return rng.binomial(1, probability, size=(n_rows, n_bits)).astype(np.uint8)


def store_password(
    password: str,
    params: PasswordParams | None = None,
    *,
    network_params: HopfieldParams | None = None,
    seed: int | np.random.Generator | None = None,
) -> DiscreteHopfieldNetwork:
    """A new network storing ``password`` and ``params.noise_level`` noise rows.

    Parameters
    ----------
    password : str
        1 to ``params.max_length`` ASCII characters, not starting with whitespace (decoding
        strips leading whitespace, so it could not come back).
    params : PasswordParams, optional
        Geometry and noise; the seed's defaults if omitted.
    network_params : HopfieldParams, optional
        Recall settings of the network (default: one synchronous step, as in the seed).
    seed : int or numpy.random.Generator, optional
        Seeds the noise rows and the network's own generator.

    Returns
    -------
    DiscreteHopfieldNetwork
        With ``holds_secret`` set and ``metadata["max_length"]`` recorded.

    Raises
    ------
    PasswordError
        If the password cannot be stored; the message does not contain it.
    """
    if params is None:
        params = PasswordParams()
    if not isinstance(params, PasswordParams):
        raise TypeError(f"params must be a PasswordParams, got {type(params).__name__}")
    _check_text(password, params.max_length, "password")
    if not password:
        raise PasswordError("the password is empty")
    controls = [i for i, char in enumerate(password) if not PRINTABLE_FIRST <= ord(char) < DELETE]
    if controls:
        raise PasswordError(
            f"the password contains a control character (character {controls[0] + 1}: a tab, NUL "
            "or another one that does not print); recover could not print it back, so only "
            "printable characters (space to ~) are stored"
        )
    if password[0].isspace():
        raise PasswordError(
            "the password starts with whitespace, which decoding strips: it could not be "
            "recovered exactly"
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    bits = str2bin(password, params.max_length, label="password")
    noise = noise_rows(params.noise_level, bits.size, rng, probability=params.noise_probability)
    network = DiscreteHopfieldNetwork(network_params, seed=rng)
    network.holds_secret = True
    network.metadata = {KIND_KEY: PASSWORD_KIND, MAX_LENGTH_KEY: params.max_length}
    network.train(np.vstack([bits[None, :], noise]))
    return network


@dataclass(frozen=True)
class StoredPassword:
    """A network made by :func:`store_recipe`, and the warnings storing it raised.

    Attributes
    ----------
    network : DiscreteHopfieldNetwork
        Holds the password in its weights (``holds_secret`` is set).
    warnings : tuple of str
        The capacity warning storing it gave, if any (never the password).
    """

    network: DiscreteHopfieldNetwork = field(repr=False)
    warnings: tuple[str, ...] = ()


def store_recipe(
    source: str,
    params: PasswordParams | None = None,
    *,
    seed: int | None = None,
    callback: Any = None,
    network_params: HopfieldParams | None = None,
) -> StoredPassword:
    """Store the password ``source``: :func:`store_password` in the shape of a recipe.

    The studio runs it off its GUI thread like any recipe; storing is one quick step, so
    ``callback`` is never called. A capacity warning is not raised but returned in the
    result (the message :class:`~engines.hopfield.engine.CapacityWarning` would carry), so a
    front end says it in its own way, and no thread touches the global warnings filters.
    """
    params = PasswordParams() if params is None else params
    network_params = HopfieldParams() if network_params is None else network_params
    if not isinstance(params, PasswordParams):
        raise TypeError(f"params must be a PasswordParams, got {type(params).__name__}")
    notes: tuple[str, ...] = ()
    storing = network_params
    if network_params.capacity == "warn":
        try:
            check_capacity(params.noise_level + 1, BITS_PER_CHAR * params.max_length, "raise")
        except CapacityError as exc:
            notes = (str(exc),)
        storing = network_params.model_copy(update={"capacity": "ignore"})
    network = store_password(source, params, network_params=storing, seed=seed)
    network.params = network_params
    return StoredPassword(network, notes)


def password_probe(network: DiscreteHopfieldNetwork, broken_password: str) -> np.ndarray:
    """The bits of ``broken_password`` as a probe of a password ``network``.

    Parameters
    ----------
    network : DiscreteHopfieldNetwork
        Made by :func:`store_password` (or loaded from its file).
    broken_password : str
        ASCII, at most the network's ``max_length`` characters.

    Returns
    -------
    (8 * max_length,) ndarray of uint8

    Raises
    ------
    PasswordError
        If the text cannot be encoded; the message does not contain it.
    ValueError
        If the network is not a whole number of 8-bit characters.
    """
    if not isinstance(network, DiscreteHopfieldNetwork):
        raise TypeError(f"network must be a DiscreteHopfieldNetwork, got {type(network).__name__}")
    return str2bin(broken_password, password_length(network), label="broken password")


def password_length(network: DiscreteHopfieldNetwork) -> int:
    """The ``max_length`` of a password network: characters of 8 neurons each."""
    n_features = network.n_features
    if n_features is None or n_features % BITS_PER_CHAR:
        raise ValueError(
            f"the network has {n_features} neurons, not a whole number of "
            f"{BITS_PER_CHAR}-bit characters"
        )
    max_length = int(network.metadata.get(MAX_LENGTH_KEY, n_features // BITS_PER_CHAR))
    if max_length * BITS_PER_CHAR != n_features:
        raise ValueError(
            f"the network's max_length {max_length} does not match its {n_features} neurons"
        )
    return max_length


def recover_password(
    network: DiscreteHopfieldNetwork, broken_password: str, *, mode: str | None = None
) -> str:
    """Recover the stored password from a broken copy of it.

    Parameters
    ----------
    network : DiscreteHopfieldNetwork
        Made by :func:`store_password` (or loaded from its file).
    broken_password : str
        The password with characters replaced by spaces or left out; ASCII, at most
        ``max_length`` characters.
    mode : {'sync', 'converge', 'async'}, optional
        Recall mode; the network's own (one synchronous step by default).

    Returns
    -------
    str
        The decoded state; equal to the password when recovery worked.

    See Also
    --------
    engines.hopfield.recall.recall_recipe : the same recall, watched by a callback.
    """
    probe = password_probe(network, broken_password)
    return bin2str(network.predict(probe, mode=mode))
