"""DiscreteHopfieldNetwork: weights, recall modes, energy, capacity, engine contract, files."""

from __future__ import annotations

import math
import os
import stat
import warnings

import numpy as np
import pytest
from pydantic import ValidationError

from engines.core import Engine, Snapshot, run
from engines.errors import InputError, ParameterError
from engines.hopfield import digits
from engines.hopfield.engine import (
    TRACE_BLOCK,
    CapacityError,
    CapacityWarning,
    DiscreteHopfieldNetwork,
    HopfieldSnapshot,
    SecretWarning,
    capacity,
    check_capacity,
)
from engines.hopfield.params import HopfieldParams
from tests.engines.hopfield import naive


def random_patterns(rng, rows, cols):
    return rng.integers(0, 2, size=(rows, cols)).astype(np.int8)


# ----------------------------------------------------------------------------- weights
def test_weight_of_the_seeds_worked_example():
    expected = np.array([[0, -1, 1, -1], [-1, 0, -1, 1], [1, -1, 0, -1], [-1, 1, -1, 0]])
    for u in ([1, -1, 1, -1], [1, 0, 1, 0], [[1, -1, 1, -1]]):
        net = DiscreteHopfieldNetwork(data=u)
        np.testing.assert_array_equal(net.weight, expected)
        assert net.weight.dtype.kind == "i"
        assert net.n_patterns == 1


def test_weight_is_xtx_minus_m_identity():
    rng = np.random.default_rng(3)
    patterns = random_patterns(rng, 5, 40)
    net = DiscreteHopfieldNetwork(data=patterns)
    bipolar = 2 * patterns.astype(int) - 1
    np.testing.assert_array_equal(net.weight, bipolar.T @ bipolar - 5 * np.eye(40, dtype=int))
    np.testing.assert_array_equal(net.weight, naive.weight(patterns))
    np.testing.assert_array_equal(net.weight, net.weight.T)
    assert not net.weight.flags.writeable


def test_training_again_adds_to_the_weights():
    rng = np.random.default_rng(4)
    a, b = random_patterns(rng, 2, 60), random_patterns(rng, 3, 60)
    once = DiscreteHopfieldNetwork(data=np.vstack([a, b]))
    twice = DiscreteHopfieldNetwork(data=a).train(b)
    np.testing.assert_array_equal(once.weight, twice.weight)
    assert twice.n_patterns == 5
    bipolar = DiscreteHopfieldNetwork(data=np.vstack([2 * a - 1, 2 * b - 1]))
    np.testing.assert_array_equal(once.weight, bipolar.weight)


# ----------------------------------------------------------------------------- sync recall
def test_sync_recovers_the_seeds_digits():
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    np.testing.assert_array_equal(net.predict(digits.HALF_ZERO), digits.ZERO)
    np.testing.assert_array_equal(net.predict(digits.HALF_TWO_BOTTOM), digits.TWO)
    # The seed's printed output for the top half of 2: a mixture of 1 and 2.
    mixture = net.predict(digits.HALF_TWO_TOP)
    np.testing.assert_array_equal(mixture, digits.ONE_TWO_MIXTURE)
    assert digits.draw(mixture) == [
        "|   * *", "|     *", "|     *", "|   * *", "| *   *", "| * * * * *",
    ]  # fmt: skip


def test_sync_matches_neupys_predict_including_ties():
    rng = np.random.default_rng(5)
    ties = 0
    for _ in range(30):
        patterns = random_patterns(rng, 2, 9)
        net = DiscreteHopfieldNetwork(data=patterns)
        probes = random_patterns(rng, 20, 9)
        ties += int(np.sum(probes @ net.weight == 0))
        np.testing.assert_array_equal(
            net.predict(probes), naive.predict_sync(naive.weight(patterns), probes)
        )
    assert ties > 0  # the comparison covered the tie rule


