"""Speed of the password-recovery Monte Carlo (run by hand, not a test).

    .venv/bin/python benchmarks/bench_hopfield.py [--trials 10000] [--repeat 5]
                                                  [--per-trial-trials 400]

Measures, in one run:

1. a per-trial loop in NeuPy's style (one 240 × 240 weight matrix per network, the seed's
   ``str2bin``/``bin2str`` on Python lists), on ``--per-trial-trials`` trials, scaled
   linearly to ``--trials``;
2. a plain batched NumPy loop in a fresh ``python -c`` process that imports only NumPy
   (``x·W = (x·Xᵀ)·X - m·x``, noise from ``rng.random(...) < 0.55``), start-up included;
3. the same loop with the engine's noise drawing (raw generator bytes), likewise;
4. the whole command ``gasworks hopfield montecarlo --trials N --json`` as a subprocess.

Subprocess timings are the median of ``--repeat`` runs (wall clock). Prints each time, the
fails each loop counted (as a sanity check) and the ratios; the target is the command within
2× the plain batched process.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import string
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "exclude-one": lambda n: n - 1,
    "exclude-quarter": lambda n: 3 * n // 4,
    "exclude-half": lambda n: n // 2,
    "just-one-symbol": lambda n: 1,
    "empty-string": lambda n: 0,
}
NOISE_LEVEL = 11
PASSWORD_LENGTH = 25
MAX_LENGTH = 30
NOISE_PROBABILITY = 0.55
TARGET_RATIO = 2.0

# --------------------------------------------------------------------------- per trial
SYMBOLS = list(string.ascii_letters + string.digits + string.punctuation)


def str2bin(text, max_length=MAX_LENGTH):
    text = text.rjust(max_length)
    bits = []
    for symbol in text:
        bits.extend(map(int, bin(ord(symbol))[2:].zfill(8)))
    return bits


def bin2str(array):
    characters = []
    for start in range(0, len(array), 8):
        characters.append(chr(int("".join(map(str, array[start : start + 8])), base=2)))
    return "".join(characters).lstrip()


def cutword(word, k):
    return (word[-k:] if k != 0 else "").rjust(len(word))


def per_trial_loop(trials: int, seed: int) -> dict[str, int]:
    """The seed's loop: a fresh network (weights formed, NeuPy's predict) per trial and case."""
    rng = np.random.default_rng(seed)
    fails = dict.fromkeys(CASES, 0)
    for _ in range(trials):
        password = "".join(rng.choice(SYMBOLS) for _ in range(PASSWORD_LENGTH))
        for case, kept in CASES.items():
            broken = cutword(password, kept(len(password)))
            binary = str2bin(password)
            data = [binary] + [
                rng.binomial(1, NOISE_PROBABILITY, len(binary)) for _ in range(NOISE_LEVEL)
            ]
            x = np.where(np.array(data) == 0, -1, 1)
            weight = x.T.dot(x)
            np.fill_diagonal(weight, 0)
            probe = np.where(np.array(str2bin(broken)) == 0, -1, 1)
            recovered = np.where(probe.dot(weight) > 0, 1, 0)
            if bin2str(recovered.tolist()) != password:
                fails[case] += 1
    return fails


# --------------------------------------------------------------------------- batched (numpy only)
BATCHED = r"""
import string, sys, numpy as np
trials, seed, tuned = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "tuned"
L, M, R, P, CHUNK = 25, 30, 11, 0.55, 198
n = 8 * M
symbols = np.frombuffer((string.ascii_letters + string.digits + string.punctuation).encode(),
                        np.uint8)
