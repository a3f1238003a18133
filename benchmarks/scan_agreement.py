"""Benchmark: how far the repository scanner agrees with a reviewer's hand judgements.

The corpus (benchmarks/scan_corpus/) holds, per real public ML repository, the snapshot commit,
a reviewer's judgement of every practice (implemented | partial | absent | not-observable, made
before anyone looked at scanner output) and the scanner's stored output for that snapshot. This
script compares the two and prints, per practice and overall, three-class agreement (implemented
/ partial / absent), a two-class view (implemented or not), precision and recall of
"implemented", false positives, and every disagreement with the reviewer's note and the
scanner's quote. docs/scanner.md defines the comparison.

    .venv/bin/python benchmarks/scan_agreement.py              # the stored outputs
    .venv/bin/python benchmarks/scan_agreement.py --rescan     # re-scan the checkouts
    .venv/bin/python benchmarks/scan_agreement.py --rescan --write   # and store the outputs
    .venv/bin/python benchmarks/scan_agreement.py --corpus benchmarks/scan_corpus/holdout3 \
        --rescan --checkouts /work/scratch/checkouts_holdout3    # the held-out set
    .venv/bin/python benchmarks/scan_agreement.py --corpus benchmarks/scan_corpus/holdout2 \
        --second-reviewer benchmarks/scan_corpus/holdout2/second_reviewer   # reviewers agree?

The held-out set (scan_corpus/holdout3/, six more repositories judged blind by three other
reviewers before any scanner output was seen) measures whether rules tuned on the others
generalise; no rule is tuned on it. scan_corpus/holdout/ and scan_corpus/holdout2/ were the
held-out sets until stops 33 and 35, when their disagreements were used for rules.

Re-scanning needs the checkouts (normal clones at the snapshot commits) in --checkouts; they are
read, never executed, and nothing of them is stored but the scanner's output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "scan_corpus"
CHECKOUTS = Path("/work/scratch/checkouts")
REVIEWER_CLASSES = ("implemented", "partial", "absent")
NOT_OBSERVABLE = "not-observable"
# the scanner's statuses as reviewer classes: no evidence and a negative finding are "absent"
SCANNER_CLASS = {"implemented": "implemented", "partial": "partial", "not-implemented": "absent"}


@dataclass(frozen=True)
class Judgement:
    judgement: str
    automated: bool | None
    note: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    status: str  # implemented | partial | not-implemented | none (no evidence)
    mode: str | None = None
    quote: str = ""

    @property
    def klass(self) -> str:
        return SCANNER_CLASS.get(self.status, "absent")

    @property
    def claims(self) -> bool:
        return self.status in ("implemented", "partial")


@dataclass
class Tally:
    """Counts for one practice (or for all of them)."""

    judged: int = 0  # observable reviewer judgements
    agree3: int = 0
    agree2: int = 0
    tp: int = 0  # both implemented
    fp: int = 0  # scanner implemented, reviewer not (observable), or any claim on not-observable
    fn: int = 0  # reviewer implemented, scanner not
    unobservable_claims: int = 0
    confusion: Counter = field(default_factory=Counter)  # (reviewer, scanner class)

    def add(self, j: Judgement, c: Claim) -> None:
        if j.judgement == NOT_OBSERVABLE:
            if c.claims:
                self.unobservable_claims += 1
                self.fp += 1
            return
        self.judged += 1
        self.confusion[(j.judgement, c.klass)] += 1
        self.agree3 += j.judgement == c.klass
        self.agree2 += (j.judgement == "implemented") == (c.klass == "implemented")
        if c.klass == "implemented":
            if j.judgement == "implemented":
                self.tp += 1
            else:
                self.fp += 1
        elif j.judgement == "implemented":
            self.fn += 1

    def merge(self, other: Tally) -> None:
        for name in ("judged", "agree3", "agree2", "tp", "fp", "fn", "unobservable_claims"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.confusion.update(other.confusion)


def ratio(num: int, den: int) -> str:
    return f"{100 * num / den:5.1f}%" if den else "    -"


# -- reading the corpus -----------------------------------------------------------------------
def load_index(corpus: Path) -> list[dict]:
    return json.loads((corpus / "index.json").read_text(encoding="utf-8"))


def repo_key(repository: str) -> str:
    return repository.removeprefix("github:").replace("/", "__")


def load_judgements(corpus: Path, key: str) -> dict[str, Judgement]:
    return read_judgements(corpus / "judgements" / f"{key}.json")


def read_judgements(path: Path) -> dict[str, Judgement]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {
        practice: Judgement(
            j["judgement"], j.get("automated"), j.get("note", ""), tuple(j.get("evidence", []))
        )
        for practice, j in doc["practices"].items()
    }


def load_output(corpus: Path, key: str) -> dict | None:
    path = corpus / "outputs" / f"{key}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def claims_of(output: dict) -> dict[str, Claim]:
    return {
        key: Claim(p["status"], p.get("mode"), p.get("quote", ""))
        for key, p in output["practices"].items()
        if p["status"] in SCANNER_CLASS
    }


# -- scanning ---------------------------------------------------------------------------------
def scan_output(checkout: Path, entry: dict) -> dict:
    """The scanner's output for one checkout, in the stored form."""
    from cmlops_kg._version import __version__
    from cmlops_kg.scanner import scan_repository

    result = scan_repository(checkout)
    practices = {}
    for v in sorted(result.verdicts, key=lambda v: v.key):
        places = list(dict.fromkeys(f.location for f in v.findings + v.negatives))
        practices[v.key] = {
            "status": v.status,
            "mode": v.mode,
            "confidence": v.confidence,
            "quote": v.quote,
            "sources": places[:10],
        }
    for key, state in sorted(getattr(result, "practice_states", {}).items()):
        practices.setdefault(key, {"status": state})
    return {
        "repository": entry["repository"],
        "snapshot_commit": entry["snapshot_commit"],
        "scanner": __version__,
        "files": result.files,
        "ci_jobs": len(result.detection.ci.jobs),
        "warnings": list(getattr(result, "warnings", [])),
        "practices": practices,
    }


