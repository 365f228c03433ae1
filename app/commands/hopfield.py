"""``gasworks hopfield``: the Discrete Hopfield memory from the command line.

Subcommands: ``demo`` (the seed's digits), ``montecarlo`` (password recovery statistics),
``store`` and ``recover`` (a password hidden in a network file), ``capacity``.

Passwords are read with a hidden prompt, or from standard input with ``--stdin``; they are
never command-line arguments (which land in shell history), never logged, never written
except as the weights of a network file (with a warning), never shown in errors.

This module imports only click and the params records (whose choices, bounds and defaults
the options show) at the top: the engine loads inside the commands, and matplotlib only
with ``-o/--output``, so ``gasworks hopfield montecarlo`` starts quickly.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import click

from app.commands.common import (
    EXIT_SOME_FAILED,
    check_output,
    choice_of,
    default_of,
    emit_json,
    fail_usage,
    force_option,
    json_option,
    output_option,
    range_of,
    seed_option,
    write_problem,
)
from engines.hopfield.params import HopfieldParams, MonteCarloParams, PasswordParams

#: Printable ASCII: what ``recover`` is willing to print as a password.
PRINTABLE_FIRST, PRINTABLE_LAST = 0x20, 0x7E
CONFIDENCE = 0.95


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _validation_message(exc) -> str:
    from engines.presets import format_validation_error

    return format_validation_error(exc).replace("\n", "; ")


def _check_plot(path: Path | None) -> None:
    """``--plot`` names a PNG file (checked before the work is done)."""
    if path is not None and path.suffix.lower() != ".png":
        fail_usage(f"-o/--output: {path}: the file name must end in .png")
    check_output(path)


def _write_plot(export, result, path: Path, **options) -> None:
    """Write the PNG of ``result`` with its job's export; a path that cannot be written is
    a usage error."""
    try:
        export(result, path, **options)
    except OSError as exc:
        fail_usage(write_problem(path, exc))


def _read_secret(label: str, *, from_stdin: bool, confirm: bool = False) -> str:
    """A secret from a hidden prompt, or the next line of standard input."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            fail_usage(f"--stdin: no {label} on standard input")
        return line.rstrip("\r\n")
    return click.prompt(label.capitalize(), hide_input=True, confirmation_prompt=confirm)


def _is_printable(text: str) -> bool:
    return all(PRINTABLE_FIRST <= ord(char) <= PRINTABLE_LAST for char in text)


@click.group()
def hopfield() -> None:
    """Discrete Hopfield memory: digits demo, password store/recover, Monte Carlo."""


# --------------------------------------------------------------------------- montecarlo
@hopfield.command()
@click.option("--trials", type=range_of(MonteCarloParams, "trials"),
              default=default_of(MonteCarloParams, "trials"), show_default=True,
              help="Random passwords; every case gets a fresh network for each.")  # fmt: skip
@seed_option("Seed of the run (a fresh one is drawn and printed if omitted).")
@click.option("--cut", type=choice_of(MonteCarloParams, "cut"),
              default=default_of(MonteCarloParams, "cut"), show_default=True,
              help="How the broken password loses characters.")  # fmt: skip
@click.option("--recall", type=choice_of(MonteCarloParams, "recall"),
              default=default_of(MonteCarloParams, "recall"), show_default=True,
              help="sync: one step, as in the seed; converge: until stable.")  # fmt: skip
@click.option("--noise-level", type=range_of(MonteCarloParams, "noise_level"),
              default=default_of(MonteCarloParams, "noise_level"), show_default=True,
              help="Noise rows stored beside each password.")  # fmt: skip
@click.option("--length", "password_length", type=range_of(MonteCarloParams, "password_length"),
              default=default_of(MonteCarloParams, "password_length"), show_default=True,
              help="Characters per password.")  # fmt: skip
@click.option("--max-length", type=range_of(MonteCarloParams, "max_length"),
              default=default_of(MonteCarloParams, "max_length"), show_default=True,
              help="Characters after right-justifying (8 neurons each).")  # fmt: skip
