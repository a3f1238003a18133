"""The predicates a set of queries can match, read from their parsed algebra.

A store that will only ever answer known queries (an assessment's private store) need not
hold a triple whose predicate none of them names: no triple pattern or property path of
theirs can match it, so leaving it out changes no answer. That holds only when every
predicate position is a constant IRI (or a path built from constant IRIs without a zero-length
step); a variable predicate, a negated property set or a ``*``/``?`` path (its zero-length
match binds any node of the graph) could match a triple by some other predicate, and then
:func:`matched_predicates` answers None: keep everything.

The queries are parsed with rdflib's SPARQL parser (slow to load); callers cache what is
derived from the answer (:mod:`cmlops_kg.store.cache`), so this runs once per set of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cmlops_kg.sparql.library import QueryFile

_EXISTS = {"Builtin_EXISTS", "Builtin_NOTEXISTS"}


class _AnyPredicateError(Exception):
    """A predicate position that could match any predicate."""


def matched_predicates(queries: Iterable[QueryFile]) -> frozenset[str] | None:
    """The IRIs of every predicate the queries' patterns name, or None when some pattern
    could match a triple by any predicate (see the module's note)."""
    from rdflib.plugins.sparql import prepareQuery

    found: set[str] = set()
    try:
        for query in queries:
            for predicate in _pattern_predicates(prepareQuery(query.text).algebra):
                found.update(_path_iris(predicate))
    except _AnyPredicateError:
        return None
    return frozenset(found)


def _pattern_predicates(node: object) -> Iterator[object]:
    """The predicate of every triple pattern under ``node`` (sub-selects, OPTIONAL, UNION,
    MINUS and [NOT] EXISTS filters included: the walk visits every algebra node)."""
    from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name in _EXISTS:  # its pattern, translated (the raw parse is kept beside it)
            graph = node.graph
            if getattr(graph, "name", None) == "GroupGraphPatternSub":
                graph = translateGroupGraphPattern(graph)
            yield from _pattern_predicates(graph)
            return
        if node.name == "TriplesBlock":  # a pattern left as parsed: not read, so keep all
            raise _AnyPredicateError(node.name)
        if node.name == "BGP":
            yield from (p for _s, p, _o in node.triples)
        children: Iterable[object] = node.values()
    elif isinstance(node, dict):
        children = node.values()
    elif isinstance(node, list | tuple | set):
        children = node
    else:
        return
    for child in children:
        yield from _pattern_predicates(child)


def _path_iris(predicate: object) -> Iterator[str]:
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
    from rdflib.term import URIRef

    if isinstance(predicate, URIRef):
        yield str(predicate)
    elif isinstance(predicate, InvPath):
        yield from _path_iris(predicate.arg)
    elif isinstance(predicate, MulPath) and not predicate.zero:  # p+ : p triples only
        yield from _path_iris(predicate.path)
    elif isinstance(predicate, SequencePath | AlternativePath):
        for step in predicate.args:
            yield from _path_iris(step)
    else:  # a variable, a negated property set, a zero-length path
        raise _AnyPredicateError(repr(predicate))
