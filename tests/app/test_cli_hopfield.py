"""``gasworks hopfield`` through CliRunner: a table of commands and exit codes, and secrets."""

from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner

from app.cli import main
from engines.hopfield.montecarlo import CASE_NAMES

SECRET = "Zq7!vN3#pLm8"


def invoke(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (("hopfield", "--help"), 0, "montecarlo"),
        (("hopfield", "montecarlo", "--trials", "300", "--seed", "1"), 0, "exclude-quarter"),
        (("hopfield", "montecarlo", "--trials", "200", "--seed", "1", "--cut", "remove"), 0,
         "cut: remove"),
        (("hopfield", "montecarlo", "--trials", "100", "--recall", "converge"), 0, "converge"),
        (("hopfield", "montecarlo", "--trials", "50", "--noise-level", "30"), 0,
         "exceed the n/(2 ln n) rule"),
        (("hopfield", "montecarlo", "--trials", "0"), 2, "--trials"),
        (("hopfield", "montecarlo", "--cut", "middle"), 2, "--cut"),
        (("hopfield", "montecarlo", "--length", "31"), 2, "must not exceed max_length"),
        (("hopfield", "montecarlo", "--seed", "-4"), 2, "--seed"),
        (("hopfield", "demo"), 0, "mixture of 1 and 2"),
        (("hopfield", "demo", "--n-times", "0"), 2, "--n-times"),
        (("hopfield", "demo", "--plot", "demo.jpg"), 2, "must end in .png"),
        (("hopfield", "montecarlo", "--plot", "chart.json"), 2, "must end in .png"),
        (("hopfield", "capacity", "240"), 0, "n/(2 ln n) = 21.90"),
        (("hopfield", "capacity", "30", "--patterns", "5"), 0, "5 patterns exceed"),
        (("hopfield", "capacity", "1"), 2, "NEURONS"),
        (("hopfield", "recover", "missing.npz"), 1, "no such file"),
        (("hopfield", "nope"), 2, "No such command"),
    ],
)  # fmt: skip
def test_command_table(args, code, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == code, result.output
    assert expected in result.output


def test_montecarlo_json_has_trials_and_fails():
    result = invoke("hopfield", "montecarlo", "--trials", "1000", "--seed", "7", "--json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["trials"] == 1000 and payload["seed"] == 7
    assert list(payload["fails"]) == list(CASE_NAMES)
    assert payload["fails"]["exclude-one"] < payload["fails"]["exclude-half"] < 1000
    assert payload["fails"]["empty-string"] >= 995
    for case in CASE_NAMES:
        lo, hi = payload["reference_band"][case]
        assert lo <= payload["fails"][case] <= hi
    again = json.loads(
        invoke("hopfield", "montecarlo", "--trials", "1000", "--seed", "7", "--json").stdout
    )
    assert again["fails"] == payload["fails"]


def test_montecarlo_human_table_shows_intervals_and_the_seeds_table():
    result = invoke("hopfield", "montecarlo", "--trials", "2000", "--seed", "3")
    lines = result.stdout.splitlines()
    assert "seed 3" in lines[0] and "95 % interval per 10k" in lines[1]
    row = next(line for line in lines if line.startswith("exclude-quarter"))
    assert "729" in row and "730.0" in row and "inside" in row


def test_plots_are_written(tmp_path):
    demo_png, chart_png = tmp_path / "demo.png", tmp_path / "chart.png"
    assert invoke("hopfield", "demo", "--plot", demo_png).exit_code == 0
    result = invoke("hopfield", "montecarlo", "--trials", "100", "--seed", "1",
                    "--plot", chart_png)  # fmt: skip
    assert result.exit_code == 0
    for path in (demo_png, chart_png):
        assert path.read_bytes().startswith(b"\x89PNG")


def test_demo_json_reproduces_the_seeds_digits():
    payload = json.loads(invoke("hopfield", "demo", "--json").stdout)
    assert payload["sync"]["top half of 0"]["recalled"] == "0"
    assert payload["sync"]["bottom half of 2"]["recalled"] == "2"
    assert payload["sync"]["top half of 2"]["recalled"] == "mixture of 1 and 2"
    assert [run["recalled"] for run in payload["async"]] == ["1", "2"]  # seed 1
    for run in payload["async"]:
        trace = run["energy_trace"]
        assert all(b <= a for a, b in itertools.pairwise(trace))


def test_store_and_recover_never_show_the_password(tmp_path):
    network = tmp_path / "vault.npz"
    stored = invoke("hopfield", "store", network, "--seed", "2", input=f"{SECRET}\n{SECRET}\n")
    assert stored.exit_code == 0, stored.output
    assert SECRET not in stored.output
    assert "contain the password" in stored.stderr
    assert SECRET.encode() not in network.read_bytes()

    recovered = invoke("hopfield", "recover", network, input=f"{SECRET[:9]}\n")
    assert recovered.exit_code == 0
    assert recovered.stdout.splitlines()[-1] == SECRET  # the requested output, on stdout only
    assert SECRET not in recovered.stderr

    checked = invoke("hopfield", "recover", network, "--check", "--stdin",
                     input=f"{SECRET[:9]}\n{SECRET}\n")  # fmt: skip
    assert checked.exit_code == 0 and checked.stdout == "recovered: the password\n"
    wrong = invoke("hopfield", "recover", network, "--check", "--stdin", "--json",
                   input=f"{SECRET[:9]}\nsomething else\n")  # fmt: skip
    assert wrong.exit_code == 1 and json.loads(wrong.stdout)["recovered"] is False
    assert SECRET not in checked.output + wrong.output


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (("store", "{net}", "--stdin"), SECRET * 3 + "\n", 2, "longer than max_length=30"),
        (("store", "{net}", "--stdin"), SECRET + "é\n", 2, "outside ASCII"),
        (("store", "{net}", "--stdin"), " " + SECRET + "\n", 2, "starts with whitespace"),
        (("store", "{net}", "--stdin"), "", 2, "no password on standard input"),
        (("store", "{old}", "--stdin"), SECRET + "\n", 2, "already exists"),
        (("recover", "{old}", "--stdin"), SECRET * 3 + "\n", 2, "longer than max_length=30"),
        # All tildes fall into the mirror image of the stored pattern: not text.
        (("recover", "{old}", "--stdin"), "~" * 30 + "\n", 1, "not printable ASCII"),
        (("recover", "{junk}", "--stdin"), SECRET + "\n", 1, "not a Hopfield network file"),
    ],
)
def test_password_errors_do_not_echo_it(args, stdin, code, message, tmp_path):
    old, junk = tmp_path / "old.npz", tmp_path / "junk.npz"
    assert invoke("hopfield", "store", old, "--stdin", "--seed", "1", input="abc\n").exit_code == 0
    junk.write_bytes(b"junk")
    paths = {"net": tmp_path / "new.npz", "old": old, "junk": junk}
    result = invoke("hopfield", *(a.format(**paths) for a in args), input=stdin)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert SECRET not in result.output and SECRET[:6] not in result.output


