"""The other half of the engine-against-oracle chunks over the real ontology (see
test_engine_vs_oracle.py): a file of its own so that pytest-xdist --dist loadfile runs it on
another worker."""

from __future__ import annotations

import pytest
from test_engine_vs_oracle import ONTOLOGY_FILES, _compare


@pytest.mark.slow
@pytest.mark.parametrize("first", [1020, 1030])
def test_engine_agrees_with_the_oracle_on_the_real_ontology(first):
    assert _compare(ONTOLOGY_FILES, range(first, first + 10)) >= 10
