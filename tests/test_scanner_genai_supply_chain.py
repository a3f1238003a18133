"""Scanner signals for the ML supply chain and for generative AI (issue 18): each family is found
in a small fixture tree and does not fire on a near miss. Every one of these signals is of
strength "present" (a file shows one condition of its practice), so the verdict is partial."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmlops_kg.scanner import load_catalogue, scan_repository
from cmlops_kg.vocab import CMLOPS

SHA = "a" * 40
DIGEST = "0123456789abcdef" * 4


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _signals(catalogue, root: Path, practice: str) -> set[str]:
    verdicts = [v for v in scan_repository(root, catalogue).verdicts if v.key == practice]
    found = {f.signal.iri.removeprefix(CMLOPS) for v in verdicts for f in v.findings}
    for verdict in verdicts:
        if verdict.findings:
            assert verdict.status == "partial", (practice, verdict.status)
    return found


CYCLONEDX_ML = """{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "components": [
    {"type": "machine-learning-model", "name": "ranker", "version": "3.1"}
  ]
}
"""
CYCLONEDX_SOFTWARE = """{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "components": [{"type": "library", "name": "numpy", "version": "2.1.0"}]
}
"""
SPDX3_AI = """{
  "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
  "@graph": [{"type": "ai_AIPackage", "spdxId": "urn:x:model", "name": "ranker"}]
}
"""
OMS_SIGNATURE = """{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
 "verificationMaterial": {"certificate": {"rawBytes": "MII"}},
 "dsseEnvelope": {"payload": "eyJ9", "payloadType": "application/vnd.in-toto+json"}}
"""
WORKFLOW = "jobs:\n  t:\n    steps:\n      - uses: actions/checkout@{ref}\n"
COLANG = 'define user ask politics\n  "what do you think of the president?"\n'
HASHED = f"numpy==2.1.0 \\\n    --hash=sha256:{DIGEST}\n"


@pytest.mark.parametrize(
    ("files", "practice", "signal"),
    [
        ({"bom.json": CYCLONEDX_ML}, "ml-bill-of-materials", "signal-cyclonedx-ml-bom"),
        ({"sbom/app.cdx.json": CYCLONEDX_SOFTWARE}, "ml-bill-of-materials", "signal-software-sbom"),
        ({"release/model.spdx.json": SPDX3_AI}, "ml-bill-of-materials", "signal-spdx3-ai-profile"),
        ({"models/model.sig": OMS_SIGNATURE}, "model-signing", "signal-model-signature-bundle"),
        (
            {"models/ranker.safetensors.sigstore.json": "{}"},
            "model-signing",
            "signal-model-file-signature",
        ),
        ({"dist/ranker.intoto.jsonl": "{}\n"}, "build-provenance", "signal-slsa-provenance"),
        (
            {"requirements.txt": HASHED},
            "dependency-hash-pinning",
            "signal-hash-pinned-requirements",
        ),
        (
            {".github/workflows/ci.yml": WORKFLOW.format(ref=SHA)},
            "dependency-hash-pinning",
            "signal-actions-pinned-by-digest",
        ),
        (
            {"Dockerfile": f"FROM python:3.12-slim@sha256:{DIGEST}\n"},
            "dependency-hash-pinning",
            "signal-base-image-digest",
        ),
    ],
    ids=lambda x: x if isinstance(x, str) and x.startswith("signal-") else "",
)
def test_supply_chain_signal_is_found(tmp_path, catalogue, files, practice, signal):
    assert signal in _signals(catalogue, _tree(tmp_path, files), practice)


@pytest.mark.parametrize(
    ("files", "practice"),
    [
        # a package.json is no bill of materials; a BOM without an ML component is no ML-BOM
        ({"package.json": '{"name": "app", "version": "1.0.0"}'}, "ml-bill-of-materials"),
        # a GPG detached signature of a tarball is no model signature
        ({"dist/app.tar.gz.sig": "-----BEGIN PGP SIGNATURE-----\n"}, "model-signing"),
        ({"provenance.json": '{"builder": "me"}'}, "build-provenance"),
        # versions pinned without hashes, actions by tag, a base image by tag
        (
            {
                "requirements.txt": "numpy==2.1.0\n",
                ".github/workflows/ci.yml": WORKFLOW.format(ref="v4"),
                "Dockerfile": "FROM python:3.12-slim\n",
            },
            "dependency-hash-pinning",
        ),
    ],
)
def test_supply_chain_near_miss_is_not_evidence(tmp_path, catalogue, files, practice):
    assert not _signals(catalogue, _tree(tmp_path, files), practice)


def test_a_software_sbom_is_not_an_ml_bom(tmp_path, catalogue):
    found = _signals(
        catalogue, _tree(tmp_path, {"bom.json": CYCLONEDX_SOFTWARE}), "ml-bill-of-materials"
    )
    assert found == {"signal-software-sbom"}


PROMPTFOO = """prompts:
  - file://prompts/answer.txt
