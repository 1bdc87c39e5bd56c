"""`medialit collect` reads LMS downloads named by the LMSs' own rules and never drops a real student.

The file names below are built by small re-implementations of Canvas's and Moodle's own name
builders (not by the kit's code), read from their open-source code:

Canvas, instructure/canvas-lms ``lib/content_zipper.rb`` (commit 05e9653c12ef7afc65815ca84e5da7aa2e4c3bd3):
  ``ContentZipper#add_submission`` -> ``#get_user_name`` (``students[user_id].sortable_name`` through
  ``#sanitize_user_name``: ``gsub(/_(\\d+)_/, '\\1')``, ``gsub(/^(\\d+)$/, '\\1')``, ``downcase``), then
  ``#get_filename``: ``[users_name, submission.late? ? "LATE" : nil, id].compact.join("_")`` with
  ``id = "anon_#{anonymous_id}"`` under anonymous grading, through ``#sanitize_file_name``
  (``gsub(/[^[[:word:]]]/, "")``: Onigmo's [[:word:]] is Letter | Mark | Decimal_Number |
  Connector_Punctuation, so accented letters stay); ``#add_upload_submission`` appends
  ``"_#{file.id}_#{sanitize_attachment_filename(file.display_name)}"`` (``gsub(%r{[\\x00/\\\\:*?"<>|]+}, "_")``);
  ``#add_text_or_url`` writes ``"#{filename}_text.html"`` / ``"_link.html"``. The entries get no
  submission time (rubyzip stamps them when the zip is built).

Moodle, moodle/moodle:
  ``mod/assign/locallib.php`` ``assign::download_submissions`` (commit 9ec2c12f3d4e1ea91d8364ea39d2375ae34a86b3,
  Moodle 3.1-4.0) and ``mod/assign/classes/downloader.php`` ``downloader::get_student_prefix`` /
  ``load_submissionplugin_filelist`` (commit da5455238d1a24a0246b11f4b682b73664993c0b, Moodle 4.1+):
  ``prefix = clean_filename(str_replace('_', ' ', fullname) . '_' . get_uniqueid_for_user(userid))``
  ("Participant" instead of the name under blind marking); folders:
  ``clean_filename(prefix . '_' . subtype . '_' . type . '_')`` (4.1+: without the last ``'_'``)
  ``. file->get_filepath() . filename``, then ``clean_param(..., PARAM_PATH)``; flat:
  ``clean_filename(prefix . '_' . subtype . '_' . type . '_' . filename)``.
  ``lib/moodlelib.php`` (commit 6e1d194684f3756f862a611d544ba1f41584f6df): ``clean_filename`` is
  ``clean_param($string, PARAM_FILE)``, which removes ``~[[:cntrl:]]|[&<>"`\\|':\\\\/]~u``; PARAM_PATH
  cleans each ``/``-separated part the same way and collapses ``//``. The zip writer
  (``files/classes/local/archive_writer/zip_writer.php`` ``sanitise_filepath``) then applies ZipStream's
  ``File::filterFilename``: leading slashes dropped, ``\\ : * ? " < > |`` replaced by ``_``.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest

from medialit.cli.main import main
from medialit.grading.collect import collect_exchange, collect_lms, collect_record, record_path, submit_to_exchange
from medialit.grading.course import Course
from medialit.grading.roster import Student, write_roster

PS = "ps1-sources"
NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
ANSWERS = b'{"answers": {}}'


# ---------------------------------------------------------------- Canvas's own name builder


def _ruby_word(ch: str) -> bool:
    """Onigmo's [[:word:]] on a UTF-8 string: Letter | Mark | Decimal_Number | Connector_Punctuation."""
    category = unicodedata.category(ch)
    return category[0] in "LM" or category in ("Nd", "Pc")


