"""The prediction service: joins each request with the online feature table and predicts."""

import json
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import yaml
from features import ONLINE_COLUMNS, make_features


class Service:
    def __init__(self, root):
        with open(os.path.join(root, "serve.yaml"), encoding="utf-8") as handle:
            self.config = yaml.safe_load(handle)
        with open(os.path.join(root, self.config["model"]), "rb") as handle:
            self.model = pickle.load(handle)
        self.table_path = os.path.expandvars(self.config["feature_table"])

    def _join(self, requests):
        with open(self.table_path, encoding="utf-8") as handle:
            table = json.load(handle)
        defaults = table["defaults"]  # entities the job has not materialised yet
        rows = []
        for request in requests:
            online = table["rows"].get(str(request["id"]), defaults)
            rows.append({**request, **{c: online[c] for c in ONLINE_COLUMNS}})
        return rows

    def predict(self, requests):
        rows = self._join(requests)
        features = make_features(rows)
        predictions = [int(p) for p in self.model.predict(features)]
        return predictions, features


def load(root):
    return Service(root)
