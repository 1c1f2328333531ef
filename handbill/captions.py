"""Captions for a video in a story: WebVTT files saved beside it, named after it.

``maria.mp4`` is shown with ``maria.vtt`` (captions in the language of the folder it is
in) and ``maria.<language code>.vtt`` (``maria.sv.vtt``, ``maria.pt-BR.vtt``), each a
``<track>`` the viewer can turn on; the one in the page's language is on by default.
A translation's folder is looked in first, then the original's: ``content/sv/.../maria.sv.vtt``
beside the Swedish story captions the video the English folder holds.

Browsers play only WebVTT, so a SubRip file (``maria.srt``, what most subtitle tools save),
a file named after the video whose language part is no language code, and a ``.vtt`` that
does not start with ``WEBVTT`` are problems to report, never published.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .localecodes import canonical_code
from .sources import file_start, is_junk

WEBVTT_SUFFIX = "vtt"
SUBRIP_SUFFIX = "srt"


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


def find_captions(video: Path, folders: list[tuple[Path, str]]) -> tuple[list[Captions], list[CaptionsProblem]]:
    """The captions of ``video`` in ``folders`` ((folder, the language of an unmarked file there), first
    found wins for each language), in the order of their language codes; and the problems met."""
    stem = video.stem
    found: dict[str, Captions] = {}
    problems: list[CaptionsProblem] = []
    for folder, folder_lang in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if not name.startswith(f"{stem}.") or is_junk(name):
                continue
            rest = name[len(stem) + 1:]
            written, _, suffix = rest.rpartition(".") if "." in rest else ("", "", rest)
            suffix = suffix.lower()
            if suffix not in (WEBVTT_SUFFIX, SUBRIP_SUFFIX):
                continue
            lang = folder_lang if not written else canonical_code(written)
            path = folder / name
            if suffix == SUBRIP_SUFFIX:
                target = f"{stem}.{lang}.vtt" if written and lang else f"{stem}.vtt"
                problems.append(CaptionsProblem(path, "these captions are SubRip (.srt), which browsers do not play",
                                                f"save them as WebVTT, named {target}: subtitle editors (Subtitle "
                                                "Edit, Aegisub) can"))
            elif lang is None:
                problems.append(CaptionsProblem(path, f"these captions are not shown: `{written}` in their name is "
                                                      "not a language code",
                                                f"name them {stem}.vtt (in the language of the text) or "
                                                f"{stem}.<language code>.vtt, like {stem}.sv.vtt"))
            elif lang not in found:
                if _is_webvtt(path):
                    found[lang] = Captions(path, lang)
                else:
                    problems.append(CaptionsProblem(path, "these captions are not shown: a WebVTT file starts with "
                                                          "the line WEBVTT, and this one does not",
                                                    "check that the file holds captions, saved as WebVTT (.vtt)"))
    return sorted(found.values(), key=lambda captions: captions.lang), problems


def _is_webvtt(path: Path) -> bool:
    start = file_start(path, 7)
    return start.startswith(b"WEBVTT") and (len(start) == 6 or start[6:7] in (b" ", b"\t", b"\n", b"\r"))
