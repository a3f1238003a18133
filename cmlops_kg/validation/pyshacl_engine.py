"""pySHACL as the profile validator: the reference engine, pure Python, 25-500 ms a profile."""

from __future__ import annotations

import rdflib


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, rdflib.Graph]:
    """Validate ``data`` (the profile with the ontology's types mixed in) without inference;
    whether it conforms, and the SHACL report graph."""
    from pyshacl import validate as shacl_validate  # imported on first use: it loads slowly

    conforms, results, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        meta_shacl=False,
    )
    return bool(conforms), results
