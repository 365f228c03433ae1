"""Error types shared by the engines and their front ends."""

from __future__ import annotations

from pathlib import Path


class GasworksError(ValueError):
    """Base of every error a user can cause (bad input, bad parameters)."""


class InputError(GasworksError):
    """An input (file, sample or text) could not be turned into an image.

    The message always names the input, so a batch can report it and go on.
    """

    def __init__(self, source: str | Path, problem: str):
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class PresetError(GasworksError):
    """A preset (or an override of one) is invalid; the message names the key."""
