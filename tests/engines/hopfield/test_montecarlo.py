"""The batched Monte Carlo: its pieces against plain references, and its rates in band."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import stats

from engines.hopfield.engine import DiscreteHopfieldNetwork
from engines.hopfield.montecarlo import (
    CASE_NAMES,
    REFERENCE_RATES_PER_10K,
    SEED_TABLES,
    SEED_TRIALS,
    SYMBOLS,
    MonteCarloProgress,
    binomial_band,
    bipolar_bits,
    broken_codes,
    decoded_matches,
    export_montecarlo,
    kept_characters,
    montecarlo_payload,
    montecarlo_recipe,
    noise_bipolar,
    recall_batch,
    wilson_interval,
)
from engines.hopfield.params import HopfieldParams, MonteCarloParams
from engines.hopfield.password import bin2str
from tests.engines.hopfield import naive

#: Band used by the tests: wide enough that a correct implementation is inside for any seed
#: with overwhelming probability, narrow enough to catch a wrong recall or decoding.
TEST_CONFIDENCE = 0.999


def padded_passwords(rng, trials, length=25, max_length=30):
    codes = np.frombuffer(SYMBOLS.encode(), np.uint8)[rng.integers(0, 94, (trials, length))]
    padded = np.full((trials, max_length), ord(" "), np.uint8)
    padded[:, max_length - length :] = codes
    return padded


def as_text(codes):
    return codes.tobytes().decode("latin-1")


# ----------------------------------------------------------------------------- statistics
@pytest.mark.parametrize(
    ("n", "p"), [(4000, 0.00143), (4000, 0.073), (10_000, 0.58), (3000, 0.99993), (50, 0.5)]
)
def test_binomial_band_matches_scipy(n, p):
    for confidence in (0.95, 0.999):
        assert binomial_band(n, p, confidence) == tuple(
            int(v) for v in stats.binom.interval(confidence, n, p)
        )


def test_wilson_interval_known_values():
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    for k, n, confidence in ((729, 10_000, 0.95), (11, 10_000, 0.95), (3, 40, 0.99)):
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
        assert wilson_interval(k, n, confidence) == pytest.approx((ci.low, ci.high), rel=1e-9)
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


# ----------------------------------------------------------------------------- the pieces
def test_noise_bipolar_probability_is_exact():
    rng = np.random.default_rng(0)
    noise = noise_bipolar(rng, (400, 11, 240), 0.55)
    assert noise.dtype == np.float32 and set(np.unique(noise)) == {-1.0, 1.0}
    ones = int(np.sum(noise > 0))
    lo, hi = binomial_band(noise.size, 0.55, TEST_CONFIDENCE)
    assert lo <= ones <= hi
    # A probability that is not a multiple of 1/256 is reached exactly, not rounded.
    rare = noise_bipolar(rng, (2_000_000,), 0.001)
    lo, hi = binomial_band(rare.size, 0.001, TEST_CONFIDENCE)
    assert lo <= int(np.sum(rare > 0)) <= hi


def test_left_and_right_cuts_match_the_seeds_cutword():
    rng = np.random.default_rng(1)
    padded = padded_passwords(rng, 20)
    for k in kept_characters(25).values():
        left = broken_codes(padded, 25, k, "left", rng)
        right = broken_codes(padded, 25, k, "right", rng)
        for row in range(20):
            word = as_text(padded[row, 5:])
            assert as_text(left[row]) == naive.cutword(word, k, fromleft=True).rjust(30)
            assert as_text(right[row]) == naive.cutword(word, k, fromleft=False).rjust(30)


def test_random_and_remove_cuts_keep_exactly_k_characters():
    rng = np.random.default_rng(2)
    padded = padded_passwords(rng, 200)
    for k in (24, 18, 12, 1, 0):
        spaced = broken_codes(padded, 25, k, "random", rng)
        removed = broken_codes(padded, 25, k, "remove", rng)
        kept = spaced[:, 5:] != ord(" ")
        np.testing.assert_array_equal(kept.sum(axis=1), k)
        np.testing.assert_array_equal(spaced[:, 5:][kept], padded[:, 5:][kept])  # in place
        np.testing.assert_array_equal(removed[:, : 30 - k], ord(" "))
        for row in range(200):
            # The kept characters, in order, right-justified: a subsequence of the password.
            word, tail = iter(as_text(padded[row, 5:])), as_text(removed[row, 30 - k :])
            assert all(char in word for char in tail)
        if 0 < k < 25:  # the choice is random: not always the same positions
            assert len({tuple(row) for row in kept}) >= 0.8 * min(100, math.comb(25, k))


def test_recall_batch_matches_the_engine():
    rng = np.random.default_rng(3)
    trials, n = 40, 240
    padded = padded_passwords(rng, trials)
    password = bipolar_bits(padded)
    noise = noise_bipolar(rng, (trials, 11, n), 0.55)
    probe = bipolar_bits(broken_codes(padded, 25, 12, "left", rng))
    for recall in ("sync", "converge"):
        batch = recall_batch(password, noise, probe, recall=recall)
        for t in range(trials):
            patterns = np.vstack([password[t], noise[t]]).astype(int)
            net = DiscreteHopfieldNetwork(HopfieldParams(tie="off"), data=patterns)
            expected = net.predict(probe[t].astype(int), mode=recall) > 0
            np.testing.assert_array_equal(batch[t], expected)
            if recall == "sync":
                w = naive.weight((patterns > 0).astype(int))
                np.testing.assert_array_equal(
                    batch[t], naive.predict_sync(w, (probe[t] > 0).astype(int)) > 0
                )


def test_decoded_matches_is_the_seeds_string_comparison():
    rng = np.random.default_rng(4)
    padded = padded_passwords(rng, 6)
    states = np.unpackbits(padded, axis=1).astype(bool)
    prefixes = [b"     ", b"\t\n\x0b\x0c\r", b"\x1c\x1f\x85\xa0 ", b"    \x00", b"   A ", b"     "]
    codes = padded.copy()
    for row, prefix in enumerate(prefixes):
        codes[row, :5] = np.frombuffer(prefix, np.uint8)
    codes[5, 29] ^= 1  # last character wrong
    states = np.unpackbits(codes, axis=1).astype(bool)
    got = decoded_matches(states, padded, 25)
    pairs = zip(states, padded, strict=True)
    expected = [bin2str(s.astype(int)) == as_text(p[5:]) for s, p in pairs]
    assert got.tolist() == expected == [True, True, True, False, False, False]


# ----------------------------------------------------------------------------- the run
def test_montecarlo_is_inside_the_reference_band():
    result = montecarlo_recipe(None, MonteCarloParams(trials=4000, seed=2024))
    assert result.trials == 4000 and not result.cancelled and result.is_reference_setting
    for case in CASE_NAMES:
        lo, hi = stats.binom.interval(TEST_CONFIDENCE, 4000, REFERENCE_RATES_PER_10K[case] / 1e4)
        assert lo <= result.fails[case] <= hi, case
        assert result.reference_band(case, TEST_CONFIDENCE) == (lo, hi)
    # As in the seed: the less is known, the more fails; one symbol or none is hopeless.
    fails = [result.fails[case] for case in CASE_NAMES]
    assert fails[0] < fails[1] < fails[2] < min(fails[3:])
    assert fails[0] < 30 and fails[2] > 2000 and min(fails[3:]) >= 3990


def test_other_cuts_agree_with_the_seeds_tables():
    for cut in ("right", "random", "remove"):
        result = montecarlo_recipe(None, MonteCarloParams(trials=2000, seed=7, cut=cut))
        assert not result.is_reference_setting and result.reference_band(CASE_NAMES[0]) is None
        for case in ("exclude-one", "exclude-quarter", "exclude-half"):
            seed_rate = SEED_TABLES[cut][case] / SEED_TRIALS
            # Two independent samples (2,000 here, 10,000 in the seed): 4 sd of the difference.
            sd = np.sqrt(seed_rate * (1 - seed_rate) * (1 / 2000 + 1 / SEED_TRIALS))
            assert abs(result.rate(case) - seed_rate) <= 4 * sd + 1.5e-3, (cut, case)


def test_batched_and_per_trial_loops_agree():
    trials = 300
    per_trial = naive.per_trial_fails(trials, seed=5)
    batched = montecarlo_recipe(None, MonteCarloParams(trials=trials, seed=5)).fails
    for case in ("exclude-quarter", "exclude-half"):
        p = (per_trial[case] + batched[case]) / (2 * trials)
        sd = np.sqrt(2 * p * (1 - p) / trials)
        assert abs(per_trial[case] - batched[case]) / trials <= 4 * sd, case
    assert per_trial["empty-string"] >= trials - 2 and batched["empty-string"] >= trials - 2


def test_converging_recall_recovers_far_more():
    sync = montecarlo_recipe(None, MonteCarloParams(trials=500, seed=8))
    converge = montecarlo_recipe(None, MonteCarloParams(trials=500, seed=8, recall="converge"))
    assert converge.fails["exclude-half"] < sync.fails["exclude-half"] / 10
    assert converge.fails["empty-string"] < sync.fails["empty-string"]


def test_seeded_runs_repeat_and_the_callback_can_cancel():
    a = montecarlo_recipe(None, MonteCarloParams(trials=600, seed=11))
    b = montecarlo_recipe(None, MonteCarloParams(trials=600), seed=11)
    assert a.fails == b.fails and a.seed == b.seed == a.params.seed == 11
    assert a == b  # the wall time is not compared
    calls = []

    def callback(progress):
        calls.append(progress)
        return progress.iteration >= 300

    part = montecarlo_recipe(None, MonteCarloParams(trials=2000, seed=11), callback=callback)
    assert part.cancelled and 300 <= part.trials < 2000
    assert all(isinstance(c, MonteCarloProgress) and c.budget == 2000 for c in calls)
    assert calls[-1].iteration == part.trials and calls[-1].fails == part.fails
    assert [c.iteration for c in calls] == sorted(c.iteration for c in calls)
    assert not calls[-1].done and calls[-1].fraction == part.trials / 2000
    fresh = montecarlo_recipe(None, MonteCarloParams(trials=10))
    assert 0 <= fresh.seed <= 2**32 - 1 and fresh.params.seed == fresh.seed


def test_the_result_does_not_depend_on_the_callback():
    """The studio watches the run with a callback; the command line does not. Both give what
    ``gasworks hopfield montecarlo --trials 3000 --seed 5`` has always printed."""
    params = MonteCarloParams(trials=3000)
    seen = []
    watched = montecarlo_recipe(None, params, seed=5, callback=lambda p: seen.append(p) and False)
    alone = montecarlo_recipe(None, params, seed=5)
    assert watched.fails == alone.fails
    assert (alone.fails["exclude-one"], alone.fails["exclude-quarter"]) == (9, 236)
    assert len(seen) > 1 and seen[-1].done and seen[-1].iteration == 3000
    assert seen[-1].fails == alone.fails and seen[-1].fraction == 1.0


def test_montecarlo_rejects_a_source_and_a_bad_seed():
    with pytest.raises(ValueError, match="source must be None"):
        montecarlo_recipe("sample:page", MonteCarloParams(trials=10))
    with pytest.raises(ValueError, match="seed must be an integer from 0 to 4294967295"):
        montecarlo_recipe(None, MonteCarloParams(trials=10), seed=2**32)


def test_export_writes_the_json_summary_or_the_chart(tmp_path):
    result = montecarlo_recipe(None, MonteCarloParams(trials=200, seed=1))
    path = export_montecarlo(result, tmp_path / "mc.json")
    data = json.loads(path.read_text())
    assert data == json.loads(json.dumps(montecarlo_payload(result)))
    assert data["fails"] == result.fails and data["seed"] == 1 and data["seconds"] >= 0
    with pytest.raises(FileExistsError):
        export_montecarlo(result, path, overwrite=False)
    png = export_montecarlo(result, tmp_path / "mc.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match=".json or .png"):
        export_montecarlo(result, tmp_path / "mc.txt")


def test_result_summary():
    result = montecarlo_recipe(None, MonteCarloParams(trials=200, seed=1))
    payload = result.to_dict()
    assert payload["trials"] == 200 and set(payload["fails"]) == set(CASE_NAMES)
    assert payload["seed_table"] == SEED_TABLES["left"]
    for case in CASE_NAMES:
        lo, hi = payload["interval_per_10k"][case]
        assert lo <= payload["rate_per_10k"][case] <= hi


@pytest.mark.parametrize(
    "fields",
    [
        {"trials": 0},
        {"cut": "middle"},
        {"recall": "async"},
        {"noise_level": 0},
        {"password_length": 31},
        {"seed": -1},
        {"colour": 1},
    ],
)
def test_params_are_validated(fields):
    with pytest.raises(ValidationError):
        MonteCarloParams(**fields)
