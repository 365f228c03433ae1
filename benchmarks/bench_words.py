"""Word-count accuracy: the seed's page over 10 GNG seeds, and generated pages with known
counts (clean and photographed; several fonts and sizes). Run by hand:

    .venv/bin/python benchmarks/bench_words.py [--first 40] [--pages 100]

Pages 0-39 were used while tuning the text-scale rules; the default set (40-139) was not.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from engines.pipeline import PipelineParams
from engines.words import count_words
from engines.words.synthetic import make_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=40, help="first generated page seed")
    parser.add_argument("--pages", type=int, default=100, help="number of generated pages")
    args = parser.parse_args()

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
