"""Write what the extractor finds in a fixed set of texts, to compare two versions of the code.

    python benchmarks/same_figures.py OUT.jsonl [--workdir DIR] [--source DIR]

The texts: the 1,000 sentences `newsfigures bench` compares with quantulum3, every article
of the 1,000-article synthetic corpus (seed 0) and of a 300-article one (seed 1), and
data/raw. One JSON line per text, keys sorted. Run it before and after a change (also
with NEWSFIGURES_PURE=1 for the plain-Python modules) and compare the files with `cmp`:
a speed change must leave them byte-identical.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--workdir", type=Path, default=ROOT / ".cache" / "bench")
    parser.add_argument("--source", type=Path, default=ROOT / "data" / "raw")
    args = parser.parse_args()

    from newsfigures.bench import corpus_for
    from newsfigures.corpus import generate, sample_sentences
    from newsfigures.extract import Extractor
    from newsfigures.native import status

    args.workdir.mkdir(parents=True, exist_ok=True)
    first, _ = corpus_for(1000, args.workdir, args.source)
    second = args.workdir / "corpus-300-seed1"
    if not (second / ".generated").exists():
        second.mkdir(parents=True, exist_ok=True)
        (second / ".generated").write_text(str(generate(300, second, args.source, seed=1)))
    sample = random.Random(0).sample(sample_sentences(first), 1000)        # as bench.baseline draws them
    extractor = Extractor()
    print(f"extractor: {status()}", file=sys.stderr)
    with args.out.open("w", encoding="utf-8") as out:
        for text in sample:
            out.write(json.dumps(extractor.core_figures(text, "2022-03-21"), sort_keys=True, default=str) + "\n")
        for folder in (first, second, ROOT / "data" / "raw"):
            for path in sorted(folder.glob("*.txt")):
                rows = extractor.core_figures(path.read_text(encoding="utf-8", errors="replace"), "2022-04-01")
                out.write(f"{path.name} " + json.dumps(rows, sort_keys=True, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
