"""Untrusted files are parsed with bounded time and memory: each hostile case is refused with a
"too large / too deep" message that says which limit and how to change it, never expanded.

The hostile files here are small versions of the issue's cases (a bomb that would expand to a
few MB, not 20 GB): they cross the limits without endangering the test machine if a limit were
missing, and the test then fails on the outcome rather than on the machine.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from cmlops_kg.cli import main
from cmlops_kg.errors import InputError
from cmlops_kg.rdf.profiles import parse_profile_bytes, read_profile

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
)


def rdfxml_bomb(names: list[str], fan_out: int = 10) -> bytes:
    """A billion-laughs document whose entities are called ``names`` (expands to ~5 MB)."""
    decls = [f'<!ENTITY {names[0]} "{"x" * 50}">']
    for previous, name in itertools.pairwise(names):
        decls.append(f'<!ENTITY {name} "{("&" + previous + ";") * fan_out}">')
    body = f'<rdf:Description rdf:about="https://e/a"><rdfs:label>&{names[-1]};</rdfs:label>'
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        + "\n".join(decls)
        + "\n]>\n"
        + XML_HEAD
        + body
        + "</rdf:Description></rdf:RDF>\n"
    )
    return text.encode("utf-8")


@pytest.mark.parametrize(
    "names",
    [
        ["lol", "lol1", "lol2", "lol3", "lol4", "lol5"],  # ASCII: refused before the fix too
        ["é", "éé", "ééé", "éééé", "ééééé", "éééééé"],  # non-ASCII: slipped past the old regex
        ["日", "日本", "日本語", "語", "本", "本日"],
        ["a·b", "a·c", "a·d", "a·e", "a·f", "a·g"],
    ],
    ids=["ascii", "latin", "cjk", "middle-dot"],
)
def test_rdfxml_entity_bombs_are_refused_whatever_their_names(names):
    with pytest.raises(InputError) as info:
        parse_profile_bytes(rdfxml_bomb(names), "bomb.rdf", "rdf-xml")
    assert "entit" in info.value.what and info.value.fix


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE rdf:RDF SYSTEM "file:///etc/passwd">',
        '<!DOCTYPE rdf:RDF PUBLIC "-//x//y" "http://127.0.0.1:9/x.dtd">',
        '<!DOCTYPE rdf:RDF [ <!ENTITY ü SYSTEM "file:///etc/passwd"> ]>',
        '<!DOCTYPE rdf:RDF [ <!ENTITY % pé "x"> ]>',
        "<!DOCTYPE rdf:RDF [ <!ELEMENT rdf:RDF ANY> ]>",
        '<!DOCTYPE rdf:RDF [ <!ENTITY a "&#38;#38;"> ]>',
    ],
    ids=["external-dtd", "public-dtd", "external-entity", "parameter-entity", "element", "charref"],
)
def test_doctype_declarations_other_than_plain_entities_are_refused(doctype):
    data = f'<?xml version="1.0"?>\n{doctype}\n{XML_HEAD}</rdf:RDF>\n'.encode()
    with pytest.raises(InputError) as info:
        parse_profile_bytes(data, "x.rdf", "rdf-xml")
    assert "DOCTYPE" in info.value.what or "entit" in info.value.what


def test_namespace_entities_still_work():
    data = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "https://e/"> '
        '<!ENTITY été "https://e/été#"> ]>\n'
        f'{XML_HEAD}<rdf:Description rdf:about="&ex;a"><rdfs:seeAlso rdf:resource="&été;b"/>'
        "</rdf:Description></rdf:RDF>\n"
    ).encode()
    profile = parse_profile_bytes(data, "ok.rdf", "rdf-xml")
    assert [t.object.value for t in profile.triples] == ["https://e/été#b"]


def _nested_jsonld(depth: int) -> bytes:
    return b'{"@id": "https://e/a", "https://e/p": ' * depth + b'"x"' + b"}" * depth


@pytest.mark.parametrize("depth", [150, 20_000])
def test_deeply_nested_jsonld_is_refused(depth):
    with pytest.raises(InputError) as info:
        parse_profile_bytes(_nested_jsonld(depth), "deep.jsonld", "json-ld")
    assert "nested" in info.value.what and "CMLOPS_KG_MAX_NESTING" in info.value.fix


def test_nesting_in_json_strings_does_not_count():
    data = b'{"@id": "https://e/a", "https://e/p": "' + b"[{" * 5000 + b'"}'
    assert len(parse_profile_bytes(data, "s.jsonld", "json-ld").triples) == 1


def _rdf_list(length: int) -> bytes:
    items = " ".join(f'"{i}"' for i in range(length))
    return f"<https://e/a> <https://e/p> ( {items} ) .\n".encode()


def test_long_rdf_lists_are_refused():
    with pytest.raises(InputError) as info:
        parse_profile_bytes(_rdf_list(2_000), "list.ttl", "turtle")
    assert "list" in info.value.what and "CMLOPS_KG_MAX_LIST_LENGTH" in info.value.fix


def test_short_rdf_lists_are_fine():
    assert len(parse_profile_bytes(_rdf_list(10), "list.ttl", "turtle").triples) == 21


def test_too_many_triples_are_refused_while_parsing(monkeypatch):
    monkeypatch.setenv("CMLOPS_KG_MAX_TRIPLES", "1000")
    data = b"".join(b"<https://e/s%d> <https://e/p> <https://e/o> .\n" % i for i in range(1001))
    with pytest.raises(InputError) as info:
        parse_profile_bytes(data, "many.nt", "n-triples")
    assert "1000 triples" in info.value.what and "CMLOPS_KG_MAX_TRIPLES" in info.value.fix


def test_the_default_triple_limit_refuses_a_two_million_triple_file(tmp_path, capsys):
    # ~11 bytes a triple: 2 million triples under the 20 MB cap, as in the issue
    path = tmp_path / "huge.ttl"
    line = b"<a> <b> " + b", ".join(b"<%d>" % i for i in range(1000)) + b" .\n"
    with path.open("wb") as handle:
        for _ in range(2_000):
            handle.write(line)
    assert path.stat().st_size < 20 * 2**20
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "triples" in err and "Traceback" not in err


def test_the_size_limit_is_configurable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CMLOPS_KG_MAX_PROFILE_MB", "0.001")
    path = tmp_path / "p.ttl"
    path.write_bytes(b"# padding\n" * 200)
    assert main(["validate", str(path)]) == 2
    assert "limit" in capsys.readouterr().err


def test_a_utf8_bom_is_not_part_of_the_first_term():
    data = "\ufeff<https://e/a> <https://e/p> <https://e/o> .\n".encode()
    assert len(parse_profile_bytes(data, "bom.ttl", "turtle").triples) == 1


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="Linux only")
def test_proc_self_mem_is_refused_without_a_traceback(capsys):
    with pytest.raises(InputError) as info:
        read_profile("/proc/self/mem", "turtle")
    assert info.value.fix
    assert main(["validate", "/proc/self/mem", "--input-format", "turtle"]) == 2
    assert "Traceback" not in capsys.readouterr().err


# -- questionnaire answers (YAML) ------------------------------------------------------------------
def _answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    assert main(["questionnaire", "--out", str(path)]) == 0
    return path


def test_an_impossible_date_is_a_clear_error(tmp_path, capsys):
    path = _answers(tmp_path)
    text = path.read_text()
    start = text.index("date:")
    end = text.index("\n", start)
    path.write_text(text[:start] + "date: 2026-13-45" + text[end:])
    # 1: the answers were read and are wrong (2 would be an unreadable file)
    assert main(["import", str(path), "--out", str(tmp_path / "p.ttl")]) == 1
    err = capsys.readouterr().err
    assert "2026-13-45" in err and "YYYY-MM-DD" in err and "Traceback" not in err


@pytest.mark.parametrize("shape", ["flow", "block"])
def test_very_deep_yaml_is_a_clear_error(tmp_path, capsys, shape):
    path = tmp_path / "deep.yaml"
    if shape == "flow":
        path.write_text("organisation: " + "[" * 50_000 + "]" * 50_000 + "\n")
    else:
        path.write_text("".join(f"{' ' * i}k{i}:\n" for i in range(2_000)) + "\n")
    assert main(["import", str(path), "--out", str(tmp_path / "p.ttl")]) == 2
    err = capsys.readouterr().err
    assert "nested" in err and "Traceback" not in err
