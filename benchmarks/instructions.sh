#!/usr/bin/env bash
# Instructions per text of the extractor (callgrind), for comparing two versions of the code:
# unlike seconds on a shared VM, the count is the same run after run.
#
#   bash benchmarks/instructions.sh [sentences|articles] [WORKDIR]
#
# sentences: the 1,000 sentences `newsfigures bench` compares with quantulum3, one
# core_figures call each; articles: the first 100 articles of the 1,000-article corpus.
# The count is the difference between a run that extracts them and one that only loads
# them, divided by their number. PYTHONHASHSEED is fixed: set and dict order otherwise
# moves the count by about 1 %. Needs valgrind (Debian: apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-sentences}"
workdir="${2:-.cache/bench}"
export PYTHONHASHSEED=0
py=.venv/bin/python
run='
import random, sys
from pathlib import Path
from newsfigures.bench import corpus_for
from newsfigures.corpus import sample_sentences
from newsfigures.extract import Extractor
what, workdir, go = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "1"
folder, _ = corpus_for(1000, workdir, Path("data/raw"))
if what == "articles":
    items = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:100]]
else:
    items = random.Random(0).sample(sample_sentences(folder), 1000)
extractor = Extractor()
extractor.gazetteer, extractor.index, extractor.number_words
extractor.core_figures("At least 12 people were killed in Kyiv, officials said.", "2022-03-21")
if go:
    for text in items:
        extractor.core_figures(text, "2022-03-21")
print(len(items))
'
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$py" -c "$run" "$what" "$workdir" "$1" 2>&1 \
    | awk '/Collected/ {print $NF}'
}
"$py" -c "$run" "$what" "$workdir" 0 >/dev/null          # corpus generated, caches filled
idle=$(count 0)
busy=$(count 1)
n=$("$py" -c "$run" "$what" "$workdir" 0)
echo "$what: $(( (busy - idle) / n )) instructions each ($n of them; $("$py" -c 'from newsfigures.native import status; print(status())'))"
