"""What students type in the LMS has one reader (lms_download.entry_text): typed notes and regrade requests."""

from __future__ import annotations

from medialit.grading import lms_download, regrades
from medialit.grading.lms_download import entry_text, typed_note
from medialit.grading.regrades import parse


def test_a_regrade_request_drops_what_a_typed_note_drops(tmp_path):
    # C1 controls (NEL, CSI: a terminal escape), a zero-width space and a direction isolate
    hostile = "what: a\x85b\x9b31mc\u200bd\u2066e"
    assert parse("Regrade request\n" + hostile)[0]["what"] == "ab31mcde"
    entry = tmp_path / "okafornia_78902_text.html"
    entry.write_bytes(f"<p>Regrade request</p><p>{hostile}</p>".encode())
    assert typed_note(entry) == "Regrade request\nwhat: ab31mcde"
    assert parse(entry_text(entry.read_bytes())[0])[0]["what"] == "ab31mcde"


def test_windows_1252_is_read_and_said_once_for_both():
    text, note = entry_text(b"<p>Regrade request</p><p>why: I was ill \x96 caf\xe9</p>")
    assert note == "not saved as UTF-8: read as Windows-1252"
    assert parse(text)[0]["why"] == "I was ill – café"
    assert regrades.entry_text is lms_download.entry_text and not hasattr(regrades, "decode")
