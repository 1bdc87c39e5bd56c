"""Warm-ups (spaced retrieval): each lesson from 02 on opens with three quick questions on earlier ideas.

The questions are data, ``seeds/retrieval/ARTICLE.yaml`` (ARTICLE: the lessons' article), in the
format ``medialit-retrieval/1``::

    schema: medialit-retrieval/1
    article: venezuela-prisoner-releases-2026-01-14  # the lessons' article; questions default to it
    ideas:                                          # the lesson that teaches each idea
      parts: {lesson: 01-anatomy, name: the parts of a news story}
    lessons:
      02-who-says-so:                               # exactly three questions a lesson
        - id: part-p4s2                             # unique in the lesson; the answer is saved under it
          ask: part                                 # what is asked (see ASKS): it decides idea and key
          sentence: p4s2
          article: practice-harbor-town-parking-fees  # optional: another annotated article in seeds/
          context: [p4s1]                           # optional: sentences shown with it
          claim: ...                                # claim-status, claim-support, check: the claim's span
          phrase: ...                               # voice: one loaded phrase of the sentence
          choices: [...]                            # vague, loaded: words of the sentence to choose from
          wrong: [...]                              # check: moves that would not check the claim
          why: ...                                  # feedback: why, quoting the deciding words "in quotes"

The file never states an answer: each key is read from the annotation of the sentence asked about
(its part, label, source kind, claims, hedges, loaded phrases and their voice, the headline's
support), so a question cannot disagree with the key. :func:`load_retrieval` checks everything
and names the file, line, question and fix of every problem at once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from medialit.content.annotation import AnnotationError, Problem
from medialit.content.article import Article, Sentence, load_article, seeds_dir
from medialit.content.scheme import load_scheme
from medialit.content.spans import char_ranges, occurs
from medialit.teaching.scoring import ChoiceResult, score_choice

SCHEMA_TAG = "medialit-retrieval/1"
FOLDER = "retrieval"  # inside seeds/
WARM_UP_SIZE = 3
LESSON_NAME = re.compile(r"^(\d\d)-[a-z0-9-]+$")
QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")
SUPPORT_OPTIONS = [("solid: well supported", "strong"), ("shaky: weakly supported", "weak")]
HEADLINE_OPTIONS = [("supports the cause", "yes"), ("does not support it", "no")]


@dataclass(frozen=True)
class Ask:
    """One kind of question: the idea it recalls, its wording, and the fields it needs."""

    idea: str
    question: str  # may name {claim}, {phrase} or {headline}
    needs: tuple[str, ...] = ()


ASKS = {
    "part": Ask("parts", "Which part of the story is this sentence?"),
    "label": Ask("labels", "What kind of statement is this sentence?"),
    "source": Ask("sources", "What kind of source stands behind this sentence?"),
    "claim-status": Ask("numbers", "How does the article report the claim “{claim}”?", ("claim",)),
    "claim-support": Ask("numbers", "On the article's evidence, is the claim “{claim}” solid or shaky?", ("claim",)),
    "vague": Ask("numbers", "Which words make the claim less exact or less certain?", ("choices",)),
    "loaded": Ask("framing", "Which words are loaded: they judge, rather than describe?", ("choices",)),
    "voice": Ask("framing", "Whose words are “{phrase}”?", ("phrase",)),
    "headline": Ask("headline", "Does this sentence support the headline's cause, “{headline}”?"),
    "check": Ask("lateral", "Which of these would really check the claim “{claim}”?", ("claim", "wrong")),
}
FIELDS = {"id", "ask", "sentence", "article", "context", "claim", "phrase", "choices", "wrong", "why"}


class RetrievalError(AnnotationError):
    """A warm-up file could not be read or is invalid; ``problems`` lists each, with its fix."""


@dataclass(frozen=True)
class Question:
    """One warm-up question, its options and its key (read from the annotation)."""

    lesson: str
    id: str
    ask: str
    idea: str
    idea_name: str
    idea_lesson: str
    article: Article
    sentence: Sentence
    context: tuple[Sentence, ...]
    text: str
    options: tuple[tuple[str, str], ...]
    gold: str
    also: tuple[str, ...]
    accept: tuple[str, ...]
    why: str

    @property
    def quoted(self) -> list[str]:
        """The words the feedback quotes from the sentence (the deciding words)."""
        return [q for q in QUOTED.findall(self.why) if occurs(self.sentence.text, q)]

    @property
    def deciding(self) -> list[str]:
        """The words to mark in the sentence once answered: the right choice, or the quoted words."""
        return [self.gold] if self.ask in ("vague", "loaded") else self.quoted

    def label_of(self, value: str | None) -> str:
        return next((label for label, v in self.options if v == value), str(value))

    def score(self, answer: str | None) -> ChoiceResult:
        """Correct, alternative (half points), wrong or missing, as the lessons score choices."""
        return score_choice(answer, self.gold, self.also, self.accept)


@dataclass(frozen=True)
class Retrieval:
    """A checked warm-up file: every lesson's questions."""

    path: Path
    ideas: dict[str, dict[str, str]]
    lessons: dict[str, list[Question]]

    def questions(self, lesson: str) -> list[Question]:
        """The warm-up of one lesson; RetrievalError says where to add it if there is none."""
        if lesson not in self.lessons:
            have = ", ".join(self.lessons) or "none"
            raise RetrievalError(
                [
                    Problem(
                        str(self.path),
                        "lessons",
                        f"no warm-up for {lesson!r} (lessons: {have}); add {lesson}: "
                        f"with {WARM_UP_SIZE} questions under lessons:",
                    )
                ]
            )
        return self.lessons[lesson]


