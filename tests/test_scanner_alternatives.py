"""A content pattern searched alternative by alternative (patterns.Alternatives) finds exactly
what its whole regex finds: the same span, so the same quote and line (scanner findings must
not change for the speed of the search)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmlops_kg.scanner import load_catalogue
from cmlops_kg.scanner.patterns import ContentPattern, alternatives

SPLIT = {
    sig.name: [p for p in sig.patterns if p.branches]
    for sig in load_catalogue().signals
    if any(p.branches for p in sig.patterns)
}
SPLIT_CI = {
    sig.name: [p for p in sig.ci_patterns if p.branches]
    for sig in load_catalogue().signals
    if any(p.branches for p in sig.ci_patterns)
}
# filler: code-like ASCII, line breaks, and characters that case-fold onto ASCII letters
# (U+017F long s, U+212A Kelvin sign, dotted and dotless i), against which a caseless
# alternative must not be skipped for lacking its (ASCII) literals
FILLER = st.text(st.sampled_from([*"aZ_ .=(),:'\"\n\t/$@#-0", "ſ", "K", "İ", "ı"]))


def _texts(pattern: ContentPattern) -> st.SearchStrategy[str]:
    """Texts holding matches of some of the pattern's alternatives, in any order, between
    filler (so that alternatives compete for the leftmost match, or none matches)."""
    assert pattern.branches is not None
    examples = st.one_of(*(st.from_regex(part) for part, _ in pattern.branches))
    return st.lists(st.one_of(examples, FILLER), max_size=5).map("".join)


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return None if match is None else match.span()


def test_the_catalogue_has_patterns_worth_splitting():
    assert len(SPLIT) > 50  # the datastore, data-asset schema and register_model signals ...
    assert {"signal-managed-data-store", "signal-platform-data-versions"} <= set(SPLIT)


@pytest.mark.parametrize("name", sorted(SPLIT))
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_alternatives_find_what_the_whole_regex_finds(name, data):
    for pattern in SPLIT[name]:
        text = data.draw(_texts(pattern))
        split = pattern.alternatives
        assert split is not None
        assert _span(split.search(text, text.lower())) == _span(pattern.regex.search(text))


@pytest.mark.parametrize("name", sorted(SPLIT_CI))
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_ci_command_patterns_find_what_the_whole_regex_finds(name, data):
    for lazy in SPLIT_CI[name]:
        parts = alternatives(lazy.pattern)
        assert parts is not None
        examples = st.one_of(*(st.from_regex(part) for part in parts))
        text = data.draw(st.lists(st.one_of(examples, FILLER), max_size=4).map(" ".join))
        whole = re.compile(lazy.pattern).search(text)
        assert _span(lazy.search(text)) == _span(whole)


@pytest.mark.parametrize("name", sorted(SPLIT))
def test_each_alternative_alone_finds_what_the_whole_regex_finds(name):
    """Every alternative's own example, and all of them in one text (the first wins)."""
    for pattern in SPLIT[name]:
        assert pattern.branches is not None and pattern.alternatives is not None
        examples = [_example(part) for part, _ in pattern.branches]
        for text in [*examples, "\n".join(examples), "\n".join(reversed(examples))]:
            whole = pattern.regex.search(text)
            assert _span(pattern.alternatives.search(text, text.lower())) == _span(whole)


def _example(part: str) -> str:
    """A text the alternative matches, built deterministically from its literal parts."""
    literal = re.sub(r"\\[bBAZ]|\(\?[aiLmsux]+\)|[\^$]", "", part)
    return re.sub(r"\\(.)", r"\1", literal)


@pytest.mark.parametrize(
    ("source", "parts"),
    [
        (r"(?m)^a|b", [r"(?m)^a", r"(?m)b"]),
        (r"(?i)(x|y)z|w", [r"(?i)(x|y)z", r"(?i)w"]),
        (r"[|(]a|\|b|[]|]c", [r"[|(]a", r"\|b", r"[]|]c"]),
        (r"[^]|]a|b", [r"[^]|]a", r"b"]),
        (r"ab", None),
        (r"(a|b)", None),
        (r"(a)|\1", None),  # a group reference: the alternatives cannot stand alone
        (r"(?P<x>a)|(?P=x)", None),
        (r"(?x) a  # one | two", None),  # verbose: the "|" is in a comment
        (r"a(?#(|)b", None),  # a comment: its parentheses are not groups
    ],
)
def test_only_the_outermost_alternation_is_split(source, parts):
    assert alternatives(source) == parts


def test_a_caseless_alternative_is_searched_in_non_ascii_text_without_its_literal():
    """``(?i)s`` matches U+017F (long s), which lower-cases to itself: "ſafe" holds no "safe"
    and still matches, leftmost, so that alternative may not be skipped."""
    pattern = ContentPattern.compile(r"(?i)\bxyz\b|\bsafe\b")
    assert pattern.alternatives is not None
    for text in ["ſafe xyz", "safe xyz", "xyz ſafe", "ſafe"]:
        expected = _span(pattern.regex.search(text))
        assert _span(pattern.alternatives.search(text, text.lower())) == expected, text


def test_an_alternative_needs_a_literal_of_each_of_its_sets():
    from cmlops_kg.scanner.gates import required_sets

    assert {("pps.",), ("pipeline", "proto")} <= set(required_sets(r"\bpps\.(proto|Pipeline)\b"))
    # what may be absent from a match is never required: lookarounds, optional parts
    for source in [r"\bfoo(?!bar)", r"(?<!bar)foo", r"(bar)?foo", r"foo(bar)*"]:
        assert required_sets(source) == (("foo",),), source
    assert required_sets(r"foo|bar") == (("bar", "foo"),)  # one of them
    assert required_sets(r"\w+") == ()
