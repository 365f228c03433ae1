"""Slow, plain reference of the seed's password experiment, one network at a time.

Written the way the seed's script is (Python lists, ``chr``/``ord``, the weight matrix formed
explicitly, NeuPy's step function), to check the batched and vectorised code against.
"""

from __future__ import annotations

import string

import numpy as np

SYMBOLS = string.ascii_letters + string.digits + string.punctuation


def str2bin(text: str, max_length: int = 30) -> list[int]:
    text = text.rjust(max_length)
    bits: list[int] = []
    for symbol in text:
        bits.extend(int(b) for b in bin(ord(symbol))[2:].zfill(8))
    return bits


def bin2str(bits) -> str:
    characters = []
    for start in range(0, len(bits), 8):
        chunk = "".join(str(int(b)) for b in bits[start : start + 8])
        characters.append(chr(int(chunk, base=2)))
    return "".join(characters).lstrip()


def cutword(word: str, k: int, fromleft: bool = False) -> str:
    if fromleft:
        return (word[-k:] if k != 0 else "").rjust(len(word))
    return (word[:k] if k != 0 else "").ljust(len(word))


def weight(patterns) -> np.ndarray:
    """NeuPy's training: bipolar ``XᵀX`` with the diagonal set to 0."""
    x = np.where(np.asarray(patterns) == 0, -1, 1)
    w = x.T.dot(x)
    np.fill_diagonal(w, 0)
    return w


def predict_sync(w: np.ndarray, probe) -> np.ndarray:
    """NeuPy's ``predict`` in sync mode: bipolar probe times W, then ``x > 0`` → 1."""
    x = np.where(np.asarray(probe) == 0, -1, 1)
    return np.where(x.dot(w) > 0, 1, 0)


def energy(w: np.ndarray, state) -> float:
    x = np.where(np.asarray(state) == 0, -1, 1)
    return -0.5 * float(x.dot(w).dot(x))


def per_trial_fails(trials: int, seed: int, noise_level: int = 11, length: int = 25) -> dict:
    """The seed's loop (cut from the left), one network per (trial, case)."""
    rng = np.random.default_rng(seed)
    cases = {
        "exclude-one": length - 1,
        "exclude-quarter": 3 * length // 4,
        "exclude-half": length // 2,
        "just-one-symbol": 1,
        "empty-string": 0,
    }
    fails = dict.fromkeys(cases, 0)
    for _ in range(trials):
        password = "".join(SYMBOLS[i] for i in rng.integers(0, len(SYMBOLS), length))
        for case, k in cases.items():
            broken = cutword(password, k, fromleft=True)
            data = [str2bin(password)]
            data += [rng.binomial(1, 0.55, 240) for _ in range(noise_level)]
            recovered = bin2str(predict_sync(weight(np.array(data)), str2bin(broken)).tolist())
            fails[case] += recovered != password
    return fails