def test_tie_rule_off_versus_keep():
    # Neuron 0 is +1 in both patterns while the others disagree: its field is always 0.
    patterns = np.array([[1, 1, 1], [1, -1, -1]])
    probe = np.array([1, 1, -1])
    off = DiscreteHopfieldNetwork(HopfieldParams(tie="off", capacity="ignore"), data=patterns)
    keep = DiscreteHopfieldNetwork(HopfieldParams(tie="keep", capacity="ignore"), data=patterns)
    np.testing.assert_array_equal(probe @ off.weight, [0, -2, 2])
    np.testing.assert_array_equal(off.predict(probe), [-1, -1, 1])  # NeuPy: a tie is off
    np.testing.assert_array_equal(keep.predict(probe), [1, -1, 1])
    np.testing.assert_array_equal(off.predict([1, 1, 0]), [0, 0, 1])  # binary: off is 0


def test_outputs_follow_the_probes_encoding():
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    binary = net.predict(digits.HALF_ZERO)
    bipolar = net.predict(2 * digits.HALF_ZERO.astype(int) - 1)
    assert set(np.unique(binary)) == {0, 1}
    assert set(np.unique(bipolar)) == {-1, 1}
    np.testing.assert_array_equal(bipolar, 2 * binary - 1)
    batch = net.recall(np.stack([digits.HALF_ZERO, digits.HALF_TWO_BOTTOM]))
    assert batch.state.shape == (2, 30)
    np.testing.assert_array_equal(batch.state[1], digits.TWO)
    assert batch.outcome == ("single-step", "single-step")


# ----------------------------------------------------------------------------- converge
def test_converge_stops_at_fixed_points_and_two_cycles():
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    stored = net.recall(digits.DIGITS, mode="converge")
    np.testing.assert_array_equal(stored.state, digits.DIGITS)
    assert stored.outcome == ("fixed-point",) * 3
    np.testing.assert_array_equal(stored.iterations, [1, 1, 1])
    top = net.recall(digits.HALF_TWO_TOP, mode="converge")
    assert top.outcome == "two-cycle"
    once = net.predict(top.state, mode="sync")
    assert not np.array_equal(once, top.state)
    np.testing.assert_array_equal(net.predict(once, mode="sync"), top.state)


def test_converge_result_is_stable_or_a_two_cycle_on_random_networks():
    rng = np.random.default_rng(6)
    for _ in range(10):
        net = DiscreteHopfieldNetwork(data=random_patterns(rng, 4, 50))
        result = net.recall(random_patterns(rng, 8, 50), mode="converge")
        for state, outcome in zip(result.state, result.outcome, strict=True):
            once = net.predict(state, mode="sync")
            if outcome == "fixed-point":
                np.testing.assert_array_equal(once, state)
            else:
                assert outcome == "two-cycle"
                np.testing.assert_array_equal(net.predict(once, mode="sync"), state)


# ----------------------------------------------------------------------------- async recall
def async_net(seed, n_times=400, tie="off", data=digits.DIGITS):
    return DiscreteHopfieldNetwork(
        HopfieldParams(mode="async", n_times=n_times, tie=tie), data=data, seed=seed
    )


def test_async_recovers_zero_from_its_top_half():
    for seed in range(10):
        np.testing.assert_array_equal(async_net(seed).predict(digits.HALF_ZERO), digits.ZERO)


def test_async_from_the_top_half_of_two_lands_on_one_or_two():
    landed = {"1": 0, "2": 0, "other": 0}
    for seed in range(30):
        result = async_net(seed).recall(digits.HALF_TWO_TOP)
        assert result.outcome == "fixed-point"
        assert not np.array_equal(result.state, digits.TWO_WITHOUT_LAST_PIXEL)
        if np.array_equal(result.state, digits.ONE):
            landed["1"] += 1
        elif np.array_equal(result.state, digits.TWO):
            landed["2"] += 1
        else:
            landed["other"] += 1
    assert landed["1"] >= 8 and landed["2"] >= 8
    assert landed["other"] <= 6


def test_seeds_two_without_last_pixel_is_not_a_fixed_point():
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    field = net.weight @ (2 * digits.TWO_WITHOUT_LAST_PIXEL.astype(int) - 1)
    assert field[-1] > 0  # the last neuron wants to be on: only a frozen neuron keeps it off
    assert net.energy(digits.TWO_WITHOUT_LAST_PIXEL) > net.energy(digits.TWO)


