"""CI configurations as jobs: triggers, commands with their lines, and what jobs call."""

from __future__ import annotations

import textwrap

import pytest

from cmlops_kg.scanner.ci import parse_ci
from cmlops_kg.scanner.ci.yaml import YamlError, load


def parse(files: dict[str, str]):
    texts = {k: textwrap.dedent(v) for k, v in files.items()}
    return parse_ci(list(texts), texts.get)


def job(result, name: str):
    matches = [j for j in result.jobs if j.name == name or j.name.endswith(f"/ {name}")]
    assert len(matches) == 1, [j.name for j in result.jobs]
    return matches[0]


def own(j) -> list:
    """A job's commands without the summary line naming the environments of its file."""
    return [c for c in j.commands if not c.text.startswith("pipeline environments:")]


def commands(j) -> list[str]:
    return [c.text for c in own(j)]


# -- GitHub Actions -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("on", "kinds"),
    [
        ("push", {"change"}),
        ("[push, workflow_dispatch]", {"change", "manual"}),
        ("\n  schedule:\n    - cron: '0 3 * * *'", {"schedule"}),
        ("\n  repository_dispatch:\n    types: [drift]", {"event"}),
        ("\n  pull_request:\n  release:\n    types: [published]", {"change"}),
    ],
)
def test_github_on_forms(on, kinds):
    result = parse(
        {".github/workflows/w.yml": f"on: {on}\njobs:\n  a:\n    steps:\n      - run: x\n"}
    )
    assert job(result, "a").triggers == kinds


def test_github_on_is_not_yaml_true():
    """YAML 1.1 reads the key `on` as boolean True; the parser must not."""
    result = parse(
        {".github/workflows/w.yml": "on:\n  schedule:\n    - cron: '5 4 * * *'\njobs: {a: {}}\n"}
    )
    a = job(result, "a")
    assert a.triggers == {"schedule"} and "5 4 * * *" in a.trigger_detail


def test_github_steps_lines_environment_and_inputs():
    result = parse(
        {
            ".github/workflows/ci.yml": """\
            name: ci
            on: [push]
            env:
              MLFLOW_TRACKING_URI: ${{ secrets.MLFLOW_URI }}
            jobs:
              build:
                environment:
                  name: production
                steps:
                  - uses: docker/build-push-action@v5
                    with:
                      push: true
                  - name: test
                    run: |
                      # comment
                      pip install .
                      pytest -q
            """
        }
    )
    build = job(result, "build")
    assert build.name == "ci / build"
    texts = commands(build)
    assert "environment: production" in texts
    assert "env MLFLOW_TRACKING_URI: ${{ secrets.MLFLOW_URI }}" in texts
    assert "uses: docker/build-push-action@v5" in texts and "with push: true" in texts
    by_text = {c.text: c.line for c in build.commands}
    assert by_text["pip install ."] == 16 and by_text["pytest -q"] == 17
    assert "# comment" not in texts


def test_github_job_if_restricts_triggers():
    result = parse(
        {
            ".github/workflows/w.yml": """\
            on:
              push:
              schedule:
                - cron: '0 0 * * *'
            jobs:
              nightly:
                if: github.event_name == 'schedule'
                steps: [{run: dvc repro}]
              quick:
                if: ${{ github.event_name != 'schedule' }}
                steps: [{run: pytest}]
            """
        }
    )
    assert job(result, "nightly").triggers == {"schedule"}
    assert job(result, "quick").triggers == {"change"}


def test_reusable_workflow_runs_with_the_callers_triggers_and_inputs():
    result = parse(
        {
            ".github/workflows/main.yml": """\
            on: [pull_request]
            jobs:
              call:
                uses: ./.github/workflows/tests.yml
                with:
                  target: src/churn
            """,
            ".github/workflows/tests.yml": """\
            on: workflow_call
            jobs:
              unit:
                steps: [{run: "pytest ${{ inputs.target }}"}]
            """,
        }
    )
    (called,) = [j for j in result.jobs if "called by" in j.trigger_detail]
    assert called.triggers == {"change"} and called.runs_here
    assert "called by .github/workflows/main.yml" in called.trigger_detail
    assert "pytest src/churn" in commands(called)
    (own,) = [j for j in result.jobs if j.file.endswith("tests.yml") and j is not called]
    assert not own.runs_here and "reusable workflow" in own.trigger_text()