space = np.array([chr(c).isspace() for c in range(256)])
kept = [L - 1, 3 * L // 4, L // 2, 1, 0]
rng = np.random.default_rng(seed)
fails = np.zeros(5, int)

def bipolar(codes):
    out = np.unpackbits(codes, axis=1).astype(np.float32)
    return 2 * out - 1

def noise(shape):
    if not tuned:
        return np.where(rng.random(shape, dtype=np.float32) < P, np.float32(1), np.float32(-1))
    size = int(np.prod(shape))
    raw = rng.bit_generator.random_raw(-(-size // 8)).view(np.uint8)[:size]
    bits = raw < int(P * 256)
    ties = np.flatnonzero(raw == int(P * 256))
    bits[ties] = rng.random(ties.size) < P * 256 - int(P * 256)
    out = np.multiply(bits, 2, dtype=np.float32)
    out -= 1
    return out.reshape(shape)

for start in range(0, trials, CHUNK):
    T = min(CHUNK, trials - start)
    padded = np.full((T, M), 32, np.uint8)
    padded[:, M - L:] = symbols[rng.integers(0, symbols.size, (T, L))]
    pw = bipolar(padded)
    for c, k in enumerate(kept):
        probe = padded.copy()
        probe[:, M - L:M - k] = 32
        x = bipolar(probe)
        X = noise((T, R, n))
        s = np.matmul(np.matmul(X, x[:, :, None]).transpose(0, 2, 1), X)[:, 0]
        s += np.einsum("tn,tn->t", pw, x)[:, None] * pw
        s -= (R + 1) * x
        out = np.packbits(s > 0, axis=1)
        ok = (out[:, M - L:] == padded[:, M - L:]).all(1) & space[out[:, :M - L]].all(1)
        fails[c] += T - ok.sum()
print(" ".join(map(str, fails)))
"""


def timed(command: list[str], repeat: int) -> tuple[float, str]:
    times, output = [], ""
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
        output = done.stdout
    return statistics.median(times), output


def gasworks_command() -> list[str]:
    script = Path(sys.executable).with_name("gasworks")
    if script.exists():
        return [str(script)]
    found = shutil.which("gasworks")
    if found:
        return [found]
    return [sys.executable, "-c", "from app.cli import main; main()"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--per-trial-trials", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    trials, seed = args.trials, args.seed

    print(f"Password-recovery Monte Carlo, {trials} trials × 5 cases, noise level {NOISE_LEVEL}")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; subprocess times are "
          f"medians of {args.repeat} runs")  # fmt: skip

    started = time.perf_counter()
    per_trial_fails = per_trial_loop(args.per_trial_trials, seed)
    per_trial_measured = time.perf_counter() - started
    per_trial = per_trial_measured * trials / args.per_trial_trials
    print(f"\n1. per-trial loop, NeuPy style: {per_trial_measured:.2f} s for "
          f"{args.per_trial_trials} trials, scaled ×{trials / args.per_trial_trials:g} "
          f"→ {per_trial:.1f} s  (fails {list(per_trial_fails.values())})")  # fmt: skip

    startup, _ = timed([sys.executable, "-c", "import numpy"], args.repeat)
    print(f"   (start-up of `python -c 'import numpy'`: {startup:.3f} s)")
    plain, plain_out = timed(
        [sys.executable, "-c", BATCHED, str(trials), str(seed), "plain"], args.repeat
    )
    print(f"2. plain batched numpy process:        {plain:.3f} s  (fails {plain_out.split()})")
    tuned, tuned_out = timed(
        [sys.executable, "-c", BATCHED, str(trials), str(seed), "tuned"], args.repeat
    )
    print(f"3. batched numpy process, byte noise:  {tuned:.3f} s  (fails {tuned_out.split()})")
    command = [*gasworks_command(), "hopfield", "montecarlo", "--trials", str(trials),
               "--seed", str(seed), "--json"]  # fmt: skip
    whole, whole_out = timed(command, args.repeat)
    payload = json.loads(whole_out)
    print(f"4. `gasworks hopfield montecarlo --trials {trials} --seed {seed} --json`: "
          f"{whole:.3f} s  (fails {list(payload['fails'].values())}, "
          f"of which {payload['seconds']:.3f} s computing)")  # fmt: skip

    ratio = whole / plain
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print("\nRatios")
    print(f"  command / plain batched process:     {ratio:.2f}  ({verdict} the ≤ "
          f"{TARGET_RATIO:g} target)")  # fmt: skip
    print(f"  command / byte-noise batched process: {whole / tuned:.2f}")
    print(f"  per-trial loop / command:            {per_trial / whole:.0f}× slower")
    print(f"  per-trial loop / plain batched:      {per_trial / plain:.0f}× slower")


if __name__ == "__main__":
    main()