@pytest.mark.parametrize("tie", ["off", "keep"])
def test_energy_never_increases_during_async_recall(tie):
    rng = np.random.default_rng(7)
    for trial in range(12):
        patterns = random_patterns(rng, 3 + trial % 4, 60)
        net = async_net(trial, n_times=2000, tie=tie, data=patterns)
        probe = random_patterns(rng, 1, 60)[0]
        start = net.start(probe)
        assert start.energy == pytest.approx(naive.energy(naive.weight(patterns), probe))
        final = run(net, 2000, every=37)
        trace = net.energy_trace
        assert trace.size == final.iteration + 1
        assert np.all(np.diff(trace) <= 0)
        assert trace[-1] < trace[0] or np.array_equal(final.state, probe)
        assert final.energy == pytest.approx(naive.energy(naive.weight(patterns), final.state))
        assert final.stable


def test_energy_values():
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    np.testing.assert_allclose(net.energy(digits.DIGITS), [-405.0, -423.0, -423.0])
    rng = np.random.default_rng(8)
    states = random_patterns(rng, 5, 30)
    expected = [naive.energy(naive.weight(digits.DIGITS), s) for s in states]
    np.testing.assert_allclose(net.energy(states), expected)
    assert isinstance(net.energy(states[0]), float)


def test_engine_contract_and_chunk_independence():
    net = async_net(11, n_times=300)
    assert isinstance(net, Engine)
    assert net.done  # nothing started
    with pytest.raises(RuntimeError, match="start"):
        net.step()
    with pytest.raises(RuntimeError, match="start"):
        net.snapshot()
    first = net.start(digits.HALF_TWO_TOP)
    assert isinstance(first, HopfieldSnapshot) and isinstance(first, Snapshot)
    assert first.iteration == 0 and not first.stable
    assert (first.done, first.stop_reason) == (False, "")
    np.testing.assert_array_equal(first.error_history, [first.energy])
    with pytest.raises(ValueError):
        first.state[0] = 1  # frozen copy
    with pytest.raises(ValueError):
        first.error_history[0] = 1.0
    seen = []
    final = run(net, 300, lambda s: seen.append(s.iteration), every=1)
    assert seen == list(range(1, final.iteration + 1))
    assert final.done and final.stable and final.stop_reason.startswith("stable")
    assert final.error_history.dtype == np.float64
    np.testing.assert_array_equal(final.error_history, net.energy_trace)
    assert final.error == final.energy == final.error_history[-1]
    np.testing.assert_array_equal(first.error_history, final.error_history[:1])

    other = async_net(11, n_times=300)
    other.start(digits.HALF_TWO_TOP)
    chunked = run(other, 300, every=23)
    adaptive_net = async_net(11, n_times=300)
    adaptive_net.start(digits.HALF_TWO_TOP)
    adaptive = run(adaptive_net, 300, lambda s: None)  # chunks sized by wall time
    for snap in (chunked, adaptive):
        np.testing.assert_array_equal(snap.state, final.state)
        assert snap.iteration == final.iteration
        np.testing.assert_array_equal(snap.error_history, final.error_history)

    third = async_net(11, n_times=300)
    third.start(digits.HALF_TWO_TOP)
    stopped = run(third, 300, lambda s: s.iteration >= 5, every=1)
    assert stopped.iteration == 5 and not third.done


def test_step_reports_energy_and_respects_the_budget():
    net = async_net(2, n_times=10)
    net.start(digits.HALF_TWO_TOP)
    stats = net.step(4)
    assert stats.steps == 4 and stats.iteration == 4
    assert stats.error == net.snapshot().energy
    stats = net.step(100)
    assert stats.iteration <= 10 and net.done
    assert net.step(5).steps == 0


def test_a_spent_budget_is_the_stop_reason():
    net = async_net(2, n_times=3)
    net.start(digits.HALF_TWO_TOP)
    snap = run(net, 100)
    assert snap.iteration == 3 and not snap.stable and snap.done
    assert snap.stop_reason == "budget of 3 updates spent (params.n_times)"


