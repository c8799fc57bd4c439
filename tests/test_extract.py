"""The extractor: which numbers become figures, and the fields it reads for them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import RAW

PUBLISHED = "2022-03-21"  # a Monday


def only(rows: list[dict]) -> dict:
    assert len(rows) == 1, [(r["surface"], r["metric"]) for r in rows]
    return rows[0]


@pytest.mark.parametrize("sentence, metric", [
    ("Based on witness testimonies, the attack is now thought to have killed at least 600.", "killed"),
    ("At least 1,459 people were wounded in the shelling.", "injured"),
    ("About 100 were safely evacuated from the plant.", "evacuated"),
    ("More than three million people have fled Ukraine.", "fled_abroad"),
    ("Ten million people have been displaced by the war.", "displaced"),
    ("More than 100,000 people are believed trapped in the city.", "trapped"),
    ("Police said dozens of others were missing.", "missing"),
    ("Several thousand residents were deported to Russia.", "deported"),
    ("More than 130 survivors have emerged from the rubble.", "rescued"),
    ("Ukraine said 200 Russian soldiers surrendered.", "captured"),
    ("The strike left 40 casualties.", "casualties"),
    ("More than 2.6 million people have asked to be evacuated.", "trapped"),
])
def test_metric_comes_from_the_governing_clause(figures_of, sentence, metric):
    assert only(figures_of(sentence))["metric"] == metric


@pytest.mark.parametrize("sentence", [
    "Ukraine's government says it is sending 45 buses to evacuate civilians.",
    "The city's pre-war population was 400,000.",
    "A nine-year-old boy was killed in 2022.",
    "They had to pass through 26 Russian and separatist-controlled checkpoints.",
    "Russia said it launched hundreds of missile and air attacks.",
    "Mayor Vitali Klitschko said it was one of several bombs dropped on the city.",
    "The offensive could become a war of attrition after eight years of fighting.",
])
def test_counts_of_things_and_people_not_affected_are_not_figures(figures_of, sentence):
    assert figures_of(sentence) == []


def test_fields_of_a_wire_sentence(figures_of):
    rows = figures_of("At least 902 civilians have been killed and 1,459 wounded in Ukraine as of "
                      "midnight on March 19, the UN human rights office said.")
    assert [(r["value"], r["metric"], r["qualifier"], r["population"]) for r in rows] == [
        (902, "killed", "at_least", "civilians"), (1459, "injured", "at_least", "civilians")]
    for row in rows:
        assert row["location"] == "Ukraine"
        assert row["as_of"] == "2022-03-19"
        assert row["attributed_to"] == "UN human rights office"


def test_refugees_go_to_the_destination_country(figures_of):
    row = only(figures_of("More than 1.8million Ukrainians have fled to Poland since the start of the war, "
                          "according to the UN."))
    assert (row["metric"], row["location"], row["attributed_to"]) == ("fled_abroad", "Poland", "UN")


def test_weekdays_resolve_to_the_day_before_publication(figures_of):
    row = only(figures_of("UN data showed as of Thursday about 3.2 million have fled abroad."))
    assert row["as_of"] == "2022-03-17"
    row = only(figures_of("Russian airstrikes hit a mall in Kyiv on Monday, killing at least eight people."))
    assert row["as_of"] == PUBLISHED            # the publication day itself
    assert figures_of("Eight people were killed yesterday in Kyiv.")[0]["as_of"] == "2022-03-20"


def test_rates_and_aliases(figures_of):
    row = only(figures_of("Western intelligence claim 1,000 Russian soldiers are dying a day in Kiev."))
    assert (row["rate"], row["population"], row["location"]) == ("per_day", "soldiers", "Kyiv")
    assert row["attributed_to"] == "Western intelligence"


@pytest.mark.parametrize("earlier, sentence, field, value", [
    ("Russian forces shelled Mariupol again on Tuesday.",               # the last city named
     "At least 300 people have been killed, officials said.", "location", "Mariupol"),
    ("Fighting raged across Moldova on Monday.",                         # no city: the last place
     "At least 300 people have been killed, officials said.", "location", "Moldova"),
    ("Mariupol has been under siege for weeks.",                         # "the city"
     "About 100,000 people remain trapped in the city, officials said.", "location", "Mariupol"),
    ("Mariupol has been under siege for weeks.",                         # "the city", before a place named later
     "About 100,000 people remain trapped in the city as officials in Kyiv appealed for help.", "location", "Mariupol"),
    ("'The city is surrounded,' Vadym Boychenko told reporters.",       # "he said"
     "'At least 2,000 civilians have been killed,' he said.", "attributed_to", "Vadym Boychenko"),
    ("'We need help,' Vadym Boychenko said.",                            # a quote that goes on
     "'More than 5,000 people have been killed in Mariupol.'", "attributed_to", "Vadym Boychenko"),
    ("A Russian airstrike hit the drama theatre in Mariupol on Wednesday.",   # "the strike"
     "At least 300 people were killed in the strike, officials said.", "event", "drama-theatre"),
])
def test_what_earlier_sentences_leave_behind(figures_of, earlier, sentence, field, value):
    """ANNOTATION.md: a figure's place, speaker and event can come from the sentences before it."""
    assert only(figures_of(f"{earlier}\n{sentence}"))[field] == value
    assert only(figures_of(sentence))[field] != value           # the earlier sentence gave it


def test_a_story_that_moves_city_drops_the_event(figures_of):
    text = ("A Russian airstrike hit the drama theatre in Mariupol on Wednesday.\nIn Kharkiv, shelling continued.\n"
            "At least 300 people were killed in the strike, officials said.")
    row = only(figures_of(text))
    assert (row["event"], row["location"]) == (None, "Kharkiv")


