"""The course gradebook in SQLite and in PostgreSQL grades the same, and PostgreSQL takes several graders at once.

A throw-away PostgreSQL cluster (``tests/postgres_server.py``) is started for this module and
stopped at its end. The same submissions are autograded on a SQLite course and on a PostgreSQL
course: scores per student and cell, the CSV export, manual grades kept across a regrade, and
the backups are compared. Graders saving manual scores in other processes while a merge runs
lose nothing. ``medialit course init`` refuses a bad course id, URL or unreachable database
with a message, not a traceback.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import postgres_server
import pytest

from medialit.cli.demo import answers_file, gold_answers
from medialit.cli.main import main
from medialit.grading import gradebook
from medialit.grading.autograde import autograde
from medialit.grading.collect import collect_exchange, submit_to_exchange
from medialit.grading.course import Course
from medialit.grading.roster import Student, write_roster

PS = "ps1-sources"
ROSTER = [
    Student("s01", "Ana", "Silva", "ana@school.example", "101"),
    Student("s02", "Ben", "Novak", "ben@school.example", "102"),
    Student("s03", "Chloe", "Haddad", "chloe@school.example", "103"),
    Student("s04", "Dev", "Larsen", "dev@school.example", "104"),
]


@pytest.fixture(scope="module")
def pg():
    """The module's PostgreSQL cluster, stopped at the end even when a test fails."""
    reason = postgres_server.missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test the PostgreSQL gradebook, but {reason}")
        print(f"\nSKIPPED the PostgreSQL gradebook tests: {reason}")
        pytest.skip(reason)
    server = postgres_server.Server()
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _submit_all(course: Course, answers: dict[str, dict]) -> None:
    notebook = course.released_notebook(PS).read_bytes()
    for student, given in answers.items():
        course.add_submission(PS, student, {f"{PS}.ipynb": notebook, f"{PS}.answers.json": answers_file(PS, given)})


def _cells(course: Course) -> dict[tuple[str, str], tuple]:
    """(student, cell) → (auto score, manual score, needs manual grade, flagged) from the course gradebook."""
    return _cells_at(course.db_url, course.course_id)


def _cells_at(url: str, course_id: str) -> dict[tuple[str, str], tuple]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(url, course_id) as gb:
        for sub in gb.assignment_submissions(PS):
            for nb in sub.notebooks:
                for grade in nb.grades:
                    out[sub.student.id, grade.name] = (
                        grade.auto_score,
                        grade.manual_score,
                        grade.needs_manual_grade,
                        nb.flagged,
                    )
    return out


def _export_rows(course: Course) -> list[dict[str, str]]:
    from medialit.reports.export import export_grades

    done = export_grades(course, PS, "csv", course.root / "export.csv")
    with done.path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict[str, dict]:
    course = Course.init(tmp_path_factory.mktemp("gold") / "course")
    gold = gold_answers(course, PS)
    partial = json.loads(json.dumps(gold))
    partial["labels"]["p4s2"] = "framing"  # one label wrong
    half = {k: v for i, (k, v) in enumerate(gold.items()) if i % 2 == 0}  # every other part unanswered
    return {"s01": gold, "s02": partial, "s03": {}, "s04": half}


@pytest.fixture(scope="module")
def courses(pg, answers, tmp_path_factory):
    """A SQLite and a PostgreSQL course with the same roster and submissions, each autograded once."""
    base = tmp_path_factory.mktemp("backends")
    write_roster(base / "roster.csv", ROSTER)
    made = {
        "sqlite": Course.init(base / "sqlite", roster=base / "roster.csv"),
        "postgres": Course.init(
            base / "postgres", roster=base / "roster.csv", course_id="media101", db_url=pg.create_db()
        ),
    }
    statuses = {}
    for name, course in made.items():
        course.generate(PS)
        _submit_all(course, answers)
        statuses[name] = autograde(course, PS, jobs=2, progress=False)
    return made, statuses


