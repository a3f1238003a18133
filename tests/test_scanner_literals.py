"""The one-pass literal finder says exactly what a loop of ``in`` tests says (the scanner's
prefilter must never leave out a signal a file could match, nor add one)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cmlops_kg.scanner import load_catalogue
from cmlops_kg.scanner.gates import words_of
from cmlops_kg.scanner.literals import LiteralFinder, words

ALPHABET = b"ab_.:(\n\x00\xff"  # few letters: literals overlap, nest and repeat a lot
literal = st.binary(min_size=1, max_size=6).map(lambda b: bytes(ALPHABET[x % 9] for x in b))
text = st.binary(max_size=200).map(lambda b: bytes(ALPHABET[x % 9] for x in b))


@settings(max_examples=400, deadline=None)
@given(st.lists(literal, max_size=25), text)
def test_the_finder_agrees_with_in(literals, data):
    assert LiteralFinder(literals).present(data) == {lit for lit in literals if lit in data}


UPPER = b"aB_.:(\n\x00\xff9"  # case kept, digits are word characters too
literal_upper = st.binary(min_size=1, max_size=6).map(lambda b: bytes(UPPER[x % 10] for x in b))
text_upper = st.binary(max_size=200).map(lambda b: bytes(UPPER[x % 10] for x in b))


@settings(max_examples=300, deadline=None)
@given(st.lists(literal_upper, max_size=25), st.lists(text_upper, min_size=1, max_size=4))
def test_the_finder_agrees_with_in_whatever_the_case_and_with_given_words(literals, texts):
    finder = LiteralFinder(literals)  # one finder, many texts: what it remembers stays right
    for data in texts:
        expected = {lit for lit in literals if lit in data}
        assert finder.present(data) == expected
        assert finder.present(data, words(data)) == expected
        # as the detector passes them: a set, whose words the finder remembers across texts
        assert finder.present(data, set(words(data))) == expected
        lowered = data.lower()  # the scanner passes the gate's words of the original bytes
        assert finder.present(lowered, words_of(data)) == {
            lit for lit in literals if lit in lowered
        }


def test_nested_and_overlapping_literals():
    finder = LiteralFinder([b"fit", b"_fit", b"fit_transform", b"it", b"transform("])
    assert finder.present(b"model.fit_transform(x)") == {
        b"fit",
        b"fit_transform",
        b"it",
        b"transform(",
    }
    assert finder.present(b"x_fit") == {b"_fit", b"fit", b"it"}
    assert finder.present(b"model.fi t") == set()
    assert LiteralFinder([]).present(b"anything") == set()


def test_the_real_catalogue_literals_on_this_repository_sources():
    from cmlops_kg.resources import PACKAGE_DIR

    literals = sorted(
        {lit for s in load_catalogue().signals for ls in s.literal_sets for lit in ls}
    )
    finder = LiteralFinder(literals)
    for path in sorted(PACKAGE_DIR.rglob("*.py"))[:60]:
        data = path.read_bytes().lower()
        assert finder.present(data) == {lit for lit in literals if lit in data}, path