def test_first_person_statement_has_no_source(figures_of):
    row = only(figures_of("'According to our data there are still more than 1,300 people trapped there.'"))
    assert row["attributed_to"] is None


def test_repeated_caption_gives_one_figure(figures_of):
    caption = "Russian airstrikes destroyed the mall in Kyiv on Monday, killing at least eight people"
    rows = figures_of(f"{caption}\n\n{caption}\n\nA different sentence: at least eight people were killed.")
    assert [r["sentence_index"] for r in rows] == [0, 2]


def test_offsets_point_at_the_surface(figures_of):
    text = "Headline\n\n\u00a0Ten million people have been displaced, including nearly 3.4 million who fled abroad."
    for row in figures_of(text):
        assert text[row["char_start"]:row["char_end"]] == row["surface"]


def test_bank_details_and_addresses_in_the_sample_are_not_figures(extractor):
    path = RAW / "002_6d896b22c9163eb4.txt"
    text = path.read_text(encoding="utf-8")
    appeal = text.index("Via bank transfer")
    rows = extractor.figures({"id": "002", "file": path.name, "text": text, "published": PUBLISHED})
    assert rows and all(r["char_start"] < appeal for r in rows)


def test_every_sample_figure_is_traceable(extractor):
    for path in sorted(Path(RAW).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for row in extractor.figures({"id": path.stem, "file": path.name, "text": text, "published": PUBLISHED}):
            assert text[row["char_start"]:row["char_end"]] == row["surface"]
            assert row["surface"] in row["quote"]
            assert text.find(row["quote"]) >= 0


@pytest.mark.parametrize("sentence", [
    "Mariupol, a city of 400,000, has been encircled.",
    "Almost ten per cent of the 430,000 who live there have left.",
])
def test_a_places_usual_population_is_not_a_figure(figures_of, sentence):
    assert all(r["value"] not in (400_000, 430_000) for r in figures_of(sentence))


def test_a_numbers_neighbours_are_the_nearest_bounds_either_side():
    """extract._neighbours is the max/min it replaced: the end of the nearest bound before the
    number (0 without one) and the start of the nearest after it (the sentence's end without one)."""
    from hypothesis import given, strategies as st

    from newsfigures.extract import _neighbours
    from newsfigures.numbers import Mention

    def mention(start: int, size: int) -> Mention:
        return Mention(start, start + size, start, 1, None, None, "exact", "digits", "1" * size)

    spans = st.tuples(st.integers(0, 60), st.integers(1, 6))

    @given(st.lists(spans, max_size=6), spans)
    def check(bounds, own):
        ms, m = [mention(*b) for b in bounds], mention(*own)
        want = (max((b.end for b in ms if b.end <= m.start), default=0),
                min((b.start for b in ms if b.start >= m.end), default=70))
        assert _neighbours(ms, m, 70) == want

    check()


def test_publication_dates_are_read_the_same_when_remembered() -> None:
    """_as_date remembers the last text it read: asking again, or for another text, or for
    something that is not text, gives what reading it afresh gives."""
    from datetime import date

    from newsfigures.extract import _as_date

    for _ in range(2):
        assert _as_date("2022-03-21") == date(2022, 3, 21)
        assert _as_date("2022-03-21T10:00:00") == date(2022, 3, 21)
        assert _as_date("not a date") is None
        assert _as_date("") is None
    assert _as_date("2022-04-01") == date(2022, 4, 1)
    assert _as_date(date(2022, 5, 2)) == date(2022, 5, 2)
    assert _as_date(None) is None and _as_date(float("nan")) is None
    assert _as_date("2022-03-21") == date(2022, 3, 21)


@settings(max_examples=500, deadline=None)
@given(gap=st.lists(st.sampled_from(["and", " ", "\n", "\u00a0", "x", "band", ",", ";", ".", "_", "é", "1", "And",
                                     "a" * 30, "nd", "\t", "\u2009"]), max_size=10).map("".join))
def test_and_between_is_what_the_pattern_matches(gap: str) -> None:
    from newsfigures.extract import _AND_BETWEEN, _and_between

    assert _and_between(gap) == bool(_AND_BETWEEN.match(gap)), gap


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab 09.\u0663\u00b2’é5")), max_size=30))
def test_ascii_digits_are_found_in_the_text_as_the_index_reads_it(text: str) -> None:
    from newsfigures.extract import _has_ascii_digit

    assert _has_ascii_digit(text.encode("ascii", "replace")) == any(c in "0123456789" for c in text)


@pytest.mark.parametrize("sentence, published, dates", [
    ("On December 30, 12 people were killed.", date(2022, 1, 3), ["2021-12-30"]),   # last year's
    ("On March 27 they left.", date(2022, 3, 21), []),             # within a week ahead: still to come
    ("On 28th March they left.", date(2022, 3, 21), []),
    ("On March 29 they left.", date(2022, 3, 21), ["2021-03-29"]),  # further ahead: last year's
    ("On Friday they left.", date(2022, 3, 21), ["2022-03-18"]),    # the Friday before
    ("They left yesterday.", date(2022, 3, 21), ["2022-03-20"]),
    ("On Monday they left.", date(2022, 3, 21), ["2022-03-21"]),    # the day itself
])
def test_dates_resolve_against_the_publication_date(sentence: str, published: date, dates: list[str]) -> None:
    from newsfigures.fields import find_dates

    assert [d.value.isoformat() for d in find_dates(sentence, published)] == dates