def test_long_recall_trace_grows_and_old_snapshots_keep_theirs():
    rng = np.random.default_rng(3)
    patterns = random_patterns(rng, 2, 400)
    n_times = 3 * TRACE_BLOCK
    net = DiscreteHopfieldNetwork(HopfieldParams(mode="async", n_times=n_times), patterns)
    net.start(random_patterns(rng, 1, 400)[0])
    early = run(net, 10, every=10)
    kept = early.error_history.copy()
    final = run(net, n_times, every=500)
    assert final.iteration > TRACE_BLOCK  # the buffer had to grow
    assert final.error_history.shape == (final.iteration + 1,)
    np.testing.assert_array_equal(final.error_history, net.energy_trace)
    np.testing.assert_array_equal(final.error_history[:11], kept)
    np.testing.assert_array_equal(early.error_history, kept)
    assert np.all(np.diff(final.error_history) <= 0)


def test_same_seed_same_result_and_recall_matches_start_step():
    a = async_net(21).recall(digits.HALF_TWO_TOP)
    b = async_net(21).recall(digits.HALF_TWO_TOP)
    np.testing.assert_array_equal(a.state, b.state)
    assert a.iterations == b.iterations
    net = async_net(21)
    net.start(digits.HALF_TWO_TOP)
    snap = run(net, 400, every=400)
    np.testing.assert_array_equal(snap.state, a.state)


# ----------------------------------------------------------------------------- capacity
def test_capacity_figures():
    figures = capacity(30)
    assert figures.log_rule == pytest.approx(30 / (2 * math.log(30)))
    assert figures.log_rule == pytest.approx(4.4103, abs=1e-4)
    assert figures.strict_log_rule == pytest.approx(2.2051, abs=1e-4)
    assert figures.linear_rule == pytest.approx(4.14)
    assert capacity(240).log_rule == pytest.approx(21.895, abs=1e-3)
    assert "0.138 n = 33.12" in capacity(240).describe(12)
    with pytest.raises(ParameterError, match="n_features must be >= 2, got 1"):
        capacity(1)
    with pytest.raises(ParameterError, match="n_features must be an integer, got 30.0"):
        capacity(30.0)


def test_capacity_warns_raises_or_ignores():
    rng = np.random.default_rng(9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DiscreteHopfieldNetwork(data=random_patterns(rng, 4, 30))  # 4 <= 4.41: silent
    with pytest.warns(CapacityWarning, match=r"5 patterns exceed .* n/\(4 ln n\) = 2\.21"):
        DiscreteHopfieldNetwork(data=random_patterns(rng, 5, 30))
    net = DiscreteHopfieldNetwork(
        HopfieldParams(capacity="raise"), data=random_patterns(rng, 4, 30)
    )
    before = net.weight.copy()
    with pytest.raises(CapacityError, match="0.138 n = 4.14"):
        net.train(random_patterns(rng, 1, 30))
    np.testing.assert_array_equal(net.weight, before)
    assert net.n_patterns == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DiscreteHopfieldNetwork(HopfieldParams(capacity="ignore"), data=random_patterns(rng, 9, 30))
    with pytest.raises(ParameterError, match="action must be one of 'warn', 'raise', 'ignore'"):
        check_capacity(3, 30, "shout")


# ----------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("data", "match"),
    [
        ([[0, 1, 2, 1]], "got 2"),
        ([[0, 1, -1, 1]], "mixes 0 and -1"),
        ([[0.5, 1, 0, 1]], "got 0.5"),
        ([[np.nan, 1, 0, 1]], "NaN"),
        ([["a", "b"]], "numeric"),
        (np.zeros((0, 4)), "empty"),
        ([[1]], "at least 2 features"),
        (np.zeros((2, 2, 2)), "shape"),
    ],
)
def test_bad_patterns_are_named(data, match):
    with pytest.raises(ValueError, match=match):
        DiscreteHopfieldNetwork(data=data)


