"""What the subcommands share: exit codes, JSON output, errors and the options every command
spells the same way.

The scheme (the README's "Command line" section):

- ``-o/--output FILE`` where a command writes one file; its suffix picks the format.
- ``--out-dir DIR`` where it writes several (``-o/--out-dir`` when that is all it writes);
  ``--format`` lists the formats written there, comma-separated, in every command.
- ``--seed`` (0 to 2**32 − 1, the seed type of every params record), ``--json``, ``--force``
  and ``-p/--preset`` with ``--set`` come from the decorators below.
- Old spellings stay as hidden aliases that print a deprecation notice and still work.
- ``sample:NAME`` inputs are checked before anything runs: an unknown name exits 2 with
  the closest names.

Choices and ranges that mirror a params field are read from the field
(:func:`choice_of`, :func:`range_of`), so the command line lists what the engine accepts.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from engines.validation import SEED_MAX

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2

SAMPLE_PREFIX = "sample:"
#: ctx.meta key: values given through an alias, by the parameter they feed.
_ALIASED = "gasworks.aliased"


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=False, default=_json_default))


def _json_default(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def fail_usage(message: str) -> None:
    """Print ``message`` as a usage/preset error and exit with code 2."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def deprecation_notice(old: str, new: str) -> None:
    click.echo(f"Deprecated: {old} is now {new}; the old spelling still works for now.", err=True)


# --------------------------------------------------------------------------- shared options
def preset_options(func: Callable) -> Callable:
    """``-p/--preset`` and repeatable ``--set section.key=value``."""
    func = click.option(
        "--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
        help="Override one preset value, e.g. --set pipeline.blur=1.5 (repeatable).",
    )(func)  # fmt: skip
    return click.option(
        "-p", "--preset", "preset_name", default=None, metavar="NAME|FILE.toml",
        help="A shipped preset name or a preset file.",
    )(func)  # fmt: skip


def seed_option(
    help: str = "Override the preset's seed.", *, default: int | None = None, **kwargs: Any
) -> Callable:
    """``--seed N``: 0 to 2**32 − 1, as every params record and preset accepts."""
    return click.option(
        "--seed", type=click.IntRange(0, SEED_MAX), default=default, metavar="N", help=help,
        **kwargs,
    )  # fmt: skip


