"""Finding (and, for the HTML checker, fetching) the external programs some tests use.

Locally a missing tool skips its tests with a message saying how to get it; in CI
(``CI`` set) a missing tool fails them, so a green CI always means they ran.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
VNU_VERSION = "26.9.27"
VNU_PREFIX = REPO / ".tools" / "vnu"
VNU_JAR = VNU_PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def missing(what: str, how: str) -> None:
    """Skip locally, fail in CI."""
    message = f"{what} is not available: {how}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def vnu_command() -> list[str]:
    """``java -jar vnu.jar``, installing the npm package vnu-jar into .tools/ on first use."""
    if shutil.which("java") is None:
        missing("java", "install a Java runtime (Debian: apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        if shutil.which("npm") is None:
            missing("the Nu HTML Checker", "install npm, or run: npm install --prefix .tools/vnu vnu-jar")
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(VNU_PREFIX),
                        f"vnu-jar@{VNU_VERSION}"], check=True, timeout=600)
    return ["java", "-jar", str(VNU_JAR)]


def html_errors(pages: list[str]) -> list[str]:
    """The Nu HTML Checker's errors in these HTML files, as ``file:line: message``."""
    done = subprocess.run([*vnu_command(), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m.get('message')}" for m in messages
              if m.get("type") in ("error", "non-document-error")]
    assert errors or done.returncode == 0, done.stderr  # (it failed to run)
    return errors


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    """The Chromium the browser tests drive (Debian: the chromium package, which .ci/run installs)."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return str(candidate)
    missing("Chromium", "install it (Debian: apt-get install chromium chromium-driver)")
    raise AssertionError("unreachable")  # missing() skips or fails


def sync_playwright():
    """Playwright's sync API, driving the system Chromium (never `playwright install`)."""
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError:
        missing("Playwright for Python", "pip install -e '.[test]'")
    return start()
