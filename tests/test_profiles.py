"""Reading profiles: every syntax, and clear errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cmlops_kg.errors import InputError
from cmlops_kg.rdf.profiles import FORMATS, format_name, parse_profile_bytes, read_profile

TURTLE = b"""
@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/acme> a org:Organization ; rdfs:label "Acme" .
<https://example.org/a1> a cmlops:Assessment ; cmlops:assesses <https://example.org/acme> .
"""


def serialise(fmt: str) -> bytes:
    triples = list(ox.parse(TURTLE, format=ox.RdfFormat.TURTLE))
    return ox.serialize(triples, format=FORMATS[fmt])


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_syntax_parses_to_the_same_triples(fmt):
    profile = parse_profile_bytes(serialise(fmt), f"p.{fmt}", fmt)
    assert len(profile.triples) == 4
    assert profile.assessment_iris() == ["https://example.org/a1"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.ttl", "turtle"),
        ("a.jsonld", "json-ld"),
        ("a.json", "json-ld"),
        ("a.rdf", "rdf-xml"),
        ("a.owl", "rdf-xml"),
        ("a.nt", "n-triples"),
        ("A.TTL", "turtle"),
    ],
)
def test_format_from_extension(name, expected):
    assert format_name(name) == expected


def test_explicit_format_overrides_extension():
    assert format_name("profile.txt", "ttl") == "turtle"
    with pytest.raises(InputError, match="unknown input format"):
        format_name("profile.ttl", "yaml")


def test_unknown_extension_says_how_to_fix():
    with pytest.raises(InputError) as err:
        format_name("profile.txt")
    assert "--input-format" in err.value.render()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"\xff\xfe@prefix", "not UTF-8"),
        (b"@prefix ex: <http://e/> .\nex:a ex:b", "not valid turtle"),
    ],
)
def test_bad_turtle_input_is_refused_clearly(data, message):
    with pytest.raises(InputError, match=message) as err:
        parse_profile_bytes(data, "bad.ttl", "turtle")
    assert "bad.ttl" in err.value.render()


def test_syntax_error_names_the_line():
    data = b"@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:d ex:e .\n"
    with pytest.raises(InputError) as err:
        parse_profile_bytes(data, "bad.ttl", "turtle")
    assert "3" in str(err.value)  # the line of the error


def test_too_big_is_refused_before_parsing(tmp_path: Path):
    big = tmp_path / "big.ttl"
    big.write_bytes(b"#" * 2048)
    with pytest.raises(InputError, match="limit"):
        read_profile(big, max_bytes=1024)


def test_missing_file_and_directory(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        read_profile(tmp_path / "nope.ttl")
    folder = tmp_path / "dir.ttl"
    folder.mkdir()
    with pytest.raises(InputError, match="not a regular file"):
        read_profile(folder)


def test_jsonld_remote_context_is_not_fetched():
    doc = b'{"@context": "https://example.org/context.jsonld", "@id": "https://e/a", "name": "x"}'
    with pytest.raises(InputError):
        parse_profile_bytes(doc, "remote.jsonld", "json-ld")