@output_option("Write a bar chart to this PNG.", dest="plot", metavar="FILE.png",
               old=("--plot",))  # fmt: skip
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on standard error (default: when it is a terminal).")  # fmt: skip
@json_option()
def montecarlo(
    trials: int,
    seed: int | None,
    cut: str,
    recall: str,
    noise_level: int,
    password_length: int,
    max_length: int,
    plot: Path | None,
    progress: bool | None,
    as_json: bool,
) -> None:
    """Monte Carlo of password recovery over five cases of broken passwords.

    Each trial draws a password from the 94 letters, digits and punctuation marks; each case
    (exclude-one, exclude-quarter, exclude-half, just-one-symbol, empty-string) stores it
    in a fresh network with fresh noise and counts a fail when the recovered string is not
    the password. Prints fails, rates per 10,000 with 95 % intervals and the seed's table.
    """
    from pydantic import ValidationError

    _check_plot(plot)
    from engines.hopfield.engine import capacity
    from engines.hopfield.montecarlo import (
        export_montecarlo,
        montecarlo_payload,
        montecarlo_recipe,
    )
    from engines.hopfield.params import MonteCarloParams

    try:
        params = MonteCarloParams(
            trials=trials, seed=seed, cut=cut, recall=recall, noise_level=noise_level,
            password_length=password_length, max_length=max_length,
        )  # fmt: skip
    except ValidationError as exc:
        fail_usage(_validation_message(exc))
        return
    figures = capacity(8 * max_length)
    if figures.exceeded(noise_level + 1):
        _warn(
            f"{noise_level + 1} stored patterns exceed the n/(2 ln n) rule "
            f"({figures.describe()}); expect many fails"
        )
    show_progress = sys.stderr.isatty() and not as_json if progress is None else progress
    if show_progress:
        with click.progressbar(length=trials, label="trials", file=sys.stderr) as bar:

            def advance(snapshot) -> None:
                bar.update(snapshot.iteration - bar.pos)

            result = montecarlo_recipe(None, params, callback=advance)
    else:
        result = montecarlo_recipe(None, params)

    if as_json:
        emit_json(montecarlo_payload(result, CONFIDENCE))
    else:
        _print_montecarlo(result, result.seconds)
    if plot is not None:
        _write_plot(export_montecarlo, result, plot)


def _print_montecarlo(result, seconds: float) -> None:
    from engines.hopfield.montecarlo import CASE_NAMES, PER_10K, SEED_TABLES

    p = result.params
    click.echo(
        f"Password recovery: {result.trials} trials, cut from the {p.cut}"
        if p.cut in ("left", "right")
        else f"Password recovery: {result.trials} trials, cut: {p.cut}",
        nl=False,
    )
    click.echo(
        f", {p.recall} recall, {p.password_length}-character passwords, "
        f"noise level {p.noise_level}, seed {result.seed}"
    )
    reference = result.is_reference_setting
    header = (
        f"{'case':<16} {'fails':>8} {'per 10k':>9}  {'95 % interval per 10k':<22}"
        f" {'seed (10k)':>10}"
    )
    if reference:
        header += f"  {'reference /10k':>14}  {'95 % band (fails)':<17}"
    click.echo(header)
    for case in CASE_NAMES:
        lo, hi = result.interval(case, CONFIDENCE)
        line = (
            f"{case:<16} {result.fails[case]:>8} {result.rate(case) * PER_10K:>9.1f}  "
            f"{f'[{lo * PER_10K:.1f}, {hi * PER_10K:.1f}]':<22} "
            f"{SEED_TABLES[p.cut][case]:>10}"
        )
        if reference:
            from engines.hopfield.montecarlo import REFERENCE_RATES_PER_10K

            band_lo, band_hi = result.reference_band(case, CONFIDENCE)
            inside = "inside" if band_lo <= result.fails[case] <= band_hi else "OUTSIDE"
            line += (
                f"  {REFERENCE_RATES_PER_10K[case]:>14.1f}  "
                f"{f'[{band_lo}, {band_hi}]':<13} {inside}"
            )
        click.echo(line)
    click.echo(f"{seconds:.2f} s")


