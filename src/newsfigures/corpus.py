"""Generate a realistic synthetic corpus for benchmarks.

Articles are recombined from the sentences of real articles (the sample
corpus by default), with their numbers, places and dates varied, so the
mix of prose, captions, figures and non-figures stays that of real news.
Deterministic for a given seed.
"""

from __future__ import annotations

import csv
import random
import re
from datetime import date, timedelta
from pathlib import Path

from .sentences import split_sentences

PLACES = ["Kyiv", "Kharkiv", "Mariupol", "Odesa", "Lviv", "Sumy", "Chernihiv", "Mykolaiv", "Kherson",
          "Dnipro", "Zaporizhzhia", "Irpin", "Bucha", "Kramatorsk", "Poltava", "Vinnytsia"]
PUBLISHERS = ["Wire A", "Wire B", "The Daily", "Evening Post", "Channel 9", "Herald", "Observer"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_PLACE = re.compile(r"\b(" + "|".join(PLACES) + r")\b")
_MONTH_DAY = re.compile(r"\b(" + "|".join(MONTHS) + r") (\d{1,2})\b")


def sample_sentences(folder: Path) -> list[str]:
    sentences: list[str] = []
    for path in sorted(Path(folder).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences += [s.text for s in split_sentences(text) if len(s.text) > 25]
    if not sentences:
        raise ValueError(f"{folder}: no .txt articles to take sentences from")
    return sentences


def _vary(sentence: str, rng: random.Random) -> str:
    def number(match: re.Match[str]) -> str:
        raw = match.group(0)
        value = int(raw.replace(",", ""))
        if 1800 <= value <= 2100 and "," not in raw:
            return raw                                   # keep years: they must stay non-figures
        new = max(1, int(value * rng.uniform(0.6, 1.6)))
        return f"{new:,}" if "," in raw or new >= 10_000 else str(new)

    sentence = _NUMBER.sub(number, sentence)
    sentence = _PLACE.sub(lambda m: rng.choice(PLACES), sentence)
    return _MONTH_DAY.sub(lambda m: f"{rng.choice(MONTHS[1:6])} {rng.randint(1, 28)}", sentence)


def generate(n: int, out_dir: Path, source: Path, seed: int = 0, target_chars: int = 5000) -> int:
    """Write ``n`` articles and an articles.csv into ``out_dir``; return the bytes written."""
    rng = random.Random(seed)
    sentences = sample_sentences(source)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    start = date(2022, 2, 24)
    written = 0
    with open(out_dir / "articles.csv", "w", newline="", encoding="utf-8") as handle:
        manifest = csv.writer(handle)
        manifest.writerow(["file", "publisher", "published", "url", "title", "published_source"])
        for i in range(n):
            paragraphs: list[str] = []
            size = 0
            while size < target_chars:
                sentence = _vary(rng.choice(sentences), rng)
                paragraphs.append(sentence)
                size += len(sentence) + 2
            text = "\n\n".join(paragraphs) + "\n"
            name = f"a{i:06d}.txt"
            (out_dir / name).write_text(text, encoding="utf-8")
            written += len(text.encode("utf-8"))
            published = start + timedelta(days=rng.randint(0, 120))
            manifest.writerow([name, rng.choice(PUBLISHERS), published.isoformat(), "", paragraphs[0][:80],
                               "synthetic"])
    return written