def canvas_entry(
    sortable_name: str,
    user_id: int,
    attachment_id: int,
    display_name: str,
    late: bool = False,
    anonymous_id: str | None = None,
    marker: str = "LATE",
) -> str:
    """A zip entry name as ContentZipper builds it (``marker``: Canvas writes "LATE"; kept variable
    because downloads with "late" in other cases were reported)."""
    users_name = None
    if anonymous_id is None:  # get_user_name -> sanitize_user_name
        users_name = re.sub(r"_(\d+)_", r"\1", sortable_name)
        users_name = re.sub(r"^(\d+)$", r"\1", users_name, flags=re.M)
        users_name = users_name.lower()
    ident = f"anon_{anonymous_id}" if anonymous_id is not None else str(user_id)
    parts = [p for p in (users_name, marker if late else None, ident) if p is not None]  # Array#compact
    filename = "".join(c for c in "_".join(parts) if _ruby_word(c))  # sanitize_file_name
    shown = re.sub(r'[\x00/\\:*?"<>|]+', "_", display_name)  # sanitize_attachment_filename
    return f"{filename}_{attachment_id}_{shown}"


def canvas_text_entry(sortable_name: str, user_id: int, late: bool = False) -> str:
    """A text-entry submission (add_text_or_url): no attachment id."""
    return canvas_entry(sortable_name, user_id, 0, "x", late).rsplit("_0_x", 1)[0] + "_text.html"


# ---------------------------------------------------------------- Moodle's own name builder


def moodle_clean_filename(text: str) -> str:
    """clean_filename = clean_param(PARAM_FILE)."""
    text = re.sub(r"[\x00-\x1f\x7f]|[&<>\"`|':\\/]", "", text)
    return "" if text in (".", "..") else text


def moodle_param_path(path: str) -> str:
    crumbs = path.replace("\\", "/").split("/")
    path = "/".join(c if (c == "." and i == 0) else moodle_clean_filename(c) for i, c in enumerate(crumbs))
    path = re.sub(r"//+", "/", path)
    return re.sub(r"/(\./)+", "/", path)


def zipstream_filter(name: str) -> str:
    name = re.sub(r"^/+", "", name)
    for ch in '\\:*?"<>|':
        name = name.replace(ch, "_")
    return name


def moodle_entry(
    fullname: str,
    participant_id: int,
    filename: str,
    folders: bool = True,
    moodle41: bool = True,
    filepath: str = "/",
    blind: bool = False,
) -> str:
    """A zip entry name as Moodle's assignment download builds it."""
    name = "Participant" if blind else fullname
    prefix = moodle_clean_filename(name.replace("_", " ") + "_" + str(participant_id))
    if folders:
        folder = moodle_clean_filename(prefix + "_assignsubmission_file" + ("" if moodle41 else "_"))
        path = moodle_param_path(folder + filepath + filename)
    else:
        path = moodle_clean_filename(prefix + "_assignsubmission_file_" + filename)
    return zipstream_filter(path)


def test_the_builders_give_the_names_in_the_report():
    """The issue's file names come out of the LMSs' rules as reported."""
    assert canvas_entry("Muñoz Ørsted, José", 23456, 789, f"{PS}.ipynb").startswith("muñozørstedjosé_23456_789_")
    assert canvas_entry("Lee, Kim", 34567, 790, f"{PS}.ipynb", late=True, marker="late").startswith(
        "leekim_late_34567_790_"
    )
    assert canvas_entry("Lee, Kim", 34567, 790, f"{PS}.ipynb", late=True).startswith("leekim_LATE_34567_790_")
    assert canvas_entry("O'Brien-Smith, Seán Óg", 45678, 791, "a:b.ipynb") == "obriensmithseánóg_45678_791_a_b.ipynb"
    assert canvas_entry("x", 1, 2, "f", anonymous_id="Ab3xZ", late=True) == "LATE_anon_Ab3xZ_2_f"
    assert moodle_entry("Seán Óg O'Brien-Smith", 12345, f"{PS}.ipynb", moodle41=False) == (
        f"Seán Óg OBrien-Smith_12345_assignsubmission_file_/{PS}.ipynb"
    )
    assert moodle_entry("Jane Doe", 12345, f"{PS}.ipynb") == f"Jane Doe_12345_assignsubmission_file/{PS}.ipynb"
    assert moodle_entry("Jane Doe", 12345, f"{PS}.ipynb", folders=False) == (
        f"Jane Doe_12345_assignsubmission_file_{PS}.ipynb"
    )


