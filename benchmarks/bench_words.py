"""Word-count accuracy: the seed's page over 10 GNG seeds, and generated pages with known
counts (clean and photographed; several fonts and sizes); then time and peak memory on a
large generated page (81 megapixels by default), against the same page counted the old way
(the whole page as float images at once) in the same run. Run by hand:

    .venv/bin/python benchmarks/bench_words.py [--first 40] [--pages 100] [--large 9000]
        [--no-reference]

Pages 0-39 were used while tuning the text-scale rules; the default set (40-139) was not.
The large page is counted in a fresh process each way, whose peak resident memory
(``ru_maxrss``, imports included) is reported.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from engines.pipeline import PipelineParams
from engines.words import count_words
from engines.words.synthetic import make_page

#: Counts one page in a fresh process: path, then "strips" (the command's way) or "full"
#: (the whole page as floats at once, as before large pages went strip by strip).
_CHILD = """
import json, resource, sys, time
import engines.words.large as large
from engines.words import count_words
if sys.argv[2] == "full":
    large.LARGE_PAGE_PIXELS = 10**12
start = time.perf_counter()
words = count_words(sys.argv[1]).words
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"words": words, "seconds": seconds, "peak": peak}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=40, help="first generated page seed")
    parser.add_argument("--pages", type=int, default=100, help="number of generated pages")
    parser.add_argument("--large", type=int, default=9_000, metavar="SIDE",
                        help="side of the large page in pixels (0: skip it)")  # fmt: skip
    parser.add_argument("--no-reference", dest="reference", action="store_false",
                        help="do not count the large page the old way (whole) too")  # fmt: skip
    args = parser.parse_args()
    if args.large:
        large_page(args.large, reference=args.reference)
    if args.pages:
        accuracy(args)


def large_page(side: int, *, reference: bool) -> None:
    """Time and peak memory of counting a generated ``side`` x ``side`` page."""
    from engines.words.synthetic import write_large_page

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.png"
        truth = write_large_page(path, 7, side=side, size=160)
        print(f"large page: {side}x{side} ({side * side / 1e6:.0f} MP), {truth} words")
        runs = {"strips": _count_in_child(path, "strips")}
        if reference:
            runs["whole"] = _count_in_child(path, "full")
        for name, run in runs.items():
            print(f"  {name:9}: {run['words']} words, {run['seconds']:.1f} s, "
                  f"peak {run['peak'] / 2**30:.2f} GB")  # fmt: skip
        if reference:
            new, old = runs["strips"], runs["whole"]
            same = "unchanged" if new["words"] == old["words"] else "CHANGED"
            print(f"  strips / whole: time {new['seconds'] / old['seconds']:.2f}x, "
                  f"peak memory {new['peak'] / old['peak']:.2f}x, count {same}")  # fmt: skip


def _count_in_child(path: Path, how: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), how], capture_output=True,
                          text=True, check=True)  # fmt: skip
    return json.loads(done.stdout.splitlines()[-1])


def accuracy(args: argparse.Namespace) -> None:
    """Exact counts on the seed's page and on generated pages."""
    start = time.perf_counter()
    page = [count_words("sample:page", pipeline=PipelineParams(crop="0:142,0:384"), seed=s).words
            for s in range(10)]  # fmt: skip
    print(f"sample:page, GNG seeds 0-9: {page}  ({page.count(44)}/10 exactly 44)")

    exact, misses, by_kind = 0, [], Counter()
    for seed in range(args.first, args.first + args.pages):
        p = make_page(seed, photographed=seed % 2 == 1)
        try:
            got = count_words(p.image, seed=0).words
        except ValueError as exc:
            got = f"error: {exc}"
        kind = (
            "photo" if p.photographed else "clean",
            p.font.split("-")[0].removeprefix("Liberation"),
        )
        by_kind[(*kind, "total")] += 1
        if got == p.words:
            exact += 1
            by_kind[(*kind, "exact")] += 1
        else:
            misses.append((seed, p.font, p.size, p.photographed, p.words, got))
    print(f"generated pages {args.first}-{args.first + args.pages - 1}: "
          f"{exact}/{args.pages} exact ({100 * exact / args.pages:.0f} %)")  # fmt: skip
    for look in ("clean", "photo"):
        for font in ("Sans", "Serif", "Mono"):
            total = by_kind[(look, font, "total")]
            if total:
                print(f"  {look:5} {font:5}: {by_kind[(look, font, 'exact')]}/{total}")
    for miss in misses:
        print("  miss: seed {} {} {}px photographed={} truth {} counted {}".format(*miss))
    print(f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
