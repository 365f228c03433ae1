"""The password-recovery Monte Carlo, batched over trials in plain NumPy.

Every trial draws a password of ``password_length`` characters from the 94 letters, digits
and punctuation marks; for each case (exclude-one, exclude-quarter, exclude-half,
just-one-symbol, empty-string) a broken copy keeps ``k`` of its characters, a fresh network
stores the password beside ``noise_level`` fresh binomial(1, 0.55) rows, and recovery
succeeds when the decoded state equals the password. This is the seed's experiment, with
the same encoding (8-bit ASCII right-justified to ``max_length``), the same weights
``W = XᵀX - mI``, NeuPy's recall (``x·W > 0`` → 1, a zero field → 0) and the same decoding
(``chr`` of every byte, leading whitespace stripped).

Speed comes from never forming the ``n × n`` weights: for a network storing the rows of
``X`` (``m × n``), ``x·W = (x·Xᵀ)·X - m·x``, two small products per network, batched over a
chunk of trials. Noise bits are drawn from raw generator bytes: a byte below
``floor(256 p)`` is a 1, a byte above is a 0, and the 1 in 256 bytes equal to it are decided
by a uniform float, so P(1) is exactly ``p``.

:func:`montecarlo_recipe` is the one way to run it (the command line, the studio and scripts
call it): a seed and params fix the result, whatever callback watches the run.

Cuts
----
How the broken copy loses characters (positions are those of the password):

``left``
    Keeps the last ``k`` characters in place, spaces before them (the seed's main table).
``right``
    Keeps the first ``k`` characters in place, spaces after them.
``random``
    Keeps ``k`` characters chosen at random, in place, spaces elsewhere. (The seed's script
    matched the kept characters greedily by value, so with repeated characters a kept one
    could slide to an earlier position; here positions are kept exactly.)
``remove``
    Keeps ``k`` characters chosen at random and drops the others without replacement: the
    shorter string is right-justified, so characters before a gap move.
"""

from __future__ import annotations

import json
import math
import string
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engines.core import Callback, Snapshot
from engines.errors import ParameterError
from engines.hopfield.params import (
    DEFAULT_MAX_ITERATIONS,
    DEFAULT_MAX_LENGTH,
    MONTECARLO_NOISE_LEVEL,
    MONTECARLO_PASSWORD_LENGTH,
    NOISE_PROBABILITY,
    MonteCarloParams,
)
from engines.validation import check_seed

#: The 94 symbols passwords are drawn from (no whitespace, so decoding cannot eat one).
SYMBOLS = string.ascii_letters + string.digits + string.punctuation
SYMBOL_CODES = np.frombuffer(SYMBOLS.encode("ascii"), dtype=np.uint8)
BITS_PER_CHAR = 8
SPACE = ord(" ")
#: Code points Python's ``str.lstrip()`` removes, among the 256 a byte can decode to.
WHITESPACE = np.array([chr(code).isspace() for code in range(256)])
BYTE_VALUES = 256
#: Noise elements (trials × noise rows × bits) handled per case in one batch.
CHUNK_ELEMENTS = 1 << 19

#: Cases: name → characters the broken copy keeps, from the password's length.
CASE_NAMES = ("exclude-one", "exclude-quarter", "exclude-half", "just-one-symbol", "empty-string")


def kept_characters(length: int) -> dict[str, int]:
    """Characters each case keeps of a password of ``length`` characters."""
    return {
        "exclude-one": length - 1,
        "exclude-quarter": 3 * length // 4,
        "exclude-half": length // 2,
        "just-one-symbol": min(1, length),
        "empty-string": 0,
    }


#: The seed's tables: fails in 10,000 trials for each cut.
SEED_TABLES: dict[str, dict[str, int]] = {
    "left": dict(zip(CASE_NAMES, (11, 729, 5823, 9998, 10000), strict=True)),
    "right": dict(zip(CASE_NAMES, (17, 705, 5815, 9995, 10000), strict=True)),
    "random": dict(zip(CASE_NAMES, (14, 749, 5760, 9998, 10000), strict=True)),
    "remove": dict(zip(CASE_NAMES, (3897, 9464, 9943, 9998, 9998), strict=True)),
}
SEED_TRIALS = 10_000
#: Fails per 10,000 of a faithful reimplementation over 200,000 trials (cut from the left).
REFERENCE_RATES_PER_10K: dict[str, float] = dict(
    zip(CASE_NAMES, (14.3, 730.0, 5800.0, 9997.5, 9999.3), strict=True)
)
PER_10K = 10_000
DEFAULT_CONFIDENCE = 0.95
#: Half-width of the window, in standard deviations, over which binomial tails are summed.
BAND_WINDOW_SD = 12.0


