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
from typing import Any, Callable, Final, Iterable, Iterator

from . import __version__, caseless
from .caseless import ArticleIndex, lowers_exactly, word_at
from .fields import (GATES, NounPhrase, adjacent_cue, as_of_for, attribution_for, clause_span, context_place, find_dates,
                     hard_segments, find_sources, is_population_figure, location_for, metric_for, noun_phrase, rate_for)
from .native import code_digest
from .numbers import DIGIT_GATE, Mention, find_numbers, holds_numbers, search_at_end
from .places import Gazetteer
from .rules import Rules, load_rules
from .sentences import GLUE_GATE, SPACES_GATE, sentence_keys, split_sentences
from .tables import FIGURE_COLUMNS

# A figure picked in a sentence: its number, noun phrase, metric, clause, and the ends of the
# numbers either side of it.
_Picked = tuple[Mention, NounPhrase, str, tuple[int, int], int, int]

EXTRACTOR_VERSION: Final = f"{__version__}+code.{code_digest()}.rules"


@dataclass
class ExtractOptions:
    default_country: str | None = "Ukraine"
    rules_dir: str | None = None


class Extractor:
    """Holds the loaded rules and gazetteer; call it on one article at a time."""

    def __init__(self, options: ExtractOptions | None = None) -> None:
        self.options = options or ExtractOptions()
        self.rules: Rules = load_rules(self.options.rules_dir)
        self._gazetteer: Gazetteer | None = None
        self._index: ArticleIndex | None = None
        self._number_words: ArticleIndex | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        """Built on first use: a run served from the cache never pays for it."""
        if self._gazetteer is None:
            self._gazetteer = Gazetteer(self.rules)
            self._gazetteer.default_country = self.options.default_country
        return self._gazetteer

    @property
    def index(self) -> ArticleIndex:
        """The one-pass word index of the rules' gates, built on first use like the gazetteer."""
        if self._index is None:
            self._index = ArticleIndex(self.rules.gates + GATES + [DIGIT_GATE, GLUE_GATE, SPACES_GATE])
        return self._index

    @property
    def number_words(self) -> ArticleIndex:
        """An index of the number words alone (a few dozen, against the whole index's two hundred
        expressions), where a sentence's ``\\b`` match can start them: a text with no digit in
        which it finds none holds no figure."""
        if self._number_words is None:
            self._number_words = ArticleIndex([self.rules.number_start_gate])
        return self._number_words

    @property
    def version(self) -> str:
        return f"{EXTRACTOR_VERSION}.{self.rules.digest}"

    def figures(self, article: dict[str, Any]) -> list[dict[str, Any]]:
        """Every figure of one article, as rows of the figures table."""
        return self.attach(article, self.core_figures(article.get("text") or "", article.get("published")))

    def core_figures(self, text: str, published: Any) -> list[dict[str, Any]]:
        """The figures of a text, without the article's metadata (what the cache stores)."""
        # One hyperscan pass over the article: where captions may run into the next sentence,
        # and what the index needs (see caseless.ArticleIndex).
        scanner = self.index
        numbers = self.number_words
        data = text.encode("ascii", "replace")       # the text as both indexes read it
        if numbers.active and not _has_ascii_digit(data) and not numbers.scan_ascii(data) and lowers_exactly(text):
            # What the test below finds without the whole pass: no ASCII digit means no digit run
            # in the index's text, and no number word where a sentence's number_word_re match can
            # start means holds_numbers rules out every sentence (see Gate.word_starts).
            return []
        hits = scanner.scan_ascii(data)
        if scanner.active and not scanner.hit(hits, [DIGIT_GATE, self.rules.number_gate]) and lowers_exactly(text):
            # No digit run and no number word anywhere, and every sentence indexed: holds_numbers
            # would rule out each one. (A sentence alone, as often as not.)
            return []
        published_date = _as_date(published)
        sentences = split_sentences(text, scanner.ends(GLUE_GATE, hits) if scanner.active else None)
        texts = [s.text for s in sentences]
        spans = [(s.start, s.end) for s in sentences]
        # A sentence printed again word for word (a caption twice) is skipped
        # entirely, as if it were not there. (A text of one sentence repeats none.)
        repeated = [False] * len(texts) if len(texts) < 2 else self._repeated(texts, spans, scanner, hits)
        # What earlier sentences leave behind, made when a sentence first holds a figure.
        contexts: list[_ArticleContext] = []
        rows: list[dict[str, Any]] = []
        # Patterns then skip the sentences this article's index rules out (same matches, fewer scans).
        previous = scanner.begin_article(texts, spans, hits)
        try:
            for index, sentence in enumerate(sentences):
                if repeated[index] or not holds_numbers(sentence.text, self.rules):
                    continue
                self._sentence_figures(sentence.text, published_date, contexts, texts, repeated, index, text,
                                       sentence.start, sentence.index, rows)
        finally:
            scanner.end(previous)
        return rows

    @staticmethod
    def _repeated(texts: list[str], spans: list[tuple[int, int]], scanner: ArticleIndex,
                  hits: list[tuple[int, int]]) -> list[bool]:
        """For each sentence, whether an earlier one has the same key (see ``sentence_key``)."""
        keys = sentence_keys(texts, spans, scanner.ends(SPACES_GATE, hits) if scanner.active else None)
        first: dict[str, int] = {}
        for index, key in enumerate(keys):
            first.setdefault(key, index)
        return [first[key] != index for index, key in enumerate(keys)]

    def attach(self, article: dict[str, Any], core: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows of the figures table: the article's metadata around each core figure."""
        columns = self.attach_columns(article, core)
        return [dict(zip(columns, values)) for values in zip(*columns.values())]

    def attach_columns(self, article: dict[str, Any], core: list[dict[str, Any]],
                       names: Iterable[str] = FIGURE_COLUMNS) -> dict[str, list]:
        """The figures table's columns for one article's core figures (the table writer's own
        layout, and several times faster than building a dict per row)."""
        n = len(core)
        article_id = article.get("id")
        meta = {"article": article.get("file"), "article_id": article_id, "publisher": article.get("publisher"),
                "published": article.get("published"), "title": article.get("title"), "url": article.get("url"),
                "extractor_version": self.version}
        sha1 = hashlib.sha1
        columns: dict[str, list] = {}
        for name in names:
            if name in meta:
                columns[name] = [meta[name]] * n
            elif name == "figure_id":
                columns[name] = [sha1(f"{article_id}:{row['char_start']}:{row['char_end']}".encode()).hexdigest()[:12]
                                 for row in core]
            else:
                columns[name] = [row.get(name) for row in core]
        return columns

    def _sentence_figures(self, sentence: str, published: date | None, contexts: "list[_ArticleContext]",
                          texts: list[str], repeated: list[bool], index: int, text: str, offset: int,
                          sentence_index: int, rows: list[dict[str, Any]]) -> None:
        """Append the figures of one sentence (at ``offset`` in ``text``) to ``rows``; ``contexts``
        holds the article's context once a sentence has needed it."""
        rules = self.rules
        mentions = find_numbers(sentence, rules)
        if not mentions:
            return
        # Keep numbers that can count people; their neighbours bound each clause.
        candidates: list[tuple[Mention, NounPhrase]] = []
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
        clauses: list[tuple[int, int]] = []
        picked: list[_Picked] = []
        for mention, np in candidates:
            prev_end, next_start = _neighbours(bounds, mention, len(sentence))
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
        if not picked:
            return
        if not contexts:
            contexts.append(_ArticleContext(self, texts, repeated))
        self._rows(sentence, published, contexts[0], index, text, offset, sentence_index, picked, clauses, rows)

    def _rows(self, sentence: str, published: date | None, context: "_ArticleContext", index: int, text: str,
              offset: int, sentence_index: int, picked: list[_Picked], clauses: list[tuple[int, int]],
              rows: list[dict[str, Any]]) -> None:
        """Append a row for each figure picked in one sentence (its own function: compiled, the closures
        below make each call allocate their environment, which a sentence without figures need not)."""
        rules = self.rules
        dates = find_dates(sentence, published)
        # What the article says around the sentence, read only for sentences that hold figures;
        # what earlier sentences leave behind, only when a figure needs it (reading back costs most).
        places = context.places(index)
        sources = context.sources(index)
        place_before: Callable[[bool], str | None] = lambda cities_only: context.place_before(index, cities_only)
        starts = [p[0].start for p in picked]
        segments = hard_segments(sentence, starts)
        last: dict[str, Any] | None = None
        for i, (mention, np, metric, clause, prev_end, next_start) in enumerate(picked):
            # A figure coordinated with this one ("902 killed and 1,459 wounded in
            # Ukraine") shares its place; any other figure's clause keeps its own.
            own_segment = segments[i]
            others = []
            for j, c in enumerate(clauses):
                if j == i or _coordinated(sentence, picked[min(i, j)][0], picked[max(i, j)][0]):
                    continue
                others.append(c)
                segment = segments[j]
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
                source_name = context.source_before(index)
            elif source is not None:
                source_name = source.name
            else:
                source_name = context.source_before(index) if _opens_quote(sentence) else None
            start, end = offset + mention.start, offset + mention.end
            row = {
                "sentence_index": sentence_index,
                "char_start": start,
                "char_end": end,
                "surface": text[start:end],
                "quote": sentence,
                "metric": metric,
                "value": mention.value,
                "value_low": mention.value_low,
                "value_high": mention.value_high,
                "qualifier": qualifier,
                "population": population or np.population or "people",
                "location": location_for(sentence, mention, metric, places, self.gazetteer,
                                         self.options.default_country, clause, others, place_before,
                                         (prev_end, next_start)),
                "as_of": as_of_for(mention, dates, clause[0], clause[1]),
                "attributed_to": source_name,
                "rate": rate_for(sentence, np),
                "event": event_for(sentence, context.event_cues(index), mention, rules,
                                   lambda: context.event_before(index)),
            }
            if np.head == "whom" and last is not None:
                row["location"] = last["location"]    # "350 people, about 50 of whom ..."
            last = row
            rows.append(row)


class _ArticleContext:
    """What earlier sentences of an article leave behind: the last place, speaker and event.

    Worked out lazily, only for figures whose fields need it, by reading back
    over the sentences before them (repeated sentences are skipped, as if
    absent); each sentence is analysed at most once.
    """

    LOOKBACK = 60      # sentences read back for a place; a story rarely carries one further

    def __init__(self, extractor: Extractor, texts: list[str], repeated: list[bool]) -> None:
        self.extractor = extractor
        self.rules = extractor.rules
        self.texts = texts
        self.repeated = repeated
        self._places: dict[int, list] = {}
        self._sources: dict[int, list] = {}
        self._place_memo: dict[bool, dict[int, str | None]] = {False: {}, True: {}}   # by cities_only
        self._event_memo: dict[int, int | None] = {}
        self._event_cues: dict[int, list[tuple[int, str]]] = {}
        self._events_before: dict[int, str | None] = {}

    def places(self, index: int) -> list:
        if index not in self._places:
            self._places[index] = self.extractor.gazetteer.find(self.texts[index])
        return self._places[index]

    def event_cues(self, index: int) -> list[tuple[int, str]]:
        """Event cues of one sentence, found once per article however often they are asked for."""
        if index not in self._event_cues:
            self._event_cues[index] = event_cues_in(self.texts[index], self.rules)
        return self._event_cues[index]

    def sources(self, index: int) -> list:
        if index not in self._sources:
            self._sources[index] = find_sources(self.texts[index], self.rules)
        return self._sources[index]

    def _before(self, index: int, limit: int) -> Iterator[int]:
        for j in range(index - 1, max(-1, index - 1 - limit), -1):
            if not self.repeated[j]:
                yield j

    def source_before(self, index: int) -> str | None:
        """The last named speaker, carried through quotes and pronouns ("he said")."""
        for j in self._before(index, 8):
            sources = self.sources(j)
            named = [s for s in sources if not s.pronoun]
            if named:
                return named[-1].name
            if not (_opens_quote(self.texts[j]) or any(s.pronoun for s in sources)):
                return None
        return None

    def _previous(self, index: int) -> int | None:
        """The nearest earlier sentence that is not a repeat."""
        for j in range(index - 1, -1, -1):
            if not self.repeated[j]:
                return j
        return None

    def place_before(self, index: int, cities_only: bool) -> str | None:
        """The place the previous sentences leave the reader in."""
        gazetteer = self.extractor.gazetteer
        return self._last_before(index, self._place_memo[cities_only], lambda j: context_place(
            self.places(j), gazetteer, self.texts[j], cities_only=cities_only) or None)

    def _last_event_sentence(self, index: int) -> int | None:
        """The last sentence before ``index`` that names an event."""
        return self._last_before(index, self._event_memo, lambda j: j if _named_event(self.event_cues(j)) else None)

    def _last_before(self, index: int, memo: dict[int, Any], probe: Callable[[int], Any]) -> Any:
        """What ``probe`` gives for the nearest earlier sentence it gives anything for (None when
        none does within LOOKBACK). Memoised back to front: ``memo[j]`` is the answer sentence
        j and those before it leave behind, so each sentence is probed once per article."""
        pending: list[int] = []
        j = self._previous(index)
        answer = None
        while j is not None and len(pending) < self.LOOKBACK:
            if j in memo:
                answer = memo[j]
                break
            found = probe(j)
            if found is not None:
                answer = memo[j] = found
                break
            pending.append(j)
            j = self._previous(j)
        for k in pending:
            memo[k] = answer
        return answer

    def event_before(self, index: int) -> str | None:
        """The event still in play: named within reach, kept alive by anaphora ("the attack"),
        dropped when the story moves to another city. Once per sentence, however many figures ask."""
        if index not in self._events_before:
            self._events_before[index] = self._event_in_play(index)
        return self._events_before[index]

    def _event_in_play(self, index: int) -> str | None:
        rules = self.rules
        named_at = self._last_event_sentence(index)
        if named_at is None:
            return None
        event = _named_event(self.event_cues(named_at))
        cities = self._cities(named_at)
        age = 0
        for j in range(named_at + 1, index):
            if self.repeated[j]:
                continue
            here = self._cities(j)
            if here and not here & cities:
                return None                          # the story moved to another city
            age = 0 if rules.event_anaphora.search(self.texts[j]) else age + 1
        return event if age <= rules.event_reach else None

    def _cities(self, index: int) -> set[str]:
        return {p.name for p in self.places(index) if p.kind != "country" and not p.modifier and not p.metonym}


EVENT_REACH_CHARS: Final = 140   # a cue or anaphor further than this from the number is another clause's


def _named_event(cues: list[tuple[int, str]], near: int | None = None) -> str | None:
    """The event a sentence's cues name; with ``near``, the closest cue within reach of that position."""
    if not cues:
        return None
    if near is None:
        return min(cues)[1]
    found = [(abs(start - near), slug) for start, slug in cues if abs(start - near) <= EVENT_REACH_CHARS]
    return min(found)[1] if found else None


def event_cues_in(sentence: str, rules: Rules) -> list[tuple[int, str]]:
    """(position, event slug) of every event cue in a sentence."""
    if not rules.any_event_re.search(sentence):
        return []
    passed = caseless.passed(sentence)          # one read of the index for every event's gate
    return [(m.start(), slug) for slug, pattern in rules.event_cues
            if pattern.gate is None or passed & pattern.gate.bit for m in pattern.finditer(sentence)]


def event_for(sentence: str, cues: list[tuple[int, str]], mention: Mention, rules: Rules,
              previous: Callable[[], str | None]) -> str | None:
    """The named event a figure belongs to, from its sentence or an anaphor near it (then the
    event ``previous()`` says is still in play)."""
    named = _named_event(cues, near=mention.start)
    if named:
        return named
    if any(abs(m.start() - mention.start) <= EVENT_REACH_CHARS for m in rules.event_anaphora.finditer(sentence)):
        return previous()
    return None


def _neighbours(bounds: list[Mention], mention: Mention, size: int) -> tuple[int, int]:
    """Where the nearest bounding number before ``mention`` ends (0 without one), and where the
    nearest after it starts (``size`` without one): a loop, not two generator expressions."""
    prev_end, next_start = 0, size
    start, end = mention.start, mention.end
    for m in bounds:
        if prev_end < m.end <= start:
            prev_end = m.end
        if end <= m.start < next_start:
            next_start = m.start
    return prev_end, next_start


_AND_BETWEEN: Final = re.compile(r"^[^,;.]{0,80}\band\s+$")


def _coordinated(sentence: str, first: Mention, second: Mention) -> bool:
    """'902 civilians have been killed and 1,459 wounded': two counts, one clause."""
    return _and_between(sentence[first.end:second.start])


def _and_between(gap: str) -> bool:
    """``_AND_BETWEEN.match(gap)``, read from the end: white space (``\\s``, what rstrip strips)
    after an "and" that starts a word, and before it at most 80 characters, none of ",;.".
    (The pattern's backtracking tried "and" at every one of those positions.)"""
    head = gap.rstrip()
    if len(head) == len(gap) or not head.endswith("and"):
        return False
    lead = head[:-3]
    if len(lead) > 80 or "," in lead or ";" in lead or "." in lead:
        return False
    return not lead or not word_at(lead, len(lead) - 1)


def _opens_quote(sentence: str) -> bool:
    return sentence[:1] in ("'", "‘", '"', "“")


_APPOSITIVE_WORDS: Final = ["including", "among them", "of whom", "of which"]
_APPOSITIVE_END: Final = re.compile(r"\b(?:" + "|".join(_APPOSITIVE_WORDS) + r")\s+$", re.I)
_APPOSITIVE_LONGEST: Final = max(map(len, _APPOSITIVE_WORDS))
_APPOSITIVE_LAST: Final = frozenset(w[-1] for w in _APPOSITIVE_WORDS) | frozenset(w[-1].upper() for w in _APPOSITIVE_WORDS)


def _appositive(sentence: str, mention: Mention) -> bool:
    """'…, including some 60,000 children,': a part of the number before it."""
    window = sentence[max(0, mention.start - 20):mention.start]
    end = len(window.rstrip())
    if end == len(window) or window[end - 1] not in _APPOSITIVE_LAST:
        return False                     # no white space at the end, or no such word before it
    return bool(search_at_end(_APPOSITIVE_END, window, _APPOSITIVE_LONGEST))


_DIGITS_TO_ZERO: Final = bytes(48 if 48 <= b <= 57 else b for b in range(256))    # 0-9 read as "0"


def _has_ascii_digit(data: bytes) -> bool:
    """Does ``data`` (a text read as ASCII, the rest as "?") hold one of 0-9? Every digit read
    as "0", then one search for it: a plain table translation and a memchr, where dropping the
    digits (``translate(None, digits)``) took twice as long and ten ``in`` tests three times."""
    return 48 in data.translate(_DIGITS_TO_ZERO)


class _LastDate:
    """The last publication date text read and its date: an article's, or a run's one date,
    is asked for again and again."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: tuple[str, date | None] = ("", None)


_LAST_DATE: Final = _LastDate()


def _as_date(value: Any) -> date | None:
    if isinstance(value, str):
        last = _LAST_DATE.last                 # one read: the text and its date go together
        if value and last[0] == value:
            return last[1]
        parsed = _parse_date(value)
        _LAST_DATE.last = (value, parsed)
        return parsed
    if value is None or value != value:  # None or NaN
        return None
    if isinstance(value, date):
        return value
    return _parse_date(str(value))


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