# --------------------------------------------------------------------------- demo
@hopfield.command()
@seed_option("Seed of the asynchronous recalls (1 lands on 1, then on 2).", default=1,
             show_default=True)  # fmt: skip
@click.option("--n-times", type=range_of(HopfieldParams, "n_times"), default=400,
              show_default=True, help="Single-neuron updates per asynchronous recall.")  # fmt: skip
@output_option("Write patterns, Hinton diagram and energy trace to this PNG.", dest="plot",
               metavar="FILE.png", old=("--plot",))  # fmt: skip
@json_option()
def demo(seed: int, n_times: int, plot: Path | None, as_json: bool) -> None:
    """The seed's digits: store 0, 1 and 2; recover them from halves; sync versus async."""
    _check_plot(plot)
    import numpy as np

    from engines.hopfield import digits
    from engines.hopfield.params import HopfieldParams
    from engines.hopfield.recall import export_recall, recall_recipe

    known = {"0": digits.ZERO, "1": digits.ONE, "2": digits.TWO,
             "mixture of 1 and 2": digits.ONE_TWO_MIXTURE}  # fmt: skip

    def name_of(state) -> str:
        for name, pattern in known.items():
            if np.array_equal(state, pattern):
                return name
        return "spurious state"

    probes = {
        "top half of 0": digits.HALF_ZERO,
        "bottom half of 2": digits.HALF_TWO_BOTTOM,
        "top half of 2": digits.HALF_TWO_TOP,
    }
    sync_params = HopfieldParams(mode="sync", n_times=n_times)
    sync = {label: recall_recipe(probe, sync_params) for label, probe in probes.items()}
    converge = recall_recipe(digits.HALF_TWO_TOP, HopfieldParams(mode="converge"))
    # Two async recalls by one network: the second goes on with the first one's generator.
    async_params = HopfieldParams(mode="async", n_times=n_times)
    first = recall_recipe(digits.HALF_TWO_TOP, async_params, seed=seed)
    async_runs = [first, recall_recipe(digits.HALF_TWO_TOP, network=first.network)]
    network = first.network

    if as_json:
        emit_json({
            "shape": list(digits.SHAPE),
            "stored": {name: known[name].tolist() for name in ("0", "1", "2")},
            "energies": dict(zip(("0", "1", "2"), network.energy(digits.DIGITS).tolist(),
                                 strict=True)),
            "sync": {label: {"probe": probes[label].tolist(), "state": r.state.tolist(),
                             "energy": r.energy, "recalled": name_of(r.state)}
                     for label, r in sync.items()},
            "converge": {"probe": "top half of 2", "state": converge.state.tolist(),
                         "energy": converge.energy, "steps": converge.iterations,
                         "outcome": converge.outcome, "recalled": name_of(converge.state)},
            "async": [{"probe": "top half of 2", "seed": seed, "n_times": n_times,
                       "state": r.state.tolist(), "energy": r.energy, "updates": r.iterations,
                       "stable": _stable(r), "recalled": name_of(r.state),
                       "energy_trace": r.energy_trace.tolist()}
                      for r in async_runs],
            "capacity": network.capacity.describe(network.n_patterns),
        })  # fmt: skip
    else:
        _print_blocks("Stored patterns", [(name, known[name]) for name in ("0", "1", "2")])
        click.echo(network.capacity.describe(network.n_patterns))
        for label, r in sync.items():
            _print_blocks(
                f"sync, one step: {label} → {name_of(r.state)} (energy {r.energy:.0f})",
                [("probe", probes[label]), ("recalled", r.state)],
            )
        _print_blocks(
            f"converge: top half of 2 → {name_of(converge.state)} after {converge.iterations} "
            f"steps ({converge.outcome}, energy {converge.energy:.0f})",
            [("probe", digits.HALF_TWO_TOP), ("recalled", converge.state)],
        )
        blocks = [("probe", digits.HALF_TWO_TOP)]
        blocks += [(f"run {i + 1}", r.state) for i, r in enumerate(async_runs)]
        outcomes = "; ".join(
            f"run {i + 1} → {name_of(r.state)} after {r.iterations} updates "
            f"(energy {r.energy:.0f}{', stable' if _stable(r) else ''})"
            for i, r in enumerate(async_runs)
        )
        _print_blocks(f"async, n_times={n_times}, seed {seed}: {outcomes}", blocks)
        click.echo(
            "(NeuPy's async recall never updates the last neuron, which is why the seed's "
            "second run ended on 2 without its last pixel.)"
        )
    if plot is not None:
        panels = {"sync": sync["top half of 2"].state, "converge": converge.state,
                  "async 1": async_runs[0].state, "async 2": async_runs[1].state}  # fmt: skip
        _write_plot(export_recall, first, plot, panels=panels)


