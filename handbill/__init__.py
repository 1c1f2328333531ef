"""handbill: a static-site generator for campaign microsites."""
from __future__ import annotations

from .diagnostics import BuildFailed, Diagnostic, Diagnostics
from .pipeline import BuildOptions, BuildResult, build

__version__ = "0.1.0"
__all__ = ["BuildFailed", "BuildOptions", "BuildResult", "Diagnostic", "Diagnostics", "__version__", "build"]
