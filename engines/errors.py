"""Error types shared by the engines and their front ends."""

from __future__ import annotations

from pathlib import Path


class GasworksError(ValueError):
    """Base of every error a user can cause (bad input, bad parameters)."""


def display_name(source: str | Path) -> str:
    """A printable form of a path: undecodable bytes (non-UTF-8 names) shown as escapes."""
    text = str(source)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class InputError(GasworksError):
    """An input (file, sample or text) could not be turned into an image.

    The message always names the input, so a batch can report it and go on.
    """

    def __init__(self, source: str | Path, problem: str):
        self.source = display_name(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class PresetError(GasworksError):
    """A preset (or an override of one) is invalid; the message names the key."""


class ParameterError(GasworksError):
    """A parameter (seed, count, choice) given to an engine is out of range or of the wrong
    type; the message names the parameter, the value and what is allowed."""