def _stable(result) -> bool:
    from engines.hopfield.engine import OUTCOME_FIXED_POINT

    return result.outcome == OUTCOME_FIXED_POINT


def _print_blocks(title: str, blocks) -> None:
    from engines.hopfield import digits

    click.echo(f"\n{title}")
    drawn = [(name, digits.draw(pattern)) for name, pattern in blocks]
    width = 2 + 2 * digits.SHAPE[1]
    click.echo("   ".join(f"{name:<{width}}" for name, _ in drawn).rstrip())
    for row in range(digits.SHAPE[0]):
        click.echo("   ".join(f"{lines[row]:<{width}}" for _, lines in drawn).rstrip())


# --------------------------------------------------------------------------- store / recover
@hopfield.command()
@click.argument("network_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--noise-level", type=range_of(PasswordParams, "noise_level"),
              default=default_of(PasswordParams, "noise_level"), show_default=True,
              help="Random rows stored beside the password.")  # fmt: skip
@click.option("--max-length", type=range_of(PasswordParams, "max_length"),
              default=default_of(PasswordParams, "max_length"), show_default=True,
              help="Longest password (8 neurons per character).")  # fmt: skip
@seed_option("Seed of the noise rows.")
@click.option("--stdin", "from_stdin", is_flag=True,
              help="Read the password from the first line of standard input.")  # fmt: skip
@force_option("Overwrite NETWORK_FILE if it exists.")
@json_option()
def store(
    network_file: Path,
    noise_level: int,
    max_length: int,
    seed: int | None,
    from_stdin: bool,
    force: bool,
    as_json: bool,
) -> None:
    """Hide a password (asked for, hidden) in a new network saved to NETWORK_FILE.

    The file's weights contain the password: anyone who has the file can recover it.
    """
    from engines.hopfield.engine import SecretWarning
    from engines.hopfield.params import PasswordParams
    from engines.hopfield.password import PasswordError, store_recipe

    check_output(network_file, force=force)
    params = PasswordParams(noise_level=noise_level, max_length=max_length)
    secret = _read_secret("password", from_stdin=from_stdin, confirm=True)
    try:
        stored = store_recipe(secret, params, seed=seed)
    except PasswordError as exc:
        fail_usage(str(exc))
        return
    del secret
    network = stored.network
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            network.save(network_file, overwrite=force)
        except OSError as exc:
            fail_usage(write_problem(network_file, exc))
            return
    messages = list(stored.warnings)
    messages += [str(w.message) for w in caught if issubclass(w.category, SecretWarning)]
    if as_json:
        emit_json({
            "path": str(network_file),
            "neurons": network.n_features,
            "patterns": network.n_patterns,
            "noise_level": noise_level,
            "max_length": max_length,
            "warnings": messages,
        })  # fmt: skip
    else:
        click.echo(
            f"{network_file}: stored the password among {noise_level} noise rows "
            f"({network.n_features} neurons, {network.n_patterns} patterns)"
        )
    for message in messages:
        _warn(f"{network_file}: {message}")


