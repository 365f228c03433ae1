"""Checks shared by every engine: seeds, counts and choices, with one error type.

Each check returns the clean value or raises :class:`ParameterError` naming the parameter,
the value given and what is allowed, so a bad seed or count reads the same in every engine.
"""

from __future__ import annotations

import numbers
from typing import Annotated, Any

from pydantic import Field

from engines.errors import ParameterError

#: Seeds are unsigned 32-bit integers everywhere: presets, the command line, spin boxes.
SEED_MAX = 2**32 - 1
#: The seed type of every params record and preset.
Seed = Annotated[int, Field(ge=0, le=SEED_MAX, description="seed of the random generator")]


def _is_integer(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_seed(seed: Any, name: str = "seed") -> int:
    """An integer seed in [0, 2**32 − 1]."""
    if not _is_integer(seed) or not 0 <= int(seed) <= SEED_MAX:
        raise ParameterError(f"{name} must be an integer from 0 to {SEED_MAX}, got {seed!r}")
    return int(seed)


def check_count(value: Any, name: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """An integer count in [minimum, maximum]."""
    if not _is_integer(value):
        raise ParameterError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        allowed = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise ParameterError(f"{name} must be {allowed}, got {value}")
    return value


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``."""
    if value not in choices:
        raise ParameterError(
            f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}"
        )
    return value