def test_both_back_ends_give_the_same_scores_per_student_and_cell(courses):
    made, statuses = courses
    sqlite, postgres = made["sqlite"], made["postgres"]
    assert postgres.course_id == "media101" and postgres.db_path is None
    assert sqlite.course_id == "medialit" and sqlite.db_url == f"sqlite:///{sqlite.root / 'gradebook.db'}"
    summary = {n: {s: (st.status, st.score) for s, st in statuses[n].items()} for n in made}
    assert summary["sqlite"] == summary["postgres"]
    assert summary["sqlite"]["s01"] == ("graded", 16)
    assert summary["sqlite"]["s03"][1] == 0 and 0 < summary["sqlite"]["s04"][1] < 16
    cells = {n: _cells(c) for n, c in made.items()}
    assert cells["sqlite"] == cells["postgres"]
    assert {student for student, _ in cells["postgres"]} == {"s01", "s02", "s03", "s04"}
    assert sqlite.scores(PS) == postgres.scores(PS)


def test_the_csv_export_is_the_same(courses):
    made, _ = courses
    rows = {n: _export_rows(c) for n, c in made.items()}
    assert rows["sqlite"] == rows["postgres"]
    assert [r["student_id"] for r in rows["postgres"]] == ["s01", "s02", "s03", "s04"]
    assert rows["postgres"][0]["score"] == "16.0"


def _comparable(value):
    """``value`` without what differs between two courses by nature: row ids, folders, submission times."""
    if isinstance(value, dict):
        return {
            k: _comparable(v)
            for k, v in value.items()
            if k not in ("id", "path") and "timestamp" not in k and k[-3:] != "_id"
        }
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def test_formgrader_reads_the_same_from_both_back_ends(courses):
    """What formgrader's pages ask nbgrader's API for: the same answers from SQLite and PostgreSQL."""
    made, _ = courses
    seen = {}
    for name, course in made.items():
        api = course.api()
        seen[name] = _comparable(
            {
                "assignments": api.get_assignments(),
                "notebooks": api.get_notebooks(PS),
                "students": api.get_students(),
                "submissions": api.get_submissions(PS),
                "student": api.get_student_submissions("s02"),
                "student notebooks": api.get_student_notebook_submissions("s02", PS),
                # nbgrader asks these without ORDER BY (each database has its own order): by student here
                "notebook submissions": sorted(
                    ({k: v for k, v in row.items() if k != "index"} for row in api.get_notebook_submissions(PS, PS)),
                    key=lambda row: row["student"],
                ),
                "submission": api.get_submission(PS, "s04"),
            }
        )
    for key in seen["sqlite"]:
        assert seen["sqlite"][key] == seen["postgres"][key], key
    assert len(seen["postgres"]["notebook submissions"]) == 4


def test_a_manual_grade_between_two_autogrades_is_kept(courses):
    from nbgrader.api import Gradebook

    made, _ = courses
    for course in made.values():
        with Gradebook(course.db_url, course.course_id) as gb:
            grade = gb.find_grade("labels-score", PS, PS, "s02")
            grade.manual_score = 7.5
            gb.db.commit()
        autograde(course, PS, students=["s02"], jobs=1, progress=False)
        with Gradebook(course.db_url, course.course_id) as gb:
            grade = gb.find_grade("labels-score", PS, PS, "s02")
            assert (grade.manual_score, grade.needs_manual_grade) == (7.5, True), course.db_url
    assert _cells(made["sqlite"]) == _cells(made["postgres"])


def test_backups_a_dump_for_postgres_and_a_db_for_sqlite(courses):
    made, _ = courses
    dumps = sorted((made["postgres"].root / ".medialit-backups").glob("gradebook-*"))
    assert dumps and all(p.suffix == ".dump" for p in dumps)
    listed = subprocess.run(["pg_restore", "--list", str(dumps[-1])], capture_output=True, text=True, check=False)
    assert listed.returncode == 0, listed.stderr
    assert "TABLE public grade " in listed.stdout and "TABLE DATA public submitted_assignment" in listed.stdout
    saved = sorted((made["sqlite"].root / ".medialit-backups").glob("gradebook-*"))
    assert saved and all(p.suffix == ".db" for p in saved)
    assert saved[-1].read_bytes()[:16] == b"SQLite format 3\x00"
    assert "copy it over" in gradebook.restore_hint(saved[-1])


