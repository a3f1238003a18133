import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from features import COLUMNS, make_features

ROW = {c: str(i + 1.0) for i, c in enumerate(COLUMNS)}


def test_one_row_of_features_per_input_row():
    assert make_features([ROW, ROW]).shape == (2, len(COLUMNS) + 2)


def test_measurements_pass_through_unchanged():
    features = make_features([ROW])[0]
    assert list(features[: len(COLUMNS)]) == [float(ROW[c]) for c in COLUMNS]


def test_ratios():
    features = make_features([ROW])[0]
    radius, perimeter, area = 1.0, 3.0, 4.0
    assert abs(features[-2] - area / perimeter**2) < 1e-12
    assert abs(features[-1] - float(ROW["worst_radius"]) / radius) < 1e-12