def retrieval_path(article_id: str, folder: str | Path | None = None) -> Path:
    """Where the warm-ups of the lessons on ``article_id`` live: seeds/retrieval/ARTICLE.yaml."""
    return Path(folder or seeds_dir()) / FOLDER / f"{article_id}.yaml"


def warm_up(lesson: str, article_id: str, folder: str | Path | None = None) -> list[Question]:
    """The checked warm-up questions of one lesson."""
    return load_retrieval(retrieval_path(article_id, folder)).questions(lesson)


def _lines(text: str) -> dict[tuple[Any, ...], int]:
    """1-based line of each lesson and question in the file (for error messages)."""
    out: dict[tuple[Any, ...], int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out
    if not isinstance(root, yaml.MappingNode):
        return out
    for key, value in root.value:
        out[(key.value,)] = key.start_mark.line + 1
        if key.value == "lessons" and isinstance(value, yaml.MappingNode):
            for name, items in value.value:
                out[("lessons", name.value)] = name.start_mark.line + 1
                if isinstance(items, yaml.SequenceNode):
                    for i, item in enumerate(items.value):
                        out[("lessons", name.value, i)] = item.start_mark.line + 1
    return out


def load_retrieval(path: str | Path) -> Retrieval:
    """Read and check a warm-up file; RetrievalError lists every problem with its fix."""
    path = Path(path)
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"no warm-up file; create it (format: {SCHEMA_TAG}, see medialit.teaching.retrieval)"
        raise RetrievalError([Problem(shown, "", msg)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RetrievalError([Problem(shown, "", f"cannot read the file ({exc}); save it as UTF-8 text")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        msg = f"YAML syntax error: {getattr(exc, 'problem', None) or exc}; check indentation, colons and quotes"
        raise RetrievalError([Problem(shown, "", msg, mark.line + 1 if mark else None)]) from None
    lines = _lines(text)
    problems: list[Problem] = []

    def add(where: str, message: str, at: tuple[Any, ...] = ()) -> None:
        problems.append(Problem(shown, where, message, lines.get(at)))

    if not isinstance(data, dict) or data.get("schema") != SCHEMA_TAG:
        add("schema", f"the file must start with 'schema: {SCHEMA_TAG}'", ("schema",))
        raise RetrievalError(problems)
    ideas = data.get("ideas")
    if not isinstance(ideas, dict) or not all(
        isinstance(v, dict) and LESSON_NAME.match(str(v.get("lesson", ""))) and v.get("name") for v in ideas.values()
    ):
        add("ideas", "give each idea a lesson and a name, e.g. parts: {lesson: 01-anatomy, name: ...}", ("ideas",))
        ideas = {}
    missing = sorted({a.idea for a in ASKS.values()} - set(ideas))
    if ideas and missing:
        add("ideas", f"no lesson given for the ideas {', '.join(missing)}; add them under ideas:", ("ideas",))
    lessons = data.get("lessons")
    if not isinstance(lessons, dict) or not lessons:
        add("lessons", "list each lesson's questions under lessons:, e.g. 02-who-says-so: [...]", ("lessons",))
        raise RetrievalError(problems)
    folder = path.parent.parent  # seeds/
    articles: dict[str, Article] = {}

    def article(name: Any, where: str, at: tuple[Any, ...]) -> Article | None:
        if not isinstance(name, str) or not name:
            add(where, "'article' must name an annotated article in seeds/", at)
            return None
        if name not in articles:
            try:
                articles[name] = load_article(name, folder)
            except (FileNotFoundError, AnnotationError) as exc:
                add(where, f"article {name!r} cannot be loaded ({str(exc).splitlines()[0]}); fix its name", at)
                return None
        return articles[name]

    default = data.get("article")
    out: dict[str, list[Question]] = {}
    seen: dict[tuple[str, str, str], str] = {}
    for lesson, items in lessons.items():
        at = ("lessons", lesson)
        if not LESSON_NAME.match(str(lesson)):
            add(f"lessons.{lesson}", "name a lesson by its notebook, e.g. 02-who-says-so", at)
            continue
        if not isinstance(items, list) or len(items) != WARM_UP_SIZE:
            n = len(items) if isinstance(items, list) else 0
            add(f"lessons.{lesson}", f"has {n} questions; a warm-up has exactly {WARM_UP_SIZE}", at)
            items = items if isinstance(items, list) else []
        questions = []
        for i, item in enumerate(items):
            q = _question(lesson, i, item, default, ideas, article, add)
            if q is None:
                continue
            if any(other.id == q.id for other in questions):
                add(f"lessons.{lesson}[{i}]", f"the id {q.id!r} is used twice in this lesson; make it unique", (*at, i))
            where = (q.article.id, q.sentence.id, q.ask)
            if where in seen:
                add(
                    f"{lesson}.{q.id}",
                    f"asks the same as {seen[where]} ({q.ask} on {q.sentence.id}); choose another sentence",
                    (*at, i),
                )
            seen[where] = f"{lesson}.{q.id}"
            questions.append(q)
        out[str(lesson)] = questions
    if problems:
        raise RetrievalError(problems)
    return Retrieval(path, ideas, out)


def _question(lesson: str, i: int, item: Any, default: Any, ideas: dict, article: Any, add: Any) -> Question | None:
    """Check one question and read its key from the annotation; None (with problems added) if it is wrong."""
    at = ("lessons", lesson, i)
    qid = item.get("id") if isinstance(item, dict) else None
    where = f"{lesson}.{qid}" if isinstance(qid, str) and qid else f"lessons.{lesson}[{i}]"
    if not isinstance(item, dict):
        add(where, "a question is a mapping with id, ask, sentence and why", at)
        return None
    bad = sorted(set(item) - FIELDS)
    if bad:
        add(where, f"unknown field {', '.join(bad)}; the fields are {', '.join(sorted(FIELDS))}", at)
    for name in ("id", "ask", "sentence", "why"):
        if not isinstance(item.get(name), str) or not item[name].strip():
            add(where, f"'{name}' is missing or empty; write it", at)
    if not isinstance(qid, str) or not all(isinstance(item.get(n), str) for n in ("ask", "sentence", "why")):
        return None
    spec = ASKS.get(item["ask"])
    if spec is None:
        add(where, f"ask {item['ask']!r} is not one of: {', '.join(ASKS)}", at)
        return None
    for name in spec.needs:
        if not item.get(name):
            add(where, f"ask {item['ask']!r} needs '{name}'; add it", at)
            return None
    idea = ideas.get(spec.idea)
    if not idea:
        return None
    if idea["lesson"][:2] >= lesson[:2]:
        add(where, f"asks about {spec.idea}, taught in {idea['lesson']}: a warm-up recalls earlier lessons only", at)
        return None
    art = article(item.get("article", default), where, at)
    if art is None:
        return None
    if not isinstance(item.get("context", []), list):
        add(where, "'context' lists sentence ids, e.g. [p4s2]", at)
        return None
    try:
        s = art.sentence(item["sentence"])
        context = tuple(art.sentence(c) for c in item.get("context", []))
    except KeyError as exc:
        add(where, f"{exc.args[0]}; use one of those ids", at)
        return None
    key = _key(item, spec, art, s, where, add, at)
    if key is None:
        return None
    options, gold, also, accept, fill = key
    why = item["why"].strip()
    quoted = [q for q in QUOTED.findall(why) if occurs(s.text, q)]
    if not quoted:
        add(
            where,
            f"the feedback ('why') must quote the deciding words of {s.id} \"in quotes\", exactly as "
            "they stand in the sentence",
            at,
        )
        return None
    return Question(
        lesson=lesson,
        id=qid,
        ask=item["ask"],
        idea=spec.idea,
        idea_name=idea["name"],
        idea_lesson=idea["lesson"],
        article=art,
        sentence=s,
        context=context,
        text=spec.question.format(**fill),
        options=tuple(options),
        gold=gold,
        also=tuple(also),
        accept=tuple(accept),
        why=why,
    )


def _key(item: dict, spec: Ask, art: Article, s: Sentence, where: str, add: Any, at: tuple) -> Any:
    """(options, gold, also, accept, fill) for one question, read from the annotation; None if impossible."""
    scheme = load_scheme()
    ask = item["ask"]
    fill = {"claim": item.get("claim", ""), "phrase": item.get("phrase", ""), "headline": ""}

    def named(group: str) -> list[tuple[str, str]]:
        return [(x["name"], x["id"]) for x in scheme.raw[group]]

    claim = None
    if "claim" in spec.needs:
        claim = next((c for c in s.claims if c["span"] == item["claim"]), None)
        if claim is None:
            spans = "; ".join(c["span"] for c in s.claims) or "none"
            add(where, f"{s.id} has no claim {item['claim']!r}; its claims: {spans}", at)
            return None
    if ask == "part":
        return named("parts"), s.part, (), (), fill
    if ask == "label":
        return named("labels"), s.label, s.also, (), fill
    if ask == "source":
        return named("source_kinds"), s.source["kind"], (), (), fill
    if ask == "claim-status":
        return named("claim_status"), claim["status"], (), claim.get("accept", {}).get("status", ()), fill
    if ask == "claim-support":
        return SUPPORT_OPTIONS, claim["support"], (), (), fill
    if ask == "voice":
        loaded = next((x for x in s.loaded if x["span"] == item["phrase"]), None)
        if loaded is None:
            spans = "; ".join(x["span"] for x in s.loaded) or "none"
            add(where, f"{item['phrase']!r} is not a loaded phrase of {s.id}; its loaded phrases: {spans}", at)
            return None
        return named("voices"), loaded["voice"], (), tuple(loaded.get("accept", ())), fill
    if ask == "headline":
        claim_of_headline = art.headline_claim
        if not claim_of_headline:
            add(where, f"{art.id} gives no headline_claim in its annotation: ask something else", at)
            return None
        fill["headline"] = claim_of_headline["span"]
        return HEADLINE_OPTIONS, "yes" if s.id in claim_of_headline.get("support", []) else "no", (), (), fill
    if ask == "check":
        wrong = item["wrong"]
        if not isinstance(wrong, list) or not all(isinstance(w, str) and w.strip() for w in wrong):
            add(where, "'wrong' lists moves (text) that would not check the claim", at)
            return None
        texts = [("verify", claim["verify"]), *((f"wrong-{n}", w.strip()) for n, w in enumerate(wrong, 1))]
        order = sorted(texts, key=lambda t: hashlib.sha256(f"{item['id']}:{t[1]}".encode()).hexdigest())
        return [(text, value) for value, text in order], "verify", (), (), fill
    # vague, loaded: the one choice that the annotation marks
    choices = item["choices"]
    if not isinstance(choices, list) or not all(isinstance(c, str) and occurs(s.text, c) for c in choices):
        add(where, f"'choices' must list words of {s.id}, each exactly as it stands in the sentence", at)
        return None
    marked = list(s.hedges) if ask == "vague" else [x["span"] for x in s.loaded]
    right = [c for c in choices if c in marked]
    overlapping = [c for c in choices if c not in marked and _overlaps(s.text, c, marked)]
    field = "hedges" if ask == "vague" else "loaded phrases"
    if len(right) != 1 or overlapping:
        add(
            where,
            f"exactly one choice must be one of {s.id}'s {field} ({'; '.join(marked) or 'none'}) and no "
            f"other choice may overlap them; now: {len(right)} right, overlapping: {overlapping or 'none'}",
            at,
        )
        return None
    return [(c, c) for c in choices], right[0], (), (), fill


def _overlaps(text: str, span: str, spans: list[str]) -> bool:
    mine = char_ranges(text, [span])
    return any(a < d and c < b for a, b in mine for c, d in char_ranges(text, spans))