def test_store_json_and_force(tmp_path):
    network = tmp_path / "v.npz"
    first = invoke("hopfield", "store", network, "--stdin", "--json", "--noise-level", "3",
                   input="pa55word\n")  # fmt: skip
    payload = json.loads(first.stdout)
    assert payload["neurons"] == 240 and payload["patterns"] == 4
    assert any("contain the password" in w for w in payload["warnings"])
    again = invoke("hopfield", "store", network, "--stdin", "--force", input="other\n")
    assert again.exit_code == 0
    result = invoke("hopfield", "recover", network, "--stdin", "--json", input="oth\n")
    assert json.loads(result.stdout)["recovered"] == "other"


def test_montecarlo_json_is_what_the_export_writes(tmp_path):
    """The studio exports a run with export_montecarlo; the command prints the same JSON."""
    from engines.hopfield.montecarlo import export_montecarlo, montecarlo_recipe
    from engines.hopfield.params import MonteCarloParams

    printed = json.loads(
        invoke("hopfield", "montecarlo", "--trials", "3000", "--seed", "5", "--json").stdout
    )
    result = montecarlo_recipe(None, MonteCarloParams(trials=3000), seed=5)
    written = json.loads(export_montecarlo(result, tmp_path / "mc.json").read_text())
    assert printed.pop("seconds") >= 0 and written.pop("seconds") >= 0
    assert printed == written
    assert (printed["fails"]["exclude-one"], printed["fails"]["exclude-quarter"]) == (9, 236)


def test_store_reports_capacity_and_secret_warnings(tmp_path):
    network = tmp_path / "small.npz"
    result = invoke("hopfield", "store", network, "--stdin", "--json", "--noise-level", "20",
                    "--max-length", "4", input="abc\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)["warnings"]
    assert "exceed the n/(2 ln n) capacity" in first and "contain the password" in second
