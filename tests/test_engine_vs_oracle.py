"""The SPARQL engine agrees with the independent oracle (tests/oracle.py) on generated profiles:
every assessment of every profile, every field of the result, over the mini catalogue and over
the real ontology."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
from engine_adapter import engine_factory
from oracle import Oracle, load_turtle
from profile_generator import random_profile
from test_oracle_semantics import MINI_V2_FILES

ONTOLOGY_FILES = sorted(
    Path(p) for p in glob.glob(str(Path(__file__).parent.parent / "ontology/*.ttl"))
)


def _compare(files: list[Path], seeds: range) -> int:
    graph = load_turtle(files)
    oracle = Oracle(graph)
    engine = engine_factory(files)
    compared = 0
    for seed in seeds:
        profile = random_profile(graph, seed)
        text = profile.serialize(format="turtle")
        for assessment in oracle.assessments(profile):
            want = oracle.assess(profile, assessment)
            got = engine(text, assessment)
            for key in want:
                assert got[key] == want[key], f"seed {seed}, {assessment}, {key}"
            compared += 1
    return compared


def test_engine_agrees_with_the_oracle_on_the_mini_catalogue():
    assert _compare(MINI_V2_FILES, range(150)) >= 150


# In chunks of ten; 40 generated profiles over the full catalogue (every module: GenAI,
# regulation, context rules) beside 150 on the mini catalogue and every case study
# (test_examples.py). Half of the chunks are in test_engine_vs_oracle_more.py: the suite
# runs with pytest-xdist --dist loadfile, and one file is one worker's.
@pytest.mark.slow
@pytest.mark.parametrize("first", [1000, 1010])
def test_engine_agrees_with_the_oracle_on_the_real_ontology(first):
    assert _compare(ONTOLOGY_FILES, range(first, first + 10)) >= 10