def test_local_composite_action_make_targets_and_scripts_are_followed():
    result = parse(
        {
            ".github/workflows/w.yml": """\
            on: push
            jobs:
              a:
                steps:
                  - uses: ./.github/actions/setup
                  - run: make check
                  - run: bash scripts/train.sh
            """,
            ".github/actions/setup/action.yml": "runs:\n  steps:\n    - run: ruff check .\n",
            "Makefile": "check: lint\n\tpytest -q\n\nlint:\n\t@mypy src\n\nX := 1\n",
            "scripts/train.sh": "#!/bin/sh\n# train\ndvc repro\n",
        }
    )
    a = job(result, "a")
    by_text = {c.text: (c.file, c.line) for c in a.commands}
    assert by_text["ruff check ."][0] == ".github/actions/setup/action.yml"
    assert by_text["pytest -q"] == ("Makefile", 2)
    assert by_text["mypy src"] == ("Makefile", 5)
    assert by_text["dvc repro"] == ("scripts/train.sh", 3)


def test_files_run_by_ci_are_recorded():
    result = parse(
        {
            ".github/workflows/w.yml": """\
            on: schedule
            jobs:
              a:
                steps:
                  - run: python monitoring/drift.py --window 7
                  - run: python -m churn.train
                  - run: cd src && python serve.py
                  - run: pip install -r requirements.txt
            """,
            "monitoring/drift.py": "",
            "churn/train.py": "",
            "src/serve.py": "",
            "requirements.txt": "",
        }
    )
    assert set(result.runs) == {
        "monitoring/drift.py",
        "churn/train.py",
        "src/serve.py",
        "requirements.txt",
    }


# -- GitLab CI -------------------------------------------------------------------------------
def test_gitlab_rules_only_when_extends_and_includes():
    result = parse(
        {
            ".gitlab-ci.yml": """\
            include:
              - local: ci/train.yml
            default:
              before_script: [pip install -r requirements.txt]
            .py:
              script: [pytest]
            test:
              extends: .py
            nightly:
              script: [python train.py]
              rules:
                - if: $CI_PIPELINE_SOURCE == "schedule"
            manual-deploy:
              script: [helm upgrade app chart]
              when: manual
              environment: production
            legacy:
              script: [dvc repro]
              only: [schedules]
            not-scheduled:
              script: [ruff check .]
              except: [schedules]
            triggered:
              script: [python retrain.py]
              rules:
                - if: $CI_PIPELINE_SOURCE == "trigger" && $REASON == "drift"
                - if: $CI_PIPELINE_SOURCE == "push"
                  when: never
            """,
            "ci/train.yml": "included:\n  script: [dvc repro]\n",
        }
    )
    assert job(result, "test").triggers == {"change"}
    assert commands(job(result, "test")) == ["pip install -r requirements.txt", "pytest"]
    assert job(result, "nightly").triggers == {"schedule"}
    assert job(result, "manual-deploy").triggers == {"manual"}
    assert "environment: production" in commands(job(result, "manual-deploy"))
    assert job(result, "legacy").triggers == {"schedule"}
    assert job(result, "not-scheduled").triggers == {"change"}
    triggered = job(result, "triggered")
    assert triggered.triggers == {"event"} and "drift" in triggered.trigger_detail
    assert job(result, "included").file == "ci/train.yml"


def test_gitlab_file_both_included_and_found_gives_one_job():
    result = parse(
        {
            ".gitlab-ci.yml": "include:\n  - local: .gitlab/ci/train.yml\n",
            ".gitlab/ci/train.yml": "train:\n  script: [dvc repro]\n",
        }
    )
    assert [(j.file, j.name) for j in result.jobs] == [(".gitlab/ci/train.yml", "train")]


# -- Jenkins, Azure, CircleCI, others ---------------------------------------------------------
def test_jenkinsfile_stages_steps_and_cron():
    result = parse(
        {
            "Jenkinsfile": """\
            pipeline {
              triggers { cron('H 2 * * *') }
              stages {
                stage('Test') {
                  steps { sh 'pytest -q' }
                }
                stage('Retrain') {
                  when { triggeredBy 'TimerTrigger' }
                  steps {
                    sh '''
                      dvc pull
                      dvc repro
                    '''
                  }
                }
              }
            }
            """
        }
    )
    test = job(result, "Test")
    assert test.triggers == {"change", "schedule"}
    assert [(c.text, c.line) for c in own(test)] == [("pytest -q", 5)]
    retrain = job(result, "Retrain")
    assert retrain.triggers == {"schedule"}
    assert [(c.text, c.line) for c in own(retrain)] == [("dvc pull", 11), ("dvc repro", 12)]


