"""Feature code shared by training and serving."""

import numpy as np

MEASUREMENTS = [
    "radius",
    "texture",
    "perimeter",
    "area",
    "smoothness",
    "compactness",
    "concavity",
    "concave_points",
    "symmetry",
    "fractal_dimension",
]
REQUEST_COLUMNS = [f"mean_{m}" for m in MEASUREMENTS] + [f"{m}_error" for m in MEASUREMENTS]
ONLINE_COLUMNS = [f"worst_{m}" for m in MEASUREMENTS]  # looked up in the online feature table
COLUMNS = REQUEST_COLUMNS + ONLINE_COLUMNS


def value(row, name):
    # a missing or empty field counts as 0 (upstream sometimes leaves fields blank)
    text = row.get(name, "")
    return float(text) if text not in ("", None) else 0.0


def make_features(rows):
    """One row of features per input row: the 30 measurements and two ratios."""
    out = []
    for row in rows:
        raw = [value(row, c) for c in COLUMNS]
        radius, perimeter, area = (
            value(row, "mean_radius"),
            value(row, "mean_perimeter"),
            value(row, "mean_area"),
        )
        roundness = area / (perimeter**2) if perimeter else 0.0
        spread = value(row, "worst_radius") / radius if radius else 0.0
        out.append(raw + [roundness, spread])
    return np.asarray(out, dtype=float)
