"""Option lists and limits, read from the params types so each is written once.

A params record states its choices as ``Literal`` annotations and its limits as ``Field``
bounds (``ge``, ``gt``, ``le``, ``lt``). The command line's choices and ranges, the studio's
combo boxes and spin boxes, and error messages read them through these functions instead
of spelling them out again::

    >>> from engines.som.params import SOFMParams
    >>> choices(SOFMParams, "grid_type")
    ('rect', 'hexagon')
    >>> choices(SOFMParams, "map.view")[:2]
    ('auto', 'umatrix')
    >>> bounds(SOFMParams, "step")
    (0.0, 1.0)

``field`` may be a dotted path into nested records (``"map.view"``). Unknown names are
answered with the closest known ones (:func:`did_you_mean`), the way presets and samples
answer a misspelt name.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from collections.abc import Iterable
from typing import Annotated, Any, Literal, NamedTuple, Union

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

Number = int | float


class Interval(NamedTuple):
    """The limits of a number field; ``None`` where it is unbounded."""

    lo: Number | None
    hi: Number | None
    lo_open: bool = False
    hi_open: bool = False


def field_info(model: type[BaseModel], field: str) -> FieldInfo:
    """The pydantic field ``field`` of ``model`` (a dotted path descends into sub-records).

    Raises
    ------
    LookupError
        Naming the unknown field and the closest known ones.
    """
    *parents, last = field.split(".")
    for part in parents:
        model = _sub_model(_lookup(model, part).annotation, model, part)
    return _lookup(model, last)


def choices(model: type[BaseModel], field: str) -> tuple[str, ...]:
    """The values a ``Literal`` field allows, in the order they are written.

    A field typed ``Literal[...] | float`` (a method name or a number) gives the names.

    Raises
    ------
    TypeError
        When the field has no ``Literal`` in its type.
    """
    annotation = field_info(model, field).annotation
    values = _literal_args(annotation)
    if not values:
        raise TypeError(f"{model.__name__}.{field} is not a Literal field ({annotation})")
    return values


def interval(model: type[BaseModel], field: str) -> Interval:
    """The bounds of a number field as written (``gt``/``lt`` kept open)."""
    info = field_info(model, field)
    lo = hi = None
    lo_open = hi_open = False
    for constraint in _constraints(info):
        if isinstance(constraint, annotated_types.Ge):
            lo, lo_open = constraint.ge, False
        elif isinstance(constraint, annotated_types.Gt):
            lo, lo_open = constraint.gt, True
        elif isinstance(constraint, annotated_types.Le):
            hi, hi_open = constraint.le, False
        elif isinstance(constraint, annotated_types.Lt):
            hi, hi_open = constraint.lt, True
    return Interval(lo, hi, lo_open, hi_open)


def bounds(model: type[BaseModel], field: str) -> tuple[Number | None, Number | None]:
    """``(lo, hi)``, inclusive, of a number field; ``None`` where it is unbounded.

    An integer field's open bound becomes the next integer inside it (``gt=0`` gives 1);
    a float field's open bound is returned as is (:func:`interval` tells that it is open).
    """
    lo, hi, lo_open, hi_open = interval(model, field)
    if base_type(model, field) is int:
        if lo is not None and lo_open:
            lo = math.floor(lo) + 1
        if hi is not None and hi_open:
            hi = math.ceil(hi) - 1
    return lo, hi


def base_type(model: type[BaseModel], field: str) -> type:
    """The field's type without ``None``, ``Annotated`` or ``Literal`` (int, float, str...)."""
    annotation = field_info(model, field).annotation
    members = [a for a in _union_members(annotation) if a is not type(None)]
    kinds = []
    for member in members:
        if typing.get_origin(member) is Literal:
            kinds.append(type(typing.get_args(member)[0]))
        else:
            kinds.append(member if isinstance(member, type) else object)
    return kinds[0] if len(set(kinds)) == 1 else object


def default(model: type[BaseModel], field: str) -> Any:
    """The field's default value."""
    return field_info(model, field).get_default(call_default_factory=True)


def describe_choices(values: Iterable[str]) -> str:
    """``'a', 'b' or 'c'``: choices as an error message lists them."""
    quoted = [repr(v) for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def closest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` known names closest to ``name`` (difflib's ratio, case ignored)."""
    known = list(known)
    by_lower = {k.lower(): k for k in known}
    matches = difflib.get_close_matches(name.lower(), list(by_lower), n=n, cutoff=0.6)
    return [by_lower[m] for m in matches]


def did_you_mean(name: str, known: Iterable[str], *, prefix: str = "") -> str:
    """``"did you mean 'astronaut'?"`` (or ``""`` when nothing is close); ``prefix`` is put
    before each suggestion (``sample:``)."""
    matches = closest(name, known)
    if not matches:
        return ""
    return f"did you mean {describe_choices(prefix + m for m in matches)}?"


def no_such(kind: str, name: str, known: Iterable[str], *, prefix: str = "") -> str:
    """``"no such sample; did you mean 'sample:astronaut'? available: ..."``: what to say
    about a name that is not among ``known`` (each shown with ``prefix`` in suggestions)."""
    known = list(known)
    hint = did_you_mean(name, known, prefix=prefix)
    return f"no such {kind}; {hint + ' ' if hint else ''}available: {', '.join(known)}"


# --------------------------------------------------------------------------- internals
def _lookup(model: type[BaseModel], name: str) -> FieldInfo:
    fields = model.model_fields
    if name not in fields:
        hint = did_you_mean(name, fields)
        raise LookupError(f"{model.__name__} has no field {name!r}" + (f"; {hint}" if hint else ""))
    return fields[name]


def _sub_model(annotation: Any, model: type[BaseModel], name: str) -> type[BaseModel]:
    for member in _union_members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member
    raise LookupError(f"{model.__name__}.{name} is not a record of fields")


def _union_members(annotation: Any) -> list[Any]:
    """The members of a union (or the annotation itself), ``Annotated`` removed."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _union_members(typing.get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [m for arg in typing.get_args(annotation) for m in _union_members(arg)]
    return [annotation]


def _literal_args(annotation: Any) -> tuple[str, ...]:
    values: list[Any] = []
    for member in _union_members(annotation):
        if typing.get_origin(member) is Literal:
            values += typing.get_args(member)
    return tuple(values)


def _constraints(info: FieldInfo) -> list[Any]:
    """The field's own constraints and those of an ``Annotated`` inside its union."""
    found = list(info.metadata)
    stack = [info.annotation]
    while stack:
        annotation = stack.pop()
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            inner, *extra = typing.get_args(annotation)
            for item in extra:
                found += item.metadata if isinstance(item, FieldInfo) else [item]
            stack.append(inner)
        elif origin is Union or origin is types.UnionType:
            stack += typing.get_args(annotation)
    return found
