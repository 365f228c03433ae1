"""One command-line scheme: deprecated spellings, misspelt names, choices and ranges read from
the params types, and one seed range, checked over every command."""

from __future__ import annotations

import typing

import click
import pytest

from app.cli import COMMANDS, main
from engines.art.animation import AnimationParams
from engines.explorers.params import LandscapeParams, TuneParams
from engines.hopfield.params import HopfieldParams, MonteCarloParams, PasswordParams
from engines.pipeline.params import PipelineParams
from engines.presets import Preset, TextParams
from engines.som.params import MapSettings
from engines.trainers.eco.params import EcoParams
from engines.trainers.params import TrainerParams
from engines.trainers.reflection import ReflectionParams
from engines.validation import SEED_MAX

FAST_RENDER = ("--set", "engine_params.max_nodes=40",
               "--set", "engine_params.n_iter_before_neuron_added=20",
               "--epochs", "1", "--workers", "1")  # fmt: skip


def all_commands() -> dict[str, click.Command]:
    """Every leaf command by its path (``hopfield demo``)."""
    ctx = click.Context(main)
    found: dict[str, click.Command] = {}

    def walk(path: str, command: click.Command) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{path} {name}", sub)
        else:
            found[path] = command

    for name in COMMANDS:
        walk(name, main.get_command(ctx, name))
    return found


def option(command: click.Command, flag: str) -> click.Parameter:
    return next(p for p in command.params if flag in getattr(p, "opts", ()))


def parse(path: str, *args: str) -> dict:
    """The parameters a command line gives the command, without running it."""
    command = all_commands()[path]
    with command.make_context(path, list(args)) as ctx:
        return ctx.params


# --------------------------------------------------------------------------- old spellings
@pytest.fixture
def fast_demo(monkeypatch):
    """``gasworks demo`` reduced to one pipeline strip (the alias is what is tested)."""
    from app.commands import demo

    monkeypatch.setattr(demo, "PIPELINE_PRESETS", ("coins-local",))
    monkeypatch.setattr(demo, "ART_PRESETS", ())
    monkeypatch.setattr(demo, "SOM_COMMANDS", ())