# ---------------------------------------------------------------- the class

ROSTER = [
    Student("s01", "José", "Muñoz Ørsted", "jose@school.example", "23456"),
    Student("s02", "Kim", "Lee", "kim@school.example", "34567"),
    Student("s03", "Seán Óg", "O'Brien-Smith", "sean@school.example", "45678"),
    Student("s04", "Anne-Marie", "van der Berg", "am@school.example", ""),
    Student("s05", "Zoë", "Ng", "zoe@school.example", "56789"),
    Student("s06", "Wei", "Li", "wei.li@school.example", ""),
    Student("s07", "Li", "Wei", "li.wei@school.example", ""),
]
SORTABLE = {  # Canvas's sortable name: "Last, First"
    "s01": "Muñoz Ørsted, José",
    "s02": "Lee, Kim",
    "s03": "O'Brien-Smith, Seán Óg",
    "s04": "van der Berg, Anne-Marie",
    "s05": "Ng, Zoë",
}
FULL = {s.student_id: f"{s.first_name} {s.last_name}" for s in ROSTER}  # Moodle's fullname(): "First Last"
IDS = {s.student_id: int(s.lms_id or 0) for s in ROSTER}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    base = tmp_path_factory.mktemp("lms")
    write_roster(base / "roster.csv", ROSTER)
    return Course.init(base / "course", roster=base / "roster.csv")


@pytest.fixture
def fresh(course: Course) -> Course:
    """The course with nothing collected yet."""
    shutil.rmtree(course.root / "submitted", ignore_errors=True)
    shutil.rmtree(course.root / "collected", ignore_errors=True)
    return course


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 23, 8, 0, 0)), data)
    return path


def _canvas(student: str, attachment: int, display: str, late: bool = False, marker: str = "LATE") -> str:
    return canvas_entry(SORTABLE[student], IDS[student], attachment, display, late, marker=marker)


def test_canvas_accented_names_and_late_in_any_case_are_collected(fresh, tmp_path):
    entries = {
        _canvas("s01", 700, f"{PS}.ipynb"): NB,
        _canvas("s01", 701, f"{PS}.answers.json"): ANSWERS,
        _canvas("s02", 702, f"{PS}.ipynb", late=True, marker="late"): NB,
        _canvas("s03", 703, f"{PS}-1.ipynb", late=True, marker="Late"): NB,  # a re-upload: "-1"
        _canvas("s04", 704, f"{PS}.ipynb", late=True): NB,  # no lms_id in the roster: by name
    }
    assert "muñozørstedjosé_23456_700_ps1-sources.ipynb" in entries
    assert "leekim_late_34567_702_ps1-sources.ipynb" in entries
    report = collect_lms(fresh, PS, _zip(tmp_path / "canvas.zip", entries))
    assert sorted(report.collected) == ["s01", "s02", "s03", "s04"]
    assert report.collected["s01"] == [f"{PS}.answers.json", f"{PS}.ipynb"]
    assert report.unmatched == [] and report.unrecognised == []
    assert {s: d.late for s, d in report.details.items()} == {"s01": False, "s02": True, "s03": True, "s04": True}
    assert {s: d.matched_by for s, d in report.details.items()} == {
        "s01": "lms_id",
        "s02": "lms_id",
        "s03": "lms_id",
        "s04": "name",
    }
    # Zoë has no submission; the Li/Wei pair too: named, one per line
    assert report.missing == ["Zoë Ng (s05)", "Wei Li (s06)", "Li Wei (s07)"]
    summary = report.summary()
    assert "  no submission: Zoë Ng (s05)" in summary.splitlines()
    # the late ones named once; where each file came from is in the record, not a line per student
    late = [line for line in summary.splitlines() if line.startswith("  marked LATE")]
    assert late == [
        "  marked LATE by Canvas: Kim Lee (s02), Seán Óg O'Brien-Smith (s03), Anne-Marie van der Berg (s04)"
    ], late
    record = str(record_path(fresh.root, PS))
    assert f"  where each file came from: {record} (--verbose lists it here)" in summary.splitlines()
    assert "s01 (" not in summary and "from leekim_late" not in summary
    assert "Canvas file names carry no submission time" in summary
    # --verbose: each collected line says where each file came from
    verbose = report.summary(verbose=True)
    assert (
        f"  s02 (Kim Lee), marked LATE by Canvas: {PS}.ipynb from leekim_late_34567_702_{PS}.ipynb"
        in verbose.splitlines()
    )
    assert f"{PS}.ipynb from obriensmithseánóg_Late_45678_703_{PS}-1.ipynb" in verbose
    assert collect_record(fresh, PS, "s02")["files"][f"{PS}.ipynb"]["from"] == f"leekim_late_34567_702_{PS}.ipynb"