def test_the_restore_hint_puts_a_postgres_gradebook_back(courses):
    from nbgrader.api import Gradebook

    made, _ = courses
    course = made["postgres"]
    before = _cells(course)
    dump = gradebook.backup(course)
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.find_grade("labels-score", PS, PS, "s01").manual_score = 1.25
        gb.db.commit()
    assert _cells(course) != before
    hint = gradebook.restore_hint(dump)
    command = shlex.split(hint.split("run: ", 1)[1])
    assert command[0] == "pg_restore" and command[-1] == str(dump)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert _cells(course) == before


def test_the_workers_copy_of_a_postgres_gradebook_opens_in_nbgrader_as_it_is(courses, tmp_path):
    from nbgrader.api import Gradebook
    from sqlalchemy import create_engine, text

    made, _ = courses
    course = made["postgres"]
    assert gradebook.exists(course)
    copy = gradebook.scratch_copy(course, Path("unused"), tmp_path / "copy.db")
    engine = create_engine(f"sqlite:///{copy}")
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    from nbgrader.api import get_alembic_version

    assert version == [get_alembic_version()]  # nbgrader takes it for a gradebook of the current schema
    with Gradebook(f"sqlite:///{copy}", course.course_id) as gb:
        assert sorted(s.id for s in gb.students) == ["s01", "s02", "s03", "s04"]
        assert gb.find_grade("labels-score", PS, PS, "s02").manual_score == pytest.approx(
            _cells(course)["s02", "labels-score"][1]
        )
    assert _cells_at(f"sqlite:///{copy}", course.course_id) == _cells(course)


# ---------------------------------------------------------------- concurrent graders


def _grader(url: str, course_id: str, student: str, cells: list[str], ready, stop, out) -> None:
    """A grader saving manual scores for one student's cells, one commit each, over and over until ``stop``."""
    from nbgrader.api import Gradebook

    last = {}
    with Gradebook(url, course_id) as gb:
        ready.put(student)
        round_ = 0
        while not stop.is_set() or not last:
            round_ += 1
            for i, cell in enumerate(cells):
                grade = gb.find_grade(cell, PS, PS, student)
                grade.manual_score = round_ + i / 10
                grade.needs_manual_grade = False
                gb.db.commit()
                last[cell] = round_ + i / 10
            time.sleep(0.01)
    out.put((student, round_, last))


def test_graders_saving_at_the_same_time_as_a_merge_lose_nothing(courses):
    made, _ = courses
    course = made["postgres"]
    before = _cells(course)
    cells = sorted({cell for (_, cell) in before})
    ctx = multiprocessing.get_context("spawn")
    ready, stop, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    graders = [
        ctx.Process(target=_grader, args=(course.db_url, course.course_id, s, cells, ready, stop, out))
        for s in ("s01", "s04")
    ]
    for p in graders:
        p.start()
    try:
        for _ in graders:
            ready.get(timeout=120)  # both graders are saving before the run starts
        statuses = autograde(course, PS, jobs=2, progress=False)
    finally:
        stop.set()
        results = {student: (rounds, last) for student, rounds, last in (out.get(timeout=120) for _ in graders)}
        for p in graders:
            p.join(60)
    assert [p.exitcode for p in graders] == [0, 0]
    # s03 saved nothing: flagged as a blank submission (never a silent zero); the others are graded
    expected = {**dict.fromkeys(["s01", "s02", "s04"], "graded"), "s03": "flagged"}
    assert {s: st.status for s, st in statuses.items()} == expected
    assert "blank submission" in statuses["s03"].reason
    assert min(rounds for rounds, _ in results.values()) > 2  # they saved throughout the run
    after = _cells(course)
    for student, (_, last) in results.items():
        for cell, score in last.items():
            assert after[student, cell][1] == pytest.approx(score), (student, cell)  # every manual score is there
    for key, (auto, manual, *_) in before.items():
        assert after[key][0] == auto, key  # and every automatic one
        if key[0] in ("s02", "s03"):
            assert after[key][1] == manual, key  # nobody graded these by hand meanwhile: unchanged


