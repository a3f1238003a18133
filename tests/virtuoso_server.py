"""A real OpenLink Virtuoso 7 on 127.0.0.1 for the remote-store tests (Debian's
``virtuoso-opensource``; ``.ci/run`` installs it), started the way ``oxigraph_server.py``
starts ``oxigraph serve``: free ports, its own database folder, stopped afterwards.

The configuration is Debian's virtuoso.ini with the paths and ports replaced and the query
limits lifted (Virtuoso's cost estimator refuses some of the library's queries otherwise, and
its 60 s execution limit ends a multi-assessment load). The anonymous SPARQL user is granted
SPARQL_UPDATE so that the anonymous endpoints can load; the ``dba`` account (password
``dba``) reaches the Digest-protected ``-auth`` endpoints.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import requests
from oxigraph_server import HOST, free_port, stop_process

DEBIAN_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
DBA_PASSWORD = "dba"


def virtuoso_binary() -> str | None:
    found = shutil.which("virtuoso-t")
    return found if found and DEBIAN_INI.exists() and shutil.which("isql-vt") else None


class VirtuosoServer:
    def __init__(self, location: Path) -> None:
        self.location = location
        self.http_port = 0
        self.sql_port = 0
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    def _ini(self) -> str:
        text = DEBIAN_INI.read_text(encoding="utf-8")
        text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{self.location}/")
        settings = {
            r"^ServerPort\s*=\s*1111\b.*$": f"ServerPort = {HOST}:{self.sql_port}",
            r"^ServerPort\s*=\s*8890\b.*$": f"ServerPort = {HOST}:{self.http_port}",
            r"^MaxQueryCostEstimationTime\s*=.*$": "MaxQueryCostEstimationTime = 0",
            r"^MaxQueryExecutionTime\s*=.*$": "MaxQueryExecutionTime = 0",
            r"^ResultSetMaxRows\s*=.*$": "ResultSetMaxRows = 1000000",
        }
        for pattern, line in settings.items():
            text, count = re.subn(pattern, line, text, count=1, flags=re.MULTILINE)
            assert count == 1, f"{pattern} not in {DEBIAN_INI}"
        return text

    def start(self, timeout: float = 90.0) -> VirtuosoServer:
        binary = virtuoso_binary()
        if binary is None:
            raise RuntimeError("Virtuoso is not installed (apt-get install virtuoso-opensource)")
        self.location.mkdir(parents=True, exist_ok=True)
        self.http_port, self.sql_port = free_port(), free_port()
        ini = self.location / "virtuoso.ini"
        ini.write_text(self._ini(), encoding="utf-8")
        self.process = subprocess.Popen(
            [binary, "-f", "-c", str(ini)],
            cwd=self.location,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"virtuoso-t exited: {err[:500]}")
            try:
                requests.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=1)
                self.sql('GRANT SPARQL_UPDATE TO "SPARQL";')
                return self
            except (requests.RequestException, subprocess.CalledProcessError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("Virtuoso did not start in time")

    def sql(self, statement: str) -> str:
        done = subprocess.run(
            ["isql-vt", f"{HOST}:{self.sql_port}", "dba", DBA_PASSWORD, f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    def stop(self) -> None:
        stop_process(self.process, grace=30)  # a checkpoint on shutdown can take a while

    def kill(self) -> None:
        """Stop at once, as a crash would (no checkpoint: a restart replays the log)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
