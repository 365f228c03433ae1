"""Password encoding, storage among noise rows, and recovery."""

from __future__ import annotations

import string

import numpy as np
import pytest
from pydantic import ValidationError

from engines.hopfield.params import HopfieldParams, PasswordParams
from engines.hopfield.password import (
    PasswordError,
    bin2str,
    noise_rows,
    recover_password,
    store_password,
    str2bin,
)
from tests.engines.hopfield import naive

SEED_PASSWORD = "$My%Super^Secret*^&Passwd"


def random_text(rng, length, alphabet=naive.SYMBOLS):
    return "".join(alphabet[i] for i in rng.integers(0, len(alphabet), length))


def test_str2bin_matches_the_seed():
    bits = str2bin("test", max_length=5)
    assert bits.shape == (40,) and bits.dtype == np.uint8
    assert bits[:8].tolist() == [0, 0, 1, 0, 0, 0, 0, 0]  # a space, 0x20
    assert bits[8:16].tolist() == [0, 1, 1, 1, 0, 1, 0, 0]  # "t", 0x74
    rng = np.random.default_rng(0)
    for length in (0, 1, 7, 30):
        text = random_text(rng, length, string.printable[:95])
        assert str2bin(text).tolist() == naive.str2bin(text)


def test_bin2str_inverts_str2bin_and_strips_padding():
    assert bin2str(str2bin("test", max_length=5)) == "test"
    rng = np.random.default_rng(1)
    for _ in range(50):
        text = random_text(rng, int(rng.integers(1, 31)))
        assert bin2str(str2bin(text)) == text
    # Any byte decodes (chr), as in the seed; leading whitespace of any kind is stripped.
    bits = np.unpackbits(np.array([0xA0, 0x09, 0xFF, 0x41], dtype=np.uint8))
    assert bin2str(bits) == "\xffA" == naive.bin2str(bits.tolist())
    assert bin2str(2 * bits.astype(int) - 1) == "\xffA"  # bipolar input
    with pytest.raises(ValueError, match="multiple of 8"):
        bin2str([1, 0, 1])


@pytest.mark.parametrize(
    ("text", "max_length", "match"),
    [
        ("x" * 31, 30, "longer than max_length=30"),
        ("abcé", 30, "outside ASCII \\(character 4\\)"),
        (b"bytes", 30, "must be a str"),
    ],
)
def test_str2bin_errors(text, max_length, match):
    with pytest.raises(PasswordError, match=match):
        str2bin(text, max_length)


def test_store_password_refuses_unrecoverable_passwords():
    with pytest.raises(PasswordError, match="empty"):
        store_password("")
    with pytest.raises(PasswordError, match="starts with whitespace"):
        store_password(" leading")
    with pytest.raises(PasswordError, match="longer than max_length=8"):
        store_password("ninechars", PasswordParams(max_length=8))


@pytest.mark.parametrize(
    ("password", "position"), [("Tr0\tb4", 4), ("\x01Tr0b4", 1), ("Tr0b4\x00", 6), ("Tr0\x7fb4", 4)]
)
def test_store_password_refuses_control_characters_without_echoing(password, position):
    """recover prints only printable text: a stored tab or NUL came back as a "spurious
    memory" although the network held it exactly."""
    with pytest.raises(PasswordError, match=f"control character \\(character {position}:") as info:
        store_password(password)
    assert "Tr0" not in str(info.value) and "b4" not in str(info.value)


def test_store_password_network():
    net = store_password(SEED_PASSWORD, PasswordParams(noise_level=12), seed=0)
    assert net.holds_secret
    assert net.n_features == 240 and net.n_patterns == 13
    assert net.metadata == {"kind": "password", "max_length": 30}
    np.testing.assert_array_equal(np.diag(net.weight), 0)


def test_recovery_of_the_seeds_example():
    net = store_password(SEED_PASSWORD, PasswordParams(noise_level=12), seed=0)
    assert recover_password(net, "-My-Super-Secret---Passwd") == SEED_PASSWORD
    assert recover_password(net, SEED_PASSWORD) == SEED_PASSWORD
    assert recover_password(net, "Invalid") != SEED_PASSWORD
    recovered = sum(
        recover_password(
            store_password(SEED_PASSWORD, PasswordParams(noise_level=12), seed=seed),
            "-My-Super-Secret---Passwd",
        )
        == SEED_PASSWORD
        for seed in range(60)
    )
    assert recovered >= 55  # 98 of 100 seeds measured


def test_recovery_modes_and_shorter_passwords():
    net = store_password(
        "hunter2",
        PasswordParams(max_length=12, noise_level=3),
        network_params=HopfieldParams(n_times=5000),  # async: enough updates for 96 neurons
        seed=4,
    )
    assert recover_password(net, "hunt   ") == "hunter2"
    for mode in ("converge", "async"):
        assert recover_password(net, "hunt   ", mode=mode) == "hunter2"
    with pytest.raises(PasswordError, match="broken password is longer than max_length=12"):
        recover_password(net, "x" * 13)


def test_recover_needs_a_password_sized_network():
    from engines.hopfield.engine import DiscreteHopfieldNetwork

    net = DiscreteHopfieldNetwork(data=np.ones((1, 12)))
    with pytest.raises(ValueError, match="whole number"):
        recover_password(net, "x")
    with pytest.raises(TypeError):
        recover_password("not a network", "x")


def test_noise_rows_are_binomial():
    rng = np.random.default_rng(2)
    rows = noise_rows(200, 240, rng)
    assert rows.shape == (200, 240) and set(np.unique(rows)) == {0, 1}
    # 48,000 bits with p = 0.55: sd 0.0023.
    assert abs(rows.mean() - 0.55) < 0.01
    with pytest.raises(ValueError, match="probability"):
        noise_rows(1, 8, rng, probability=1.5)


def test_same_seed_same_network():
    a = store_password("abc123!", seed=9)
    b = store_password("abc123!", seed=9)
    c = store_password("abc123!", seed=10)
    np.testing.assert_array_equal(a.weight, b.weight)
    assert not np.array_equal(a.weight, c.weight)


@pytest.mark.parametrize(
    "fields", [{"noise_level": 0}, {"max_length": 0}, {"noise_probability": 1.0}, {"pw": "x"}]
)
def test_password_params_are_validated(fields):
    with pytest.raises(ValidationError):
        PasswordParams(**fields)


def test_network_params_pass_through():
    net = store_password("abc", network_params=HopfieldParams(mode="converge"), seed=1)
    assert net.params.mode == "converge"
