"""Ontology quality checks: SHACL shapes, ROBOT-style QC queries and a HermiT consistency check.

``cmlops-kg check`` runs all three on the merged ontology modules and prints one report, grouped
by severity and check, the way ROBOT's ``report`` does: the whole report is always printed and
the exit status says whether any finding reached ``--fail-on``.
"""

from __future__ import annotations

import io
import json
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from cmlops_kg import vocab
from cmlops_kg.errors import InputError
from cmlops_kg.rdf.ontology import ontology_files
from cmlops_kg.resources import ONTOLOGY_DIR, QC_DIR, SHAPES_DIR
from cmlops_kg.sparql.library import QueryFile, load_query

if TYPE_CHECKING:  # rdflib loads only for pySHACL and HermiT (the default check needs neither)
    import rdflib

SEVERITIES = ("ERROR", "WARN", "INFO")
SHAPES_FILE = SHAPES_DIR / "ontology.shapes.ttl"
PROFILE_FILE = QC_DIR / "profile.tsv"
# HermiT needs far less than owlready2's default 2 GB for an ontology of a few thousand triples;
# a small heap also starts faster on a 2-core CI machine.
JAVA_MEMORY_MB = 512
RDF_NS, RDFS_NS, SH_NS, OWL_NS = vocab.RDF, vocab.RDFS, vocab.SH, vocab.OWL
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = RDF_NS + "type"
_SEVERITY_BY_IRI = {SH_NS + "Violation": "ERROR", SH_NS + "Warning": "WARN", SH_NS + "Info": "INFO"}
# Datatypes outside the OWL 2 datatype map (HermiT refuses them unless told to ignore them).
_NON_OWL2_DATATYPES = ("date", "time", "gYear", "gYearMonth", "gMonth", "gDay", "duration")


@dataclass(frozen=True)
class CheckFinding:
    """One row of the report: which check, how bad, where, and what to do."""

    check: str
    severity: str
    entity: str
    property: str
    value: str
    message: str


@dataclass(frozen=True)
class CheckInfo:
    """What a check looks for and how to fix what it finds (shown once per check)."""

    name: str
    kind: str
    title: str
    problem: str
    fix: str
    severity: str


@dataclass
class CheckReport:
    """The result of one ``check_ontology`` run."""

    files: list[Path]
    findings: list[CheckFinding] = field(default_factory=list)
    checks: dict[str, CheckInfo] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, fail_on: str = "ERROR") -> bool:
        """True when a finding is at or above ``fail_on`` (ERROR > WARN > INFO)."""
        worst = SEVERITIES.index(fail_on)
        return any(SEVERITIES.index(f.severity) <= worst for f in self.findings)

    def by_check(self, check: str) -> list[CheckFinding]:
        return [f for f in self.findings if f.check == check]


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


def resolve_files(specs: Sequence[str | Path] | None) -> list[Path]:
    """Turn ``--ontology`` arguments (directories and/or .ttl files) into module paths."""
    if not specs:
        return ontology_files(ONTOLOGY_DIR)
    files: list[Path] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            files.extend(ontology_files(path))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(
                "no such file or directory",
                where=str(path),
                fix="give a directory of ontology .ttl files or the .ttl files themselves",
            )
    if not files:
        raise InputError(
            "no Turtle files to check",
            where=", ".join(str(s) for s in specs),
            fix="the directory must contain the ontology modules as *.ttl files",
        )
    return files


@dataclass
class LoadedModules:
    """The modules that parse, in one Oxigraph store, with the prefixes they declare."""

    store: ox.Store
    good: list[Path]
    syntax: list[CheckFinding]
    prefixes: dict[str, str]
    quads: list[ox.Quad] = field(default_factory=list)  # as parsed (the store canonicalises)

    def rdflib_graph(self) -> rdflib.Graph:
        """The same triples as an rdflib graph, for pySHACL and HermiT (built on demand, term
        by term: rdflib's own N-Triples reader is slower than its Turtle parser). Literals
        keep their lexical forms as written, and a plain string stays untyped, as rdflib's
        Turtle parser gives them."""
        import rdflib

        graph = rdflib.Graph()
        project = vocab.prefixes()  # bound as parse_ontology binds them; the modules' after
        for prefix, namespace in self.prefixes.items():
            graph.bind(prefix, namespace, override=project.get(prefix) == namespace)
        term = _rdflib_term
        graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in self.quads)
        return graph


