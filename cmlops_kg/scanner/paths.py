"""What a path counts as: project-template files (read as the file they generate) and paths whose
evidence is restricted (test fixtures, vendored code, docs and examples show only testing and
documentation practices; the restrictions are cmlops:EvidenceScope data in signals.ttl).

A scope with conditions (cmlops:scopeRequiresFile, cmlops:scopeUnlessFile) restricts its paths
only in a scanned folder where some file matches a required glob and no file matches an
unless-glob - files in other evidence scopes and files matching cmlops:scopeIgnoresFile count
for neither. A notebook collection (a book's or course's notebooks, no code modules of their own) is
such a scope: its notebook cells teach techniques, they are not a product's practices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cmlops_kg.scanner.globs import GlobSet, expand_braces, glob_regex

TEMPLATE_SUFFIXES = (".tmpl", ".jinja", ".jinja2", ".j2")
_TEMPLATE_SEGMENT = re.compile(r"\{\{|\{%")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def logical_path(rel: str) -> str | None:
    """For a file of a project template (a path segment with ``{{``/``{%``, or a .tmpl-like
    suffix), its path in a generated project; None for an ordinary file. Folders named by a
    placeholder are the generated project's root; a file name with a placeholder in it
    (``{{.input_project_name}}-ci.yml.tmpl``) keeps the rest of its name (``project-ci.yml``)."""
    if "{" not in rel and not rel.lower().endswith(TEMPLATE_SUFFIXES):
        return None
    parts = rel.split("/")
    marked = [i for i, part in enumerate(parts[:-1]) if _TEMPLATE_SEGMENT.search(part)]
    name = parts[-1]
    suffix = next((s for s in TEMPLATE_SUFFIXES if name.lower().endswith(s)), "")
    named = bool(_TEMPLATE_SEGMENT.search(name))
    if not marked and not suffix and not named:
        return None
    inner = parts[marked[-1] + 1 :] if marked else parts
    if suffix:
        inner = [*inner[:-1], inner[-1][: -len(suffix)]]
    if named:
        inner = [*inner[:-1], _PLACEHOLDER.sub("project", inner[-1])]
    return "/".join(inner) if inner[-1] else None


def logical_paths(rels: list[str]) -> dict[str, str]:
    """The logical path of every project-template file among ``rels``; most trees have none,
    which one look at all the paths joined says (no "{" and no template suffix before a NUL)."""
    joined = ("\0".join(rels) + "\0").lower()
    if "{" not in joined and not any(s + "\0" in joined for s in TEMPLATE_SUFFIXES):
        return {}
    return {rel: lp for rel in rels if (lp := logical_path(rel)) is not None}


@dataclass(frozen=True)
class EvidenceScope:
    """Paths whose files may evidence only some practices."""

    name: str
    label: str
    globs: tuple[str, ...]
    practices: frozenset[str]
    requires_file: tuple[str, ...] = ()  # conditions: a file must match one of these ...
    unless_file: tuple[str, ...] = ()  # ... and no file (outside other scopes) one of these,
    ignores_file: tuple[str, ...] = ()  # files matching these not counted
    present_only: frozenset[str] = frozenset()  # practices its findings show only as present
    every: bool = False  # every practice allowed, each only as present (course material)
    per_folder: bool = False  # conditions hold folder by folder (a folder of notebooks)
    folders: tuple[str, ...] = ()  # the folders meeting them: the globs hold inside these only
    yields_at: float | None = None  # share of the code files above which its paths are the content
    share_of: tuple[str, ...] = ()  # the code files that share counts

    @property
    def conditional(self) -> bool:
        return bool(self.requires_file or self.unless_file)

    def holds(self, files: list[str], plain: PathRoles) -> bool:
        """Whether a conditional scope applies to a scanned folder with these files."""
        need = GlobSet(self.requires_file) if self.requires_file else None
        unless = GlobSet(self.unless_file) if self.unless_file else None
        ignored = GlobSet(self.ignores_file) if self.ignores_file else None
        found = need is None
        # a file can match a condition only if its name ends as one of its globs does (one
        # C call rejects the rest): string matching, no regex to compile in every scan
        tails = _joined(*(g.tails for g in (need, unless) if g is not None))
        for rel in files:
            low = rel.lower()
            if tails is not None and not low.endswith(tails) and not low.endswith("\n"):
                continue
            if plain.restriction(rel) is not None:
                continue  # tests, docs, examples and vendored code count for neither
            is_need = need is not None and need.match(low)
            is_unless = unless is not None and unless.match(low)
            if not (is_need or is_unless) or (ignored is not None and ignored.match(low)):
                continue
            if is_unless:
                return False
            found = True
            if unless is None:
                return True  # nothing can undo it
        return found

    def condition_tails(self) -> tuple[str, ...] | None:
        """Name ends of which every file meeting a condition has one (None: any name may)."""
        sets = [GlobSet(g) for g in (self.requires_file, self.unless_file) if g]
        return _joined(*(g.tails for g in sets))

    def regex(self) -> re.Pattern[str]:
        if not self.folders:
            return _regex(self.globs)
        # folder names are literal (no glob syntax: a template folder holds braces)
        heads = "|".join(re.escape(f.lower()) + "/" for f in self.folders)
        inner = "|".join(glob_regex(g)[1:] for raw in self.globs for g in expand_braces(raw))
        return re.compile(f"^(?:{heads})(?:{inner})")

    def in_folders(self, files: list[str], plain: PathRoles, top: str = "") -> EvidenceScope | None:
        """This per-folder scope restricted to the folders that meet its conditions: folders
        (below ``top``, the scanned folder) holding a required file directly and no
        unless-file anywhere beneath them (files in other scopes and ignored files count for
        neither). The scanned folder itself is the whole-folder scope's concern. ``files``
        must hold every file that can meet a condition (``condition_files`` of any set of
        scopes that includes this one)."""
        need, unless = GlobSet(self.requires_file), GlobSet(self.unless_file)
        ignored = GlobSet(self.ignores_file) if self.ignores_file else None

        def counts(rel: str, low: str) -> bool:
            return plain.restriction(rel) is None and not (ignored and ignored.match(low))

        meeting = files
        ends = need.tails or ("",)  # one C call rejects the names no required glob can match
        candidates = set()
        for rel in meeting:
            low = rel.lower()
            if not low.endswith(ends) and not low.endswith("\n"):
                continue
            folder = rel.rpartition("/")[0]
            if folder and folder != top and need.match(low) and counts(rel, low):
                candidates.add(folder)
        if not candidates:  # the usual case: no notebooks, or all in the scanned folder
            return None
        blocked: set[str] = set()  # candidates with an unless-file somewhere beneath them
        heads = tuple(folder + "/" for folder in candidates)
        for rel in meeting:
            if not rel.startswith(heads):  # most files: outside every candidate folder
                continue
            inside = []  # the candidates holding this file, walked up without a regex
            folder = rel.rpartition("/")[0]
            while folder:
                if folder in candidates and folder not in blocked:
                    inside.append(folder)
                folder = folder.rpartition("/")[0]
            low = rel.lower()
            if inside and unless.match(low) and counts(rel, low):
                blocked.update(inside)
        folders = sorted(candidates - blocked)
        return replace(self, folders=tuple(folders)) if folders else None

    def literals(self) -> tuple[str, ...]:
        """Substrings one of which every matching path contains (a quick reject)."""
        return _literals(self.globs)

    def yields(self, files: list[str], others: PathRoles) -> tuple[int, int] | None:
        """(code files in this scope, code files counted) when more than ``yields_at`` of the
        counted code files lie in this scope's paths - a repository that is a collection of
        examples: they are its content, not a side show - else None. Code files in the other
        scopes (tests, docs, vendored code, the examples a repository names) count for
        neither."""
        if self.yields_at is None or not self.share_of:
            return None
        counted, regex = GlobSet(self.share_of), self.regex()
        inside = total = 0
        for rel in files:
            low = rel.lower()
            if not counted.match(low):
                continue
            if others.restriction(rel) is not None:
                continue
            inside += bool(regex.match(low))
            total += 1
        return (inside, total) if total and inside / total > self.yields_at else None


def _literals(globs: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for raw in globs:
        for glob in expand_braces(raw):
            pieces = [p.lstrip("/") for p in re.split(r"[*?\[\]]+", glob.lower()) if p.strip("/.")]
            out.append(max(pieces, key=len) if pieces else "")
    return tuple(out)


def condition_files(scopes: list[EvidenceScope], files: list[str]) -> list[str]:
    """The files that can meet a condition of any of these scopes, in order: ``holds`` gives
    the same answer for them as for all files, and the tree's other files (most) are
    dropped in one pass for all the scopes."""
    tails = _joined(*(s.condition_tails() for s in scopes))
    if tails is None:
        return files
    ends = (*tails, "\n")  # a path ending in a line break: the globs' regexes decide
    return [rel for rel in files if rel.lower().endswith(ends)]


def _joined(*tails: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Name ends of several glob sets together; None when one set has none."""
    return None if None in tails else tuple(t for ts in tails for t in ts or ())


def _regex(globs: tuple[str, ...]) -> re.Pattern[str]:
    parts = [glob_regex(g) for raw in globs for g in expand_braces(raw)]
    return re.compile("|".join(f"(?:{p})" for p in parts) or r"(?!)")


class PathRoles:
    """Which evidence scope (if any) restricts a path; ``exempt`` globs restrict nothing."""

    def __init__(self, scopes: list[EvidenceScope], exempt: list[str] | None = None) -> None:
        self.scopes = [(scope, scope.regex()) for scope in scopes]
        literals = [lit for scope in scopes for lit in scope.literals()]
        quick = None if "" in literals else sorted(set(literals))
        self.quick = re.compile("|".join(map(re.escape, quick))) if quick else None
        exempt_scope = EvidenceScope("exempt", "exempt", tuple(exempt or ()), frozenset())
        self.exempt = exempt_scope.regex() if exempt else None
        self._cache: dict[str, EvidenceScope | None] = {}

    def restriction(self, rel: str) -> EvidenceScope | None:
        if rel in self._cache:
            return self._cache[rel]
        low = rel.lower()
        found = None
        if self.quick is not None and not self.quick.search(low):
            return None
        if self.exempt is None or not self.exempt.match(low):
            found = next((s for s, regex in self.scopes if regex.match(low)), None)
        if len(self._cache) < 100_000:
            self._cache[rel] = found
        return found

    def limited(self, rel: str, practices: list[str]) -> bool:
        """Whether a finding in ``rel`` shows these practices only as present (partial)."""
        scope = self.restriction(rel)
        return (
            scope is not None
            and bool(practices)
            and (scope.every or set(practices) <= scope.present_only)
        )

    def allows(self, rel: str, practices: list[str]) -> bool:
        """Whether a finding in ``rel`` may evidence (or argue against) all these practices."""
        scope = self.restriction(rel)
        return (
            scope is None or scope.every or (bool(practices) and set(practices) <= scope.practices)
        )