@hopfield.command()
@click.argument("network_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--mode", type=choice_of(HopfieldParams, "mode"),
              default=default_of(HopfieldParams, "mode"), show_default=True,
              help="One step (the seed), until stable, or async.")  # fmt: skip
@seed_option("Seed of async recall.")
@click.option("--check", is_flag=True,
              help="Ask for the real password too; only say whether it was found.")  # fmt: skip
@click.option("--stdin", "from_stdin", is_flag=True,
              help="Read the broken password (and, with --check, the real one on the next "
                   "line) from standard input.")  # fmt: skip
@json_option()
def recover(
    network_file: Path, mode: str, seed: int | None, check: bool, from_stdin: bool, as_json: bool
) -> None:
    """Recover the password in NETWORK_FILE from a broken copy (asked for, hidden).

    Prints the recovered password on standard output, or with --check only whether it is the
    real one. Exit code 1 when recovery fails (a state that is not printable text, or, with
    --check, not the password).
    """
    from engines.errors import InputError
    from engines.hopfield.engine import DiscreteHopfieldNetwork
    from engines.hopfield.params import HopfieldParams
    from engines.hopfield.password import PasswordError
    from engines.hopfield.recall import recall_recipe

    try:
        network = DiscreteHopfieldNetwork.load(network_file, HopfieldParams(mode=mode), seed=seed)
    except InputError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_SOME_FAILED)
    broken = _read_secret("broken password", from_stdin=from_stdin)
    try:
        recovered = recall_recipe(broken, None, network=network).text
    except (PasswordError, ValueError) as exc:
        fail_usage(f"{network_file}: {exc}")
        return
    del broken
    printable = _is_printable(recovered) and bool(recovered)
    if check:
        real = _read_secret("real password", from_stdin=from_stdin)
        found = recovered == real
        del real, recovered
        if as_json:
            emit_json({"path": str(network_file), "mode": mode, "recovered": found})
        else:
            click.echo("recovered: the password" if found else "not recovered")
        sys.exit(0 if found else EXIT_SOME_FAILED)
    if not printable:
        click.echo(
            f"Error: {network_file}: recovery failed: the network settled on a state that is "
            "not printable ASCII text (a spurious memory); try a longer piece of the password "
            "or --mode converge",
            err=True,
        )
        sys.exit(EXIT_SOME_FAILED)
    if as_json:
        emit_json({"path": str(network_file), "mode": mode, "recovered": recovered})
    else:
        click.echo(recovered)


# --------------------------------------------------------------------------- capacity
@hopfield.command("capacity")
@click.argument("neurons", type=click.IntRange(2, 10**9))
@click.option("--patterns", type=click.IntRange(min=1), default=None,
              help="Also say whether this many patterns fit.")  # fmt: skip
@json_option()
def capacity_command(neurons: int, patterns: int | None, as_json: bool) -> None:
    """How many patterns NEURONS neurons hold, by three rules of thumb."""
    from engines.hopfield.engine import capacity

    figures = capacity(neurons)
    fits = None if patterns is None else not figures.exceeded(patterns)
    if as_json:
        emit_json({
            "neurons": neurons,
            "n_over_2_ln_n": figures.log_rule,
            "n_over_4_ln_n": figures.strict_log_rule,
            "linear_0_138_n": figures.linear_rule,
            "patterns": patterns,
            "fits": fits,
        })  # fmt: skip
        return
    click.echo(figures.describe(patterns))
    if patterns is not None:
        if fits:
            click.echo(f"{patterns} patterns fit the n/(2 ln n) rule")
        else:
            click.echo(f"{patterns} patterns exceed the n/(2 ln n) rule", err=True)
