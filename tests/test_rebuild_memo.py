"""The pieces behind `serve`'s fast rebuilds: fingerprints of template inputs, the two-build tables, file
digests trusted by their stat, and the garbage collector kept out of rebuilds. (test_serve.py proves
the whole: every rebuild equals a clean build and reports the same problems.)"""
from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import os
from pathlib import Path

import pytest
from markupsafe import Markup

from handbill import filedigests
from handbill.filedigests import FileDigests
from handbill.fingerprint import Fingerprints, NotPlainData
from handbill.quietgc import QuietCollector
from handbill.recent import Recent


@dataclasses.dataclass(frozen=True)
class Card:
    title: str
    tags: tuple[str, ...] = ()
    meta: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Other:
    title: str
    tags: tuple[str, ...] = ()
    meta: dict = dataclasses.field(default_factory=dict)


def digest(value) -> bytes:
    return Fingerprints().of(value)


@pytest.mark.parametrize("a, b", [
    ("1", 1), (1, True), (1, 1.0), (0.0, -0.0), (None, ""), (b"x", "x"),
    ("<b>", Markup("<b>")),  # a template escapes one and not the other
    ([1, 2], (1, 2)), ([1, 2], [2, 1]), ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # a loop shows the order
    (dt.date(2026, 5, 1), dt.datetime(2026, 5, 1)),
    (dt.datetime(2026, 5, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2))),
     dt.datetime(2026, 5, 1, 10, tzinfo=dt.timezone.utc)),  # the same instant, shown differently
    (Card("a"), Other("a")), (Card("a", ("x",)), Card("a", ("x", ""))), (Card("a"), Card("a", meta={"k": None})),
    (Path("a/b"), "a/b"), (["a\0b"], ["a", "b"]), (("a", "b"), ("a\x01", "b")),
    ({"stories": [Card("a")]}, {"stories": [Card("b")]}), ([[Card("a")]], [[Card("a")], []]),
    ({("a",): [Card("a")]}, {"a": [Card("a")]}), ([Card("a"), ("b",)], [Card("a"), "b"]),
    ([("a", 1)], [("a", True)]), ({"k": [1]}, {"k": [True]}), (Card("a", ("x",)), Card("a", ["x"])),
    ([Card("a"), Card("b")], [Card("b"), Card("a")]), ({"a": Card("a")}, {"a": Other("a")}),
])
def test_values_a_template_shows_differently_have_different_fingerprints(a, b):
    assert digest(a) != digest(b)


def test_equal_values_have_equal_fingerprints_in_any_build():
    def make():
        return {"story": Card("Maria", ("water",), {"date": dt.date(2026, 5, 1), "n": [1, 2.5]}),
                "html": Markup("<p>x</p>"), "path": Path("c/maria.md"), "none": None}
    assert digest(make()) == digest(make())


def test_anything_but_plain_data_cannot_be_fingerprinted():
    for value in (lambda: 1, object(), {"t": print}, [Card("a", meta={"f": len})]):
        with pytest.raises(NotPlainData):
            digest(value)


def test_a_lasting_object_is_digested_once_and_remembered_for_the_next_build():
    prints = Fingerprints(lasting=(Card,))
    card, listing = Card("a"), [Card("b")]
    first = prints.of({"x": card, "y": [card]})
    assert prints.of(card) == digest(card)
    assert first == Fingerprints(lasting=(Card,)).of({"x": Card("a"), "y": [Card("a")]})
    prints.next_build()
    object.__setattr__(card, "title", "changed")  # never done to a lasting object: shows the digest is remembered
    assert prints.of(card) == digest(Card("a"))
    listing.append(Card("c"))  # other objects are walked every time
    assert prints.of(listing) == Fingerprints(lasting=(Card,)).of([Card("b"), Card("c")])
    prints.next_build()
    prints.next_build()  # a build that did not meet the card: forgotten
    assert prints.of(card) == digest(Card("changed"))


def test_a_value_that_contains_itself_cannot_be_fingerprinted():
    loop: list = []
    loop.append(loop)
    with pytest.raises(NotPlainData):
        digest(loop)


def test_a_recent_table_keeps_what_the_last_complete_build_used():
    table: Recent[str, int] = Recent()
    table.put("a", 1)
    table.put("b", 2)
    table.next_build()
    assert table.get("a") == 1  # used again; "b" is not
    table.next_build()
    assert table.get("a") == 1 and table.get("b") is None
    table.next_build(last_complete=False)  # the build before stopped early: nothing is dropped
    table.next_build(last_complete=False)
    assert table.get("a") == 1


def test_a_file_is_read_again_only_when_its_stat_changed(tmp_path, monkeypatch):
    monkeypatch.setattr(filedigests, "RACY_NS", 0)
    path = tmp_path / "story.md"
    path.write_text("one", encoding="utf-8")
    files = FileDigests()
    first = files.digest(path)
    assert files.known(path) == first and files.reads == 1
    before = path.stat()
    path.write_text("two", encoding="utf-8")  # same size; the times are set back below
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert files.known(path) is None  # the status-change time cannot be set back
    assert files.digest(path) != first and files.reads == 2


def test_a_file_saved_just_before_it_was_read_is_read_again(tmp_path):
    path = tmp_path / "story.md"
    path.write_text("one", encoding="utf-8")
    files = FileDigests()
    files.digest(path)
    assert files.known(path) is None  # another save in the same clock tick would keep every stat field


def test_files_a_build_did_not_ask_about_are_forgotten(tmp_path, monkeypatch):
    monkeypatch.setattr(filedigests, "RACY_NS", 0)
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"a")
    b.write_bytes(b"b")
    files = FileDigests()
    files.digest(a)
    files.digest(b)
    files.start()
    files.digest(a)
    files.forget_unused()
    assert files.known(a) is not None and files.known(b) is None


def test_the_collector_freezes_after_a_rebuild_and_thaws_when_idle_or_stopped():
    collector = QuietCollector(idle_seconds=0, most_rebuilds=3)
    try:
        collector.after_rebuild()
        assert gc.get_freeze_count() > 0
        collector.when_idle()  # collects, and freezes what survived
        assert gc.get_freeze_count() > 0 and collector._rebuilds == 0
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0