def fresh_seed() -> int:
    """A seed drawn from the operating system's entropy, in [0, 2**32 − 1] like every seed."""
    return int(np.random.SeedSequence().generate_state(1)[0])


def batch_trials(params: MonteCarloParams) -> int:
    """Trials per batch: about :data:`CHUNK_ELEMENTS` noise elements per case."""
    n_bits = BITS_PER_CHAR * params.max_length
    return max(1, CHUNK_ELEMENTS // (params.noise_level * n_bits))


@dataclass(frozen=True, kw_only=True)
class MonteCarloProgress(Snapshot):
    """A Monte Carlo under way: ``iteration`` trials done of ``budget``, and the fails so far.

    Attributes
    ----------
    fails : dict of str to int
        Case name → failed trials among the ``iteration`` done.
    seed : int
        The seed of the run.
    """

    fails: dict[str, int] = field(default_factory=dict)
    seed: int = 0


@dataclass(frozen=True)
class MonteCarloResult:
    """Counts of one Monte Carlo run.

    Attributes
    ----------
    params : MonteCarloParams
        What was run (its ``seed`` is the one used).
    seed : int
        The seed that reproduces this run.
    trials : int
        Trials completed (fewer than ``params.trials`` when cancelled).
    fails : dict of str to int
        Case name → trials whose recovered string differed from the password.
    cancelled : bool
        True when the callback stopped the run.
    seconds : float
        Wall time of the run (not compared: equal runs are equal however long they took).
    """

    params: MonteCarloParams
    seed: int
    trials: int
    fails: dict[str, int]
    cancelled: bool = False
    seconds: float = field(default=math.nan, compare=False)

    def rate(self, case: str) -> float:
        """Fraction of trials that failed in ``case`` (NaN before any trial)."""
        return self.fails[case] / self.trials if self.trials else math.nan

    def interval(self, case: str, confidence: float = DEFAULT_CONFIDENCE) -> tuple[float, float]:
        """Wilson score interval of the failure rate of ``case`` (fractions)."""
        return wilson_interval(self.fails[case], self.trials, confidence)

    @property
    def is_reference_setting(self) -> bool:
        """True when the run matches the setting of the reference rates (the seed's table)."""
        p = self.params
        return (
            p.cut == "left"
            and p.recall == "sync"
            and p.noise_level == MONTECARLO_NOISE_LEVEL
            and p.password_length == MONTECARLO_PASSWORD_LENGTH
            and p.max_length == DEFAULT_MAX_LENGTH
            and p.noise_probability == NOISE_PROBABILITY
        )

    def reference_band(
        self, case: str, confidence: float = DEFAULT_CONFIDENCE
    ) -> tuple[int, int] | None:
        """Binomial band of fail counts the reference rate allows for this many trials.

        None unless :attr:`is_reference_setting` (the reference rates exist only for the
        seed's setting) and at least one trial ran.
        """
        if not self.is_reference_setting or not self.trials:
            return None
        return binomial_band(self.trials, REFERENCE_RATES_PER_10K[case] / PER_10K, confidence)

    def to_dict(self, confidence: float = DEFAULT_CONFIDENCE) -> dict:
        """A JSON-ready summary: settings, counts, rates and intervals per 10,000."""
        rates = {case: self.rate(case) * PER_10K for case in CASE_NAMES}
        intervals = {
            case: [bound * PER_10K for bound in self.interval(case, confidence)]
            for case in CASE_NAMES
        }
        payload = {
            "trials": self.trials,
            "fails": dict(self.fails),
            "seed": self.seed,
            "cut": self.params.cut,
            "recall": self.params.recall,
            "noise_level": self.params.noise_level,
            "password_length": self.params.password_length,
            "max_length": self.params.max_length,
            "cancelled": self.cancelled,
            "rate_per_10k": rates,
            "confidence": confidence,
            "interval_per_10k": intervals,
            "seed_table": dict(SEED_TABLES[self.params.cut]),
        }
        if self.is_reference_setting and self.trials:
            payload["reference_rate_per_10k"] = dict(REFERENCE_RATES_PER_10K)
            payload["reference_band"] = {
                case: list(self.reference_band(case, confidence)) for case in CASE_NAMES
            }
        return payload


def wilson_interval(
    successes: int, trials: int, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion.

    Parameters
    ----------
    successes, trials : int
        Counts, ``0 <= successes <= trials``.
    confidence : float
        In (0, 1).

    Returns
    -------
    (float, float)
        Lower and upper bound, in [0, 1]; (0, 1) when ``trials`` is 0.
    """
    if not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} and {trials}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    if trials == 0:
        return 0.0, 1.0
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / trials
    z2n = z * z / trials
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / trials + z2n / (4 * trials)) / (1 + z2n)
    lower = 0.0 if successes == 0 else max(0.0, centre - half)
    upper = 1.0 if successes == trials else min(1.0, centre + half)
    return lower, upper


def binomial_band(
    trials: int, probability: float, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[int, int]:
    """Central band of a binomial(``trials``, ``probability``) count.

    The same as ``scipy.stats.binom.interval``: the ``(1 - confidence) / 2`` and
    ``(1 + confidence) / 2`` quantiles (smallest ``k`` with ``P(X <= k) >= q``).

    Returns
    -------
    (int, int)
    """
    if trials < 1:
        raise ValueError(f"trials must be >= 1, got {trials}")
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability must lie in [0, 1], got {probability}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    if probability in (0.0, 1.0):
        k = round(trials * probability)
        return k, k
    mean = trials * probability
    sd = math.sqrt(mean * (1 - probability))
    lo = max(0, math.floor(mean - BAND_WINDOW_SD * sd) - 1)
    hi = min(trials, math.ceil(mean + BAND_WINDOW_SD * sd) + 1)
    log_p, log_q = math.log(probability), math.log1p(-probability)
    head = math.lgamma(trials + 1)
    ks = range(lo, hi + 1)
    log_pmf = [
        head - math.lgamma(k + 1) - math.lgamma(trials - k + 1) + k * log_p + (trials - k) * log_q
        for k in ks
    ]
    cdf = np.cumsum(np.exp(log_pmf))
    tail = (1 - confidence) / 2
    lower = lo + int(np.searchsorted(cdf, tail, side="left"))
    upper = lo + int(np.searchsorted(cdf, 1 - tail, side="left"))
    return lower, min(upper, trials)


def bipolar_bits(codes: np.ndarray) -> np.ndarray:
    """(T, L) uint8 character codes → (T, 8 L) float32 of -1/1, most significant bit first."""
    bits = np.unpackbits(codes, axis=1)
    out = np.multiply(bits, 2, dtype=np.float32)
    out -= 1
    return out


def noise_bipolar(
    rng: np.random.Generator, shape: tuple[int, ...], probability: float
) -> np.ndarray:
    """Bipolar noise: 1 with probability ``probability``, else -1, from raw generator bytes.

    Parameters
    ----------
    rng : numpy.random.Generator
    shape : tuple of int
    probability : float
        In (0, 1); P(1) is exactly this value.

    Returns
    -------
    ndarray of float32, of ``shape``
    """
    size = math.prod(shape)
    words = -(-size // BITS_PER_CHAR)
    raw = rng.bit_generator.random_raw(words).view(np.uint8)[:size]
    scaled = probability * BYTE_VALUES
    threshold = math.floor(scaled)
    remainder = scaled - threshold
    bits = raw < threshold
    if remainder > 0:
        ties = np.flatnonzero(raw == threshold)
        if ties.size:
            bits[ties] = rng.random(ties.size) < remainder
    out = np.multiply(bits, 2, dtype=np.float32)
    out -= 1
    return out.reshape(shape)


def broken_codes(
    padded: np.ndarray,
    password_length: int,
    kept: int,
    cut: str,
    rng: np.random.Generator,
) -> np.ndarray:
    """Broken copies of passwords, as padded character codes.

    Parameters
    ----------
    padded : (T, M) ndarray of uint8
        Passwords right-justified with spaces to ``M = max_length`` characters.
    password_length : int
        ``L``: the password occupies the last ``L`` columns.
    kept : int
        Characters the broken copy keeps, ``0 <= kept <= L``.
    cut : {'left', 'right', 'random', 'remove'}
    rng : numpy.random.Generator
        Chooses the kept characters for ``random`` and ``remove``.

    Returns
    -------
    (T, M) ndarray of uint8
    """
    n_trials, max_length = padded.shape
    start = max_length - password_length
    probe = padded.copy()
    if cut == "left":
        probe[:, start : max_length - kept] = SPACE
    elif cut == "right":
        probe[:, start + kept :] = SPACE
    elif cut in ("random", "remove"):
        order = np.argsort(rng.random((n_trials, password_length)), axis=1)
        keep = np.zeros((n_trials, password_length), dtype=bool)
        np.put_along_axis(keep, order[:, :kept], True, axis=1)
        body = probe[:, start:]
        if cut == "random":
            body[~keep] = SPACE
        else:
            positions = np.argsort(~keep, axis=1, kind="stable")[:, :kept]
            gathered = np.take_along_axis(body, positions, axis=1)
            probe[:, :] = SPACE
            if kept:
                probe[:, max_length - kept :] = gathered
    else:
        raise ValueError(f"cut must be one of left, right, random, remove; got {cut!r}")
    return probe


def recall_batch(
    password: np.ndarray,
    noise: np.ndarray,
    probe: np.ndarray,
    *,
    recall: str = "sync",
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
) -> np.ndarray:
    """Recall a batch of networks, each storing one password and its own noise rows.

    Parameters
    ----------
    password : (T, n) ndarray of float32
        Bipolar password of each network.
    noise : (T, r, n) ndarray of float32
        Bipolar noise rows of each network.
    probe : (T, n) ndarray of float32
        Bipolar probe of each network.
    recall : {'sync', 'converge'}
        One synchronous step (NeuPy), or steps until a fixed point or a 2-cycle.
    max_iterations : int
        Largest number of steps for ``converge``.

    Returns
    -------
    (T, n) ndarray of bool
        True where the recalled bit is 1 (field > 0; a zero field gives 0, as in NeuPy).
    """
    n_stored = noise.shape[1] + 1

    def field(pw: np.ndarray, rows: np.ndarray, state: np.ndarray) -> np.ndarray:
        # x·W = (x·Xᵀ)·X - m·x, without forming W.
        overlap = np.matmul(rows, state[:, :, None])
        out = np.matmul(overlap.transpose(0, 2, 1), rows)[:, 0, :]
        out += np.einsum("tn,tn->t", pw, state)[:, None] * pw
        out -= n_stored * state
        return out

    on = field(password, noise, probe) > 0
    if recall == "sync":
        return on
    if recall != "converge":
        raise ValueError(f"recall must be sync or converge, got {recall!r}")
    previous = probe.copy()
    current = np.where(on, np.float32(1), np.float32(-1))
    active = np.arange(len(probe))
    for _ in range(max_iterations - 1):
        settled = np.all(current[active] == previous[active], axis=1)
        active = active[~settled]
        if active.size == 0:
            break
        now = current[active]
        following = np.where(
            field(password[active], noise[active], now) > 0, np.float32(1), np.float32(-1)
        )
        cycle = np.all(following == previous[active], axis=1)
        previous[active] = now
        current[active] = following
        active = active[~cycle]
    return current > 0


def decoded_matches(state: np.ndarray, padded: np.ndarray, password_length: int) -> np.ndarray:
    """Whether each recalled state decodes (``chr`` per byte, ``lstrip``) to its password.

    With a password that does not start with whitespace, ``lstrip(decoded) == password``
    exactly when the last ``L`` bytes are the password and all bytes before are whitespace.

    Parameters
    ----------
    state : (T, 8 M) ndarray of bool
    padded : (T, M) ndarray of uint8
    password_length : int

    Returns
    -------
    (T,) ndarray of bool
    """
    codes = np.packbits(state, axis=1)
    start = padded.shape[1] - password_length
    body_ok = np.all(codes[:, start:] == padded[:, start:], axis=1)
    return body_ok & np.all(WHITESPACE[codes[:, :start]], axis=1)


def montecarlo_recipe(
    source: None = None,
    params: MonteCarloParams | None = None,
    *,
    seed: int | None = None,
    callback: Callback | None = None,
) -> MonteCarloResult:
    """Run the password-recovery Monte Carlo: the recipe of the ``hopfield-montecarlo`` job.

    Trials run in batches (their size depends on the geometry only); after each batch the
    callback gets a :class:`MonteCarloProgress`. The random draws are the same whether there
    is a callback or not, and however often it runs, so ``(params, seed)`` fixes the result.

    Parameters
    ----------
    source : None
        The job has no input (passwords are drawn at random).
    params : MonteCarloParams, optional
        Trials, seed, cut, recall and geometry; the seed's setting if omitted.
    seed : int, optional
        Overrides ``params.seed``; when both are None a fresh seed is drawn (and recorded).
    callback : callable, optional
        ``callback(progress)`` after each batch of trials; returning True cancels, and the
        result then counts the trials completed.

    Returns
    -------
    MonteCarloResult
        Its ``params.seed`` and ``seed`` are the seed used.
    """
    started = time.perf_counter()
    if source is not None:
        raise ParameterError(
            f"the Monte Carlo draws its own passwords: source must be None, got {source!r}"
        )
    if params is None:
        params = MonteCarloParams()
    if not isinstance(params, MonteCarloParams):
        raise TypeError(f"params must be a MonteCarloParams, got {type(params).__name__}")
    seed = params.seed if seed is None else seed
    seed = fresh_seed() if seed is None else check_seed(seed)
    params = params.model_copy(update={"seed": seed})
    rng = np.random.default_rng(seed)
    length, max_length = params.password_length, params.max_length
    n_bits = BITS_PER_CHAR * max_length
    kept = kept_characters(length)
    chunk = batch_trials(params)
    fails = dict.fromkeys(CASE_NAMES, 0)
    done = 0
    cancelled = False
    while done < params.trials:
        batch = min(chunk, params.trials - done)
        padded = np.full((batch, max_length), SPACE, dtype=np.uint8)
        padded[:, max_length - length :] = SYMBOL_CODES[
            rng.integers(0, SYMBOL_CODES.size, size=(batch, length))
        ]
        password = bipolar_bits(padded)
        for case in CASE_NAMES:
            probe = bipolar_bits(broken_codes(padded, length, kept[case], params.cut, rng))
            noise = noise_bipolar(
                rng, (batch, params.noise_level, n_bits), params.noise_probability
            )
            state = recall_batch(
                password, noise, probe, recall=params.recall, max_iterations=params.max_iterations
            )
            fails[case] += batch - int(np.count_nonzero(decoded_matches(state, padded, length)))
        done += batch
        if callback is not None:
            progress = MonteCarloProgress(
                iteration=done, budget=params.trials, done=done == params.trials,
                fails=dict(fails), seed=seed,
            )  # fmt: skip
            if callback(progress):
                cancelled = done < params.trials
                break
    return MonteCarloResult(
        params=params, seed=seed, trials=done, fails=fails, cancelled=cancelled,
        seconds=time.perf_counter() - started,
    )  # fmt: skip


def montecarlo_payload(result: MonteCarloResult, confidence: float = DEFAULT_CONFIDENCE) -> dict:
    """What ``gasworks hopfield montecarlo --json`` prints and :func:`export_montecarlo`
    writes: :meth:`MonteCarloResult.to_dict` and the run's ``seconds``."""
    payload = result.to_dict(confidence)
    payload["seconds"] = round(result.seconds, 4)
    return payload


def export_montecarlo(
    result: MonteCarloResult,
    path: str | Path,
    *,
    overwrite: bool = True,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Path:
    """Write a Monte Carlo result: its JSON summary (``.json``) or its chart (``.png``).

    Parameters
    ----------
    result : MonteCarloResult
    path : str or Path
        ``.json`` writes :func:`montecarlo_payload` (what the command line prints with
        ``--json``); ``.png`` the chart of :func:`engines.hopfield.plots.montecarlo_figure`.
    overwrite : bool
        If False, an existing file is an error (``FileExistsError``).

    Returns
    -------
    Path
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        from engines.atomic import atomic_write_text

        text = json.dumps(montecarlo_payload(result, confidence), indent=2) + "\n"
        return atomic_write_text(path, text, overwrite=overwrite)
    if suffix == ".png":
        from engines.hopfield.plots import montecarlo_figure, write_png

        figure = montecarlo_figure(result, confidence=confidence)
        return write_png(figure, path, overwrite=overwrite)
    raise ParameterError(f"{path}: a Monte Carlo is exported as .json or .png, not {suffix!r}")
