"""handbill: a static-site generator for campaign microsites.

The build pipeline is imported on first use (PEP 562), so ``python build.py`` with
nothing to do answers before Jinja, Markdown, Pillow and Babel are loaded.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .diagnostics import BuildFailed, Diagnostic, Diagnostics

if TYPE_CHECKING:
    from .pipeline import BuildOptions, BuildResult, build

__version__ = "0.1.0"
__all__ = ["BuildFailed", "BuildOptions", "BuildResult", "Diagnostic", "Diagnostics", "__version__", "build"]
_FROM_PIPELINE = {"BuildOptions", "BuildResult", "build"}


def __getattr__(name: str) -> Any:
    if name in _FROM_PIPELINE:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'handbill' has no attribute {name!r}")
