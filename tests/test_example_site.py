"""The example site in content/ builds cleanly and every page is valid HTML5."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from external_tools import REPO, html_errors


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--content", str(REPO / "content"),
                           "--out", str(out), "--strict"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return out


def test_example_site_has_two_campaigns_with_stories_and_a_translation(example_site: Path) -> None:
    campaigns = [p.parent.parent for p in example_site.glob("*/stories/index.html")]
    assert len(campaigns) >= 2
    for campaign in campaigns:
        assert len(list((campaign / "stories").glob("*/index.html"))) >= 3
    assert (example_site / "about" / "index.html").is_file()
    assert (example_site / "privacy" / "index.html").is_file()
    assert any(p.is_dir() and (p / "index.html").is_file() and p.name not in {"img", "media", "static"}
               and len(p.name) <= 5 for p in example_site.iterdir())  # a locale folder, e.g. sv/


def test_every_page_of_the_example_site_is_valid_html5(example_site: Path) -> None:
    pages = sorted(str(p) for p in example_site.rglob("*.html"))
    assert len(pages) > 20
    assert html_errors(pages) == []
