"""The offline kit: the printable petition sheet in every locale (valid HTML, one page of A4 and of
Letter), and its QR code decoded back to the campaign's address with source=print."""
from __future__ import annotations

import io
import os
import re
import subprocess
import threading

import pytest
import segno
from PIL import Image

from conftest import MINIMAL, REPO, SITE_YAML, build_files, parse_html, text_of, write_project
from external_tools import CHROMIUM_ARGS, chromium_path, html_errors, missing, sync_playwright
from handbill.qrcodes import qr_images

CONSENT = "I agree to hear about this campaign, by email or text message."
SITE = {
    **MINIMAL,
    "content/site.yaml": SITE_YAML + "locales: [en, sv, ar]\nnative_digits: {ar: true}\n",
    "content/en/c/campaign.yaml": f"title: Clean water\nsummary: Water for every school.\npetition:\n  consent: {CONSENT}\n",
    "content/sv/c/campaign.yaml": "title: Rent vatten\nsummary: Vatten till varje skola.\n",
    "content/ar/c/campaign.yaml": "title: مياه نظيفة\nsummary: مياه لكل مدرسة.\n",
    "content/en/plain/campaign.yaml": "title: Plain\n",
}
LOCALES = {"en": "", "sv": "sv/", "ar": "ar/"}


def decode(image: Image.Image) -> list[str]:
    try:
        import zxingcpp
    except ImportError:
        missing("zxing-cpp", "pip install -e '.[test]'")
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return write_project(tmp_path_factory.mktemp("printkit"), SITE)


@pytest.fixture(scope="module")
def files(project):
    return build_files(project)


def sheet(files, prefix: str = ""):
    return parse_html(files[f"{prefix}c/print/index.html"])


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_a_sheet_with_numbered_blank_rows(files, locale):
    tree = sheet(files, LOCALES[locale])
    table = next(tree.iter("table"))
    assert len(list(next(table.iter("thead")).iter("th"))) == 5
    rows = list(next(table.iter("tbody")).iter("tr"))
    assert len(rows) == 15
    assert all(text_of(td) == "" for row in rows for td in row.iter("td"))
    numbers = [text_of(next(row.iter("th"))) for row in rows]
    assert (numbers[0], numbers[-1]) == {"ar": ("١", "١٥")}.get(locale, ("1", "15"))  # ar: native_digits
    assert any(m.get("name") == "robots" and m.get("content") == "noindex" for m in tree.iter("meta"))
    assert tree.get("lang") == locale


def test_the_sheet_carries_the_ask_the_columns_and_the_consent(files):
    tree = sheet(files)
    head = [text_of(th) for th in next(tree.iter("thead")).iter("th")]
    assert head == ["No.", "Full name", "Signature", "Email or phone", "Updates"]
    assert text_of(next(h for h in tree.iter("h2") if h.get("id") == "sheet-title")) == "Clean water"
    assert "Water for every school." in text_of(next(tree.iter("article")))
    consent = next(p for p in tree.iter("p") if p.get("class") == "sheet-consent")
    assert text_of(consent) == f"Tick the box in the last column if you agree: {CONSENT}"
    swedish = next(p for p in sheet(files, "sv/").iter("p") if p.get("class") == "sheet-consent")
    assert next(swedish.iter("span")).get("lang") == "en"  # inherited, so marked as English
    plain = next(p for p in parse_html(files["plain/print/index.html"]).iter("p") if p.get("class") == "sheet-consent")
    assert text_of(plain).endswith("I agree to receive updates about this campaign.")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_qr_code_decodes_to_the_campaign_with_source_print(files, locale):
    prefix = LOCALES[locale]
    url = f"https://example.org/{prefix}c/?source=print"
    png = Image.open(io.BytesIO(files[f"{prefix}c/print/c-qr.png"]))
    assert decode(png) == [url]
    # the SVG is the same symbol: segno's matrix of the URL, drawn module by module
    code = segno.make(url, error="m", micro=False)
    assert files[f"{prefix}c/print/c-qr.svg"] == qr_images(url).svg
    svg = files[f"{prefix}c/print/c-qr.svg"].decode()
    size = len(code.matrix) + 8
    assert f'viewBox="0 0 {size} {size}"' in svg
    img = next(i for i in sheet(files, prefix).iter("img") if "qr" in i.get("src"))
    assert img.get("src") == f"/{prefix}c/print/c-qr.svg"
    assert url.split("://")[1] in img.get("alt")


def test_the_qr_matrix_in_the_svg_is_segnos(files):
    """Read the SVG's dark modules back from its path and compare with segno's matrix of the URL."""
    url = "https://example.org/c/?source=print"
    svg = files["c/print/c-qr.svg"].decode()
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    dark, x, y = set(), 0.0, 0.0
    for op, a, b in re.findall(r"([Mmhv])(-?\d+(?:\.\d+)?)(?:\s(-?\d+(?:\.\d+)?))?", path):
        if op in "Mm":
            x, y = (float(a), float(b)) if op == "M" else (x + float(a), y + float(b))
        elif op == "h":
            dark.update((int(x) + i, int(y)) for i in range(int(float(a))))
            x += float(a)
    matrix = segno.make(url, error="m", micro=False).matrix
    assert dark == {(c + 4, r + 4) for r, row in enumerate(matrix) for c, v in enumerate(row) if v}


