"""Turn articles into reported figures, one row per figure, with provenance.

For every sentence (repeated sentences once), every number that survives
:func:`newsfigures.numbers.find_numbers` becomes a figure only when it
counts people and a metric cue governs it. Its row keeps the article, the
sentence, the exact characters and the quote, so anyone can check it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Iterator

from . import __version__
from .fields import (adjacent_cue, as_of_for, attribution_for, clause_span, context_place, find_dates, hard_segment,
                     find_sources, is_population_figure, location_for, metric_for, noun_phrase, rate_for)
from .numbers import find_numbers
from .places import Gazetteer
from .rules import Rules, load_rules
from .sentences import sentence_key, split_sentences

EXTRACTOR_VERSION = f"{__version__}+rules"


@dataclass
class ExtractOptions:
    default_country: str | None = "Ukraine"
    rules_dir: str | None = None


class Extractor:
    """Holds the loaded rules and gazetteer; call it on one article at a time."""

    def __init__(self, options: ExtractOptions | None = None) -> None:
        self.options = options or ExtractOptions()
        self.rules: Rules = load_rules(self.options.rules_dir)
        self.gazetteer = Gazetteer(self.rules)
        self.gazetteer.default_country = self.options.default_country

    @property
    def version(self) -> str:
        return f"{EXTRACTOR_VERSION}.{self.rules.digest}"

    def figures(self, article: dict[str, Any]) -> list[dict[str, Any]]:
        text: str = article["text"] or ""
        published = _as_date(article.get("published"))
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        state = _Discourse()
        for sentence in split_sentences(text):
            key = sentence_key(sentence.text)
            if key in seen:
                continue                     # a caption printed twice is one figure
            seen.add(key)
            for row in self._sentence_figures(sentence.text, published, state):
                start = sentence.start + row.pop("_start")
                end = sentence.start + row.pop("_end")
                rows.append({
                    "article": article.get("file"),
                    "article_id": article.get("id"),
                    "publisher": article.get("publisher"),
                    "published": article.get("published"),
                    "sentence_index": sentence.index,
                    "char_start": start,
                    "char_end": end,
                    "surface": text[start:end],
                    "quote": sentence.text,
                    **row,
                    "title": article.get("title"),
                    "url": article.get("url"),
                    "figure_id": hashlib.sha1(f"{article.get('id')}:{start}:{end}".encode()).hexdigest()[:12],
                    "extractor_version": self.version,
                })
        return rows

    def _sentence_figures(self, sentence: str, published: date | None,
                          state: "_Discourse") -> Iterator[dict[str, Any]]:
        rules = self.rules
        mentions = find_numbers(sentence, rules)
        places = self.gazetteer.find(sentence) if (mentions or state.wants_places) else []
        previous_source, previous_place, previous_city = state.source, state.place, state.city
        previous_event = state.recent_event(rules.event_reach)
        sources = find_sources(sentence, rules)
        state.advance(sentence, places, sources, self.gazetteer, rules)
        if not mentions:
            return
        # Keep numbers that can count people; their neighbours bound each clause.
        candidates = []
        for mention in mentions:
            np = noun_phrase(sentence, mention, rules)
            if np.is_thing:
                continue
            if mention.kind == "vague" and mention.text.lower().split()[-1] in rules.vague_needs_of and not np.is_people:
                continue
            if mention.kind == "words" and mention.value == 1 and not np.is_people:
                continue                     # "one of the shopping centres"
            if is_population_figure(sentence, mention, np, rules):
                continue
            candidates.append((mention, np))
        bounds = [m for m, _ in candidates if not _appositive(sentence, m)]
        dates = find_dates(sentence, published)
        clauses: list[tuple[int, int]] = []
        picked = []
        for mention, np in candidates:
            prev_end = max((m.end for m in bounds if m.end <= mention.start), default=0)
            next_start = min((m.start for m in bounds if m.start >= mention.end), default=len(sentence))
            if np.unknown:
                metric = adjacent_cue(sentence, mention, prev_end, rules)
            else:
                metric = metric_for(sentence, mention, np, prev_end, next_start, rules)
            if metric is None and picked and np.head == "whom":
                metric = picked[-1][2]           # "350 people, about 50 of whom ...": the same count
            if metric is None:
                continue
            clause = clause_span(sentence, mention.start, np.end, prev_end, next_start)
            clauses.append(clause)
            picked.append((mention, np, metric, clause, prev_end, next_start))
        starts = [m.start for m, *_ in picked]
        last: dict[str, Any] | None = None
        for i, (mention, np, metric, clause, prev_end, next_start) in enumerate(picked):
            # A figure coordinated with this one ("902 killed and 1,459 wounded in
            # Ukraine") shares its place; any other figure's clause keeps its own.
            own_segment = hard_segment(sentence, mention.start)
            others = []
            for j, c in enumerate(clauses):
                if j == i or _coordinated(sentence, picked[min(i, j)][0], picked[max(i, j)][0]):
                    continue
                others.append(c)
                segment = hard_segment(sentence, picked[j][0].start)
                if segment != own_segment:
                    others.append(segment)      # "…, but … in Mariupol where … 1,200": that figure's place
            population = np.population if np.head not in rules.metric_nouns or np.head in ("victims", "refugees", "evacuees") else None
            qualifier = mention.qualifier
            if last is not None and population is None and _coordinated(sentence, picked[i - 1][0], mention):
                # "At least 902 civilians have been killed and 1,459 wounded".
                population = last["population"]
                if qualifier == "exact" and last["qualifier"] in ("at_least", "more_than", "about", "nearly", "up_to"):
                    qualifier = last["qualifier"]
            source = attribution_for(mention, sources, [s for s in starts if s != mention.start], sentence)
            if source is not None and source.pronoun:
                source_name = previous_source
            elif source is not None:
                source_name = source.name
            else:
                source_name = previous_source if _opens_quote(sentence) else None
            row = {
                "_start": mention.start,
                "_end": mention.end,
                "metric": metric,
                "value": mention.value,
                "value_low": mention.value_low,
                "value_high": mention.value_high,
                "qualifier": qualifier,
                "population": population or np.population or "people",
                "location": location_for(sentence, mention, metric, places, self.gazetteer,
                                         self.options.default_country, clause, others, previous_place,
                                         previous_city, (prev_end, next_start)),
                "as_of": as_of_for(mention, dates, clause[0], clause[1]),
                "attributed_to": source_name,
                "rate": rate_for(sentence, np),
                "event": event_for(sentence, mention, rules, previous_event),
            }
            if np.head == "whom" and last is not None:
                row["location"] = last["location"]    # "350 people, about 50 of whom ..."
            last = row
            yield dict(row)


class _Discourse:
    """What earlier sentences of an article leave behind: the last place and speaker."""

    wants_places = True

    def __init__(self) -> None:
        self.place: str | None = None
        self.city: str | None = None
        self.source: str | None = None
        self.event: str | None = None
        self.event_age = 0
        self.event_cities: set[str] = set()

    def recent_event(self, reach: int) -> str | None:
        return self.event if self.event and self.event_age <= reach else None

    def advance(self, sentence: str, places: list, sources: list, gazetteer: Gazetteer, rules: Rules) -> None:
        named_event = _named_event(sentence, rules)
        cities = {p.name for p in places if p.kind != "country" and not p.modifier and not p.metonym}
        if named_event:
            self.event, self.event_age = named_event, 0
            self.event_cities = cities
        elif self.event and cities and not cities & self.event_cities:
            self.event = None                   # the story moved to another city
        elif self.event and rules.event_anaphora.search(sentence):
            self.event_age = 0                  # "the attack" keeps the event alive
        else:
            self.event_age += 1
        place = context_place(places, gazetteer, sentence)
        if place:
            self.place = place
        city = context_place(places, gazetteer, sentence, cities_only=True)
        if city:
            self.city = city
        named = [s for s in sources if not s.pronoun]
        if named:
            self.source = named[-1].name
        elif not _opens_quote(sentence) and not any(s.pronoun for s in sources):
            self.source = None


EVENT_REACH_CHARS = 140   # a cue or anaphor further than this from the number is another clause's


def _named_event(sentence: str, rules: Rules, near: int | None = None) -> str | None:
    """The event a sentence names; with ``near``, the closest cue within reach of that position."""
    found = [(abs(m.start() - near) if near is not None else m.start(), slug)
             for slug, pattern in rules.event_cues for m in pattern.finditer(sentence)]
    if near is not None:
        found = [f for f in found if f[0] <= EVENT_REACH_CHARS]
    return min(found)[1] if found else None


def event_for(sentence: str, mention: Any, rules: Rules, previous: str | None) -> str | None:
    """The named event a figure belongs to, from its sentence or an anaphor near it."""
    named = _named_event(sentence, rules, near=mention.start)
    if named:
        return named
    if previous and any(abs(m.start() - mention.start) <= EVENT_REACH_CHARS
                        for m in rules.event_anaphora.finditer(sentence)):
        return previous
    return None


def _coordinated(sentence: str, first: Any, second: Any) -> bool:
    """'902 civilians have been killed and 1,459 wounded': two counts, one clause."""
    return bool(re.match(r"^[^,;.]{0,80}\band\s+$", sentence[first.end:second.start]))


def _opens_quote(sentence: str) -> bool:
    return sentence[:1] in ("'", "‘", '"', "“")


def _appositive(sentence: str, mention: Any) -> bool:
    """'…, including some 60,000 children,': a part of the number before it."""
    return bool(re.search(r"\b(?:including|among them|of whom|of which)\s+$", sentence[max(0, mention.start - 20):mention.start], re.I))


def _as_date(value: Any) -> date | None:
    if value is None or value != value:  # None or NaN
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def extract_articles(articles: Iterable[dict[str, Any]], options: ExtractOptions | None = None,
                     progress: bool | None = None, total: int | None = None,
                     problems: list | None = None) -> Iterator[dict[str, Any]]:
    """Figures of every article, in article order.

    An article the extractor fails on is reported in ``problems`` (with the
    error) and skipped; it never stops the run.
    """
    from tqdm import tqdm

    from .ingest import Problem

    extractor = Extractor(options)
    disable = None if progress is None else not progress
    for article in tqdm(articles, desc="extract", unit="article", total=total, disable=disable):
        try:
            rows = extractor.figures(article)
        except Exception as exc:  # a bug on one article must not lose the others
            if problems is None:
                raise
            problems.append(Problem(str(article.get("file")), f"the extractor failed on it ({type(exc).__name__}: {exc})",
                                    fix="report this as a bug with the article attached"))
            continue
        yield from rows