def test_azure_pipelines_schedules_deployments_and_conditions():
    result = parse(
        {
            "azure-pipelines.yml": """\
            trigger: none
            pr: none
            schedules:
              - cron: "0 3 * * 0"
                branches: {include: [main]}
            stages:
              - stage: Train
                jobs:
                  - job: retrain
                    steps:
                      - script: python train.py
                      - task: AzureCLI@2
                        inputs:
                          inlineScript: az ml job create -f job.yml
              - stage: Deploy
                jobs:
                  - deployment: prod
                    environment: production
                    strategy:
                      runOnce:
                        deploy:
                          steps:
                            - bash: kubectl apply -f k8s/
            """
        }
    )
    retrain = job(result, "retrain")
    assert retrain.triggers == {"schedule"}
    assert "with inlineScript: az ml job create -f job.yml" in commands(retrain)
    prod = job(result, "prod")
    assert commands(prod)[0] == "environment: production"
    assert "kubectl apply -f k8s/" in commands(prod)


def test_circleci_scheduled_workflow():
    result = parse(
        {
            ".circleci/config.yml": """\
            version: 2.1
            jobs:
              test:
                steps:
                  - checkout
                  - run: pytest
              train:
                steps:
                  - run:
                      name: train
                      command: python train.py
            workflows:
              ci:
                jobs: [test]
              nightly:
                triggers:
                  - schedule:
                      cron: "0 0 * * *"
                      filters: {branches: {only: [main]}}
                jobs: [train]
            """
        }
    )
    assert job(result, "test").triggers == {"change"}
    assert job(result, "train").triggers == {"schedule"}
    assert "python train.py" in commands(job(result, "train"))


def test_other_ci_files_are_read_generically():
    result = parse({".travis.yml": "language: python\nscript:\n  - pytest\n"})
    assert commands(result.jobs[0]) == ["pytest"] and result.jobs[0].triggers == {"change"}


# -- hostile YAML ----------------------------------------------------------------------------
def _laughs() -> str:
    """Nine levels of ten aliases each: a billion nodes once expanded."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(8):
        previous, name = chr(97 + i), chr(98 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return "\n".join(lines) + "\n"


BILLION_LAUGHS = _laughs()


def test_alias_bombs_and_bad_yaml_are_reported_not_fatal():
    with pytest.raises(YamlError):
        load(BILLION_LAUGHS)
    result = parse(
        {
            ".github/workflows/bomb.yml": BILLION_LAUGHS,
            ".gitlab-ci.yml": "test: [unclosed\n",
            ".circleci/config.yml": "!!python/object/apply:os.system ['echo pwned']\n",
        }
    )
    assert {f for f, _ in result.problems} == {".github/workflows/bomb.yml", ".gitlab-ci.yml"}
    # tags are composed, never constructed: the python/object tag is inert data
    assert result.jobs == []


def test_ci_files_are_those_each_path_names_its_provider():
    """ci_files finds the hinted paths in one search of them all: the answer is the one a
    check of every path gives, also for templated paths, upper case and a NUL in a path."""
    import random

    from cmlops_kg.scanner.ci.parse import ci_files, provider_of

    paths = [
        ".github/workflows/ci.yml",
        "a/.github/workflows/x.yml",
        "Jenkinsfile",
        "JENKINSFILE",
        ".gitlab-ci.yml",
        "azure-pipelines.yml",
        ".circleci/config.yml",
        "x/.circleci/config.yml",
        "cloudbuild.yaml",
        ".travis.yml",
        "src/train.py",
        "İ.github/workflows/a.yml",  # lower-cases to two characters
        "a\x00.github/workflows/b.yml",
    ]
    rnd = random.Random(16)
    for _ in range(1000):
        some = list(dict.fromkeys(rnd.choice(paths) for _ in range(rnd.randint(0, 8))))
        templated = {p: p.upper() for p in some if rnd.random() < 0.2}
        by_path = [(prov, p) for p in some if (prov := provider_of(templated.get(p, p)))]
        assert ci_files(some, templated) == sorted(by_path, key=lambda item: item[1])