providers:
  - openai:gpt-4o-2024-08-06
tests:
  - vars:
      question: How do I reset my password?
    assert:
      - type: llm-rubric
        value: Explains the reset link
        threshold: 0.8
"""
NEMO = """models:
  - type: main
    engine: openai
rails:
  input:
    flows:
      - self check input
  output:
    flows:
      - self check output
"""
GUARD = """from guardrails import Guard
from guardrails.hub import ToxicLanguage

guard = Guard().use(ToxicLanguage, on_fail="exception")
"""
DEEPEVAL = """from deepeval import assert_test
from deepeval.metrics import FaithfulnessMetric
from deepeval.test_case import LLMTestCase


def test_answer():
    case = LLMTestCase(input="How do I reset?", actual_output=answer("How do I reset?"))
    assert_test(case, [FaithfulnessMetric(threshold=0.7)])
"""
RAGAS = """from ragas import evaluate
from ragas.metrics import faithfulness

result = evaluate(dataset, metrics=[faithfulness])
"""


@pytest.mark.parametrize(
    ("files", "practice", "signal"),
    [
        (
            {"prompts/answer.txt": "You are a helpful assistant."},
            "prompt-versioning",
            "signal-prompt-files",
        ),
        (
            {"app/answer.prompty": "---\nname: answer\n---\nsystem: hi"},
            "prompt-versioning",
            "signal-prompt-files",
        ),
        ({"promptfooconfig.yaml": PROMPTFOO}, "llm-evaluation-harness", "signal-promptfoo-config"),
        ({"promptfooconfig.yaml": PROMPTFOO}, "llm-evaluation-gate", "signal-promptfoo-thresholds"),
        ({"evaluation/run_eval.py": RAGAS}, "llm-evaluation-harness", "signal-llm-evaluation-code"),
        # DeepEval's convention is a test file: evaluation tests count although they are tests
        (
            {"tests/test_answers.py": DEEPEVAL},
            "llm-evaluation-harness",
            "signal-llm-evaluation-code",
        ),
        (
            {"guardrails/config.yml": NEMO},
            "input-output-guardrails",
            "signal-nemo-guardrails-config",
        ),
        (
            {"guardrails/rails.co": COLANG},
            "input-output-guardrails",
            "signal-colang-rails",
        ),
        ({"app/safety.py": GUARD}, "input-output-guardrails", "signal-guardrails-ai-guard"),
    ],
    ids=lambda x: x if isinstance(x, str) and x.startswith("signal-") else "",
)
def test_genai_signal_is_found(tmp_path, catalogue, files, practice, signal):
    assert signal in _signals(catalogue, _tree(tmp_path, files), practice)


@pytest.mark.parametrize(
    ("files", "practice"),
    [
        # a cookiecutter prompts.yml and a prompt_toolkit import are not prompt files
        (
            {"prompts.yml": "project_name: x\n", "cli.py": "from prompt_toolkit import prompt\n"},
            "prompt-versioning",
        ),
        # a promptfoo configuration without test cases evaluates nothing
        (
            {"promptfooconfig.yaml": "prompts:\n  - hello\nproviders:\n  - echo\n"},
            "llm-evaluation-harness",
        ),
        ({"promptfooconfig.yaml": "tests:\n  - vars: {q: x}\n"}, "llm-evaluation-gate"),
        # importing ragas without evaluating anything
        ({"deps.py": "import ragas\n"}, "llm-evaluation-harness"),
        # a config.yml that is not a guardrails configuration; guardrails imported, no Guard built
        (
            {
                "config.yml": "rails:\n  gauge: standard\n",
                "app.py": "import guardrails\nprint(guardrails.__version__)\n",
            },
            "input-output-guardrails",
        ),
    ],
)
def test_genai_near_miss_is_not_evidence(tmp_path, catalogue, files, practice):
    assert not _signals(catalogue, _tree(tmp_path, files), practice)
