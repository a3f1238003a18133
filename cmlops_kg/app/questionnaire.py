"""The questionnaire as cards: one readable card per question (a practice, or one criterion of
it), answered in words, one dimension at a time, with progress.

Answers live in ``st.session_state[ANSWERS]`` (question key -> status, mode, justification)
rather than only in the widgets: Streamlit forgets the state of a widget that a page run does
not draw, and only the chosen dimension's cards are drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import streamlit as st

from cmlops_kg.app import support as ui
from cmlops_kg.present.words import counted

ANSWERS = "q_answers"

# the statuses of answers.yaml, in words a respondent reads ("" is not answered yet)
STATUS_WORDS = {
    "": "Not answered",
    "implemented": "Yes, in place",
    "partial": "Partly",
    "planned": "Planned",
    "not-implemented": "No",
    "unknown": "Don't know",
    "not-applicable": "Does not apply",
}
MODE_WORDS = {
    "": "Not said",
    "manual": "By hand",
    "semi-automated": "Partly automated",
    "automated": "Automated",
}
# a mode says how a practice is carried out: it means nothing for one that is not
WITH_MODE = ("implemented", "partial")


@dataclass(frozen=True)
class Question:
    """One card: a practice's overall question, or one of its criteria."""

    key: str  # practice key, or criterion key when ``asks`` is "criterion"
    asks: str  # "practice" or "criterion"
    practice: str
    criterion: str  # "" for a practice question
    level: int
    question: str
    definition: str
    evidence: str
    supporting: bool  # a supporting (not required) criterion
    not_applicable_when: str
    gates: tuple[str, ...]  # external levels that first require the practice


def questions_of(
    dimension: Mapping, per_criterion: bool, gates: Mapping[str, tuple[str, ...]]
) -> list[Question]:
    """The cards of one dimension, in questionnaire order; a practice without criteria is its
    own single question when asked per criterion."""
    out = []
    for q in dimension["questions"]:
        asks = q["criteria"] if per_criterion and q["criteria"] else [None]
        for c in asks:
            item = c or q
            out.append(
                Question(
                    key=c["criterion"] if c else q["practice"],
                    asks="criterion" if c else "practice",
                    practice=q["label"],
                    criterion=c["label"] if c else "",
                    level=int(q["level"]),
                    question=item["question"],
                    definition=q.get("definition") or "",
                    evidence=(c or {}).get("evidence") or "",
                    supporting=bool((c or {}).get("supporting")),
                    not_applicable_when=_text(item.get("not-applicable-when")),
                    gates=gates.get(q["label"], ()),
                )
            )
    return out


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def held() -> dict[str, dict[str, str]]:
    return st.session_state.setdefault(ANSWERS, {})


def hold(answers: Mapping[str, tuple[str, str | None, str]]) -> None:
    """Start from these answers (a resumed answers.yaml), replacing what was held."""
    st.session_state[ANSWERS] = {
        key: {"status": s or "", "mode": m or "", "justification": j or ""}
        for key, (s, m, j) in answers.items()
    }


def _widget(q: Question, field: str, generation: int) -> str:
    return f"qc_{generation}_{q.asks}_{q.key}_{field}"


def current(q: Question, generation: int) -> dict[str, str]:
    """The answer as it stands this run: the widget's value when it is drawn, else held."""
    saved = held().get(q.key, {})
    return {
        field: str(st.session_state.get(_widget(q, field, generation), saved.get(field, "")))
        for field in ("status", "mode", "justification")
    }


def _seed(q: Question, generation: int) -> None:
    """Give a card's widgets the held answer before they are drawn (a widget drawn again after
    a run without it starts from its default otherwise)."""
    saved = held().get(q.key, {})
    for field in ("status", "mode", "justification"):
        key = _widget(q, field, generation)
        if key not in st.session_state:
            st.session_state[key] = saved.get(field, "")


def card(q: Question, generation: int) -> dict[str, str]:
    """Draw one question's card and return its answer (also held for later runs)."""
    _seed(q, generation)
    with st.container(border=True):
        title = f"**{q.criterion}** · {q.practice}" if q.criterion else f"**{q.practice}**"
        badges = [f"level {q.level}"] + [f"gates {g}" for g in q.gates]
        if q.supporting:
            badges.append("supporting criterion")
        st.markdown(f"{title}  \n:gray[{' · '.join(badges)}]")
        st.markdown(q.question)
        if q.evidence:
            st.caption(f"**Evidence to show:** {q.evidence}")
        elif q.definition:
            st.caption(q.definition)
        status = st.radio(
            "Answer",
            list(STATUS_WORDS),
            format_func=STATUS_WORDS.__getitem__,
            key=_widget(q, "status", generation),
            horizontal=True,
            label_visibility="collapsed",
        )
        mode = st.session_state[_widget(q, "mode", generation)]
        if status in WITH_MODE:
            mode = st.radio(
                "How is it done?",
                list(MODE_WORDS),
                format_func=MODE_WORDS.__getitem__,
                key=_widget(q, "mode", generation),
                horizontal=True,
            )
        justification = st.session_state[_widget(q, "justification", generation)]
        if status == "not-applicable" or justification:
            hint = q.not_applicable_when or "why this does not apply to your organisation"
            justification = st.text_input(
                "Why it does not apply (required)"
                if status == "not-applicable"
                else "Justification",
                key=_widget(q, "justification", generation),
                placeholder=hint,
            )
    answer = {"status": status, "mode": mode, "justification": justification}
    held()[q.key] = answer
    return answer


def answered(questions: Iterable[Question], generation: int) -> int:
    return sum(1 for q in questions if current(q, generation)["status"])


def render(
    dimensions: list[dict], per_criterion: bool, generation: int
) -> tuple[list[dict], int, int]:
    """The dimension picker, progress and the chosen dimension's cards; returns every answer
    (drawn or held) as answers.yaml rows, how many are answered, and how many questions."""
    gates = ui.external_gates()
    asked = [questions_of(d, per_criterion, gates) for d in dimensions]
    counts = [answered(qs, generation) for qs in asked]
    total, done = sum(len(qs) for qs in asked), sum(counts)
    noun = "question" if per_criterion else "practice"
    st.progress(done / total if total else 0.0, text=f"{done} of {counted(total, noun)} answered")
    # fixed option labels: a selectbox whose labels change between runs loses its choice
    names = [d["dimension"] for d in dimensions]
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        "Dimension", range(len(dimensions)), format_func=names.__getitem__, key="q_dimension"
    )
    st.caption(
        "Answered per dimension: "
        + " · ".join(f"{n} {c}/{len(qs)}" for n, c, qs in zip(names, counts, asked, strict=True))
    )
    unanswered_only = right.toggle("Unanswered only", key="q_unanswered")
    shown = [q for q in asked[chosen] if not (unanswered_only and current(q, generation)["status"])]
    if not shown:
        st.success(f"Every question of {dimensions[chosen]['dimension']} is answered.")
    drawn = {q.key: card(q, generation) for q in shown}
    rows = []
    for q in (q for qs in asked for q in qs):
        answer = drawn.get(q.key) or current(q, generation)
        mode = answer["mode"] if answer["status"] in WITH_MODE else ""
        rows.append(
            {
                q.asks: q.key,
                "status": answer["status"],
                "mode": mode,
                "justification": answer["justification"],
            }
        )
    return rows, done, total