def test_the_late_flag_is_kept_per_submission(fresh, tmp_path):
    entries = {
        _canvas("s01", 700, f"{PS}.ipynb"): NB,
        _canvas("s02", 702, f"{PS}.ipynb", late=True, marker="late"): NB,
        _canvas("s02", 703, f"{PS}.answers.json", late=True, marker="late"): ANSWERS,
    }
    collect_lms(fresh, PS, _zip(tmp_path / "canvas.zip", entries))
    data = json.loads(record_path(fresh.root, PS).read_text(encoding="utf-8"))
    assert data["assignment"] == PS and sorted(data["students"]) == ["s01", "s02"]
    late = collect_record(fresh, PS, "s02")
    assert late is not None
    assert late["late"] is True and late["via"] == "canvas" and late["matched_by"] == "lms_id"
    assert "late marker" in late["late_from"]
    assert late["timestamp"] == "2026-01-23 08:00:00.000000"  # the zip entry's date...
    assert "not the submission time" in late["timestamp_is"]  # ...and it says so
    assert late["files"][f"{PS}.answers.json"] == {"from": f"leekim_late_34567_703_{PS}.answers.json", "late": True}
    assert late["download"] == str((tmp_path / "canvas.zip").resolve())
    assert collect_record(fresh, PS, "s01")["late"] is False
    assert collect_record(fresh, PS, "s05") is None  # nothing collected
    # a submission replaced behind collect's back no longer carries the old record
    (fresh.submission_dir(PS, "s02") / "timestamp.txt").write_text("2026-02-01 10:00:00.000000", encoding="utf-8")
    assert collect_record(fresh, PS, "s02") is None


@pytest.mark.parametrize("moodle41", [False, True], ids=["moodle-3.x-folders", "moodle-4.1-folders"])
def test_moodle_folders_and_flat_files(fresh, tmp_path, moodle41):
    # Moodle's numbers are participant ids made per assignment, unrelated to the roster's lms_id
    entries = {
        moodle_entry(FULL["s01"], 901, f"{PS}.ipynb", moodle41=moodle41): NB,
        moodle_entry(FULL["s01"], 901, f"{PS}.answers.json", moodle41=moodle41): ANSWERS,
        moodle_entry(FULL["s03"], 902, f"{PS}.ipynb", moodle41=moodle41, filepath="/work/"): NB,  # a subfolder
        moodle_entry(FULL["s04"], 903, f"{PS}.ipynb", folders=False): NB,  # flat files
        moodle_entry(FULL["s04"], 903, f"{PS}.answers.json", folders=False): ANSWERS,
    }
    assert f"Seán Óg OBrien-Smith_902_assignsubmission_file{'' if moodle41 else '_'}/work/{PS}.ipynb" in entries
    assert f"Anne-Marie van der Berg_903_assignsubmission_file_{PS}.ipynb" in entries
    download = _zip(tmp_path / "moodle.zip", {f"PS1-Sources-42/{name}": data for name, data in entries.items()})
    report = collect_lms(fresh, PS, download)
    assert sorted(report.collected) == ["s01", "s03", "s04"]
    assert report.collected["s04"] == [f"{PS}.answers.json", f"{PS}.ipynb"]
    assert {d.matched_by for d in report.details.values()} == {"name"}
    assert {d.late for d in report.details.values()} == {None}  # Moodle's names do not say
    assert "Moodle file names carry neither a submission time nor a late marker" in report.summary()
    assert collect_record(fresh, PS, "s01")["late"] is None