def _rdflib_term(term: object) -> rdflib.term.Node:
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == vocab.XSD + "string":
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def load_modules(files: list[Path]) -> LoadedModules:
    """Parse each module with Oxigraph (rdflib's Turtle parser took 1.4 s of 'check') into one
    store; a module that does not parse is a finding and the others are still checked."""
    store = ox.Store()
    prefixes = dict(vocab.prefixes())  # the project's prefixes first, as parse_ontology binds
    good: list[Path] = []
    findings: list[CheckFinding] = []
    parsed: list[ox.Quad] = []
    for path in files:
        try:
            parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
            quads = list(parser)
        except (SyntaxError, OSError, ValueError) as exc:
            findings.append(_parse_error(path, exc))
            continue
        store.extend(quads)
        parsed += quads
        for prefix, namespace in parser.prefixes.items():
            prefixes.setdefault(prefix, namespace)
        good.append(path)
    return LoadedModules(store, good, findings, prefixes, parsed)


def _parse_error(path: Path, exc: Exception) -> CheckFinding:
    detail = " ".join(str(exc).split())[:300]  # parser messages may span lines
    message = f"{path.name} does not parse as Turtle: {detail}"
    return CheckFinding("syntax/parse_error", "ERROR", str(path), "", "", message)


# ---------------------------------------------------------------------------------------------
# SHACL
# ---------------------------------------------------------------------------------------------


def shacl_findings(graph: rdflib.Graph, shapes_file: Path = SHAPES_FILE) -> list[CheckFinding]:
    """Validate the merged ontology against its shapes, without inference.

    sh:class and sh:targetClass follow the rdfs:subClassOf triples asserted in the data graph,
    so no RDFS closure is needed (and pySHACL stays fast).
    """
    import rdflib
    from pyshacl import validate
    from rdflib.namespace import RDF, SH

    shapes = rdflib.Graph().parse(shapes_file, format="turtle")
    _conforms, results, _text = validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
    )
    findings = [
        _shacl_finding(results, shapes, graph, node)
        for node in results.subjects(RDF.type, SH.ValidationResult)
    ]
    return sorted(findings, key=lambda f: (f.check, f.entity, f.value))


def _shacl_finding(
    results: rdflib.Graph, shapes: rdflib.Graph, data: rdflib.Graph, node: rdflib.term.Node
) -> CheckFinding:
    from rdflib.namespace import SH

    source = results.value(node, SH.sourceShape)
    path = results.value(node, SH.resultPath)
    value = results.value(node, SH.value)
    message = results.value(node, SH.resultMessage)
    severity = _SEVERITY_BY_IRI.get(str(results.value(node, SH.resultSeverity)), "ERROR")
    return CheckFinding(
        check=f"shacl/{_shape_name(shapes, source)}",
        severity=severity,
        entity=str(results.value(node, SH.focusNode)),
        property=_path_text(results, path, data),
        value="" if value is None else str(value),
        message=str(message) if message is not None else "does not conform to its shape",
    )


def _shape_name(shapes: rdflib.Graph, shape: rdflib.term.Node | None) -> str:
    import rdflib
    from rdflib.namespace import SH

    if isinstance(shape, rdflib.URIRef):
        return str(shape).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    name = shapes.value(shape, SH.name) if shape is not None else None
    return str(name) if name is not None else "shape"


def _path_text(results: rdflib.Graph, path: rdflib.term.Node | None, data: rdflib.Graph) -> str:
    """A readable property path: an IRI, or the steps of a sequence path joined with '/'."""
    import rdflib
    from rdflib.collection import Collection

    if path is None:
        return ""
    if isinstance(path, rdflib.URIRef):
        return str(path)
    steps = Collection(results, path)
    return "/".join(_curie(data, step) for step in steps)


