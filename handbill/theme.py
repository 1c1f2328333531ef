"""Themes: where templates, static files and UI strings come from, and the Jinja environment.

A site's own theme is a folder with any of ``templates/``, ``static/`` and ``i18n/``;
each file there replaces the default theme's file of the same name, and a template
can extend the original with ``{% extends "default:story.html" %}``.
"""
from __future__ import annotations

import hashlib
import types
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markupsafe

from .diagnostics import Diagnostics, did_you_mean
from .foreign import MarkForeignText
from .sources import is_junk
from .theme_code import ShippedCode

PACKAGE_ROOT = Path(__file__).resolve().parent


def escaped_in_python(text: str) -> str:
    """What ``markupsafe.escape`` writes for a plain string, as MarkupSafe's own Python fallback writes it."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;") \
        .replace('"', "&#34;")


try:  # MarkupSafe's C escaping, without making a Markup of each result
    from markupsafe._speedups import _escape_inner as _escaped
except ImportError:  # no C extension, or a MarkupSafe that moved it
    _escaped = escaped_in_python


def escape_output(value: object) -> str:
    """``markupsafe.escape`` for what a template writes out (``{{ x }}``): the same text, but a plain
    string stays a plain string. Jinja only joins those pieces (into the page, or into a macro's or
    block's result, which it marks safe itself), and making each one a Markup cost a quarter of a page."""
    if type(value) is str:
        return _escaped(value)
    return markupsafe.escape(value)


class OutputTemplate(jinja2.Template):
    """A template whose output goes through :func:`escape_output`."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):  # noqa: A002 - Jinja's signature
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = escape_output  # the name the compiled output calls
        return template


_PLAIN_CALLABLES = (types.FunctionType, types.MethodType)


class PageContext(jinja2.runtime.Context):
    """Jinja's context, with a shorter way to call a plain Python function or method from a template.

    Jinja's ``call`` looks twice whether a callee wants the context, the environment or the eval
    context passed (``pass_context`` and the like); a plain function or method (``t``, a format)
    is asked once here, then called just as Jinja calls it: 0.7 -> 0.2 µs a call, 40 calls a page.
    """

    @jinja2.utils.internalcode
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own names (no clash with a `self=` argument)
        if type(__obj) not in _PLAIN_CALLABLES or getattr(__obj, "jinja_pass_arg", None) is not None:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


def default_theme_dir() -> Path:
    """The default theme: beside the package in a checkout, inside it when installed."""
    for candidate in (PACKAGE_ROOT.parent / "themes" / "default", PACKAGE_ROOT / "themes" / "default"):
        if (candidate / "templates").is_dir():
            return candidate
    raise FileNotFoundError("handbill's default theme is missing; reinstall handbill")


@dataclass(frozen=True)
class Theme:
    dirs: tuple[Path, ...]  # the site's theme first, the default theme last

    def static_files(self) -> dict[str, Path]:
        """Every static file by its path under static/, the site's theme winning."""
        files: dict[str, Path] = {}
        for folder in reversed(self.dirs):
            static = folder / "static"
            if static.is_dir():
                for path in sorted(static.rglob("*")):
                    if path.is_file() and not any(is_junk(part) for part in path.relative_to(static).parts):
                        files[path.relative_to(static).as_posix()] = path
        return files

    def environment(self, watch: bool = False) -> jinja2.Environment:
        """The theme's Jinja environment. ``watch``: check each template's time when a page asks for it and
        compile it again when it changed (``serve``, whose environment lives from build to build); a
        build of its own reads each template once and asks nothing after (5,000 stat calls per 1,000 pages)."""
        default_templates = jinja2.FileSystemLoader(str(self.dirs[-1] / "templates"))
        loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d / "templates")) for d in self.dirs[:-1]]
        loaders += [jinja2.PrefixLoader({"default": default_templates}, delimiter=":"), default_templates]
        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=watch,
            bytecode_cache=ShippedCode(self.dirs[-1]),  # the default theme's templates come compiled (theme_code.py)
            extensions=[MarkForeignText],  # UI strings in another language marked with it (foreign.py)
        )
        env.template_class = OutputTemplate
        env.context_class = PageContext
        return env

    def fingerprint(self) -> str:
        """A hash of every theme file, for caches."""
        digest = hashlib.sha256()
        for folder in self.dirs:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digest.update(path.relative_to(folder).as_posix().encode())
                    digest.update(path.read_bytes())
        return digest.hexdigest()


def page_template_names(env: jinja2.Environment) -> list[str]:
    """The names of every page template ``env`` finds (``default:`` names, the same files again, left out)."""
    return env.list_templates(filter_func=lambda name: name.endswith(".html") and ":" not in name)


def compile_templates(env: jinja2.Environment) -> None:
    """Compile every page template of ``env`` now, so processes forked later share them. A template
    that does not compile is left to the page that uses it, which reports it."""
    try:
        names = page_template_names(env)
    except Exception:  # noqa: BLE001 - only a head start: the build lists and reports nothing here
        return
    for name in names:
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001 - a syntax error, bytes that are not UTF-8, an unreadable file
            continue


def load_theme(name: str, content: Path, diags: Diagnostics, site_yaml: Path | None,
               where: tuple[int, int] = (0, 0)) -> Theme:
    """``default``, a folder in ``themes/`` beside the content folder, or a path (``where``: its line
    and column in site.yaml)."""
    default = default_theme_dir()
    if name == "default":
        return Theme((default,))
    for candidate in (content.parent / "themes" / name, content / name, Path(name)):
        if candidate.is_dir():
            if candidate.resolve() == default.resolve():
                return Theme((default,))
            return Theme((candidate.resolve(), default))
    themes = content.parent / "themes"
    known = ["default"] + sorted(p.name for p in themes.iterdir() if p.is_dir()) if themes.is_dir() else ["default"]
    suggestion = did_you_mean(name, known)
    diags.error(site_yaml or content / "site.yaml", *where, f"the theme `{name}` was not found",
                f"{suggestion + ' ' if suggestion else ''}create themes/{name}/ beside the content folder, "
                "or write theme: default")
    return Theme((default,))