def test_bad_probes_and_arguments():
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    with pytest.raises(ValueError, match="has 29 features but the network has 30"):
        net.predict(digits.ZERO[:29])
    with pytest.raises(ValueError, match="have 4 features but the network has 30"):
        net.train([1, 0, 1, 0])
    with pytest.raises(ValueError, match="mode must be one of"):
        net.recall(digits.ZERO, mode="fast")
    net.start(digits.ZERO)
    with pytest.raises(ParameterError, match="n must be >= 0, got -1"):
        net.step(-1)
    with pytest.raises(ParameterError, match="n must be an integer, got 2.0"):
        net.step(2.0)
    with pytest.raises(ValueError, match="shape"):
        net.start(digits.DIGITS)
    with pytest.raises(RuntimeError, match="train"):
        DiscreteHopfieldNetwork().predict(digits.ZERO)
    with pytest.raises(TypeError, match="params"):
        DiscreteHopfieldNetwork(params={"mode": "sync"})


@pytest.mark.parametrize(
    ("seed", "match"),
    [
        (-1, r"seed must be an integer from 0 to 4294967295, got -1"),
        (2**32, r"seed must be an integer from 0 to 4294967295, got 4294967296"),
        (1.0, r"seed must be an integer .* got 1.0"),
        (True, r"seed must be an integer .* got True"),
        ("7", r"seed must be an integer .* got '7'"),
    ],
)
def test_bad_seed_is_a_parameter_error(seed, match):
    with pytest.raises(ParameterError, match=match):
        DiscreteHopfieldNetwork(seed=seed)
    with pytest.raises(ParameterError, match=match):
        DiscreteHopfieldNetwork.load("never-read.npz", seed=seed)


def test_seed_default_generator_and_none():
    def updates(**kwargs):
        net = DiscreteHopfieldNetwork(HopfieldParams(n_times=50), digits.DIGITS, **kwargs)
        net.start(digits.HALF_TWO_TOP)
        run(net, 50)
        return net.energy_trace

    np.testing.assert_array_equal(updates(), updates(seed=0))  # the default seed is 0
    np.testing.assert_array_equal(
        updates(seed=np.random.default_rng(4)), updates(seed=np.uint32(4))
    )
    assert updates(seed=None).shape[0] >= 1  # fresh entropy is allowed too
    with pytest.raises(TypeError, match="positional"):
        DiscreteHopfieldNetwork(HopfieldParams(), digits.DIGITS, 3)


@pytest.mark.parametrize(
    "fields",
    [{"n_times": 0}, {"mode": "fast"}, {"tie": "up"}, {"colour": "red"}, {"capacity": "x"}],
)
def test_params_are_validated(fields):
    with pytest.raises(ValidationError):
        HopfieldParams(**fields)


# ----------------------------------------------------------------------------- files
def test_save_and_load_round_trip(tmp_path):
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    net.metadata = {"note": "digits"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = net.save(tmp_path / "digits.npz")  # no secret: no warning
    loaded = DiscreteHopfieldNetwork.load(path)
    np.testing.assert_array_equal(loaded.weight, net.weight)
    assert loaded.n_patterns == 3 and loaded.metadata == {"note": "digits"}
    assert not loaded.holds_secret
    np.testing.assert_array_equal(loaded.predict(digits.HALF_ZERO), digits.ZERO)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_saving_a_secret_network_warns(tmp_path):
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    net.holds_secret = True
    with pytest.warns(SecretWarning, match="contain the password"):
        net.save(tmp_path / "secret.npz")
    assert DiscreteHopfieldNetwork.load(tmp_path / "secret.npz").holds_secret
    with pytest.raises(FileExistsError), pytest.warns(SecretWarning):
        net.save(tmp_path / "secret.npz", overwrite=False)


def test_loading_bad_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        DiscreteHopfieldNetwork.load(tmp_path / "missing.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a Hopfield network file"):
        DiscreteHopfieldNetwork.load(junk)
    other = tmp_path / "other.npz"
    np.savez(other, weight=np.ones((3, 3), dtype=int))
    with pytest.raises(InputError, match="missing"):
        DiscreteHopfieldNetwork.load(other)
    net = DiscreteHopfieldNetwork(data=digits.DIGITS)
    path = net.save(tmp_path / "ok.npz")
    with np.load(path) as archive:
        contents = dict(archive)
    contents["weight"] = contents["weight"] + np.triu(np.ones((30, 30), dtype=np.int32), 1)
    np.savez(tmp_path / "asym.npz", **contents)
    with pytest.raises(InputError, match="symmetric"):
        DiscreteHopfieldNetwork.load(tmp_path / "asym.npz")