@pytest.mark.parametrize(
    ("args", "old", "new", "written"),
    [
        (("points", "sample:coins", "--preview", "{t}/p.png"), "--preview", "-o/--output",
         "p.png"),
        (("render", "sample:coins", "--out", "{t}/r", "--format", "svg", *FAST_RENDER), "--out",
         "-o/--out-dir", "r/coins.default.svg"),
        (("demo", "--out", "{t}/d"), "--out", "-o/--out-dir", "d/coins-local.pipeline.png"),
        (("words", "sample:page", "--overlay", "{t}/w.png"), "--overlay", "-o/--output",
         "w.png"),
        (("words", "sample:page", "--overlay", "{t}/w"), "--overlay", "--out-dir",
         "w/page.words.png"),
        (("hopfield", "demo", "--plot", "{t}/h.png"), "--plot", "-o/--output", "h.png"),
        (("hopfield", "montecarlo", "--trials", "20", "--seed", "1", "--plot", "{t}/m.png"),
         "--plot", "-o/--output", "m.png"),
        (("avatar", "--names", "{t}/names.txt", "-o", "{t}/a"), "--names with -o DIR",
         "--names with --out-dir DIR", "a/ann.png"),
    ],
)  # fmt: skip
def test_old_spellings_still_work_and_say_so(gasworks, tmp_path, fast_demo, args, old, new,
                                            written):  # fmt: skip
    (tmp_path / "names.txt").write_text("ann\n")
    result = gasworks(*[a.format(t=tmp_path) for a in args])
    assert result.exit_code == 0, result.output
    assert f"Deprecated: {old} is now {new};" in result.stderr
    assert (tmp_path / written).is_file()
    command = " ".join(args[:2] if args[0] == "hopfield" else args[:1])
    assert f"{old.split()[0]} " not in gasworks(*command.split(), "--help").stdout or (
        old.startswith("--names")
    )


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (("points", "sample:coins", "-o", "{t}/p.png"), "p.png"),
        (("words", "sample:page", "--out-dir", "{t}/w"), "w/page.words.png"),
        (("avatar", "--names", "{t}/names.txt", "--out-dir", "{t}/a"), "a/ann.png"),
    ],
)
def test_new_spellings_print_no_notice(gasworks, tmp_path, args, written):
    (tmp_path / "names.txt").write_text("ann\n")
    result = gasworks(*[a.format(t=tmp_path) for a in args])
    assert result.exit_code == 0, result.output
    assert "Deprecated" not in result.stderr
    assert (tmp_path / written).is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("points", "sample:coins", "-o", "{t}/a.png", "--preview", "{t}/b.png"),
         "--preview and -o/--output name the same thing"),
        (("render", "sample:coins", "--out", "{t}/a", "-o", "{t}/b"),
         "--out and -o/--out-dir name the same thing"),
        (("avatar", "ann", "--out-dir", "{t}/a"), "--out-dir goes with --names"),
        (("avatar", "ann"), "give -o FILE"),
        (("avatar", "--names", "{t}/names.txt", "--out-dir", "{t}/a", "--format", "png,svg"),
         "one format at a time"),
        (("render", "sample:coins", "-o", "{t}/a", "--format", "svg,gif"),
         "choose from svg, png (comma-separated)"),
    ],
)  # fmt: skip
def test_conflicting_or_wrong_outputs_exit_2(gasworks, tmp_path, args, message):
    (tmp_path / "names.txt").write_text("ann\n")
    result = gasworks(*[a.format(t=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not any(tmp_path.glob("[ab]*"))


def test_format_is_comma_separated_in_every_command():
    assert parse("render", "-o", "x", "--format", "PNG, svg")["formats"] == ("png", "svg")
    assert parse("render", "-o", "x")["formats"] == ("svg", "png")
    assert parse("avatar", "--format", "svg")["fmt"] == "svg"


# --------------------------------------------------------------------------- misspelt names
PRESET_COMMANDS = [
    ("points", "sample:coins"),
    ("render", "sample:coins", "-o", "{t}/o"),
    ("words", "sample:page"),
    ("logo", "Hi", "-o", "{t}/o.png"),
    ("avatar", "ann", "-o", "{t}/o.png"),
    ("map", "sample:iris", "-o", "{t}/o.png"),
    ("train", "xor"),
]


@pytest.mark.parametrize("args", PRESET_COMMANDS, ids=lambda a: a[0])
def test_misspelt_preset_names_the_closest(gasworks, tmp_path, args):
    result = gasworks(*[a.format(t=tmp_path) for a in args], "-p", "astronot")
    assert result.exit_code == 2, result.output
    assert "unknown preset 'astronot'; did you mean 'astronaut'?" in result.stderr
    assert not any(tmp_path.iterdir())


def test_presets_show_names_the_closest(gasworks):
    result = gasworks("presets", "show", "signatur")
    assert result.exit_code == 2
    assert "did you mean 'signature'?" in result.stderr


@pytest.mark.parametrize(
    ("args", "closest"),
    [
        (("points", "sample:astronot"), "sample:astronaut"),
        (("render", "sample:coins", "sample:astronot", "-o", "{t}/o"), "sample:astronaut"),
        (("words", "sample:astronot"), "sample:astronaut"),
        (("map", "sample:irsi", "-o", "{t}/o.png"), "sample:iris"),
    ],
    ids=lambda a: a[0] if isinstance(a, tuple) else None,
)
def test_misspelt_sample_names_the_closest_before_anything_runs(gasworks, tmp_path, args,
                                                                closest):  # fmt: skip
    result = gasworks(*[a.format(t=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert f"no such sample; did you mean '{closest}'?" in result.stderr
    assert not any(tmp_path.iterdir())


def test_every_command_taking_inputs_checks_sample_names():
    """A new command reading samples must check them up front too (or be listed here)."""
    takes_samples = {"points", "render", "words", "map"}
    checked = {
        path
        for path, command in all_commands().items()
        if any(isinstance(p, click.Argument) and p.callback for p in command.params)
    }
    assert checked == takes_samples


# --------------------------------------------------------------------------- one source
def literal_args(model, field: str) -> tuple:
    """The field's Literal values, read with typing alone (not through engines.options)."""
    annotation = model.model_fields[field].annotation
    return typing.get_args(annotation)


#: (command, option) → the params field whose Literal it lists.
CHOICES = {
    ("map", "--view"): (MapSettings, "view"),
    ("hopfield montecarlo", "--cut"): (MonteCarloParams, "cut"),
    ("hopfield montecarlo", "--recall"): (MonteCarloParams, "recall"),
    ("hopfield recover", "--mode"): (HopfieldParams, "mode"),
    ("landscape", "--view"): (LandscapeParams, "view"),
    ("tune", "--sampler"): (TuneParams, "sampler"),
    ("tune", "--space"): (TuneParams, "space"),
    ("train", "--method"): (TrainerParams, "method"),
    ("eco", "--objective"): (EcoParams, "objective"),
    ("eco", "--delearn"): (EcoParams, "delearn"),
    ("eco", "--curvature"): (EcoParams, "curvature"),
    ("eco", "--activation"): (EcoParams, "activation"),
    ("reflect", "task"): (ReflectionParams, "task"),
    ("reflect", "--gate"): (ReflectionParams, "gate"),
    ("reflect", "--combine"): (ReflectionParams, "combine"),
}
#: Choices that mirror no params field.
OTHER_CHOICES = {("gui", "--tab"), ("render", "--svg-element"), ("tune", "dataset")}


@pytest.mark.parametrize(("where", "field"), list(CHOICES.items()), ids=str)
def test_click_choices_are_the_literal_values(where, field):
    command, flag = where
    assert tuple(option(all_commands()[command], flag).type.choices) == literal_args(*field)


def test_every_choice_is_accounted_for():
    found = {
        (path, p.opts[0])
        for path, command in all_commands().items()
        for p in command.params
        if isinstance(p.type, click.Choice)
    }
    assert found == set(CHOICES) | OTHER_CHOICES


def field_bounds(model, field: str) -> tuple:
    """(lo, hi) from the field's ge/le metadata, read with pydantic alone."""
    info = model.model_fields[field]
    metadata = list(info.metadata)
    for arg in typing.get_args(info.annotation):  # Annotated[...] | None
        metadata += [m for a in getattr(arg, "__metadata__", ()) for m in a.metadata]
    lo = next(m.ge for m in metadata if hasattr(m, "ge"))
    hi = next(m.le for m in metadata if hasattr(m, "le"))
    return lo, hi


RANGES = {
    ("points", "--blur"): (PipelineParams, "blur"),
    ("points", "--offset"): (PipelineParams, "offset"),
    ("points", "--max-side"): (PipelineParams, "max_side"),
    ("render", "--epochs"): (Preset, "epochs"),
    ("logo", "--epochs"): (Preset, "epochs"),
    ("map", "--epochs"): (Preset, "epochs"),
    ("logo", "--size"): (TextParams, "size"),
    ("hopfield montecarlo", "--trials"): (MonteCarloParams, "trials"),
    ("hopfield montecarlo", "--noise-level"): (MonteCarloParams, "noise_level"),
    ("hopfield montecarlo", "--length"): (MonteCarloParams, "password_length"),
    ("hopfield montecarlo", "--max-length"): (MonteCarloParams, "max_length"),
    ("hopfield demo", "--n-times"): (HopfieldParams, "n_times"),
    ("hopfield store", "--noise-level"): (PasswordParams, "noise_level"),
    ("hopfield store", "--max-length"): (PasswordParams, "max_length"),
    ("landscape", "--frames"): (LandscapeParams, "frames"),
    ("render", "--fps"): (AnimationParams, "fps"),
    ("render", "--frames"): (AnimationParams, "frames"),
    ("landscape", "--grid"): (LandscapeParams, "grid"),
    ("tune", "--trials"): (TuneParams, "trials"),
    ("tune", "--epochs"): (TuneParams, "epochs"),
    ("train", "--epochs"): (TrainerParams, "epochs"),
    ("eco", "--lambda"): (EcoParams, "lam"),
    ("eco", "--probes"): (EcoParams, "probes"),
    ("eco", "--epochs"): (EcoParams, "epochs"),
    ("eco", "--seeds"): (EcoParams, "seeds"),
    ("eco", "--oe-reach"): (EcoParams, "oe_reach"),
    ("reflect", "--epochs"): (ReflectionParams, "epochs"),
    ("reflect", "--error-epochs"): (ReflectionParams, "error_epochs"),
}
#: Ranges that mirror no params field (how many, how long: the command's own limits).
OTHER_RANGES = {("render", "--workers"), ("render", "--scheduler-timeout"), ("avatar", "--sheet"),
                ("hopfield capacity", "--patterns"), ("hopfield capacity", "NEURONS"),
                ("train", "--seeds"), ("train", "--threads"), ("eco", "--threads"),
                ("reflect", "--seeds"), ("reflect", "--threads")}  # fmt: skip


@pytest.mark.parametrize(("where", "field"), list(RANGES.items()), ids=str)
def test_click_ranges_are_the_field_bounds(where, field):
    command, flag = where
    kind = option(all_commands()[command], flag).type
    assert (kind.min, kind.max) == field_bounds(*field)


def test_every_range_is_accounted_for():
    found = {
        (path, p.opts[0] if isinstance(p, click.Option) else p.human_readable_name)
        for path, command in all_commands().items()
        for p in command.params
        if isinstance(p.type, click.IntRange | click.FloatRange) and p.name != "seed"
    }
    assert found == set(RANGES) | OTHER_RANGES


def test_montecarlo_defaults_are_the_params_defaults():
    params = parse("hopfield montecarlo")
    defaults = MonteCarloParams()
    for name in ("trials", "cut", "recall", "noise_level", "password_length", "max_length"):
        assert params[name] == getattr(defaults, name), name


# --------------------------------------------------------------------------- seeds
#: The least each command with --seed needs to parse.
SEED_COMMANDS = {
    "render": ("-o", "out"),
    "words": (),
    "logo": ("-o", "o.png"),
    "avatar": ("-o", "o.png"),
    "map": ("-o", "o.png"),
    "hopfield montecarlo": (),
    "hopfield demo": (),
    "hopfield store": ("net.npz",),
    "hopfield recover": ("net.npz",),
    "landscape": ("-o", "o.gif"),
    "tune": ("digits",),
    "train": (),
    "eco": ("moons",),
    "reflect": (),
}


def test_every_seed_option_is_listed():
    with_seed = {
        path
        for path, command in all_commands().items()
        if any(p.name == "seed" for p in command.params)
    }
    assert with_seed == set(SEED_COMMANDS)


@pytest.mark.parametrize(("path", "args"), list(SEED_COMMANDS.items()))
def test_seed_range_is_the_seed_type(path, args):
    assert parse(path, *args, "--seed", str(SEED_MAX))["seed"] == SEED_MAX == 2**32 - 1
    assert parse(path, *args, "--seed", "0")["seed"] == 0
    for bad in (str(2**32), "-1"):
        with pytest.raises(click.BadParameter, match="0<=x<=4294967295"):
            parse(path, *args, "--seed", bad)


def test_largest_seed_runs(gasworks):
    result = gasworks("hopfield", "montecarlo", "--trials", "5", "--seed", SEED_MAX, "--json")
    assert result.exit_code == 0, result.output
    assert result.json["seed"] == SEED_MAX
    refused = gasworks("hopfield", "montecarlo", "--trials", "5", "--seed", 2**32)
    assert refused.exit_code == 2 and "0<=x<=4294967295" in refused.stderr
