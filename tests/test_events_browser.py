"""The script hides events that have ended since the build, by the visitor's clock (headless Chromium)."""
from __future__ import annotations

import threading

import pytest

from conftest import MINIMAL, build_files, parse_html, text_of, write_project
from external_tools import CHROMIUM_ARGS, chromium_path, sync_playwright
from test_browser_petition import CaptureServer

BUILT_2020 = "1577836800"  # 2020-01-01: long ago, so events of 2020 were upcoming when this site was built

SITE = {
    **MINIMAL,
    "content/en/c/campaign.yaml": (
        "title: Water\n"
        "events:\n"
        "  - {title: Spring rally, date: 2020-04-01T11:00, timezone: Europe/Stockholm, city: Uppsala, country: SE}\n"
        "  - {title: Autumn rally, date: 2099-10-01T11:00, timezone: Europe/Stockholm, city: Uppsala, country: SE}\n"
        "  - {title: Summer vigil, date: 2020-06-01, city: Nairobi, country: KE}\n"),
    "content/en/gone/campaign.yaml": "title: Gone\nevents:\n  - {title: Old march, date: 2020-05-01, city: Oslo}\n",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    capture = CaptureServer()
    project = write_project(tmp_path_factory.mktemp("events-browser"), SITE)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", BUILT_2020)
        files = build_files(project)
    capture.root = project / "site"
    capture.csp = next(line.split(":", 1)[1].strip() for line in files["_headers"].decode().splitlines()
                       if line.strip().startswith("Content-Security-Policy:"))
    capture.files = files
    threading.Thread(target=capture.serve_forever, daemon=True).start()
    yield capture
    capture.shutdown()
    capture.server_close()


@pytest.fixture(scope="module")
def page(server):
    executable = chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = chromium.new_context()
        tab = context.new_page()
        tab.set_default_timeout(8000)
        errors: list[str] = []
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.errors = errors
        yield tab
        chromium.close()


def visible_titles(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.filter(e => e.offsetParent !== null)"
                                               ".map(e => e.textContent.trim())")


def test_the_build_lists_all_three_as_upcoming(server):
    events = parse_html(server.files["c/events/index.html"])
    upcoming = next(s for s in events.iter("section") if "events-upcoming" in (s.get("class") or ""))
    assert [text_of(s) for s in upcoming.iter("strong")] == ["Spring rally", "Autumn rally", "Summer vigil"]  # Sweden, then Kenya


def test_events_over_by_the_visitors_clock_are_hidden_with_their_empty_groups(server, page):
    page.goto(f"{server.base}c/events/")
    assert visible_titles(page, ".event-title") == ["Autumn rally"]
    assert visible_titles(page, ".event-country h3") == ["Sweden"]  # Kenya's only event is over
    assert page.is_hidden("[data-events-none]")
    page.goto(f"{server.base}c/")
    assert visible_titles(page, ".events li strong") == ["Autumn rally"]
    assert page.errors == []


def test_when_every_event_is_over_the_page_says_so(server, page):
    page.goto(f"{server.base}gone/")
    assert page.is_visible(".events [data-events-none]")
    assert page.text_content(".events [data-events-none]") == "There are no upcoming events right now."
    page.goto(f"{server.base}gone/events/")
    assert page.is_visible("[data-events-none]")
    assert visible_titles(page, ".event-title") == []
    assert page.errors == []
