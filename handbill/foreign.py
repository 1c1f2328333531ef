"""UI strings shown in another language than the page's, marked with their own (WCAG 3.1.2).

A language the theme has no strings for (Somali, Ukrainian...) shows its buttons, menus and
headings in the default language until a translator writes ``content/<locale>/strings.yaml``,
and a partly translated one shows some of them so. A screen reader reads a text in the
language its element says, so an English "Sign the petition" on a Somali page was read with
Somali sounds. The translator (strings.py) returns such a string as :class:`ForeignText`, a
``str`` that knows its language; wherever a template writes it as text, it is put in a
``<span lang dir>``.

Where a template writes it is known before the template runs: :class:`MarkForeignText`, a
Jinja extension, reads the template's HTML as Jinja reads the template and wraps each
``{{ ... }}`` that stands in text in the ``in_text`` filter. One inside a tag (an attribute's
value, where no markup may go) or inside ``<title>``, ``<option>``, ``<textarea>``,
``<script>`` or ``<style>`` is left as it is. A title in another language put into a UI string
(:class:`MixedText`) is marked inside it the same way. Everywhere else a ForeignText is a plain string:
in attributes, URLs, JSON, feeds and share cards. An element a script fills later (the
petition's error messages) takes the language of its text from :func:`said_in`.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

TEXT_ONLY = ("title", "option", "textarea", "script", "style")  # elements whose content takes no markup
_TAG_OR_COMMENT = re.compile(r"<(!--|/?[A-Za-z][A-Za-z0-9-]*|/?$)")  # `<` last: a tag named by {{ ... }}


class TextInLanguage(str):
    """A text that knows its language: ``lang`` and ``dir``."""

    __slots__ = ("lang", "dir")

    def __new__(cls, text: str, lang: str, direction: str) -> TextInLanguage:
        made = super().__new__(cls, text)
        made.lang, made.dir = lang, direction
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (str(self), self.lang, self.dir)


class ForeignText(TextInLanguage):
    """A UI string in another language than the page's: ``lang`` and ``dir`` are its own."""

    __slots__ = ()


class InLanguage(TextInLanguage):
    """A text in the page's language that says which it is, for a UI string in another language to mark
    it when it puts it in (a translated site title in the English fallback of a privacy note). Written
    anywhere else, it is a plain string."""

    __slots__ = ()


class MixedText(str):
    """A UI string with texts of another language put into it (an English story's title in a Swedish
    "Read next: {title}"): ``parts`` are (start, end, lang, dir) of each; ``lang`` and ``dir`` are the
    string's own when it is in another language than the page's, else empty."""

    __slots__ = ("lang", "dir", "parts")

    def __new__(cls, text: str, lang: str, direction: str, parts: tuple[tuple[int, int, str, str], ...]) -> MixedText:
        made = super().__new__(cls, text)
        made.lang, made.dir, made.parts = lang, direction, parts
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return MixedText, (str(self), self.lang, self.dir, self.parts)


def in_text(value: Any) -> Any:
    """The ``in_text`` filter: a ForeignText in a span that says its language (a MixedText's parts each in
    theirs); anything else as it is."""
    kind = type(value)
    if kind is ForeignText:
        return Markup('<span lang="{}" dir="{}">{}</span>').format(value.lang, value.dir, str(value))
    if kind is MixedText:
        text, pieces, at = str(value), [], 0
        for start, end, lang, direction in value.parts:
            pieces += [Markup.escape(text[at:start]),
                       Markup('<span lang="{}" dir="{}">{}</span>').format(lang, direction, text[start:end])]
            at = end
        inner = Markup("").join([*pieces, Markup.escape(text[at:])])
        return Markup('<span lang="{}" dir="{}">{}</span>').format(value.lang, value.dir, inner) if value.lang else inner
    return value


def said_in(text: Any) -> Markup:
    """`` lang=".." dir=".."`` for an element a script fills with ``text`` later (a petition's error
    messages), when ``text`` is in another language than the page; else nothing."""
    if type(text) is ForeignText:
        return Markup(' lang="{}" dir="{}"').format(text.lang, text.dir)
    return Markup("")


class MarkForeignText(Extension):
    """Wraps every ``{{ ... }}`` of a template that stands in text (not in a tag, nor in an element that
    takes text only) in the ``in_text`` filter."""

    identifier = "handbill.foreign.MarkForeignText/2"  # (in the key of the shipped template code: bump on change)

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        environment.filters["in_text"] = in_text
        environment.globals["said_in"] = said_in

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        html = _HtmlPlace()
        tokens = iter(stream)
        for token in tokens:
            if token.type == "data":
                html.read(token.value)
                yield token
            elif token.type == "variable_begin" and html.in_text:
                yield token
                yield Token(token.lineno, "lparen", "(")
                for inner in tokens:
                    if inner.type == "variable_end":
                        yield from (Token(inner.lineno, "rparen", ")"), Token(inner.lineno, "pipe", "|"),
                                    Token(inner.lineno, "name", "in_text"), inner)
                        break
                    yield inner
            else:
                yield token


class _HtmlPlace:
    """Where the HTML read so far leaves the next character: in text, in a tag, in a comment, or in an
    element that takes text only. Enough HTML for templates, not a parser for any page."""

    def __init__(self) -> None:
        self.state = "text"  # text | tag | comment | text-only
        self.quote = ""  # the quote of the attribute value a tag is in
        self.tag = ""  # the name of the tag being read
        self.text_only = ""  # the element whose end a text-only content waits for

    @property
    def in_text(self) -> bool:
        return self.state == "text"

    def read(self, data: str) -> None:
        at = 0
        while at < len(data):
            if self.state == "text":
                found = _TAG_OR_COMMENT.search(data, at)
                if found is None:
                    return
                at = found.end()
                if found.group(1) == "!--":
                    self.state = "comment"
                else:
                    self.state, self.tag, self.quote = "tag", found.group(1).lower(), ""
            elif self.state == "comment":
                end = data.find("-->", at)
                if end < 0:
                    return
                at, self.state = end + 3, "text"
            elif self.state == "tag":
                at = self._read_tag(data, at)
            else:  # text-only: wait for its end tag
                end = data.lower().find(f"</{self.text_only}", at)
                if end < 0:
                    return
                self.state, self.tag, self.quote, at = "tag", f"/{self.text_only}", "", end + len(self.text_only) + 2

    def _read_tag(self, data: str, at: int) -> int:
        while at < len(data):
            char = data[at]
            at += 1
            if self.quote:
                if char == self.quote:
                    self.quote = ""
            elif char in "\"'":
                self.quote = char
            elif char == ">":
                opened = self.tag
                self.state = "text-only" if opened in TEXT_ONLY else "text"
                self.text_only = opened if opened in TEXT_ONLY else ""
                return at
        return at