# -- comparing --------------------------------------------------------------------------------
@dataclass
class Disagreement:
    repo: str
    practice: str
    judgement: Judgement
    claim: Claim


def compare(
    judgements: dict[str, dict[str, Judgement]], claims: dict[str, dict[str, Claim]]
) -> tuple[dict[str, Tally], dict[str, Tally], list[Disagreement]]:
    by_practice: dict[str, Tally] = defaultdict(Tally)
    by_repo: dict[str, Tally] = defaultdict(Tally)
    wrong: list[Disagreement] = []
    for repo, table in judgements.items():
        scanned = claims.get(repo, {})
        for practice, j in table.items():
            c = scanned.get(practice, Claim("none"))
            by_practice[practice].add(j, c)
            by_repo[repo].add(j, c)
            observable = j.judgement != NOT_OBSERVABLE
            if (observable and j.judgement != c.klass) or (not observable and c.claims):
                wrong.append(Disagreement(repo, practice, j, c))
    return dict(by_practice), dict(by_repo), wrong


def total(tallies: dict[str, Tally]) -> Tally:
    out = Tally()
    for t in tallies.values():
        out.merge(t)
    return out


@dataclass
class Pairwise:
    """Two reviewers and the scanner on the practices both reviewers judged observable."""

    both_observable: int = 0
    observability_differs: int = 0  # one reviewer says not-observable, the other does not
    reviewers_agree3: int = 0
    reviewers_agree2: int = 0
    scanner_agree3: list[int] = field(default_factory=lambda: [0, 0])  # with A, with B
    scanner_agree2: list[int] = field(default_factory=lambda: [0, 0])
    confusion: Counter = field(default_factory=Counter)  # (reviewer A, reviewer B)

    def merge(self, other: Pairwise) -> None:
        for name in ("both_observable", "observability_differs"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.reviewers_agree3 += other.reviewers_agree3
        self.reviewers_agree2 += other.reviewers_agree2
        for i in (0, 1):
            self.scanner_agree3[i] += other.scanner_agree3[i]
            self.scanner_agree2[i] += other.scanner_agree2[i]
        self.confusion.update(other.confusion)


def two_reviewers(
    first: dict[str, Judgement], second: dict[str, Judgement], claims: dict[str, Claim]
) -> Pairwise:
    out = Pairwise()
    for practice, a in first.items():
        b = second.get(practice)
        if b is None:
            continue
        if (a.judgement == NOT_OBSERVABLE) != (b.judgement == NOT_OBSERVABLE):
            out.observability_differs += 1
        if NOT_OBSERVABLE in (a.judgement, b.judgement):
            continue
        out.both_observable += 1
        out.confusion[(a.judgement, b.judgement)] += 1
        out.reviewers_agree3 += a.judgement == b.judgement
        out.reviewers_agree2 += (a.judgement == "implemented") == (b.judgement == "implemented")
        c = claims.get(practice, Claim("none")).klass
        for n, j in enumerate((a, b)):
            out.scanner_agree3[n] += j.judgement == c
            out.scanner_agree2[n] += (j.judgement == "implemented") == (c == "implemented")
    return out


def print_two_reviewers(pairs: dict[str, Pairwise]) -> None:
    print("Second reviewer (practices both reviewers judged observable):")
    head = f"{'':44} {'judged':>6} {'A~B 3':>7} {'A~B 2':>7} {'S~A 3':>7} {'S~B 3':>7} {'NO~':>4}"
    print(head)
    overall = Pairwise()
    for repo, p in sorted(pairs.items()):
        n = p.both_observable
        print(
            f"{repo[:44]:44} {n:6d} {ratio(p.reviewers_agree3, n):>7} "
            f"{ratio(p.reviewers_agree2, n):>7} {ratio(p.scanner_agree3[0], n):>7} "
            f"{ratio(p.scanner_agree3[1], n):>7} {p.observability_differs:4d}"
        )
        overall.merge(p)
    n = overall.both_observable
    print(
        f"{'OVERALL':44} {n:6d} {ratio(overall.reviewers_agree3, n):>7} "
        f"{ratio(overall.reviewers_agree2, n):>7} {ratio(overall.scanner_agree3[0], n):>7} "
        f"{ratio(overall.scanner_agree3[1], n):>7} {overall.observability_differs:4d}"
    )
    print("Confusion (reviewer A -> reviewer B):")
    for r in REVIEWER_CLASSES:
        cells = "  ".join(f"{s}: {overall.confusion[(r, s)]:4d}" for s in REVIEWER_CLASSES)
        print(f"  {r:12} {cells}")
    print(
        "A~B: the two reviewers agree; S~A, S~B: the scanner agrees with reviewer A (the corpus "
        "judgement), with reviewer B; NO~: practices one reviewer judged not-observable and "
        "the other did not"
    )


# -- printing ---------------------------------------------------------------------------------
HEADER = (
    f"{'':44} {'judged':>6} {'agree3':>7} {'agree2':>7} {'prec':>7} {'recall':>7} "
    f"{'FP':>3} {'FN':>3} {'NOc':>3}"
)


def row(name: str, t: Tally) -> str:
    return (
        f"{name[:44]:44} {t.judged:6d} {ratio(t.agree3, t.judged):>7}"
        f" {ratio(t.agree2, t.judged):>7}"
        f" {ratio(t.tp, t.tp + t.fp):>7} {ratio(t.tp, t.tp + t.fn):>7}"
        f" {t.fp:3d} {t.fn:3d} {t.unobservable_claims:3d}"
    )


def describe(d: Disagreement) -> str:
    j, c = d.judgement, d.claim
    auto = {True: ", automated", False: ", manual", None: ""}[j.automated]
    scanner = "no evidence" if c.status == "none" else c.status + (f" ({c.mode})" if c.mode else "")
    lines = [
        f"- {d.repo} / {d.practice}",
        f"    reviewer: {j.judgement}{auto} - {j.note}",
        f"    scanner:  {scanner}" + (f" - {c.quote}" if c.quote else ""),
    ]
    return "\n".join(lines)


def print_report(
    by_practice: dict[str, Tally],
    by_repo: dict[str, Tally],
    wrong: list[Disagreement],
    show_disagreements: bool,
) -> None:
    overall = total(by_practice)
    print("Per practice (observable reviewer judgements; NOc = claims on not-observable):")
    print(HEADER)
    for practice in sorted(by_practice):
        t = by_practice[practice]
        if t.judged or t.unobservable_claims:
            print(row(practice, t))
    print()
    print("Per repository:")
    print(HEADER)
    for repo in sorted(by_repo):
        print(row(repo, by_repo[repo]))
    print()
    print(row("OVERALL", overall))
    print()
    print("Confusion (reviewer -> scanner), observable judgements:")
    for r in REVIEWER_CLASSES:
        cells = "  ".join(f"{s}: {overall.confusion[(r, s)]:4d}" for s in REVIEWER_CLASSES)
        print(f"  {r:12} {cells}")
    many = sorted(p for p, t in by_practice.items() if t.fp > 1)
    print()
    two = ratio(overall.agree2, overall.judged).strip()
    print(
        f"three-class agreement {ratio(overall.agree3, overall.judged).strip()} "
        f"({overall.agree3}/{overall.judged}); two-class {two}"
        f"; implemented precision {ratio(overall.tp, overall.tp + overall.fp).strip()}, "
        f"recall {ratio(overall.tp, overall.tp + overall.fn).strip()}; "
        f"claims on not-observable {overall.unobservable_claims}"
    )
    print("practices with more than one false positive: " + (", ".join(many) or "none"))
    if show_disagreements:
        print()
        print(f"Disagreements ({len(wrong)}):")
        for d in sorted(wrong, key=lambda d: (d.practice, d.repo)):
            print(describe(d))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--rescan", action="store_true", help="re-scan the checkouts")
    parser.add_argument("--checkouts", type=Path, default=CHECKOUTS)
    parser.add_argument("--write", action="store_true", help="store the re-scanned outputs")
    parser.add_argument("--repo", action="append", default=[], help="only these (owner__name)")
    parser.add_argument("--quiet", action="store_true", help="no list of disagreements")
    parser.add_argument(
        "--second-reviewer",
        type=Path,
        help="a folder of second, independent judgements (<owner>__<name>.json) to compare with",
    )
    args = parser.parse_args(argv)
    judgements: dict[str, dict[str, Judgement]] = {}
    claims: dict[str, dict[str, Claim]] = {}
    for entry in load_index(args.corpus):
        key = repo_key(entry["repository"])
        if args.repo and key not in args.repo:
            continue
        judgements[key] = load_judgements(args.corpus, key)
        if args.rescan:
            checkout = args.checkouts / key
            if not checkout.is_dir():
                print(f"error: no checkout of {key} in {args.checkouts}", file=sys.stderr)
                return 2
            output = scan_output(checkout, entry)
            if args.write:
                out = args.corpus / "outputs" / f"{key}.json"
                out.parent.mkdir(exist_ok=True)
                out.write_text(json.dumps(output, indent=1, ensure_ascii=False) + "\n")
        else:
            output = load_output(args.corpus, key)
            if output is None:
                print(f"error: no stored output for {key}; run with --rescan", file=sys.stderr)
                return 2
        claims[key] = claims_of(output)
    by_practice, by_repo, wrong = compare(judgements, claims)
    print_report(by_practice, by_repo, wrong, not args.quiet)
    if args.second_reviewer:
        pairs = {
            key: two_reviewers(judgements[key], read_judgements(path), claims[key])
            for key in judgements
            if (path := args.second_reviewer / f"{key}.json").exists()
        }
        if not pairs:
            print(f"error: no second judgement in {args.second_reviewer}", file=sys.stderr)
            return 2
        print()
        print_two_reviewers(pairs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
