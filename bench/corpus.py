#!/usr/bin/env python3
"""Write a generated campaign site for benchmarks: N stories of about 670 words, five campaigns.

    python bench/corpus.py --n 1000 --out /tmp/hb-bench [--locales en,sv,fr --translated 0.5 --images 0.25]

The same options and seed give the same bytes. The stories look like the ones of
``../shared/bench/gen_corpus.py`` (front matter with title, author, date, summary, quote
and tags; a body with sections, lists, links, emphasis and a quote), so numbers from
the two can be compared; this copy needs nothing but Python (and Pillow for photos).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import shutil
from pathlib import Path

CAMPAIGNS = ("paid-leave", "clean-air", "fair-rent", "safe-streets", "living-wage")
COLORS = ("#b3123b", "#1d6a3a", "#7a3e9d", "#1d4f91", "#a15c00")
WORDS = """state proposal improve measure result transit plan quick strong story office motion grow letter
clear study campaign vision project chapter owner morning change build petition park survey careful downtown
branch level volunteer bridge student simple new big door protect restore village rest progress voice council
deliver afternoon public reform future commitment hearing week coalition winter honest center teacher rally
small ballot march amendment driver growth share during vote process report service action election climate
year expand suburb meeting neighbor program must hope partner health community river price local green power
spring quality block senior support steady rent justice family safety school youth worker decision leader
agenda rate""".split()
NAMES = ("Maria", "Tom", "Fay", "Keisha", "Omar", "Lan", "Priya", "Jonas", "Amara", "Diego", "Sofia", "Ravi")
SURNAMES = ("Walsh", "Nguyen", "Okafor", "Lind", "Haddad", "Costa", "Ito", "Novak", "Mensah", "Berg")


def sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    for i in rng.sample(range(len(words)), k=min(2, len(words))):
        style = rng.random()
        if style < 0.15:
            words[i] = f"*{words[i]}*"
        elif style < 0.25:
            words[i] = f"**{words[i]}**"
        elif style < 0.35:
            words[i] = f"[{words[i]} {rng.choice(WORDS)}](https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 999)})"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".!.?.")


def body(rng: random.Random, target_words: int) -> str:
    parts, words = [], 0
    while words < target_words:
        kind = rng.random()
        if kind < 0.12:
            block = "## " + " ".join(rng.choice(WORDS) for _ in range(4)).capitalize()
        elif kind < 0.22:
            block = "\n".join(f"- {sentence(rng, 5, 9)}" for _ in range(3))
        elif kind < 0.27:
            block = "\n".join(f"> {sentence(rng)}" for _ in range(2))
        else:
            block = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        parts.append(block)
        words += len(block.split())
    return "\n\n".join(parts) + "\n"


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def photo(rng: random.Random) -> bytes:
    """A 1600x1000 JPEG of about 100-200 KB: smooth random colours, drawn the same way every time."""
    from PIL import Image

    small = Image.new("RGB", (32, 20))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(32 * 20)])
    out = io.BytesIO()
    small.resize((1600, 1000), Image.Resampling.BICUBIC).save(out, format="JPEG", quality=88)
    return out.getvalue()


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def generate(out: Path, n: int, locales: list[str], translated: float, images: float, seed: int = 20240611) -> None:
    """Write ``out/content/`` (the whole folder is replaced)."""
    content = out / "content"
    shutil.rmtree(content, ignore_errors=True)
    rng = random.Random(seed)
    default = locales[0]
    write(content / "site.yaml", "\n".join([
        "title: Benchmark Campaigns", "base_url: https://example.org/campaigns/", f"default_locale: {default}",
        f"locales: [{', '.join(locales)}]", "petition:", "  endpoint: https://forms.example.org/sign", ""]))
    for index, slug in enumerate(CAMPAIGNS):
        lines = [f"title: {quoted(sentence(rng, 3, 6)[:-1])}", f"summary: {quoted(sentence(rng))}",
                 "body: |", *(f"  {line}" for line in body(rng, 120).splitlines()),
                 f"colors: {{primary: \"{COLORS[index]}\"}}", "petition:", "  goal: 250000", "  count: 123456",
                 "share:", f"  text: {quoted(sentence(rng, 5, 9))}", "  hashtags: [Campaign]"]
        if images:
            lines[2:2] = ["image: hero.jpg", "image_alt: A crowd at a rally"]
            write(content / default / slug / "hero.jpg", photo(rng))
        write(content / default / slug / "campaign.yaml", "\n".join(lines) + "\n")
        for locale in locales[1:]:
            write(content / locale / slug / "campaign.yaml", f"title: {quoted('[' + locale + '] ' + slug)}\n")
    write(content / default / "pages/about.md", f"---\ntitle: About us\n---\n{body(rng, 200)}")
    start = dt.date(2020, 1, 1)
    for number in range(1, n + 1):
        campaign = CAMPAIGNS[(number - 1) % len(CAMPAIGNS)]
        name = f"story-{number:05d}"
        title, summary, quote = sentence(rng, 3, 6)[:-1], sentence(rng), sentence(rng, 10, 18)
        meta = [f"title: {quoted(title)}", f"author: {quoted(rng.choice(NAMES) + ' ' + rng.choice(SURNAMES))}",
                f"date: {start + dt.timedelta(days=rng.randrange(2000))}", f"summary: {quoted(summary)}",
                f"quote: {quoted(quote)}", f"tags: [{', '.join(rng.sample(WORDS, rng.randint(1, 4)))}]"]
        if images and rng.random() < images:
            meta += [f"image: {name}.jpg", "image_alt: A supporter at home"]
            write(content / default / campaign / "stories" / f"{name}.jpg", photo(rng))
        text = body(rng, rng.randint(400, 900))
        write(content / default / campaign / "stories" / f"{name}.md", "---\n" + "\n".join(meta) + "\n---\n\n" + text)
        for locale in locales[1:]:
            if rng.random() < translated:
                tr = [f"title: {quoted(f'[{locale}] ' + title)}", f"summary: {quoted(f'[{locale}] ' + summary)}",
                      f"quote: {quoted(f'[{locale}] ' + quote)}"]
                write(content / locale / campaign / "stories" / f"{name}.md",
                      "---\n" + "\n".join(tr) + f"\n---\n\n[{locale}] " + text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="stories (default 1000)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write content/ into")
    parser.add_argument("--locales", default="en", help="comma-separated, the default first (default: en)")
    parser.add_argument("--translated", type=float, default=0.5, help="share of stories each other locale translates")
    parser.add_argument("--images", type=float, default=0.0, help="share of stories with a 1600x1000 photo")
    args = parser.parse_args()
    generate(args.out, args.n, args.locales.split(","), args.translated, args.images)
    print(f"wrote {args.n} stories to {args.out / 'content'}")


if __name__ == "__main__":
    main()
