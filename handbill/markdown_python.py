"""Python-Markdown, the engine of ``markdown: python-markdown`` (see :mod:`handbill.markdown_engines`).

Loaded only by sites that choose it: importing Python-Markdown costs 25 ms a process.
"""
from __future__ import annotations

import html as htmllib
import re

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from handbill.markdown_engines import EXTENSIONS, heading_id, ui_text, video_host
from handbill.timebox import Timebox

_BLOCK_PROCESSORS = ("empty", "indent", "code", "hashheader", "setextheader", "hr", "olist", "ulist",
                     "quote", "reference")  # all of Python-Markdown's but "paragraph"


class PythonMarkdownEngine:
    """Holds configured markdown.Markdown instances, reused (reset between documents) for speed."""

    name = "python-markdown"

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=list(EXTENSIONS),
            extension_configs={"toc": {"slugify": heading_id}},
            output_format="html",
        )
        self._md.treeprocessors.register(_VideoLinkProcessor(self._md), "handbill_video_link", 25)
        self._timebox = Timebox(self._convert, _new_python_markdown)  # pathological text is stopped, not hung on
        self._inline = markdown.Markdown(extensions=["smarty"], output_format="html")
        for name in _BLOCK_PROCESSORS:  # one line is never a heading, list or code block
            self._inline.parser.blockprocessors.deregister(name, strict=False)
        self._inline.preprocessors.deregister("html_block", strict=False)

    def convert(self, text: str) -> str:
        return self._timebox.convert(text)

    def _convert(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)

    def convert_inline(self, text: str) -> str:
        self._inline.reset()
        return self._inline.convert(text).removeprefix("<p>").removesuffix("</p>")


def _new_python_markdown():
    """The Markdown conversion, made afresh in timebox's helper process."""
    return PythonMarkdownEngine()._convert


class _VideoLinkProcessor(Treeprocessor):
    """A paragraph holding only a video page's URL becomes a "Watch the video" link out (its text a marker: see
    markdown_engines.ui_text)."""

    def run(self, root) -> None:
        for p in root.iter("p"):  # runs before inline parsing: p.text is the raw Markdown
            match = re.fullmatch(r"<?(https?://\S+?)>?", (p.text or "").strip())
            host = video_host(htmllib.unescape(match.group(1))) if match and not len(p) else None
            if host:
                p.text = None
                p.set("class", "video-link")
                link = p.makeelement("a", {"href": htmllib.unescape(match.group(1))})
                link.text = AtomicString(ui_text("video_watch_on", host=host))  # filled in by the page
                p.append(link)