def test_moodle_from_an_extracted_folder(fresh, tmp_path):
    download = tmp_path / "extracted"
    for name, data in {
        moodle_entry(FULL["s02"], 77, f"{PS}.ipynb", moodle41=False): NB,
        moodle_entry(FULL["s01"], 78, f"{PS}.ipynb"): NB,
    }.items():
        (download / name).parent.mkdir(parents=True, exist_ok=True)
        (download / name).write_bytes(data)
    report = collect_lms(fresh, PS, download)
    assert sorted(report.collected) == ["s01", "s02"]
    assert report.details["s01"].sources == {f"{PS}.ipynb": f"José Muñoz Ørsted_78_assignsubmission_file/{PS}.ipynb"}


def test_a_moodle_participant_id_decides_only_when_the_name_agrees(fresh, tmp_path):
    """Moodle's number is matched first; when it is s02's lms_id but the name is s01's, nobody gets the file."""
    disagrees = moodle_entry(FULL["s01"], 34567, f"{PS}.ipynb")  # s02's lms_id, s01's name
    agrees = moodle_entry(FULL["s05"], 56789, f"{PS}.ipynb")  # s05's lms_id and name
    report = collect_lms(fresh, PS, _zip(tmp_path / "m.zip", {disagrees: NB, agrees: NB}))
    assert list(report.collected) == ["s05"] and report.details["s05"].matched_by == "lms_id"
    assert report.unmatched == [disagrees]
    why = report.why[disagrees]
    assert "34567 is s02's lms_id" in why and "is s01's: given to nobody" in why
    assert not fresh.submission_dir(PS, "s01").exists() and not fresh.submission_dir(PS, "s02").exists()
    assert f"  no roster match: {disagrees} ({why})" in report.summary().splitlines()


def test_not_recognised_is_kept_apart_from_no_roster_match(fresh, tmp_path):
    entries = {
        _canvas("s01", 700, f"{PS}.ipynb"): NB,
        f"{PS}.ipynb": NB,  # a bare file: no LMS name
        "notes.txt": b"hello",
        f"My Work_2024_01_{PS}.ipynb": NB,  # digits between underscores, but no name Canvas writes
        canvas_entry("Nobody, Some", 99999, 705, f"{PS}.ipynb"): NB,  # a Canvas name, but not in the roster
        canvas_entry("Li, Wei", 0, 706, f"{PS}.ipynb").replace("_0_", "_88888_"): NB,  # fits s06 and s07
        canvas_entry("x", 0, 707, f"{PS}.ipynb", late=True, anonymous_id="23456"): NB,  # anonymous: not s01!
        moodle_entry("Kim Lee", 5, f"{PS}.ipynb", blind=True): NB,  # Moodle blind marking
    }
    report = collect_lms(fresh, PS, _zip(tmp_path / "mixed.zip", entries))
    assert list(report.collected) == ["s01"]
    assert report.collected["s01"] == [f"{PS}.ipynb"]  # the anonymous file did not land here
    assert sorted(report.unrecognised) == sorted(["notes.txt", f"{PS}.ipynb", f"My Work_2024_01_{PS}.ipynb"])
    assert sorted(report.unmatched) == sorted(
        [
            f"nobodysome_99999_705_{PS}.ipynb",
            f"liwei_88888_706_{PS}.ipynb",
            f"LATE_anon_23456_707_{PS}.ipynb",
            f"Participant_5_assignsubmission_file/{PS}.ipynb",
        ]
    )
    why = report.why
    assert "no roster student has lms_id 99999" in why[f"nobodysome_99999_705_{PS}.ipynb"]
    assert "fits s06, s07" in why[f"liwei_88888_706_{PS}.ipynb"]
    assert "anonymous grading" in why[f"LATE_anon_23456_707_{PS}.ipynb"]
    assert "blind marking" in why[f"Participant_5_assignsubmission_file/{PS}.ipynb"]
    lines = report.summary().splitlines()
    assert f"  file name not recognised (not a Canvas or Moodle download name): {PS}.ipynb" in lines
    assert any(line.startswith(f"  no roster match: nobodysome_99999_705_{PS}.ipynb (no roster") for line in lines)
    assert report.problems


