"""Presets: TOML files loaded into typed, validated records.

A preset file holds ``description``, ``engine``, ``seed``, ``epochs``, ``input`` and the tables
``[pipeline]``, ``[text]``, ``[engine_params]`` and ``[style]``. Every table is validated by
its owner's parameter type, so an unknown key or an out-of-range value is a
:class:`~engines.errors.PresetError` naming the key and what is allowed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engines.errors import PresetError
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
    if candidate.suffix == ".toml" or candidate.is_file():
        if not candidate.is_file():
            raise PresetError(f"{candidate}: no such preset file")
        return candidate
    path = PRESET_DIR / f"{name_or_path}.toml"
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
        raise PresetError(f"{path}: not valid TOML ({exc})") from None
    data.setdefault("name", path.stem)
    return data


def validate_preset(data: dict[str, Any], origin: str = "preset") -> Preset:
    """Validate a raw table into a :class:`Preset`, or raise a readable PresetError."""
    try:
        return Preset.model_validate(data)
    except ValidationError as exc:
        raise PresetError(f"{origin}:\n{format_validation_error(exc, Preset)}") from None


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
