"""Write (or check) the golden results of the case studies, computed by the independent oracle.

For every case study ``examples/profiles/<name>.ttl`` this computes, with ``tests/oracle.py`` over
the full ontology (every ``ontology/*.ttl``), the oracle result of EVERY assessment in the profile
and writes ``examples/profiles/<name>.expected.json``::

    {"organisation": "<IRI>", "assessments": {"<assessment IRI>": <oracle result dict>, ...}}

with sorted keys and an indent of 2, so that a change in the data or in the semantics shows up as
a readable diff. Only rdflib and the oracle are used: no SPARQL and nothing from ``cmlops_kg``.

Usage (from the repository root)::

    python tests/make_goldens.py            # write every golden
    python tests/make_goldens.py --check    # compare instead of writing; exit 1 on a difference
    python tests/make_goldens.py examples/profiles/ledgerly.ttl   # only these case studies

Regenerate the goldens whenever the ontology or a case study changes on purpose; the test
``tests/test_case_studies_oracle.py`` fails until they are regenerated, and checks that the
case studies still cover what they are there to show.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oracle import Oracle, load_turtle

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
PROFILES_DIR = ROOT / "examples" / "profiles"


def ontology_files() -> list[Path]:
    return sorted(ONTOLOGY_DIR.glob("*.ttl"))


def case_studies() -> list[Path]:
    return sorted(PROFILES_DIR.glob("*.ttl"))


def golden_path(profile: Path) -> Path:
    return profile.with_name(profile.stem + ".expected.json")


def build_oracle() -> Oracle:
    return Oracle(load_turtle(ontology_files()))


def golden(oracle: Oracle, profile: Path) -> dict:
    """The golden document of one case study: the oracle result of each of its assessments."""
    graph = Graph().parse(str(profile), format="turtle")
    assessments = oracle.assessments(graph)
    if not assessments:
        raise ValueError(f"{profile}: the case study holds no cmlops:Assessment")
    results = {a: oracle.assess(graph, a) for a in assessments}
    organisations = {r["organisation"] for r in results.values()}
    if len(organisations) != 1:
        raise ValueError(f"{profile}: a case study assesses one organisation, not {organisations}")
    return {"organisation": organisations.pop(), "assessments": results}


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _first_difference(want: object, got: object, where: str = "$") -> str:
    """Where two JSON values first differ, for a readable --check message."""
    if type(want) is not type(got):
        return f"{where}: {want!r} != {got!r}"
    if isinstance(want, dict):
        for key in sorted(set(want) | set(got)):  # type: ignore[arg-type]
            if key not in want:
                return f"{where}.{key}: only in the new result"
            if key not in got:  # type: ignore[operator]
                return f"{where}.{key}: only in the golden"
            diff = _first_difference(want[key], got[key], f"{where}.{key}")  # type: ignore[index]
            if diff:
                return diff
        return ""
    if isinstance(want, list):
        for i, (a, b) in enumerate(zip(want, got, strict=False)):  # type: ignore[call-overload]
            diff = _first_difference(a, b, f"{where}[{i}]")
            if diff:
                return diff
        if len(want) != len(got):  # type: ignore[arg-type]
            return f"{where}: {len(want)} items != {len(got)} items"  # type: ignore[arg-type]
        return ""
    return "" if want == got else f"{where}: {want!r} != {got!r}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profiles", nargs="*", type=Path, help="case studies (default: all)")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    profiles = [p.resolve() for p in args.profiles] or case_studies()
    oracle = build_oracle()
    failures = 0
    for profile in profiles:
        document = golden(oracle, profile)
        target = golden_path(profile)
        text = render(document)
        if not args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                print(f"wrote {target.relative_to(ROOT)}")
            continue
        if not target.exists():
            print(f"MISSING {target.relative_to(ROOT)}")
            failures += 1
            continue
        old = json.loads(target.read_text(encoding="utf-8"))
        if old != json.loads(text):
            print(f"DIFFERS {target.relative_to(ROOT)}: {_first_difference(old, json.loads(text))}")
            failures += 1
        else:
            print(f"ok {target.relative_to(ROOT)}")
    if args.check and failures:
        print(f"{failures} golden(s) out of date: run python tests/make_goldens.py")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