def test_canvas_text_entries_and_reserved_names_are_skipped_with_a_reason(fresh, tmp_path):
    entries = {
        canvas_text_entry(SORTABLE["s02"], 34567, late=True): b"<p>my answer</p>",
        _canvas("s01", 700, f"{PS}.ipynb"): NB,
        _canvas("s01", 701, "timestamp.txt"): b"2020-01-01 00:00:00",  # would fake the submission time
    }
    assert "leekim_LATE_34567_text.html" in entries
    report = collect_lms(fresh, PS, _zip(tmp_path / "c.zip", entries))
    assert list(report.collected) == ["s01"]
    skipped = dict(text.split(": ", 1) for text in report.skipped)
    assert "leekim_LATE_34567_text.html" not in skipped  # a typed text is kept for the teacher (below)
    assert report.typed == {"s02": [{"from": "leekim_LATE_34567_text.html", "text": "my answer"}]}
    assert "kept for the kit's own record" in skipped["muñozørstedjosé_23456_701_timestamp.txt"]
    stamp = (fresh.submission_dir(PS, "s01") / "timestamp.txt").read_text(encoding="utf-8")
    assert stamp == "2026-01-23 08:00:00.000000"
    assert "Kim Lee (s02)" in report.missing


def _moodle_typed(fullname: str, participant_id: int) -> str:
    """Moodle's online text in a download with folders: the plugin's folder, its onlinetext.html."""
    prefix = moodle_clean_filename(fullname + "_" + str(participant_id))
    return f"{prefix}_assignsubmission_onlinetext/onlinetext.html"


def test_what_a_student_typed_in_the_lms_is_kept_for_the_teacher_as_plain_text(fresh, tmp_path):
    """Issue 25 §10: "I was ill" typed in Moodle is read (as hostile input), kept in the record and shown."""
    hostile = "<p>I was ill \x1b[2J\u202eall week</p><script>alert(1)</script><p>Fiebre, sí.</p>"
    entries = {
        _moodle_typed("José Muñoz Ørsted", 901): hostile.encode("cp1252", errors="ignore"),  # not UTF-8
        moodle_entry("José Muñoz Ørsted", 901, f"{PS}.ipynb"): NB,
        _moodle_typed("Kim Lee", 902): b"<p>" + b"long " * 5000 + b"</p>",  # over the cap: not read
        _moodle_typed("Nobody Here", 999): b"<p>not a student</p>",
    }
    report = collect_lms(fresh, PS, _zip(tmp_path / "moodle.zip", entries))
    assert list(report.collected) == ["s01"]
    assert report.typed["s01"] == [
        {"from": _moodle_typed("José Muñoz Ørsted", 901), "text": "I was ill [2Jall week\nFiebre, sí."}
    ]
    assert report.typed["s02"][0]["text"].startswith("(a text over 20 kB: not read here")
    nobody = _moodle_typed("Nobody Here", 999)  # no roster student: listed, never read
    assert any(line.startswith(f"{nobody}: it comes from Moodle's 'onlinetext'") for line in report.skipped)
    kept = json.loads(record_path(fresh.root, PS).read_text(encoding="utf-8"))["typed"]
    assert kept["s01"][0]["text"] == "I was ill [2Jall week\nFiebre, sí."
    summary = report.summary()
    assert "  typed in the LMS by José Muñoz Ørsted (s01): “I was ill [2Jall week Fiebre, sí.”" in summary.splitlines()
    assert "\x1b" not in summary and "\u202e" not in summary and "alert" not in summary
    assert "Kim Lee (s02)" in report.missing  # a note is no submission
    again = collect_lms(fresh, PS, _zip(tmp_path / "files.zip", {moodle_entry("Kim Lee", 902, f"{PS}.ipynb"): NB}))
    assert again.typed == {} and json.loads(record_path(fresh.root, PS).read_text(encoding="utf-8"))["typed"] == kept


