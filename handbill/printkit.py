"""The offline kit: a printable petition sheet per campaign and locale, with a QR code back to the site.

The sheet (``/<campaign>/print/``) carries the ask, numbered blank rows for name,
signature, contact and consent, and a QR code of the campaign's address with
``?source=print``, so signatures that come in after a street stall count for it. The
same code is published as SVG (sharp at any size, for posters) and PNG beside the
sheet. ``static/print.css`` lays the sheet out inside the margins both A4 and US Letter
leave, so it prints on one page of either.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from .formats import LocaleFormats
from .qrcodes import QRImages, qr_images
from .routes import Routes
from .submissions import LocalText
from .thankyou import with_source

SHEET_ROWS = 15  # what fits under the ask on one page of A4 or Letter
PRINT_SOURCE = "print"


@dataclass(frozen=True)
class PrintSheet:
    url: str  # the campaign page with ?source=print: what the QR code says
    url_text: str  # the same, shown under the code for people who type it (no https://)
    qr: QRImages
    qr_svg_href: str
    qr_png_href: str
    qr_svg_path: str
    qr_png_path: str
    qr_download: str  # file name offered for downloads: paid-leave-qr
    rows: tuple[str, ...]  # the row numbers, written the locale's way
    consent: LocalText | None  # the petition's consent sentence, or None for the theme's


def sheet_url(campaign_url: str) -> str:
    """Where a campaign's printed sheet sends people (what its QR code says)."""
    return with_source(campaign_url, PRINT_SOURCE)


def sheet_urls(routes: Routes, campaigns: Iterable[tuple[str, str]]) -> list[str]:
    """What the print sheets' QR codes of these ``(locale, campaign)`` say."""
    return [sheet_url(routes.absolute(routes.campaign(locale, campaign))) for locale, campaign in campaigns]


def draw_codes_ahead(routes: Routes, campaigns: Iterable[tuple[str, str]]) -> None:
    """Draw the QR codes of the print sheets of these ``(locale, campaign)`` now: :func:`qr_images`
    remembers them for planning. A build calls it while worker processes render Markdown (the
    codes drawn by a :class:`~handbill.qrcodes.CodesAhead` are taken, not drawn again)."""
    for url in sheet_urls(routes, campaigns):
        qr_images(url)


def print_sheet(routes: Routes, *, locale: str, campaign: str, campaign_url: str, formats: LocaleFormats,
                consent: LocalText | None) -> PrintSheet:
    url = sheet_url(campaign_url)
    svg, png = routes.campaign_qr(locale, campaign, "svg"), routes.campaign_qr(locale, campaign, "png")
    rows = tuple(formats.number(n) for n in range(1, SHEET_ROWS + 1))
    return PrintSheet(url, url.split("://", 1)[-1], qr_images(url), routes.href(svg), routes.href(png), svg, png,
                      f"{campaign}-qr", rows, consent)


def sheet_files(sheet: PrintSheet) -> dict[str, bytes]:
    """The QR code images published beside the sheet."""
    return {sheet.qr_svg_path: sheet.qr.svg, sheet.qr_png_path: sheet.qr.png}


def consent_text(text: str, lang: str, direction: Callable[[str], str]) -> LocalText | None:
    return LocalText(text, lang, direction(lang)) if text else None
