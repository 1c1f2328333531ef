#!/usr/bin/env python3
"""How long a share card takes: milliseconds per card, with and without a photo, cold and cached.

    python bench/cards.py [--cards 40] [--workers 0]

"cold" draws every card (an empty cache); "cached" runs the same jobs again, so every
card comes from .handbill-cache (hashing the spec and reading the file). "parallel"
draws the cold set with draw_cards on all cores (or --workers). Numbers go in notes,
not in tests: they depend on the machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handbill.cache import FileCache  # noqa: E402
from handbill.cards import CardJob, CardPlanner, draw_card, draw_cards  # noqa: E402
from handbill.diagnostics import Diagnostics  # noqa: E402
from handbill.fonts import REGULAR  # noqa: E402
from handbill.theme import default_theme_dir  # noqa: E402

QUOTES = [
    ("I had to choose between my baby and my job, and I did not really get to choose.", "en", "ltr"),
    ("Jag fick välja mellan mitt barn och mitt jobb, och jag fick egentligen inte välja alls.", "sv", "ltr"),
    ("كان عليّ أن أختار بين طفلي وعملي — Maria", "ar", "rtl"),
    ("मुझे अपने बच्चे और अपनी नौकरी में से एक को चुनना पड़ा।", "hi", "ltr"),
]


def jobs(count: int, photo: bytes | None, salt: str) -> list[CardJob]:
    diags = Diagnostics()
    planner = CardPlanner((default_theme_dir(),), "Porchlight Families Coalition", "ltr", diags)
    where = (Path("bench"), 0, 0)
    result = []
    for i in range(count):
        text, lang, direction = QUOTES[i % len(QUOTES)]
        headline = planner.text(f"{text} ({salt}{i})", lang, direction, where, "quote")
        byline = planner.text(f"\u2014 Author {i}", lang, direction, where, "author", REGULAR)
        label = planner.text("Paid leave for every family", "en", "ltr", where, "campaign")
        spec = planner.spec(headline=headline, quote=True, byline=byline, label=label, cta=None,
                            colors={"primary": "#9b1d42"}, photo=photo, site_path=Path("site.yaml"))
        result.append(CardJob(f"c/stories/s{i}/card.jpg", spec, text, Path("bench")))
    return result


def per_card(seconds: float, count: int) -> str:
    return f"{seconds / count * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=40, help="cards per run (default 40)")
    parser.add_argument("--workers", type=int, default=0, help="processes for the parallel run (0: one per core)")
    args = parser.parse_args()
    photo = (ROOT / "content/en/paid-leave/stories/maria.jpg").read_bytes()
    print(f"{args.cards} cards per run; 1200x630 JPEG")
    print(f"{'':24}{'sequential':>12}{'parallel':>12}{'cached':>12}")
    for name, image in (("without photo", None), ("with photo", photo)):
        cold = jobs(args.cards, image, f"{name}-seq")
        started = time.perf_counter()
        times = []
        for job in cold:
            one = time.perf_counter()
            draw_card(job.spec)
            times.append(time.perf_counter() - one)
        sequential = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            cache = FileCache(Path(folder), ".jpg")
            fresh = jobs(args.cards, image, f"{name}-par")
            started = time.perf_counter()
            drawn = draw_cards(fresh, cache, Diagnostics(), workers=args.workers)
            parallel = time.perf_counter() - started
            assert drawn.drawn == args.cards
            started = time.perf_counter()
            again = draw_cards(fresh, cache, Diagnostics(), workers=args.workers)
            cached = time.perf_counter() - started
            assert again.drawn == 0 and again.files == drawn.files
        print(f"{name:24}{per_card(sequential, args.cards):>12}{per_card(parallel, args.cards):>12}"
              f"{per_card(cached, args.cards):>12}   (median one card {statistics.median(times) * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
