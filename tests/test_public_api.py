"""The package's public names stay exactly these, and importing it stays cheap."""
from __future__ import annotations

import subprocess
import sys

import handbill

PUBLIC = ["BuildFailed", "BuildOptions", "BuildResult", "Diagnostic", "Diagnostics", "__version__", "build"]


def test_the_public_api_is_exactly_this_list() -> None:
    assert sorted(handbill.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert getattr(handbill, name) is not None
    assert handbill.build.__module__ == "handbill.pipeline"


def test_importing_handbill_does_not_load_the_build_pipeline() -> None:
    code = "import sys, handbill; print(sorted(m for m in ('handbill.pipeline', 'jinja2', 'markdown', 'PIL') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        handbill.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("handbill.no_such_name did not raise")
