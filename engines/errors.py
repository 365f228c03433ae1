"""Error types shared by the engines and their front ends."""

from __future__ import annotations

from pathlib import Path


class GasworksError(ValueError):
    """Base of every error a user can cause (bad input, bad parameters)."""


def display_name(source: str | Path) -> str:
    """A printable form of a path: undecodable bytes (non-UTF-8 names) shown as escapes."""
    text = str(source)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


#: The most characters of an input (a ``text:`` input, a path) a message quotes.
QUOTE_LIMIT = 60


def short_text(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters (``lorem ipsum dolor…``), for a message that
    names a text without echoing it."""
    text = display_name(text)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def short_name(source: str | Path) -> str:
    """How a message names an input: :func:`display_name`, a ``text:`` input cut by
    :func:`short_text` (a path is always named in full)."""
    if isinstance(source, str) and source.startswith("text:"):
        return short_text(source)
    return display_name(source)


class InputError(GasworksError):
    """An input (file, sample or text) could not be turned into an image.

    The message always names the input (at most :data:`QUOTE_LIMIT` characters of it), so a
    batch can report it and go on.
    """

    def __init__(self, source: str | Path, problem: str):
        self.source = display_name(source)
        self.problem = problem
        super().__init__(f"{short_name(source)}: {problem}")


class PresetError(GasworksError):
    """A preset (or an override of one) is invalid; the message names the key."""


class ParameterError(GasworksError):
    """A parameter (seed, count, choice) given to an engine is out of range or of the wrong
    type; the message names the parameter, the value and what is allowed."""