def json_option(help: str = "Print a JSON object.") -> Callable:
    """``--json``: machine-readable output on stdout (the body gets ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def force_option(help: str = "Overwrite existing outputs.") -> Callable:
    """``--force``: overwrite (or redo) what exists."""
    return click.option("--force", is_flag=True, help=help)


def choice_of(model: type, field: str) -> click.Choice:
    """A ``click.Choice`` of the ``Literal`` values of ``model.field``."""
    from engines.options import choices

    return click.Choice(choices(model, field))


def range_of(model: type, field: str) -> click.ParamType:
    """An ``IntRange`` or ``FloatRange`` with the ``Field`` bounds of ``model.field``."""
    from engines.options import base_type, interval

    lo, hi, lo_open, hi_open = interval(model, field)
    if base_type(model, field) is int:
        return click.IntRange(lo, hi, min_open=lo_open, max_open=hi_open)
    return click.FloatRange(lo, hi, min_open=lo_open, max_open=hi_open)


def default_of(model: type, field: str) -> Any:
    """The default of ``model.field`` (for an option's ``default=``)."""
    from engines.options import default

    return default(model, field)


# --------------------------------------------------------------------------- outputs
class _Fed(click.Option):
    """An option that may also be given through an alias (:func:`alias_option`)."""

    def consume_value(self, ctx: click.Context, opts: Any) -> tuple[Any, ParameterSource]:
        value, source = super().consume_value(ctx, opts)
        given = ctx.meta.get(_ALIASED, {}).get(self.name)
        if given is None:
            return value, source
        alias_value, alias = given
        if source == ParameterSource.COMMANDLINE:
            raise click.UsageError(f"{alias} and {_flags(self)} name the same thing; give one", ctx)
        return alias_value, ParameterSource.COMMANDLINE


def _flags(param: click.Parameter) -> str:
    return "/".join(param.opts)


def alias_option(
    old: str,
    dest: str | Callable[[Any], str],
    *,
    type: Any = None,
    deprecated: bool = True,
    help: str | None = None,
    metavar: str | None = None,
) -> Callable:
    """Another spelling ``old`` of the option whose parameter is ``dest``.

    The option fed must be declared with :func:`output_option`, :func:`out_dir_option` or
    ``cls=_Fed``. A deprecated alias is hidden and prints a notice; ``dest`` may be a
    function of the value (``--overlay`` was a file or a folder).
    """

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if ctx.get_parameter_source(param.name) != ParameterSource.COMMANDLINE:
            return
        target_name = dest(value) if callable(dest) else dest
        target = next(p for p in ctx.command.params if p.name == target_name)
        if ctx.get_parameter_source(target_name) == ParameterSource.COMMANDLINE:
            raise click.UsageError(f"{old} and {_flags(target)} name the same thing; give one", ctx)
        if deprecated:
            deprecation_notice(old, _flags(target))
        ctx.meta.setdefault(_ALIASED, {})[target_name] = (value, old)

    name = "alias_" + old.lstrip("-").replace("-", "_")
    return click.option(
        old, name, type=type, default=None, expose_value=False, hidden=deprecated,
        callback=callback, help=help, metavar=metavar,
    )  # fmt: skip


def given_as(dest: str) -> str | None:
    """The alias a parameter's value came through (``"--out-dir"``), or None."""
    given = click.get_current_context().meta.get(_ALIASED, {}).get(dest)
    return None if given is None else given[1]


def _with_aliases(option: Callable, dest: str, old: Sequence[str], type: Any) -> Callable:
    def decorate(func: Callable) -> Callable:
        for spelling in old:
            func = alias_option(spelling, dest, type=type)(func)
        return option(func)

    return decorate


def output_option(
    help: str,
    *,
    dest: str = "output",
    required: bool = False,
    metavar: str = "FILE",
    old: Sequence[str] = (),
    dir_okay: bool = False,
) -> Callable:
    """``-o/--output FILE``: the one file a command writes; ``old`` spellings are aliases.

    ``dir_okay`` lets the command itself say what is wrong with a folder given."""
    path = click.Path(dir_okay=dir_okay, path_type=Path)
    option = click.option(
        "-o", "--output", dest, cls=_Fed, type=path, default=None, required=required,
        metavar=metavar, help=help,
    )  # fmt: skip
    return _with_aliases(option, dest, old, path)


def out_dir_option(
    help: str,
    *,
    dest: str = "out_dir",
    short: bool = True,
    required: bool = False,
    default: Path | None = None,
    old: Sequence[str] = (),
) -> Callable:
    """``-o/--out-dir DIR`` (``--out-dir`` alone when ``-o`` names a file in the command):
    the folder a command writes several files into."""
    path = click.Path(file_okay=False, path_type=Path)
    flags = ("-o", "--out-dir") if short else ("--out-dir",)
    option = click.option(
        *flags, dest, cls=_Fed, type=path, default=default, required=required, metavar="DIR",
        show_default=default is not None, help=help,
    )  # fmt: skip
    return _with_aliases(option, dest, old, path)


def one_or_many(many: str, help: str, *, dest: str = "output") -> Callable:
    """``-o/--output FILE`` for one file and ``--out-dir DIR`` when the option ``many`` asks
    for several, both feeding the parameter ``dest``.

    Put it above an :func:`output_option` that is not ``required`` (one of the two is, and
    this checks it). ``--out-dir`` without ``many`` is a usage error;
    ``-o DIR`` with ``many`` (the old spelling) still works, with a deprecation notice.
    """

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            ctx = click.get_current_context()
            flag = _flags(next(p for p in ctx.command.params if p.name == many))
            via = given_as(dest)
            if kwargs.get(dest) is None:
                raise click.UsageError(f"give -o FILE (or --out-dir DIR with {flag})")
            if kwargs.get(many) is None and via == "--out-dir":
                raise click.UsageError(f"--out-dir goes with {flag}; write one file with -o FILE")
            if kwargs.get(many) is not None and via is None and kwargs.get(dest) is not None:
                deprecation_notice(f"{flag} with -o DIR", f"{flag} with --out-dir DIR")
            return func(*args, **kwargs)

        return alias_option(
            "--out-dir", dest, type=click.Path(file_okay=False, path_type=Path),
            deprecated=False, help=help, metavar="DIR",
        )(checked)  # fmt: skip

    return decorate


def format_option(
    formats: Sequence[str],
    default: str,
    *,
    dest: str = "formats",
    single: bool = False,
    help: str | None = None,
) -> Callable:
    """``--format A,B``: the formats written into ``--out-dir``, comma-separated, everywhere.

    The body gets a tuple of formats (a single string when ``single``: commands that write
    one format per run).
    """
    known = ", ".join(formats)

    def parse(ctx: click.Context, param: click.Parameter, value: str | None):
        if value is None:
            return None
        chosen = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
        unknown = [f for f in chosen if f not in formats]
        if not chosen or unknown:
            raise click.BadParameter(f"choose from {known} (comma-separated), got {value!r}")
        if single and len(chosen) > 1:
            raise click.BadParameter(f"this command writes one format at a time, got {value!r}")
        return chosen[0] if single else chosen

    if single:
        metavar, text = "|".join(formats), help or "Output format."
    else:
        metavar = "FORMAT[,FORMAT]"
        text = f"{help or 'Output formats, comma-separated'}: {known}."
    return click.option(
        "--format", dest, default=default, show_default=True, metavar=metavar, callback=parse,
        help=text,
    )  # fmt: skip


# --------------------------------------------------------------------------- paths
#: Name prefix of the empty file that tests whether a folder can be written into.
_PROBE_PREFIX = ".gasworks-probe-"


def path_problem(path: Path, *, folder: bool = False) -> str | None:
    """What stops a command writing ``path``, or None.

    ``path`` is the file to write (``folder=False``) or the folder to write files into
    (``folder=True``, created if missing). The answer names the path and the reason: a
    folder where a file is wanted or a file where a folder is, a file on the way
    (``afile/sub``), or the nearest existing folder refusing new files (read-only,
    permissions, read-only file system). Nothing stays behind: writability is tested with an
    empty file created and removed at once, which answers for root, network and read-only
    file systems alike (permission bits do not).
    """
    from engines.errors import display_name

    path = Path(path)
    if not folder and path.is_dir():
        return f"{display_name(path)}: is a folder; give a file name"
    if folder and path.exists() and not path.is_dir():
        return f"{display_name(path)}: is a file, not a folder"
    start = path if folder else path.parent
    for ancestor in (start, *start.parents):
        if ancestor.is_dir():
            break
        if ancestor.exists():
            return f"{display_name(path)}: {display_name(ancestor)} is a file, not a folder"
        if ancestor.is_symlink():
            return f"{display_name(path)}: {display_name(ancestor)} is a broken link"
    else:  # pragma: no cover - every absolute path reaches "/", every relative one "."
        return None
    reason = _refuses_files(ancestor)
    if reason is None:
        return None
    where = "this folder" if ancestor == path else display_name(ancestor)
    return f"{display_name(path)}: cannot write into {where} ({reason})"


def _refuses_files(folder: Path) -> str | None:
    """Why a new file cannot be created in the existing ``folder``, or None."""
    import os
    import tempfile

    try:
        fd, probe = tempfile.mkstemp(prefix=_PROBE_PREFIX, dir=folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    os.unlink(probe)
    return None


def check_output(path: Path | None, *, folder: bool = False, force: bool = True) -> None:
    """Exit 2 with one line naming ``path`` and the reason when it cannot be written
    (:func:`path_problem`), or, unless ``force``, when the file exists. Call it before any
    work, so a bad path costs nothing."""
    if path is None:
        return
    problem = path_problem(path, folder=folder)
    if problem is None and not folder and not force and Path(path).exists():
        from engines.errors import display_name

        problem = f"{display_name(path)}: already exists (use --force to overwrite)"
    if problem is not None:
        fail_usage(problem)


def write_problem(path: Path, exc: OSError) -> str:
    """One line for a write that failed after the checks (disk full, permissions changed)."""
    from engines.errors import display_name

    if isinstance(exc, FileExistsError) and not exc.strerror:  # engines.atomic's own message
        return str(exc)
    return f"{display_name(path)}: cannot write ({exc.strerror or exc})"


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Around writing ``path``: an OSError becomes one line and exit 2, like the checks."""
    try:
        yield
    except OSError as exc:
        fail_usage(write_problem(path, exc))


# --------------------------------------------------------------------------- inputs
def warn_missing_glyphs(label: str, text: str, font: str | Path | None) -> None:
    """A warning on stderr when ``font`` lacks glyphs for some of ``text`` (emoji in a text
    font): they would be drawn as boxes. A font that cannot be read is left to the recipe,
    whose error names it."""
    from engines.errors import GasworksError
    from engines.pipeline.text import describe_missing, missing_glyphs

    try:
        missing = missing_glyphs(text, font)
    except (GasworksError, OSError):
        return
    if missing:
        click.echo(f"Warning: {label}: {describe_missing(missing, font)}", err=True)


def check_samples(known: Callable[[], Sequence[str]]) -> Callable:
    """An argument callback refusing ``sample:NAME`` values whose NAME is not in ``known()``
    (exit 2, naming the closest samples)."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        from engines.options import no_such

        values = value if isinstance(value, tuple | list) else (value,)
        for item in values:
            if isinstance(item, str) and item.startswith(SAMPLE_PREFIX):
                name = item[len(SAMPLE_PREFIX) :]
                names = tuple(known())
                if name not in names:
                    problem = no_such("sample", name, names, prefix=SAMPLE_PREFIX)
                    raise click.BadParameter(f"{item}: {problem}", ctx, param)
        return value

    return check


def image_samples() -> tuple[str, ...]:
    """The ``sample:NAME`` images of the pipeline."""
    from engines.pipeline.loading import SAMPLES

    return SAMPLES


def data_samples() -> tuple[str, ...]:
    """The ``sample:NAME`` data sets of ``gasworks map``."""
    from engines.som.maps import SAMPLES

    return SAMPLES