def shacl_findings_rust(
    modules: LoadedModules, shapes_file: Path = SHAPES_FILE
) -> list[CheckFinding]:
    """:func:`shacl_findings` with the Rust engine (PyPI ``shacl``) on the Oxigraph store.

    The same findings as pySHACL (``tests/test_quality.py`` compares the two on a broken copy
    of the ontology) in a fraction of the time. The ontology shapes are named IRIs with fixed
    messages, so the engine's unsubstituted ``{$value}`` placeholders do not arise here.
    """
    from cmlops_kg.validation.rust_engine import compiled_shapes

    data = modules.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    shapes = compiled_shapes(shapes_file.read_text(encoding="utf-8"))
    report = shapes.validate_text(data.decode("utf-8"), format="ntriples", allow_warnings=True)
    if not len(report):
        return []
    results = ox.Store()
    results.load(report.serialize("ntriples").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    findings = [
        _rust_finding(results, modules.prefixes, quad.subject)
        for quad in results.quads_for_pattern(
            None, _ox_iri(RDF_TYPE), _ox_iri(SH_NS + "ValidationResult")
        )
    ]
    return sorted(findings, key=lambda f: (f.check, f.entity, f.value))


def _rust_finding(results: ox.Store, prefixes: dict[str, str], node: ox.BlankNode) -> CheckFinding:
    def value(name: str) -> object:
        quad = next(results.quads_for_pattern(node, _ox_iri(SH_NS + name), None), None)
        return None if quad is None else quad.object

    source, path, message = value("sourceShape"), value("resultPath"), value("resultMessage")
    severity = value("resultSeverity")
    shape = "shape"  # the ontology shapes are named IRIs; a blank one is not found by name
    if isinstance(source, ox.NamedNode):
        shape = source.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return CheckFinding(
        check=f"shacl/{shape}",
        severity=_SEVERITY_BY_IRI.get(getattr(severity, "value", ""), "ERROR"),
        entity=_ox_text(value("focusNode")),
        property=_ox_path_text(results, path, prefixes),
        value=_ox_text(value("value")),
        message=message.value if message is not None else "does not conform to its shape",
    )


def _ox_path_text(results: ox.Store, path: object, prefixes: dict[str, str]) -> str:
    """As :func:`_path_text`: an IRI, or the steps of a sequence path joined with '/'."""
    if path is None:
        return ""
    if isinstance(path, ox.NamedNode):
        return path.value
    steps = []
    while isinstance(path, ox.BlankNode | ox.NamedNode) and path.value != RDF_NS + "nil":
        first = next(results.quads_for_pattern(path, _ox_iri(RDF_NS + "first"), None), None)
        rest = next(results.quads_for_pattern(path, _ox_iri(RDF_NS + "rest"), None), None)
        if first is None:
            break
        steps.append(_prefixed(first.object, prefixes))
        path = None if rest is None else rest.object
    return "/".join(steps)


def _prefixed(term: object, prefixes: dict[str, str]) -> str:
    """A CURIE with the modules' prefixes (as rdflib's ``curie(generate=False)``), else <IRI>."""
    if not isinstance(term, ox.NamedNode):
        return _ox_text(term)
    iri = term.value
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    for prefix, namespace in prefixes.items():
        if namespace == iri[:cut] and iri[cut:]:
            return f"{prefix}:{iri[cut:]}"
    return f"<{iri}>"


def _ox_iri(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def shape_infos(shapes_file: Path = SHAPES_FILE) -> dict[str, CheckInfo]:
    """The name, title and message of every named shape (for report headings)."""
    shapes = ox.Store()
    shapes.load(path=str(shapes_file), format=ox.RdfFormat.TURTLE)

    def value(shape: object, name: str) -> object:
        quad = next(shapes.quads_for_pattern(shape, ox.NamedNode(SH_NS + name), None), None)
        return None if quad is None else quad.object

    infos = {}
    for shape in dict.fromkeys(
        q.subject for q in shapes.quads_for_pattern(None, ox.NamedNode(SH_NS + "name"), None)
    ):
        title = _ox_text(value(shape, "name"))
        local = shape.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        name = f"shacl/{local if isinstance(shape, ox.NamedNode) else title}"
        message = _ox_text(value(shape, "message"))
        severity = _SEVERITY_BY_IRI.get(_ox_text(value(shape, "severity")), "ERROR")
        infos[name] = CheckInfo(name, "shacl", title, message, "", severity)
    return infos


# ---------------------------------------------------------------------------------------------
# QC queries
# ---------------------------------------------------------------------------------------------


def read_severity_profile(profile: Path = PROFILE_FILE) -> dict[str, str]:
    """ROBOT-style profile: ``LEVEL<TAB>check-name`` per line; '#' starts a comment."""
    levels: dict[str, str] = {}
    for number, line in enumerate(profile.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[0] not in SEVERITIES:
            raise InputError(
                f"cannot read profile line {number}: {line!r}",
                where=str(profile),
                fix="write 'ERROR', 'WARN' or 'INFO', a tab, then the check name",
            )
        levels[Path(parts[1].strip()).stem] = parts[0]
    return levels


def qc_queries(qc_dir: Path = QC_DIR) -> list[QueryFile]:
    """Every QC query file, by name (the file stem)."""
    return [load_query(path) for path in sorted(qc_dir.glob("*.rq"))]


def qc_infos(qc_dir: Path = QC_DIR) -> dict[str, CheckInfo]:
    """Title, problem, fix and severity of each QC query (unprofiled checks count as ERROR)."""
    profile = read_severity_profile(qc_dir / "profile.tsv")
    infos = {}
    for query in qc_queries(qc_dir):
        name = f"qc/{query.name}"
        severity = profile.get(query.name, "ERROR")
        problem, fix = query.extra.get("problem", ""), query.extra.get("fix", "")
        infos[name] = CheckInfo(name, "qc", query.title, problem, fix, severity)
    return infos


def ontology_store(files: Iterable[Path]) -> ox.Store:
    """An in-memory Oxigraph store with every module in the default graph."""
    store = ox.Store()
    for path in files:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def qc_findings(store: ox.Store, qc_dir: Path = QC_DIR) -> list[CheckFinding]:
    """Run every QC query; each row is a finding at the severity the profile gives the check."""
    infos = qc_infos(qc_dir)
    findings = []
    for query in qc_queries(qc_dir):
        info = infos[f"qc/{query.name}"]
        for row in store.query(query.text):
            findings.append(
                CheckFinding(
                    check=info.name,
                    severity=info.severity,
                    entity=_ox_text(row["entity"]),
                    property=_ox_text(row["property"]),
                    value=_ox_text(row["value"]),
                    message=info.problem,
                )
            )
    return sorted(findings, key=lambda f: (f.check, f.entity, f.property, f.value))


def _ox_text(term: object) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else str(term)


# ---------------------------------------------------------------------------------------------
# HermiT
# ---------------------------------------------------------------------------------------------


def reasoner_findings(graph: rdflib.Graph) -> tuple[list[CheckFinding], list[str]]:
    """Check consistency and class satisfiability with HermiT (through owlready2).

    owl:imports are stripped first: the modules are already merged, and owlready2 would
    otherwise try to fetch every imported IRI over the network.
    """
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        return [_java_missing(owlready2.JAVA_EXE)], []
    notes = _unsupported_datatype_notes(graph)
    world = owlready2.World()
    try:
        _load_into_world(world, graph)
        return _run_hermit(world, bool(notes)), notes
    finally:
        world.close()


def _load_into_world(world: object, graph: rdflib.Graph) -> None:
    import rdflib

    merged = rdflib.Graph()
    imports = rdflib.URIRef(OWL_NS + "imports")
    for triple in graph:
        if triple[1] != imports:
            merged.add(triple)
    data = merged.serialize(format="nt", encoding="utf-8")
    ontology = world.get_ontology("http://cmlops-kg.invalid/merged.owl")  # never fetched
    ontology.load(fileobj=io.BytesIO(data), format="ntriples")


def _run_hermit(world: object, ignore_datatypes: bool) -> list[CheckFinding]:
    import owlready2
    from owlready2.base import OwlReadyInconsistentOntologyError, OwlReadyJavaError

    owlready2.reasoning.JAVA_MEMORY = JAVA_MEMORY_MB
    try:
        owlready2.sync_reasoner_hermit(
            world, infer_property_values=False, debug=0,
            ignore_unsupported_datatypes=ignore_datatypes,
        )  # fmt: skip
    except OwlReadyInconsistentOntologyError:
        return [_inconsistent()]
    except OwlReadyJavaError as exc:
        text = str(exc).strip().splitlines()
        detail = next((line for line in text if "Exception" in line), text[-1] if text else "")
        message = f"HermiT failed: {detail[:300]}"
        return [CheckFinding("reasoner/hermit_error", "ERROR", "", "", "", message)]
    return [_unsatisfiable(cls.iri) for cls in world.inconsistent_classes() if cls is not None]


def _inconsistent() -> CheckFinding:
    message = (
        "HermiT finds the ontology inconsistent: some individual cannot exist as described. "
        "The usual causes are an individual typed with two disjoint classes (see "
        "qc/disjoint_types) and a literal that does not match its property's range (see "
        "qc/literal_range_mismatch); fix those, or remove your last change to find the cause."
    )
    return CheckFinding("reasoner/inconsistent_ontology", "ERROR", "", "", "", message)


def _unsatisfiable(iri: str) -> CheckFinding:
    message = (
        "HermiT finds this class unsatisfiable (equivalent to owl:Nothing): no individual can "
        "be a member. Check its rdfs:subClassOf and owl:disjointWith axioms for a contradiction."
    )
    return CheckFinding(
        "reasoner/unsatisfiable_class", "ERROR", iri, OWL_NS + "Nothing", "", message
    )


def _java_missing(java: str) -> CheckFinding:
    message = (
        f"Java ({java!r}) is not on PATH, so HermiT cannot check consistency. Install a JRE "
        "(Debian: apt-get install default-jre-headless), or run with --no-reasoner to skip "
        "this step."
    )
    return CheckFinding("reasoner/java_missing", "ERROR", "", "", "", message)


def _unsupported_datatype_notes(graph: rdflib.Graph) -> list[str]:
    """Property ranges HermiT cannot handle; it is told to ignore them, and the report says so."""
    import rdflib

    xsd = "http://www.w3.org/2001/XMLSchema#"
    unsupported = {rdflib.URIRef(xsd + name) for name in _NON_OWL2_DATATYPES}
    return [
        f"HermiT ignores the range {_curie(graph, rng)} of {_curie(graph, prop)} "
        "(not in the OWL 2 datatype map)"
        for prop, rng in sorted(graph.subject_objects(rdflib.URIRef(RDFS_NS + "range")))
        if rng in unsupported
    ]


# ---------------------------------------------------------------------------------------------
# The whole check
# ---------------------------------------------------------------------------------------------


def check_ontology(
    files: Sequence[str | Path] | None = None,
    reasoner: bool = True,
    shapes_file: Path = SHAPES_FILE,
    qc_dir: Path = QC_DIR,
    shacl_engine: str | None = None,
) -> CheckReport:
    """Run SHACL, the QC queries and (unless ``reasoner`` is false) HermiT on the modules.

    The modules are parsed once, by Oxigraph; SHACL runs on the Rust engine when it is
    installed (``shacl_engine`` or $CMLOPS_KG_SHACL_ENGINE may ask for pySHACL, the reference
    engine); an rdflib graph is built only for pySHACL and HermiT.
    """
    from cmlops_kg.validation import shacl_engine as choose_engine

    paths = resolve_files(files)
    modules = load_modules(paths)
    report = CheckReport(files=paths, findings=list(modules.syntax))
    report.checks.update(shape_infos(shapes_file))
    report.checks.update(qc_infos(qc_dir))
    report.checks.update(_reasoner_infos())
    graph: list[rdflib.Graph] = []  # built at most once, when pySHACL or HermiT needs it

    def rdflib_graph() -> rdflib.Graph:
        if not graph:
            graph.append(modules.rdflib_graph())
        return graph[0]

    if choose_engine(shacl_engine) == "rust":
        shacl = _timed(report, "shacl", lambda: shacl_findings_rust(modules, shapes_file))
    else:
        shacl = _timed(report, "shacl", lambda: shacl_findings(rdflib_graph(), shapes_file))
    report.findings += shacl
    report.findings += _timed(report, "qc", lambda: qc_findings(modules.store, qc_dir))
    if reasoner:
        found, notes = _timed(report, "reasoner", lambda: reasoner_findings(rdflib_graph()))
        report.findings += found
        report.notes += notes
    else:
        report.notes.append("HermiT skipped (--no-reasoner)")
    report.labels = _labels(modules.store, report.findings)
    return report


def _timed(report: CheckReport, step: str, run: object) -> object:
    start = time.perf_counter()
    result = run()
    report.timings[step] = round(time.perf_counter() - start, 3)
    return result


def _reasoner_infos() -> dict[str, CheckInfo]:
    rows = {
        "inconsistent_ontology": "Ontology is inconsistent",
        "unsatisfiable_class": "Unsatisfiable class",
        "java_missing": "Java missing: reasoner not run",
        "hermit_error": "HermiT failed",
    }
    infos = {
        f"reasoner/{name}": CheckInfo(f"reasoner/{name}", "reasoner", title, "", "", "ERROR")
        for name, title in rows.items()
    }
    infos["syntax/parse_error"] = CheckInfo(
        "syntax/parse_error", "syntax", "Turtle syntax error", "", "", "ERROR"
    )
    return infos


def _labels(store: ox.Store, findings: list[CheckFinding]) -> dict[str, str]:
    """English labels of every IRI the findings mention, so the report can name things."""
    labels = {}
    for finding in findings:
        for text in (finding.entity, finding.value):
            if text.startswith(("http://", "https://")) and text not in labels:
                label = _label(store, text)
                if label:
                    labels[text] = label
    return labels


def _label(store: ox.Store, iri: str) -> str | None:
    try:
        subject = ox.NamedNode(iri)
    except ValueError:  # a value that only looks like an IRI (e.g. with a space) has no label
        return None
    candidates = [
        quad.object
        for predicate in (RDFS_NS + "label", SKOS_NS + "prefLabel")
        for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
    ]
    english = [c for c in candidates if getattr(c, "language", None) in ("en", None)]
    chosen = english or candidates
    return _ox_text(chosen[0]) if chosen else None


def _curie(graph: rdflib.Graph, term: rdflib.term.Node) -> str:
    import rdflib

    if isinstance(term, rdflib.URIRef):
        try:
            return graph.namespace_manager.curie(term, generate=False)
        except (ValueError, KeyError):
            return f"<{term}>"
    return str(term)


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------


def short(text: str) -> str:
    """A CURIE for the namespaces the ontology declares; other IRIs in <>, other text as is."""
    found = vocab.curie(text)
    if found:
        return found
    return f"<{text}>" if text.startswith(("http://", "https://")) else text


def format_check_report(report: CheckReport, fmt: str = "text", max_rows: int = 10) -> str:
    """The report as text for people (grouped, with fixes) or as JSON for tools."""
    if fmt == "json":
        return _json_report(report)
    return _text_report(report, max_rows)


def _json_report(report: CheckReport) -> str:
    used = {f.check for f in report.findings}
    payload = {
        "files": [str(p) for p in report.files],
        "counts": {s: report.count(s) for s in SEVERITIES},
        "findings": [asdict(f) for f in report.findings],
        "checks": {name: asdict(info) for name, info in report.checks.items() if name in used},
        "labels": report.labels,
        "timings": report.timings,
        "notes": report.notes,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _text_report(report: CheckReport, max_rows: int) -> str:
    counts = ", ".join(f"{report.count(s)} {s}" for s in SEVERITIES)
    lines = [f"cmlops-kg check: {len(report.files)} module(s), {counts}"]
    for severity in SEVERITIES:
        lines += _severity_section(report, severity, max_rows)
    lines += [""] + [f"note: {note}" for note in report.notes]
    timing = ", ".join(f"{step} {secs:.1f}s" for step, secs in report.timings.items())
    lines.append(f"checked in {timing}" if timing else "")
    return "\n".join(line for line in lines).rstrip() + "\n"


def _severity_section(report: CheckReport, severity: str, max_rows: int) -> list[str]:
    checks = sorted({f.check for f in report.findings if f.severity == severity})
    if not checks:
        return []
    lines = ["", f"== {severity} =="]
    for check in checks:
        lines += _check_section(report, check, severity, max_rows)
    return lines


def _check_section(report: CheckReport, check: str, severity: str, max_rows: int) -> list[str]:
    rows = [f for f in report.by_check(check) if f.severity == severity]
    info = report.checks.get(check)
    title = f" - {info.title}" if info and info.title else ""
    lines = ["", f"{severity} {check}{title} ({len(rows)})"]
    if info and info.kind == "qc":
        lines += [f"  Problem: {info.problem}", f"  Fix: {info.fix}"]
    messages = {f.message for f in rows}
    if len(messages) == 1 and info and info.kind in ("qc", "shacl"):
        lines += [f"  {rows[0].message}"] if info.kind == "shacl" else []
        messages = set()
    for finding in rows[:max_rows]:
        lines.append("  - " + _row_text(report, finding, bool(messages)))
    if len(rows) > max_rows:
        lines.append(f"  ... and {len(rows) - max_rows} more (use --max-rows or --format json)")
    return lines


def _row_text(report: CheckReport, finding: CheckFinding, with_message: bool) -> str:
    parts = [_named(report, finding.entity)] if finding.entity else []
    if finding.property:
        parts.append(short(finding.property))
    if finding.value:
        parts.append(_named(report, finding.value))
    text = "  ".join(parts)
    if with_message or not text:
        text = f"{text}: {finding.message}" if text else finding.message
    return text


def _named(report: CheckReport, text: str) -> str:
    label = report.labels.get(text)
    if not text.startswith(("http://", "https://")):
        return repr(text if len(text) <= 80 else text[:77] + "...")
    shown = short(text)
    return f'{shown} "{label}"' if label else shown