def test_names_the_kit_must_read_whatever_the_unicode_form(fresh, tmp_path):
    """A name stored decomposed (e + combining accent) in the LMS still matches the roster's."""
    decomposed = unicodedata.normalize("NFD", "Muñoz Ørsted, José")
    entry = canvas_entry(decomposed, 11111, 700, f"{PS}.ipynb")  # not s01's lms id: matched by name
    assert entry != canvas_entry("Muñoz Ørsted, José", 11111, 700, f"{PS}.ipynb")  # Canvas keeps the marks
    emptied = canvas_entry("☺☺", 34567, 701, f"{PS}.ipynb")  # a name Canvas reduces to nothing
    assert emptied == f"_34567_701_{PS}.ipynb"
    report = collect_lms(fresh, PS, _zip(tmp_path / "u.zip", {entry: NB, emptied: NB}))
    assert sorted(report.collected) == ["s01", "s02"]
    assert report.details["s01"].matched_by == "name" and report.details["s02"].matched_by == "lms_id"


def test_cli_exits_1_and_names_who_has_no_submission(fresh, tmp_path, monkeypatch, capsys):
    download = _zip(tmp_path / "canvas.zip", {_canvas("s01", 700, f"{PS}.ipynb"): NB, "stray.txt": b""})
    monkeypatch.setenv("MEDIALIT_COURSE", str(fresh.root))
    assert main(["collect", PS, str(download)]) == 1
    out, err = capsys.readouterr()
    assert "muñozørstedjosé_23456_700_" not in out and "(--verbose lists it here)" in out  # the record has it
    assert main(["collect", PS, str(download), "--verbose"]) == 1
    out, err = capsys.readouterr()
    assert f"  s01 (José Muñoz Ørsted): {PS}.ipynb from muñozørstedjosé_23456_700_{PS}.ipynb" in out
    for student in ROSTER[1:]:
        assert f"  no submission: {student.name} ({student.student_id})" in out
    assert "file name not recognised (not a Canvas or Moodle download name): stray.txt" in out
    assert "6 roster student(s) have no submission and 1 file(s) were given to no student" in err
    assert "Traceback" not in err


def test_cli_exits_0_when_everyone_is_collected(tmp_path, monkeypatch, capsys):
    write_roster(tmp_path / "roster.csv", ROSTER[:2])
    course = Course.init(tmp_path / "small", roster=tmp_path / "roster.csv")
    download = _zip(
        tmp_path / "canvas.zip",
        {_canvas("s01", 700, f"{PS}.ipynb"): NB, _canvas("s02", 701, f"{PS}.ipynb", late=True): NB},
    )
    assert main(["collect", PS, str(download), "--course", str(course.root)]) == 0
    out = capsys.readouterr().out
    assert "no submission:" not in out and "collected 2 submission(s): s01, s02" in out


def test_exchange_collect_records_the_source_and_lists_who_is_missing(tmp_path):
    write_roster(tmp_path / "roster.csv", ROSTER[:2])
    course = Course.init(tmp_path / "ex", roster=tmp_path / "roster.csv")
    course.release(PS, to="exchange")
    home = tmp_path / "home" / PS
    home.mkdir(parents=True)
    (home / f"{PS}.ipynb").write_bytes(NB)
    submit_to_exchange(course, PS, "s01", home)
    report = collect_exchange(course, PS)
    assert list(report.collected) == ["s01"]
    assert report.missing == ["Kim Lee (s02)"]
    record = collect_record(course, PS, "s01")
    assert record["via"] == "exchange" and record["late"] is None
    assert record["timestamp_is"].startswith("when the exchange received the submission")
    assert record["files"][f"{PS}.ipynb"]["from"] == f"inbound/{record['inbound']}/{PS}.ipynb"
    assert f"  s01 (José Muñoz Ørsted), received {record['timestamp']}: {PS}.ipynb" in report.summary(verbose=True)