def test_a_merge_writes_only_the_columns_it_changes(courses, tmp_path):
    """A manual score committed after the merge read a grade, before it wrote, is not overwritten."""
    from nbgrader.api import Gradebook
    from sqlalchemy import event

    from medialit.grading.merge import Books, merge

    made, _ = courses
    course = made["postgres"]
    worker_db = f"sqlite:///{gradebook.scratch_copy(course, Path('unused'), tmp_path / 'worker.db')}"
    with Gradebook(worker_db, course.course_id) as gb:  # the worker's new result differs from the course's
        for grade in gb.find_submission_notebook(PS, PS, "s03").grades:
            grade.auto_score = 0.25
        gb.db.commit()
    with Gradebook(course.db_url, course.course_id) as gb:
        grade = gb.find_grade("labels-score", PS, PS, "s03")
        grade.manual_score = None
        gb.db.commit()
    books = Books()
    session = books.get(course.db_url, course.course_id).db()
    saved = []

    @event.listens_for(session, "before_flush")
    def grader_saves_meanwhile(*_args):
        if saved:
            return
        with Gradebook(course.db_url, course.course_id) as gb:
            gb.find_grade("labels-score", PS, PS, "s03").manual_score = 3.5
            gb.db.commit()
        saved.append(True)

    try:
        merge(course, PS, "s03", worker_db, books=books)
    finally:
        books.close()
    assert saved
    cells = _cells(course)
    assert cells["s03", "labels-score"][:2] == (0.25, 3.5)


# ---------------------------------------------------------------- course init's messages


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--course-id", "media 101"], "the course id 'media 101' cannot be used"),
        (["--course-id", "../up"], "cannot be used"),
        (["--db-url", "mysql://me@host/grades"], "medialit keeps gradebooks in SQLite"),
        (["--db-url", "postgresql:///medialit_media101"], "use 'postgresql+psycopg:///medialit_media101'"),
        (["--db-url", "not a url"], "is not a database URL"),
        (
            ["--db-url", "postgresql+psycopg:///medialit_nowhere?host=/nonexistent/socket"],
            "cannot reach the gradebook database postgresql+psycopg:///medialit_nowhere",
        ),
        (["--exchange", "/nonexistent/exchange"], "An administrator creates it once"),
    ],
)
def test_course_init_says_what_is_wrong(tmp_path, capsys, extra, message):
    code = main(["course", "init", str(tmp_path / "course"), *extra])
    err = capsys.readouterr().err
    assert code == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "course").exists()  # nothing is created


