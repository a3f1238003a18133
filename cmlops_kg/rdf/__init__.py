"""RDF in and out: reading profiles, backend-neutral terms, loading the ontology modules."""