def test_the_print_pages_are_valid_html(files, project):
    pages = [str(project / "site" / f"{prefix}c/print/index.html") for prefix in LOCALES.values()]
    assert html_errors(pages) == []


# --- in the browser: printed on one page, and the printed code scans ------------------------------------------

@pytest.fixture(scope="module")
def browser_page(project, files):
    from test_browser_petition import CaptureServer
    server = CaptureServer()
    server.root = project / "site"
    server.csp = next(line.split(":", 1)[1].strip() for line in files["_headers"].decode().splitlines()
                      if line.strip().startswith("Content-Security-Policy:"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    executable = chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = chromium.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.errors, page.base = errors, server.base
        yield page
        chromium.close()
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_sheet_prints_on_one_page_of_a4_and_of_letter(browser_page, locale):
    browser_page.goto(f"{browser_page.base}{LOCALES[locale]}c/print/")
    for paper in ("A4", "Letter"):
        pdf = browser_page.pdf(format=paper)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, paper
    assert browser_page.errors == []


def test_the_printed_qr_code_scans(browser_page):
    browser_page.goto(f"{browser_page.base}c/print/")
    browser_page.emulate_media(media="print")
    shot = browser_page.locator(".sheet-qr img").screenshot()
    browser_page.emulate_media(media="screen")
    assert decode(Image.open(io.BytesIO(shot))) == ["https://example.org/c/?source=print"]


def test_codes_drawn_ahead_by_another_process_are_those_drawn_here(monkeypatch):
    from handbill import ahead, qrcodes
    monkeypatch.setattr(ahead, "can_fork", lambda: True)  # (other tests may leave a thread behind)
    urls = [f"https://example.org/ahead-{n}/?source=print" for n in range(3)]
    codes = qrcodes.CodesAhead(urls)
    assert codes.start()
    codes.collect()
    codes.collect()  # (a second time: what was drawn and not yet asked for stays)
    drawn = {url: qrcodes._DRAWN_AHEAD.pop(url) for url in urls}
    for url in urls:
        assert drawn[url] == qr_images.__wrapped__(url)  # drawn here, now, without any cache
    others = [f"https://example.org/again-{n}/" for n in range(2)]
    qr_images(others[0])
    assert qrcodes.CodesAhead(others)._urls == others[1:]  # what this process has drawn is not asked for again
    stopped = qrcodes.CodesAhead(["https://example.org/never-needed/"])
    assert stopped.start()
    pid = stopped._pid
    stopped.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # ended and reaped
    assert stopped._pid is None and stopped._pipe is None


def test_a_build_leaves_the_qr_codes_to_another_process(tmp_path):
    """segno (and the urllib.request its writers load) stays out of the build process: the codes are
    drawn while the content is read, on the core that is idle then."""
    import os
    import sys
    project = write_project(tmp_path / "p", MINIMAL)
    script = ("import sys\nfrom pathlib import Path\nfrom handbill import BuildOptions, Diagnostics, build\n"
              f"build(BuildOptions(content=Path({str(project / 'content')!r}), out=Path({str(project / 'site')!r}),"
              " cards=False), Diagnostics())\nprint('segno' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    codes = list((project / "site").rglob("*qr*.png"))
    assert codes and all(p.read_bytes() == qr_images(f"https://example.org/{p.relative_to(project / 'site').parts[0]}/"
                                                      "?source=print").png for p in codes)


def test_codes_drawn_by_an_earlier_build_are_read_back_not_drawn_again(tmp_path, monkeypatch):
    import segno
    from handbill import qrcodes
    from handbill.cache import FileCache
    store = FileCache(tmp_path / "qr", ".bin")
    urls = [f"https://example.org/stored-{n}/?source=print" for n in range(3)]
    first = qrcodes.CodesAhead(urls, store)._draw()  # (drawn here: the test calls what the helper runs)
    assert first == {url: qr_images.__wrapped__(url) for url in urls}

    def no_drawing(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(segno, "make", no_drawing)
    monkeypatch.setattr(qrcodes, "_DRAWN", set())  # as in a new build's process
    qr_images.cache_clear()
    assert qrcodes.CodesAhead(urls, store)._draw() == first
    stored = sorted((tmp_path / "qr").rglob("*.bin"))
    stored[0].write_bytes(stored[0].read_bytes()[:-10])  # cut short: drawn again, and stored whole again
    monkeypatch.undo()
    monkeypatch.setattr(qrcodes, "_DRAWN", set())
    qr_images.cache_clear()
    assert qrcodes.CodesAhead(urls, store)._draw() == first
    assert all(qrcodes._from_bytes("x", path.read_bytes()) is not None for path in stored)
