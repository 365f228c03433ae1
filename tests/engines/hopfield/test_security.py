"""The password never shows up in logs, output, warnings, errors, tracebacks or presets."""

from __future__ import annotations

import logging
import traceback
import warnings

import pytest

from engines.hopfield.engine import SecretWarning
from engines.hopfield.params import HopfieldParams, MonteCarloParams, PasswordParams
from engines.hopfield.password import (
    PasswordError,
    recover_password,
    store_password,
    str2bin,
)

SECRET = "Tr0ub4dor&3xyzzy"


def assert_hidden(text: str, secret: str = SECRET) -> None:
    assert secret not in text
    # Not even a recognisable piece of it.
    assert secret[:6] not in text and secret[-6:] not in text


def test_nothing_logged_or_printed_while_storing_and_recovering(caplog, capsys, tmp_path):
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = store_password(SECRET, seed=3)
        assert recover_password(net, SECRET[:10]) == SECRET
        net.save(tmp_path / "net.npz")
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    assert_hidden(caplog.text)
    assert [w.category for w in caught] == [SecretWarning]
    assert_hidden(str(caught[0].message))
    assert_hidden(repr(net))
    saved = (tmp_path / "net.npz").read_bytes()
    assert SECRET.encode("ascii") not in saved
    assert SECRET.encode("utf-32-le") not in saved  # nor as NumPy unicode text


@pytest.mark.parametrize(
    ("secret", "call"),
    [
        (SECRET + "y" * 20, lambda s: store_password(s)),
        (SECRET + "é", lambda s: store_password(s)),
        (" " + SECRET, lambda s: store_password(s)),
        (SECRET, lambda s: store_password(s, PasswordParams(max_length=8))),
        (SECRET + "ü", lambda s: str2bin(s)),
        (SECRET + "x" * 20, lambda s: recover_password(store_password("abc", seed=1), s)),
    ],
)
def test_errors_and_tracebacks_do_not_contain_the_password(secret, call, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(PasswordError) as info:
        call(secret)
    exc = info.value
    assert exc.__cause__ is None and exc.__context__ is None
    shown = "".join(traceback.format_exception(exc))
    for text in (str(exc), repr(exc), shown, caplog.text):
        assert_hidden(text, SECRET)
    logging.getLogger("test").exception("failed", exc_info=exc)
    assert_hidden(caplog.text, SECRET)


def test_no_parameter_record_can_hold_a_password():
    for model in (HopfieldParams, PasswordParams, MonteCarloParams):
        assert not any(name == "password" or "secret" in name for name in model.model_fields)
        with pytest.raises(ValueError):
            model(password=SECRET)
