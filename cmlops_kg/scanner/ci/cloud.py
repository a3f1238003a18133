"""Cloud build services: Google Cloud Build configs and AWS CodeBuild buildspecs.

Neither file says when it runs: a Cloud Build trigger lives in the cloud project, a buildspec
runs when a CodePipeline or CodeBuild project uses it. A buildspec counts as run on change when
the repository itself declares a CodePipeline (CloudFormation ``AWS::CodePipeline::Pipeline``);
otherwise, and for Cloud Build, its jobs are configured but not seen running. A Cloud Build
config runs on a trigger of the cloud project (an external event) unless the repository itself
submits it by hand (``gcloud builds submit --config <file>`` in a notebook, script or Makefile):
then it is a manual job.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cmlops_kg.scanner.ci import yaml as ci_yaml
from cmlops_kg.scanner.ci.model import CiCommand, CiJob
from cmlops_kg.scanner.ci.shell import script_commands
from cmlops_kg.scanner.ci.yaml import line_of

CLOUDBUILD_KEYS = frozenset(
    [
        "steps",
        "images",
        "substitutions",
        "options",
        "timeout",
        "artifacts",
        "availableSecrets",
        "logsBucket",
        "serviceAccount",
        "tags",
        "queueTtl",
        "secrets",
    ]
)
CLOUDBUILD_NOT_RUN = "Cloud Build config: its trigger is configured outside the repository"
CLOUDBUILD_BY_HAND = "Cloud Build config: the repository submits it by hand (gcloud builds submit)"
CODEBUILD_NOT_RUN = "CodeBuild buildspec: no pipeline in the repository runs it"
_SUBMIT = re.compile(rb"gcloud\s+builds\s+submit\b[^\n\"]*?--config[= ]\s*['\"]?([\w./-]+)")
_SUBMITTERS = (".ipynb", ".sh", ".py", "makefile", ".mk")


def is_cloudbuild(doc: object) -> bool:
    if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list):
        return False
    if not {str(k) for k in doc} <= CLOUDBUILD_KEYS:
        return False
    steps = [s for s in doc["steps"] if isinstance(s, dict)]
    return bool(steps) and all(
        "name" in s and ({"args", "entrypoint", "script"} & set(map(str, s))) for s in steps
    )


def is_buildspec(doc: object) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("phases"), dict) and "version" in doc


def _builder(name: str) -> str:
    """gcr.io/cloud-builders/gcloud -> gcloud; python:3.9 -> python."""
    return name.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]


def _step_commands(step: dict, rel: str) -> list[CiCommand]:
    cwd = str(step.get("dir") or "")
    if isinstance(step.get("script"), str):
        return script_commands(step["script"], rel, line_of(step["script"]), cwd)
    args = step.get("args")
    words = [str(a) for a in args] if isinstance(args, list) else str(args or "").split()
    entry = str(step.get("entrypoint") or _builder(str(step.get("name", ""))))
    if entry in ("bash", "sh") and len(words) >= 2 and words[0] == "-c":
        return script_commands(words[1], rel, line_of(args[1]) if args else None, cwd)
    line = line_of(args[0]) if isinstance(args, list) and args else line_of(step.get("name"))
    return [CiCommand(" ".join([entry, *words]).strip(), rel, line, cwd)]


def parse_cloudbuild(rel: str, text: str, ctx) -> list[CiJob]:
    doc = ci_yaml.load(text)
    if not is_cloudbuild(doc):
        return []
    commands: list[CiCommand] = []
    for step in doc["steps"]:
        if isinstance(step, dict):
            commands += _step_commands(step, rel)
    for image in doc.get("images") or []:
        commands.append(CiCommand(f"docker push {image}", rel, line_of(image)))
    return [
        CiJob(
            "cloud-build",
            rel,
            rel,
            None,
            {"event"},
            "Cloud Build trigger",
            commands,
            not_run=CLOUDBUILD_NOT_RUN,
        )
    ]


def submitted_by_hand(
    jobs: list[CiJob], paths: list[str], raw: Callable[[str], bytes | None]
) -> None:
    """Cloud Build configs that a notebook, script or Makefile of the repository submits with
    ``gcloud builds submit --config``: started by hand, not by a trigger."""
    builds = {j.file.lower(): j for j in jobs if j.provider == "cloud-build"}
    if not builds:
        return
    for rel in paths:
        if not rel.lower().endswith(_SUBMITTERS):
            continue
        data = raw(rel)
        if not data or b"builds submit" not in data:
            continue
        for match in _SUBMIT.finditer(data):
            name = match.group(1).decode("utf-8", "replace").lower().removeprefix("./")
            for file, job in builds.items():
                if file == name or file.endswith("/" + name):
                    job.triggers = {"manual"}
                    job.trigger_detail = "gcloud builds submit"
                    job.not_run = CLOUDBUILD_BY_HAND


def parse_buildspec(rel: str, text: str, ctx) -> list[CiJob]:
    doc = ci_yaml.load(text)
    if not is_buildspec(doc):
        return []
    commands: list[CiCommand] = []
    for phase in ("install", "pre_build", "build", "post_build"):
        body = doc["phases"].get(phase)
        listed = body.get("commands") if isinstance(body, dict) else None
        for item in listed if isinstance(listed, list) else []:
            if isinstance(item, str):
                commands += script_commands(item, rel, line_of(item), errexit=True)
    pipeline = getattr(ctx, "codepipeline", "")
    triggers = {"change"} if pipeline else set()
    detail = f"CodePipeline declared in {pipeline}" if pipeline else ""
    not_run = "" if pipeline else CODEBUILD_NOT_RUN
    return [CiJob("codebuild", rel, rel, None, triggers, detail, commands, not_run=not_run)]


# -- AWS CodePipeline declared in CloudFormation ----------------------------------------------
SOURCE_PROVIDERS = {"CodeCommit", "GitHub", "CodeStarSourceConnection", "Bitbucket", "S3", "ECR"}


def _resources(doc: object) -> dict[str, dict]:
    resources = doc.get("Resources") if isinstance(doc, dict) else None
    return {str(k): v for k, v in resources.items() if isinstance(v, dict)} if resources else {}


def _event_rules(resources: dict[str, dict], pipeline: str) -> list[str]:
    """detail-types of EventBridge rules whose targets name the pipeline (not its source)."""
    found = []
    for resource in resources.values():
        if resource.get("Type") != "AWS::Events::Rule":
            continue
        properties = resource.get("Properties") or {}
        if pipeline not in str(properties.get("Targets")):
            continue
        pattern = properties.get("EventPattern") or {}
        types = pattern.get("detail-type") if isinstance(pattern, dict) else None
        found += [str(t) for t in types or [] if "CodeCommit" not in str(t)]
    return found


def _action_commands(stage: str, action: dict, rel: str, ctx) -> list[CiCommand]:
    from cmlops_kg.scanner.ci.steps import step_commands

    kind = action.get("ActionTypeId") or {}
    provider = str(kind.get("Provider", "")) if isinstance(kind, dict) else ""
    config = action.get("Configuration") if isinstance(action.get("Configuration"), dict) else {}
    inputs = {str(k): str(v) for k, v in config.items() if isinstance(v, str)}
    name = action.get("Name")
    text = f"codepipeline {stage}/{name}: {provider}"
    commands = [CiCommand(text, rel, line_of(name))]
    ref = f"CodePipeline/{provider}"
    return commands + step_commands(ref, inputs, (rel, line_of(name), ""), ctx.mappings)


def parse_codepipeline(rel: str, text: str, ctx) -> list[CiJob]:
    """One job per AWS::CodePipeline::Pipeline: its actions, and what starts it (its source,
    EventBridge rules such as a model package's state change)."""
    resources = _resources(ci_yaml.load(text))
    jobs = []
    for name, resource in resources.items():
        if resource.get("Type") != "AWS::CodePipeline::Pipeline":
            continue
        stages = (resource.get("Properties") or {}).get("Stages") or []
        commands: list[CiCommand] = []
        kinds: set[str] = set()
        for stage in stages if isinstance(stages, list) else []:
            for action in (stage.get("Actions") or []) if isinstance(stage, dict) else []:
                if not isinstance(action, dict):
                    continue
                provider = str((action.get("ActionTypeId") or {}).get("Provider", ""))
                if provider in SOURCE_PROVIDERS:
                    kinds.add("change")
                commands += _action_commands(str(stage.get("Name")), action, rel, ctx)
        events = _event_rules(resources, name)
        kinds |= {"event"} if events else set()
        detail = "; ".join(["CodePipeline", *(f"event {e}" for e in events)])
        jobs.append(CiJob("codepipeline", rel, name, line_of(name), kinds, detail, commands))
    return jobs
