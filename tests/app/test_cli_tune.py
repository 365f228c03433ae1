"""``gasworks tune``: its JSON, a stored study resumed, and the storage errors (exit 2,
nothing changed)."""

from __future__ import annotations

FAST = ("--space", "units", "--epochs", "1")


def test_json_is_the_sampler_trials_best_and_history(gasworks):
    result = gasworks("tune", "digits", "--sampler", "gp", "--trials", "3", *FAST, "--json")
    assert result.exit_code == 0, result.output
    payload = result.json
    assert list(payload) == ["sampler", "trials", "best", "history"]
    assert payload["sampler"] == "gp" and payload["trials"] == 3 and len(payload["history"]) == 3
    assert list(payload["best"]) == ["value", "params"]
    assert payload["best"]["value"] == payload["history"][-1] == min(payload["history"])
    assert set(payload["best"]["params"]) == {"units"}


def test_a_stored_study_resumes(gasworks, tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    first = gasworks("tune", "digits", "--sampler", "random", "--trials", "2", *FAST,
                     "--storage", url, "--study", "s", "--json")  # fmt: skip
    assert first.exit_code == 0, first.output
    second = gasworks("tune", "digits", "--sampler", "random", "--trials", "3", *FAST,
                      "--storage", url, "--study", "s", "--json")  # fmt: skip
    assert second.exit_code == 0 and second.json["trials"] == 3
    assert second.json["history"][:2] == first.json["history"]
    human = gasworks("tune", "digits", "--sampler", "random", "--trials", "3", *FAST,
                     "--storage", url, "--study", "s")  # fmt: skip
    assert human.exit_code == 0 and "study 's'" in human.stdout and "3 trials" in human.stdout


def test_storage_mistakes_exit_2_and_change_nothing(gasworks, tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("keep me\n")
    bad = gasworks("tune", "digits", "--trials", "1", *FAST, "--storage", f"sqlite:///{notes}")
    assert bad.exit_code == 2 and "cannot be opened" in bad.stderr
    assert "Traceback" not in bad.output and notes.read_text() == "keep me\n"
    url = f"sqlite:///{tmp_path / 'study.db'}"
    made = gasworks("tune", "digits", "--sampler", "random", "--trials", "1", *FAST,
                    "--storage", url, "--study", "s")  # fmt: skip
    assert made.exit_code == 0, made.output
    before = (tmp_path / "study.db").read_bytes()
    other = gasworks("tune", "digits", "--trials", "1", "--space", "tree", "--epochs", "1",
                     "--storage", url, "--study", "s")  # fmt: skip
    assert other.exit_code == 2 and "searches digits / space 'units'" in other.stderr
    assert (tmp_path / "study.db").read_bytes() == before
