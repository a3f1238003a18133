"""The read-only guard of the query paths users reach (CLI ``query``, the app's SPARQL page).

It decides on the parsed query, never on the text: rdflib's SPARQL 1.1 parser reads the
query, its algebra is walked, and only a SELECT, ASK, CONSTRUCT or DESCRIBE with no
``SERVICE`` anywhere (sub-selects, ``EXISTS``, ``OPTIONAL``, ``UNION``, ``MINUS``, ``GRAPH``
...) is let through. A text that is not one query -- an update, a query with an update after
it, anything the parser refuses -- is refused with the parser's own message. So comments,
strings and IRIs that hide keywords or unbalance quotes cannot fool it: they are read the way
the engine will read them.
"""

from __future__ import annotations

from collections.abc import Iterator

from cmlops_kg.errors import QueryError

READ_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
READ_ONLY_FIX = (
    "use SELECT, CONSTRUCT, ASK or DESCRIBE over the loaded data; to change data, edit the "
    "profile file and load it again"
)


def _refused(kind: str) -> QueryError:
    return QueryError(f"this query path is read-only: {kind} is refused", fix=READ_ONLY_FIX)


def _syntax_error(exc: Exception) -> QueryError:
    detail = " ".join(str(exc).split())[:300]
    return QueryError(
        f"SPARQL syntax error: {detail}",
        fix="write one SELECT, ASK, CONSTRUCT or DESCRIBE query (prefixes declared, braces "
        "balanced, a dot between triple patterns)",
    )


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # not an update either: the query's own error is the one to show
        return False
    return True


def parse_read_query(text: str) -> object:
    """The algebra of ``text`` if it is exactly one read-only query; else :class:`QueryError`."""
    # rdflib's parser loads on first use: building its grammar takes a moment
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except RecursionError as exc:
        raise QueryError("the query is nested too deeply to be read", fix="simplify it") from exc
    except Exception as exc:  # pyparsing's ParseException, and rdflib's own errors
        if _is_update(text):
            raise _refused("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP ...)") from None
        if text[getattr(exc, "loc", len(text)) :].lstrip().startswith(";"):
            raise _refused("a second operation after the query (e.g. an update)") from None
        raise _syntax_error(exc) from None
    try:
        algebra = translateQuery(parsed).algebra
    except Exception as exc:  # rdflib raises plain Exceptions (e.g. an undeclared prefix)
        raise _syntax_error(exc) from None
    if getattr(algebra, "name", None) not in READ_FORMS:
        raise _refused(f"a {getattr(algebra, 'name', 'non-query')} operation")
    if any(node.name == "ServiceGraphPattern" for node in _nodes(algebra)):
        raise _refused("federated SERVICE calls")
    return algebra


def ensure_read_only(text: str) -> None:
    """Refuse updates, SERVICE calls and texts that are not one SPARQL query."""
    parse_read_query(text)


def _nodes(value: object, depth: int = 0) -> Iterator:
    """Every algebra node under ``value`` (CompValue nodes, through lists and dicts)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if depth > 500:
        raise QueryError("the query is nested too deeply to be checked", fix="simplify it")
    if isinstance(value, CompValue):
        yield value
        children = value.values()
    elif isinstance(value, dict):
        children = value.values()
    elif isinstance(value, list | tuple | set):
        children = value
    else:
        return
    for child in children:
        yield from _nodes(child, depth + 1)
