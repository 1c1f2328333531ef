"""Captions for a video in a story: WebVTT files saved beside it, named after it.

``maria.mp4`` is shown with ``maria.vtt`` (captions in the language of the folder it is
in) and ``maria.<language code>.vtt`` (``maria.sv.vtt``, ``maria.pt-BR.vtt``), each a
``<track>`` the viewer can turn on; the one in the page's language is on by default.
A translation's folder is looked in first, then the original's: ``content/sv/.../maria.sv.vtt``
beside the Swedish story captions the video the English folder holds.

``maria.en.sdh.vtt`` and ``maria.en.cc.vtt`` (captions for deaf and hard-of-hearing viewers, as
subtitle tools name them) are English. Browsers play only WebVTT in UTF-8, so a SubRip file
(``maria.srt``, what most subtitle tools save), a file named after the video whose language
part is no language code, a file in another encoding and a ``.vtt`` that does not start with
``WEBVTT`` are problems to report, never published.
"""
from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from .localecodes import canonical_code
from .sources import is_junk

WEBVTT_SUFFIX = "vtt"
SUBRIP_SUFFIX = "srt"
ACCESSIBILITY_MARKS = frozenset({"sdh", "cc"})  # maria.en.sdh.vtt: for deaf and hard-of-hearing viewers; not a language


@dataclass(frozen=True)
class Captions:
    """One captions file of a video, and the language it is in."""

    path: Path
    lang: str


@dataclass(frozen=True)
class CaptionsProblem:
    """A file named like a video's captions that cannot be one: what is wrong, and the fix."""

    path: Path
    message: str
    hint: str


def find_captions(video: Path, folders: list[tuple[Path, str]],
                  video_suffixes: tuple[str, ...]) -> tuple[list[Captions], list[CaptionsProblem]]:
    """The captions of ``video`` in ``folders`` ((folder, the language of an unmarked file there), first
    found wins for each language), in the order of their language codes; and the problems met.
    ``video_suffixes``: the other videos of a folder own the files named after them (``town-hall.short.vtt``
    is not ``town-hall.mp4``'s)."""
    stem = video.stem
    found: dict[str, Captions] = {}
    problems: list[CaptionsProblem] = []
    for folder, folder_lang in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        others = [name.rsplit(".", 1)[0] + "." for name in names if name.lower().endswith(video_suffixes)
                  and name.startswith(f"{stem}.") and name.rsplit(".", 1)[0] != stem]
        here: dict[str, Path] = {}  # language -> the file of this folder that gives it
        for name in names:
            if not name.startswith(f"{stem}.") or is_junk(name) or name.startswith(tuple(others)):
                continue
            *written, suffix = name[len(stem) + 1:].split(".")
            suffix = suffix.lower()
            if suffix not in (WEBVTT_SUFFIX, SUBRIP_SUFFIX):
                continue
            codes = [part for part in written if part.lower() not in ACCESSIBILITY_MARKS]
            lang = folder_lang if not codes else canonical_code(codes[0]) if len(codes) == 1 else None
            path = folder / name
            if suffix == SUBRIP_SUFFIX:
                named = ".".join([stem, *written, "vtt"]) if lang else f"{stem}.vtt"
                problems.append(CaptionsProblem(path, "these captions are SubRip (.srt), which browsers do not play",
                                                f"save them as WebVTT, named {named}: subtitle editors (Subtitle "
                                                "Edit, Aegisub) can"))
            elif lang is None:
                problems.append(CaptionsProblem(path, f"these captions are not shown: `{'.'.join(codes)}` in their "
                                                      "name is not a language code",
                                                f"name them {stem}.vtt (in the language of the text) or "
                                                f"{stem}.<language code>.vtt, like {stem}.sv.vtt"))
            elif (problem := _unreadable(path)) is not None:
                problems.append(CaptionsProblem(path, *problem))
            elif lang in here:
                problems.append(CaptionsProblem(path, f"these captions are not shown: {here[lang].name} are "
                                                      f"captions in the same language ({lang}), and a video shows "
                                                      "one file per language",
                                                "delete the one you do not want, or rename it for its language"))
            elif lang not in found:
                found[lang] = Captions(path, lang)
                here[lang] = path
    return sorted(found.values(), key=lambda captions: captions.lang), problems


def _unreadable(path: Path) -> tuple[str, str] | None:
    """(message, hint) when a browser could not show the file as captions: not UTF-8 (Notepad's "Unicode" is
    UTF-16; judged by its first 256 KB, read once), or not starting with the line WEBVTT; else None."""
    try:
        with path.open("rb") as file:
            start = file.read(256 * 1024)
    except OSError:
        return None  # (said by the step that publishes it)
    encoding = "UTF-16" if start.startswith((b"\xff\xfe", b"\xfe\xff")) else None
    if encoding is None:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(start, final=False)  # (a character cut at the end is fine)
        except UnicodeDecodeError:
            encoding = "another encoding than UTF-8 (such as Windows-1252)"
    if encoding is not None:
        return (f"these captions are not shown: they are saved as {encoding}, and browsers read captions only as "
                "UTF-8", "open them in a text editor and save them again with the encoding UTF-8")
    first = start.removeprefix(b"\xef\xbb\xbf")[:7]
    if not first.startswith(b"WEBVTT") or first[6:7] not in (b"", b" ", b"\t", b"\n", b"\r"):
        return ("these captions are not shown: a WebVTT file starts with the line WEBVTT, and this one does not",
                "check that the file holds captions, saved as WebVTT (.vtt)")
    return None
