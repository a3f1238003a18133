"""The prediction service: joins each request with the online feature table, predicts, and
logs every prediction (request id, time, features, output, model version) for monitoring and
for joining with outcomes later."""

import hashlib
import json
import logging
import os
import pickle
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import yaml
from features import ONLINE_COLUMNS, make_features


class Service:
    def __init__(self, root):
        with open(os.path.join(root, "serve.yaml"), encoding="utf-8") as handle:
            self.config = yaml.safe_load(handle)
        with open(os.path.join(root, self.config["model"]), "rb") as handle:
            blob = handle.read()
        self.model = pickle.loads(blob)
        self.model_version = hashlib.sha256(blob).hexdigest()[:12]
        self.table_path = os.path.expandvars(self.config["feature_table"])
        log = self.config.get("prediction_log")
        self.log_path = os.path.join(root, os.path.expandvars(log)) if log else None
        self.log = logging.getLogger("predictions")
        self.log.setLevel(logging.INFO)
        self.log.propagate = False  # the log file only, not the console

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
        if self.log_path:
            self._log(rows, predictions)
        return predictions, features

    def _log(self, rows, predictions):
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        handler = logging.FileHandler(self.log_path, encoding="utf-8")
        self.log.addHandler(handler)
        try:
            for row, prediction in zip(rows, predictions):
                self.log.info(json.dumps(self._record(row, prediction)))
        finally:
            self.log.removeHandler(handler)
            handler.close()

    def _record(self, row, prediction):
        return {
            "prediction": prediction,
            "request_id": row.get("id"),
            "time": time.time(),
            "model_version": self.model_version,
            "row": row,
        }


def load(root):
    return Service(root)
