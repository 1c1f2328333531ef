"""The default theme's templates, shipped already turned into Python by Jinja.

Jinja makes a template into Python source (lexing, parsing, generating: about 0.1 s for the
default theme's templates, on every build), then Python compiles that source (0.015-0.03 s).
The first part gives the same result for every site that uses the default theme, so handbill
ships it, in the default theme's ``compiled.json``, and a build does only the second.

Jinja takes the shipped code through a bytecode cache (its public ``BytecodeCache``) and only
for a template whose name and source (Jinja's own SHA-1 checksum of it) are those the code was
made from, by the same Jinja version with the same settings. Any other template, a site theme's
own included, is compiled from its source as usual. Run ``python -m handbill.theme_code`` after
changing a template of the default theme; a test fails while the file is out of date.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

CODE_FILE = "compiled.json"  # in the default theme's folder, beside templates/


def made_for(environment: jinja2.Environment) -> list[Any]:
    """What Jinja's Python for a template depends on besides its source: Jinja's version and the settings."""
    return [jinja2.__version__, environment.block_start_string, environment.block_end_string,
            environment.variable_start_string, environment.variable_end_string, environment.comment_start_string,
            environment.comment_end_string, environment.line_statement_prefix, environment.line_comment_prefix,
            environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
            environment.keep_trailing_newline, environment.optimized, environment.is_async,
            environment.autoescape if isinstance(environment.autoescape, bool) else repr(environment.autoescape),
            sorted(environment.extensions), environment.code_generator_class.__qualname__,
            environment.finalize is None, type(environment).__qualname__,  # (a sandbox generates other code)
            sorted(f"{kind}:{name}:{_passes(function)}" for kind, functions in (("filter", environment.filters),
                                                                               ("test", environment.tests))
                   for name, function in functions.items() if _passes(function))]


def _passes(function: Any) -> str:
    """What a filter or test asks Jinja to pass it (the context, the environment...): it changes the code."""
    return str(getattr(function, "jinja_pass_arg", "") or "")


class ShippedCode(jinja2.BytecodeCache):
    """Serves the code in ``theme_dir/compiled.json`` for the templates it was made from (see above)."""

    def __init__(self, theme_dir: Path) -> None:
        self.path = theme_dir / CODE_FILE
        self._templates: dict[str, dict[str, str]] | None = None  # read when first asked

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return f"{name}\0{filename or ''}"  # (a path holds no NUL)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name, _, filename = bucket.key.partition("\0")
        shipped = self._shipped(bucket.environment).get(name)
        if shipped is not None and shipped.get("checksum") == bucket.checksum:
            bucket.code = compile(shipped["code"], filename or "<template>", "exec")

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        pass  # nothing is kept: the file is made by `python -m handbill.theme_code`

    def _shipped(self, environment: jinja2.Environment) -> dict[str, dict[str, str]]:
        if self._templates is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # no file (a theme copied without it), or a broken one: compile
                data = {}
            fits = isinstance(data, dict) and data.get("made_for") == made_for(environment)
            self._templates = data.get("templates", {}) if fits else {}
        return self._templates


def shipped_data(environment: jinja2.Environment) -> dict[str, Any]:
    """What ``compiled.json`` holds for the page templates ``environment`` finds (its theme must be the default)."""
    from .theme import page_template_names

    templates = {}
    checksum = jinja2.BytecodeCache().get_source_checksum
    for name in sorted(page_template_names(environment)):
        source, filename, _ = environment.loader.get_source(environment, name)
        templates[name] = {"checksum": checksum(source), "code": environment.compile(source, name, filename, raw=True)}
    return {"made_for": made_for(environment), "templates": templates}


def write_shipped_code() -> Path:
    """(Re)write the default theme's ``compiled.json``; returns its path."""
    from .theme import Theme, default_theme_dir

    folder = default_theme_dir()
    data = shipped_data(Theme((folder,)).environment())
    path = folder / CODE_FILE
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_shipped_code()}")
