"""Tools for the ontology itself: quality checks (``check``), documentation (``docs``), releases."""
