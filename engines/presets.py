"""Presets: TOML files loaded into typed, validated records.

A preset file holds ``description``, ``engine``, ``seed``, ``epochs``, ``input`` and the tables
``[pipeline]``, ``[text]``, ``[engine_params]`` and ``[style]``. Every table is validated by
its owner's parameter type, so an unknown key or an out-of-range value is a
:class:`~engines.errors.PresetError` naming the key and what is allowed.
"""

from __future__ import annotations

import tomllib
import types
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engines.errors import PresetError, display_name
from engines.pipeline.params import PipelineParams, TextAlign
from engines.validation import Seed
from presets import DIRECTORY as PRESET_DIR

#: The type of every preset's ``[style]`` table.
STYLE_TYPE = "engines.art.style:ArtStyle"


class TextParams(BaseModel):
    """How a text input is rendered before the pipeline runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str | None = Field(None, description="text rendered when no input is given")
    font: str | None = Field(None, description="TTF/OTF path; the bundled font if unset")
    size: int = Field(96, ge=4, le=2000)
    padding: int = Field(16, ge=0, le=2000)
    align: TextAlign = "left"


class Preset(BaseModel):
    """One named look: which engine, which seed, and every parameter table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    engine: str | None = None
    seed: Seed = 0
    epochs: int | None = Field(
        None, ge=1, le=100_000, description="training epochs; None lets the recipe choose"
    )
    input: str | None = Field(None, description="default input, e.g. sample:astronaut")
    tone_preset: str | None = Field(
        None,
        description="art: when pipeline.points = 'auto' finds a photo (tone), draw it with "
        "this preset's pipeline, network and style instead (the result says so)",
    )
    pipeline: PipelineParams = PipelineParams()
    text: TextParams = TextParams()
    engine_params: Any = None
    style: Any = None

    @model_validator(mode="before")
    @classmethod
    def _typed_tables(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        from engines import registry

        engine = values.get("engine")
        if engine is not None and engine not in registry.engines():
            raise ValueError(
                f"engine: unknown engine {engine!r}; available: {', '.join(registry.engines())}"
            )
        out = dict(values)
        for key in ("engine_params", "style"):
            table = out.get(key)
            if engine is None:
                if table:
                    raise ValueError(f"{key}: a preset without 'engine' cannot have [{key}]")
                continue
            if key == "style":
                model = registry.load_target(STYLE_TYPE)
            else:
                model = registry.params_type(engine)
            try:
                out[key] = model.model_validate(table or {})
            except ValidationError as exc:
                # Re-raised as one message whose lines keep the table's name in each key.
                raise ValueError(_TABLE_ERROR + format_validation_error(exc, model, key)) from None
        return out


_TABLE_ERROR = "table errors:\n"


def format_validation_error(
    exc: ValidationError, model: type[BaseModel] | None = None, prefix: str = ""
) -> str:
    """One line per problem: the dotted key, what is wrong, and what is allowed."""
    lines = []
    for err in exc.errors():
        msg = err["msg"]
        if _TABLE_ERROR in msg:  # already formatted by a nested table's validation
            lines.append(msg.split(_TABLE_ERROR, 1)[1])
            continue
        key = ".".join([prefix] * bool(prefix) + [str(p) for p in err["loc"]]) or "(preset)"
        if err["type"] == "extra_forbidden" and model is not None:
            allowed = _allowed_keys(model, err["loc"][:-1])
            msg = f"unknown key; allowed keys: {', '.join(allowed)}"
        elif err["type"] in ("literal_error", "enum") and "expected" in err.get("ctx", {}):
            msg = f"must be one of {err['ctx']['expected']}"
        if (
            "input" in err
            and err["type"] != "extra_forbidden"
            and not isinstance(err["input"], dict)
        ):
            msg += f" (got {err['input']!r})"
        lines.append(f"{key}: {msg.removeprefix('Value error, ')}")
    return "\n".join(lines)


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    current: Any = model
    for part in loc:
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            break
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            current = annotation
        elif part in ("engine_params", "style"):
            return ["(see the engine's parameters)"]
    return sorted(getattr(current, "model_fields", {}))


def parse_override(text: str) -> tuple[list[str], Any]:
    """Parse ``section.key=value`` (value in TOML syntax, or a bare string)."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise PresetError(f"--set expects section.key=value, got {text!r}")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return [p for p in key.strip().split(".") if p], value


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Return a copy of the raw preset table with ``--set`` overrides applied."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    for text in overrides:
        path, value = parse_override(text)
        target = out
        for part in path[:-1]:
            node = target.get(part)
            if node is None:
                node = target[part] = {}
            if not isinstance(node, dict):
                raise PresetError(f"--set {text}: {part!r} is a value, not a table")
            target = node
        target[path[-1]] = value
    return out


def preset_names() -> list[str]:
    """Names of the presets shipped in ``presets/``."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def preset_path(name_or_path: str | Path) -> Path:
    """Resolve a shipped preset name or a path to a TOML file."""
    candidate = Path(name_or_path)
    path = PRESET_DIR / f"{name_or_path}.toml"
    if candidate.is_dir() and (candidate.suffix == ".toml" or not path.is_file()):
        raise PresetError(
            f"{display_name(candidate)}: is a folder, not a preset file (give a preset NAME or "
            "a FILE.toml)"
        )
    if candidate.suffix == ".toml" or candidate.is_file():
        if not candidate.is_file():
            raise PresetError(f"{display_name(candidate)}: no such preset file")
        return candidate
    if not path.is_file():
        from engines.options import did_you_mean

        hint = did_you_mean(str(name_or_path), preset_names())
        raise PresetError(
            f"unknown preset {str(name_or_path)!r}; {hint + ' ' if hint else ''}"
            f"available: {', '.join(preset_names())}"
        )
    return path


def read_preset_table(name_or_path: str | Path) -> dict[str, Any]:
    """The raw TOML table of a preset, with ``name`` filled in from the file name."""
    path = preset_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PresetError(f"{display_name(path)}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise PresetError(f"{display_name(path)}: cannot read ({exc.strerror or exc})") from None
    if not data:
        raise PresetError(
            f"{display_name(path)}: the preset is empty; give at least its engine "
            '(engine = "gng") or a table such as [pipeline]'
        )
    data.setdefault("name", path.stem)
    return data


def validate_preset(data: dict[str, Any], origin: str = "preset") -> Preset:
    """Validate a raw table into a :class:`Preset`, or raise a readable PresetError.

    Types are strict (:func:`type_mismatches`): ``threshold = true`` or ``blur = "1.5"`` is
    an error, not 1.0 and 1.5."""
    mismatches = type_mismatches(data)
    if mismatches:
        raise PresetError(f"{origin}:\n" + "\n".join(mismatches))
    try:
        return Preset.model_validate(data)
    except ValidationError as exc:
        raise PresetError(f"{origin}:\n{format_validation_error(exc, Preset)}") from None


#: How a kind of TOML value is named in messages.
_KIND_NAMES = {"boolean": "true or false", "number": "a number", "string": "a string"}


def type_mismatches(data: dict[str, Any]) -> list[str]:
    """One line per value of a raw preset table that pydantic would quietly convert to
    another kind: a boolean where a number goes (``true`` → 1.0), a number where a boolean
    goes (1 → true), a string where a number or a boolean goes (``"1.5"`` → 1.5, ``"yes"``
    → true). Other wrong values are left to the params types, whose messages name the
    allowed values."""
    engine = data.get("engine")
    return _mismatches(data, Preset, "", engine if isinstance(engine, str) else None)


def _mismatches(table: dict[str, Any], model: type, prefix: str, engine: str | None) -> list[str]:
    found = []
    fields = getattr(model, "model_fields", {})
    for key, value in table.items():
        field = fields.get(key)
        if field is None:
            continue  # an unknown key: the params type says so
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            sub = _table_model(model, key, field.annotation, engine)
            if sub is not None:
                found += _mismatches(value, sub, f"{dotted}.", engine)
            continue
        kind = _kind(value)
        accepted = _kinds(field.annotation)
        if kind is None or accepted is None or kind in accepted:
            continue
        coerced = (
            (kind == "boolean" and "number" in accepted)
            or (kind == "number" and "boolean" in accepted)
            or (kind == "string" and accepted & {"number", "boolean"})
        )
        if coerced:
            wanted = " or ".join(_KIND_NAMES[k] for k in sorted(accepted) if k in _KIND_NAMES)
            found.append(f"{dotted}: expected {wanted}, got {_toml_value(value)}")
    return found


def _table_model(model: type, key: str, annotation: Any, engine: str | None) -> type | None:
    """The params type of a sub-table: the field's own model, or for ``engine_params`` and
    ``style`` the engine's (found through the registry)."""
    if model is Preset and key in ("engine_params", "style"):
        from engines import registry

        if key == "style":
            return registry.load_target(STYLE_TYPE)
        if engine is None or engine not in registry.engines():
            return None
        return registry.params_type(engine)
    for candidate in _flatten(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _flatten(annotation: Any) -> list[Any]:
    """The plain types an annotation admits (Annotated, Optional and unions unwrapped)."""
    import typing

    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _flatten(arg)]
    return [annotation]


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def _kinds(annotation: Any) -> set[str] | None:
    """The kinds of scalar an annotation accepts, or None for anything (``Any``)."""
    import typing

    kinds: set[str] = set()
    for t in _flatten(annotation):
        if t is Any:
            return None
        if typing.get_origin(t) is typing.Literal:
            kinds |= {_kind(v) for v in typing.get_args(t)} - {None}
        elif t is bool:
            kinds.add("boolean")
        elif t in (int, float):
            kinds.add("number")
        elif t is str:
            kinds.add("string")
    return kinds


def load_preset(name_or_path: str | Path, overrides: list[str] | None = None) -> Preset:
    """Load, override and validate a preset by name or path."""
    data = apply_overrides(read_preset_table(name_or_path), overrides or [])
    return validate_preset(data, origin=str(name_or_path))


def dump_preset(preset: Preset) -> str:
    """TOML text of a preset (round-trips through :func:`load_preset`)."""
    table = preset.model_dump(mode="json", exclude_none=True)
    table.pop("name", None)
    return _to_toml(table)


def _to_toml(table: dict[str, Any], prefix: str = "") -> str:
    """TOML text of nested tables: scalars first, then each sub-table as [a.b]."""
    scalars = [(k, v) for k, v in table.items() if not isinstance(v, dict) and v is not None]
    tables = [(k, v) for k, v in table.items() if isinstance(v, dict)]
    lines = [f"[{prefix}]"] if prefix and scalars else []
    lines += [f"{k} = {_toml_value(v)}" for k, v in scalars]
    for name, sub in tables:
        text = _to_toml(sub, f"{prefix}.{name}" if prefix else name).rstrip("\n")
        if text:
            lines += ["", text] if lines else [text]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