def test_course_init_names_a_missing_database_and_what_to_do(pg, tmp_path):
    url = pg.url("medialit_never_created")
    run = subprocess.run(
        [sys.executable, "-m", "medialit", "course", "init", str(tmp_path / "c"), "--course-id", "m1", "--db-url", url],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert 'database "medialit_never_created" does not exist' in run.stderr
    assert "Check that PostgreSQL is running" in run.stderr and "createdb" in run.stderr


def test_course_init_refuses_a_database_holding_another_course(pg, tmp_path):
    url = pg.create_db()
    Course.init(tmp_path / "one", course_id="media101", db_url=url)
    with pytest.raises(Exception, match="already holds the gradebook of media101"):
        Course.init(tmp_path / "two", course_id="media102", db_url=url)


def test_course_init_refuses_a_role_that_cannot_create_the_tables(pg, tmp_path, capsys):
    from sqlalchemy.engine import make_url

    database = make_url(pg.create_db()).database  # owned by postgres
    pg.create_role("stranger")
    url = pg.url(database, role="stranger")
    assert main(["course", "init", str(tmp_path / "course"), "--db-url", url]) == 1
    err = capsys.readouterr().err
    assert f"the role stranger cannot create the gradebook's tables in the database {database}" in err
    assert f"ALTER DATABASE {database} OWNER TO stranger" in err and "Traceback" not in err
    assert not (tmp_path / "course").exists()


def test_a_course_in_a_shared_exchange_uses_its_own_id(pg, tmp_path):
    """Two courses release into one exchange, each under its own id; their config says so to nbgrader."""
    shared = tmp_path / "exchange"
    shared.mkdir()
    shared.chmod(0o777)
    one = Course.init(tmp_path / "one", course_id="media101", db_url=pg.create_db(), exchange=shared)
    two = Course.init(tmp_path / "two", course_id="media102", exchange=shared)
    assert not (one.root / "exchange").exists() and oct(shared.stat().st_mode & 0o777) == "0o777"
    for course in (one, two):
        out = course.release(PS)
        assert out == shared / course.course_id / "outbound" / PS and out.is_dir()
        config = course.config()
        assert config.CourseDirectory.course_id == course.course_id and config.Exchange.root == str(shared)
    home = tmp_path / "home" / PS
    home.mkdir(parents=True)
    (home / f"{PS}.ipynb").write_bytes(one.released_notebook(PS).read_bytes())
    submit_to_exchange(one, PS, "s01", home)  # nbgrader submit, to media101's inbound
    assert [p.name.split("+")[0] for p in (shared / "media101" / "inbound").iterdir()] == ["s01"]
    assert sorted(collect_exchange(one, PS).collected) == ["s01"]
    assert not collect_exchange(two, PS).collected  # the other course's students are not media102's
    assert Course(one.root).db_url == one.db_url and Course(two.root).db_path == two.root / "gradebook.db"


def test_an_old_course_keeps_its_defaults(tmp_path):
    course = Course.init(tmp_path / "course")
    text = (course.root / "nbgrader_config.py").read_text()
    assert "course_id" not in text and "db_url" not in text
    assert (course.course_id, course.db_url) == ("medialit", f"sqlite:///{course.root / 'gradebook.db'}")
    assert course.exchange_root == course.root / "exchange" and gradebook.exists(course)
    assert course.outbound_dir(PS) == course.root / "exchange" / "medialit" / "outbound" / PS


def test_a_course_whose_postgres_does_not_answer_says_what_to_do(tmp_path, capsys):
    course = Course.init(tmp_path / "course")
    config = course.root / "nbgrader_config.py"
    url = "postgresql+psycopg:///medialit_gone?host=/nonexistent/socket"
    config.write_text(config.read_text() + f"c.CourseDirectory.db_url = {url!r}\n")
    for argv in (["autograde", PS], ["export", PS], ["release", PS]):
        assert main([*argv, "--course", str(course.root)]) == 1
        err = capsys.readouterr().err
        assert f"cannot reach the gradebook database {url}" in err and "Traceback" not in err
        assert "Check that PostgreSQL is running" in err


def test_a_gradebook_that_cannot_be_made_leaves_the_folder_as_it_was(tmp_path, monkeypatch, capsys):
    from sqlalchemy.exc import OperationalError

    def refuse(self, students):
        raise OperationalError("CREATE TABLE course", {}, Exception("disk full"))

    monkeypatch.setattr(Course, "import_roster", refuse)
    (tmp_path / "empty").mkdir()  # an administrator made it, with its owner and mode: it stays
    assert main(["course", "init", str(tmp_path / "empty")]) == 1
    err = capsys.readouterr().err
    assert "could not create the gradebook in sqlite:///" in err and "disk full" in err and "Traceback" not in err
    assert (tmp_path / "empty").is_dir() and not any((tmp_path / "empty").iterdir())
    assert main(["course", "init", str(tmp_path / "new")]) == 1
    assert not (tmp_path / "new").exists()


def test_a_relative_sqlite_url_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    course = Course.init(tmp_path / "course", db_url="sqlite:///grades.db")
    assert course.db_url == f"sqlite:///{tmp_path / 'grades.db'}" and course.db_path == tmp_path / "grades.db"
    monkeypatch.chdir(course.root)  # nbgrader and later commands read it from anywhere
    assert Course(course.root).db_path == tmp_path / "grades.db" and gradebook.exists(course)
    assert gradebook.backup(course).suffix == ".db"


def test_postgres_tools_get_the_password_in_their_environment_not_their_arguments():
    from medialit.grading import gradebook_url

    conninfo, env = gradebook_url.libpq("postgresql+psycopg://grader:s3cret@db.school.example:5432/medialit_media101")
    assert "s3cret" not in conninfo and env["PGPASSWORD"] == "s3cret"
    assert conninfo == "postgresql://grader@db.school.example:5432/medialit_media101"
    assert "s3cret" not in gradebook_url.display("postgresql+psycopg://grader:s3cret@db/medialit_media101")
    plain = "postgresql+psycopg:///medialit_media101?host=/var/run/postgresql"
    assert gradebook_url.libpq(plain)[0] == "postgresql:///medialit_media101?host=/var/run/postgresql"
    assert gradebook_url.url_problem(plain) == "" and gradebook_url.display(plain) == plain
