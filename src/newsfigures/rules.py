"""Load the extractor's vocabularies from YAML, so a new crisis needs no code.

The packaged rules live in ``newsfigures/rules/``. A user folder given with
``--rules DIR`` (or ``extract.rules_dir`` in params.yaml) is read on top:
a list there extends the packaged list, a mapping extends and overrides it.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from . import caseless
from .caseless import Caseless
from .caseless import alternation as _alternation
from .config import RULES_DIR

_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml when present: same result, ~10x faster
RULE_FILES: Final = ("numbers.yaml", "exclusions.yaml", "metrics.yaml", "places.yaml", "attribution.yaml", "events.yaml")


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base.get(key), value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + [item for item in extra if item not in base]
    return extra if extra is not None else base


def _literal_prefix(regex: str) -> str:
    """The lower-case literal text a cue regex starts with ("kills?" -> "kill", "(?:fled|…)" -> "")."""
    match = re.match(r"[a-z][a-z ']*", regex.lower())
    if not match:
        return ""
    prefix = match.group(0)
    if regex[len(prefix):len(prefix) + 1] in ("?", "*", "{"):
        prefix = prefix[:-1]                      # the last character is optional
    return prefix


def _starts(regex: str, size: int = 3) -> set[str] | None:
    """Every lower-case string of ``size`` characters a match of ``regex`` can start with, or None
    when the pattern does not spell them out (a class, a repeat, a match shorter than that)."""
    parser = importlib.import_module("re._parser")
    try:
        items = list(parser.parse(regex, re.I))
    except re.error:
        return None
    found = _grow(items, {""}, size)
    return found if found and all(len(start) == size for start in found) else None


def _grow(items: list[Any], prefixes: set[str], size: int) -> set[str] | None:
    """The prefixes, each grown by what ``items`` (parsed regex) can match next, up to ``size``."""
    for op, arg in items:
        if all(len(p) >= size for p in prefixes):
            break
        name = str(op)
        grown: set[str] | None
        if name == "AT":                         # \b, ^: no character
            continue
        if name == "LITERAL":
            char = chr(arg).lower()
            grown = {p if len(p) >= size else p + char for p in prefixes}
        elif name == "SUBPATTERN":
            grown = _grow(list(arg[-1]), prefixes, size)
        elif name == "BRANCH":
            grown = set()
            for branch in arg[1]:
                more = _grow(list(branch), prefixes, size)
                if more is None:
                    return None
                grown |= more
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] in (0, 1) and arg[1] == 1:
            more = _grow(list(arg[2]), prefixes, size)
            grown = None if more is None else more | (prefixes if arg[0] == 0 else set())
        else:
            return None
        if grown is None or len(grown) > 64:
            return None
        prefixes = grown
    return prefixes


def _tails(cues: list[str], size: int = 3) -> frozenset[str] | None:
    """The last ``size`` characters of every lower-case string the cues can match, or None when
    one cannot be listed (see :func:`_language`) or is shorter than ``size``."""
    parser = importlib.import_module("re._parser")
    tails: set[str] = set()
    for cue in cues:
        try:
            found = _language(list(parser.parse(cue, re.I)))
        except re.error:
            return None
        if found is None or any(len(text) < size for text in found):
            return None
        tails |= {text[-size:] for text in found}
    return frozenset(tails)


def _language(items: list[Any], cap: int = 512) -> set[str] | None:
    """Every lower-case string ``items`` (a parsed regex) can match, or None when they are not
    a few literals, classes of literals, choices and optional parts (or more than ``cap``)."""
    found = {""}
    for op, arg in items:
        name = str(op)
        if name == "AT":                         # \b: no character
            continue
        more: set[str] | None
        if name == "LITERAL":
            more = {chr(arg).lower()}
        elif name == "IN":
            if not all(str(kind) == "LITERAL" for kind, _ in arg):
                return None
            more = {chr(char).lower() for _, char in arg}
        elif name == "SUBPATTERN":
            more = _language(list(arg[-1]), cap)
        elif name == "BRANCH":
            more = set()
            for branch in arg[1]:
                some = _language(list(branch), cap)
                if some is None:
                    return None
                more |= some
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] in (0, 1) and arg[1] == 1:
            some = _language(list(arg[2]), cap)
            more = None if some is None else some | ({""} if arg[0] == 0 else set())
        else:
            return None
        if more is None:
            return None
        found = {head + tail for head in found for tail in more}
        if len(found) > cap:
            return None
    return found


@dataclass(eq=False)
class Rules:
    """All vocabularies, with the regular expressions built from them."""

    data: dict[str, Any]
    digest: str

    @property
    def numbers(self) -> dict[str, Any]:
        return self.data["numbers"]

    @property
    def exclusions(self) -> dict[str, Any]:
        return self.data["exclusions"]

    @property
    def metrics(self) -> dict[str, Any]:
        return self.data["metrics"]

    @property
    def places(self) -> dict[str, Any]:
        return self.data["places"]

    @property
    def events(self) -> dict[str, Any]:
        return self.data["events"]

    @property
    def attribution(self) -> dict[str, Any]:
        return self.data["attribution"]

    def __post_init__(self) -> None:
        num = self.numbers
        self.units: dict[str, int] = {k.lower(): int(v) for k, v in num["units"].items()}
        self.scales: dict[str, int] = {k.lower(): int(v) for k, v in num["scales"].items()}
        self.suffix_scales: dict[str, int] = {k.lower(): int(v) for k, v in num["suffix_scales"].items()}
        vague = {k.lower(): (int(v[0]), int(v[1])) for k, v in num["vague"].items()}
        # "the few dozen", "just a few thousand": "few X" reads like "a few X".
        for key, bounds in list(vague.items()):
            if key.startswith("a few "):
                vague.setdefault(key[2:], bounds)
        self.vague = vague
        self.vague_needs_of = {w.lower() for w in num.get("vague_needs_of", [])}
        self.qualifiers: dict[str, str] = {k.lower(): v for k, v in num["qualifiers"].items()}

        exc = self.exclusions
        self.unit_words = {str(w).lower() for w in exc["unit_words"]}
        self.thing_nouns = {str(w).lower() for w in exc["thing_nouns"]}
        self.before_words = {str(w).lower() for w in exc["before_words"]}
        self.month_names = {str(w).lower() for w in exc["month_names"]}
        # Each of these (and the gates below) holds a word every match of its pattern holds:
        # a sentence the article index shows without it needs no scan of any part of it.
        self.population_before_gate = caseless.Gate(str(w) for w in exc.get("population_before", []))
        self.population_before_re = re.compile(
            r"\b(?:" + _alternation([str(w).lower() for w in exc.get("population_before", [])] or ["$^"])
            + r")\s+(?:(?:the|some|about|around|nearly|almost|over|more than|roughly)\s+)*$", re.I)
        ages = [str(w).lower() for w in exc.get("age_before", ["aged"])]
        self.age_gate = caseless.Gate(ages)
        self.age_before_re = re.compile(
            r"\b(?:" + _alternation(ages) + r")\s+(?:[\w]+\s+(?:and|to|or|-|–)\s+)?$", re.I)

        met = self.metrics
        # Each cue with the literal text it must contain ("" when it starts with a
        # group): a substring test skips most regex scans.
        self.metric_anchored: list[tuple[str, str, re.Pattern[str]]] = []
        for metric, cues in met["metrics"].items():
            for cue in cues:
                pattern = re.compile(rf"\b(?:{cue})\b", re.I)
                self.metric_anchored.append((metric, _literal_prefix(str(cue)), pattern))
        # The cues whose anchor starts with each three characters. A cue matches at a word start
        # (its pattern opens with \b and a letter), so a text offers only the cues filed under the
        # three characters of one of its word starts; cues with a shorter anchor are always tried.
        # A cue that opens with a choice ("(?:fled|escaped|left) …") is filed under each of its starts.
        self.cues_by_start: dict[str, list[int]] = {}
        self.cues_always: list[int] = []
        self.cue_starts: list[tuple[str, ...]] = []          # by cue: its starts ((): always tried)
        for index, (_, anchor, pattern) in enumerate(self.metric_anchored):
            starts = {anchor[:3]} if len(anchor) >= 3 else _starts(pattern.pattern)
            if starts and all(re.match(r"\w", start) for start in starts):
                for start in sorted(starts):
                    self.cues_by_start.setdefault(start, []).append(index)
                self.cue_starts.append(tuple(sorted(starts)))
            else:
                self.cues_always.append(index)
                self.cue_starts.append(())
        # The last three characters of everything a cue can match (None when a cue's matches
        # cannot be listed, or one is shorter): a cue ending where a text ends, ends it with one.
        self.cue_tails: frozenset[str] | None = _tails([str(cue) for cues in met["metrics"].values() for cue in cues])
        self.population_cue_re = caseless.words(exc["population_cues"])
        cue_gate = self.population_cue_re.gate
        assert cue_gate is not None                   # words() gives every pattern its gate
        self.population_cue_gate: caseless.Gate = cue_gate     # callers ask it about a window's sentence
        self.metric_nouns: dict[str, str] = {k.lower(): v for k, v in met["metric_nouns"].items()}
        self.populations: dict[str, str] = {k.lower(): v for k, v in met["populations"].items()}
        self.np_fillers = {str(w).lower() for w in met["np_fillers"]}
        self.bare_followers = {str(w).lower() for w in met["bare_followers"]}
        self.population_groups: dict[str, set[str]] = {
            k: {str(w).lower() for w in v} for k, v in (met.get("population_groups") or {}).items()}

        att = self.attribution
        self.speech_verbs = {w.lower() for w in att["speech_verbs"]}
        self.speech_re = caseless.words(self.speech_verbs)
        self.attr_stop = {str(w).lower() for w in att["stop_words"]}
        self.attr_strip = {w.lower() for w in att["strip_leading"]}
        self.pronouns = {w.lower() for w in att["pronouns"]}
        self.noun_markers = {str(w).lower() for w in att.get("noun_markers", [])}
        self.first_person = {str(w).lower() for w in att.get("first_person", [])}

        ev = self.events
        self.event_names = {e["slug"]: e["name"] for e in ev.get("events", [])}
        self.event_cues: list[tuple[str, Caseless]] = [
            (e["slug"], caseless.words(e["cues"])) for e in ev.get("events", [])]
        self.any_event_re = caseless.words([c for e in ev.get("events", []) for c in e["cues"]])
        anaphora_words = [str(a).lower() for a in ev.get("anaphora", [])]
        anaphora = r"\s+(?:[a-z-]+\s+)?(?:" + _alternation(anaphora_words or ["$^"]) + r")\b"
        self.event_anaphora = Caseless(r"\b(?:the|that|this|these|those)" + anaphora,
                                       r"t(?<!\w.)h(?:e|at|is|ese|ose)" + anaphora, gate=caseless.Gate(anaphora_words))
        self.event_reach = int(ev.get("reach", 4))

        words = list(self.units) + list(self.scales)
        # Cheap test: can this sentence hold a number at all (digits, number or vague words)?
        number_words = words + [w.split()[-1] for w in self.vague]
        numberish = "(?:" + _alternation(number_words) + ")"
        self._numberish_at_start = re.compile(r"\b" + numberish)
        self._numberish_after = re.compile(caseless.GATES[r"\b"] + numberish)      # \b, found faster
        self.number_word_re = re.compile(r"\b" + numberish, re.I)    # tried at number words' starts
        self.number_gate = caseless.Gate(number_words)
        # The same words where number_word_re can match them: the extractor's first test of a text.
        self.number_start_gate = caseless.Gate.word_starts(number_words)
        article = r"an?\s+(?=(?:" + "|".join(list(self.scales) + ["dozen"]) + r")\b)"
        more_words = r"(?:(?:\s+and\s+|[\s-]+)(?:" + _alternation(words) + r"))*(?![\w-])"
        # Every match holds a unit or scale word (after "a"/"an", or first).
        # Tried only at a unit or scale word, or at the "a"/"an" before one.
        # At an index start, the word there must be one of them whole ("hundreds", "tens" and
        # "someone" are not), else no match starts there nor in the lead before it.
        whole = caseless.WholeWord(words, "-") if all(w.isascii() and w.isalpha() for w in words) else None
        self.word_number_re = caseless.gated(r"(?<![\w-])", r"(?:(?:" + article + r"))?(?:" + _alternation(words) + r")"
                                             + more_words, caseless.Gate(words), at_words=True, lead=len("an"),
                                             lead_words=tuple(list(self.scales) + ["dozen"]), keep=whole)
        self.vague_re = caseless.words(list(self.vague), r"(?<![\w-])", r"(?![\w-])")
        self.qualifier_before_re = re.compile(
            r"(?:^|(?<=[\s'‘\"“(]))(" + _alternation(list(self.qualifiers)) + r")\s+$", re.I)
        self.qualifier_longest = max(map(len, self.qualifiers), default=0)     # see numbers.search_at_end
        self.qualifier_words: tuple[str, ...] = tuple(self.qualifiers)          # see numbers._may_end_in_qualifier
        # What one pass over an article can rule out per sentence (see caseless.ArticleIndex).
        self.gates: list[caseless.Gate] = [
            self.number_gate, self.population_before_gate, self.age_gate, self.population_cue_gate] + [
            pattern.gate for pattern in [self.speech_re, self.any_event_re, self.word_number_re, self.vague_re,
                                         self.event_anaphora] + [p for _, p in self.event_cues]
            if pattern.gate is not None]


_DIGIT: Final = re.compile(r"[0-9\u0100-\U0010ffff](?<=\d)")    # \d: a bitmap test first (no Latin-1 digits beyond 0-9)


def has_digit(text: str) -> bool:
    """``_DIGIT.search(text)``: for ASCII text ten ``in`` tests, each a memchr, which beat sre's
    scan several times over (most sentences hold no digit, so the whole text is read)."""
    if not text.isascii():
        return _DIGIT.search(text) is not None
    for digit in "0123456789":
        if digit in text:
            return True
    return False


def numberish(rules: "Rules", text: str) -> bool:
    """Can this text hold a number at all (digits, number words, vague words)? A cheap pre-check."""
    if has_digit(text):
        return True
    if rules.number_gate.absent(text):
        return False
    return _number_words_in(rules, text.lower())


def _number_words_in(rules: "Rules", low: str) -> bool:
    """Does lower-cased text hold a number word or the last word of a vague quantity, after a \\b?"""
    return bool(rules._numberish_at_start.match(low) or rules._numberish_after.search(low))


def load_rules(extra_dir: str | Path | None = None) -> Rules:
    """The packaged rules, extended by an optional user folder."""
    return _load_rules(str(Path(extra_dir).resolve()) if extra_dir else "")


@lru_cache(maxsize=4)
def _load_rules(extra_dir: str) -> Rules:
    digest = hashlib.sha256()
    data: dict[str, Any] = {}
    folders = [RULES_DIR] + ([Path(extra_dir)] if extra_dir else [])
    for name in RULE_FILES:
        key = name.removesuffix(".yaml")
        merged: Any = None
        for folder in folders:
            path = folder / name
            if not path.exists():
                continue
            raw = path.read_bytes()
            digest.update(name.encode() + b"\0" + raw)
            loaded = yaml.load(raw, Loader=_LOADER) or {}
            merged = loaded if merged is None else _merge(merged, loaded)
        if merged is None:
            raise FileNotFoundError(f"rules file {name} is missing from {RULES_DIR}")
        data[key] = merged
    return Rules(data=data, digest=digest.hexdigest()[:16])
