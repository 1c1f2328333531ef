"""``new campaign SLUG`` and ``new story CAMPAIGN "Title"``: files to start from, every key explained.

A new file carries its own instructions as comments: each key with what it does and
an example, optional keys commented out (delete the ``# `` to use one). New files are
drafts, so an unfinished one is never published by accident. Names become slugs
transliterated to ASCII (``Åsa's Straße`` -> ``asas-strasse``). An existing file is
never overwritten: the file is created with exclusive mode, so even two volunteers
running ``new`` at the same moment cannot replace each other's work.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostics, did_you_mean
from .project import canonical_locale, load_site_config
from .slugs import ascii_slug
from .sources import RESERVED, SLUG, WINDOWS_DEVICES, is_junk

# Keys a volunteer never writes by hand: `new` leaves them out on purpose.
MANAGED_KEYS = frozenset({"source_hash"})  # written by the translation tools



class ScaffoldRefused(Exception):
    """`new` cannot create the file; ``message`` and ``hint`` are for a volunteer."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def yaml_text(value: str) -> str:
    """``value`` as a YAML scalar that reads back exactly: plain when that is safe, else double-quoted."""
    plain = re.fullmatch(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#\n]*", value) and not value.endswith((" ", ":"))
    return value if plain else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Created:
    """A file that `new` wrote, and what to tell the volunteer."""

    path: Path
    next_steps: tuple[str, ...]


def _default_locale(content: Path) -> str:
    if not (content / "site.yaml").is_file():
        raise ScaffoldRefused(f"there is no site.yaml in {content}",
                              "run this in the folder that holds content/, or name the folder with --content")
    return load_site_config(content, Diagnostics(), None).default_locale


def _create(path: Path, text: str, what: str, other_name: str = "choose another name") -> None:
    """Write a new file; never replace one. ``other_name``: how to ask for another name, for the hint."""
    if path.exists():
        raise ScaffoldRefused(f"{path} already exists, and handbill never overwrites a file",
                              f"open that file to edit the {what}, or {other_name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise ScaffoldRefused(f"{path} was just created by someone else, and handbill never overwrites a file",
                              f"open that file to edit the {what}") from None


def content_option(content: Path) -> str:
    """`` --content <folder>`` for a command to copy, unless it is the folder the commands use by themselves."""
    try:
        same = Path(content).resolve() == (Path.cwd() / "content").resolve()
    except OSError:
        same = False
    return "" if same else f" --content {shlex.quote(str(content))}"


def new_campaign(content: Path, name: str) -> Created:
    """Create ``content/<default locale>/<slug>/campaign.yaml``. ``name`` is a slug or a title."""
    content = Path(content)
    slug = ascii_slug(name)
    if not slug:
        raise ScaffoldRefused(f"`{name}` has no letters that can be written in a web address",
                              "give the campaign a short name in Latin letters, like paid-leave")
    if slug in RESERVED or slug in WINDOWS_DEVICES:
        raise ScaffoldRefused(f"the campaign name `{slug}` cannot be used: the site needs that address for itself",
                              f"choose another name, for example {slug}-campaign")
    if canonical_locale(slug):
        raise ScaffoldRefused(f"the campaign name `{slug}` is a language code, so it would look like a translation",
                              f"choose another name, for example {slug}-campaign")
    locale = _default_locale(content)
    page = content / locale / "pages" / f"{slug}.md"
    if page.is_file():
        raise ScaffoldRefused(f"the campaign name `{slug}` is taken: the page {page.as_posix()} is at /{slug}/ already",
                              f"choose another name, for example {slug}-campaign")
    title = name.strip() if slug != name else slug.replace("-", " ").capitalize()
    path = content / locale / slug / "campaign.yaml"
    _create(path, campaign_text(title, slug), "campaign")
    return Created(path, (
        f"Fill in the title, summary and body in {path}.",
        f"Add a story: python build.py new story {slug} \"The story's title\"{content_option(content)}",
        f"Preview it: python build.py serve --drafts{content_option(content)}",
        "When it is ready, delete the line `draft: true` to publish the campaign.",
    ))


def new_story(content: Path, campaign: str, title: str, *, slug: str | None = None,
              today: dt.date | None = None) -> Created:
    """Create ``content/<default locale>/<campaign>/stories/<slug>.md`` with the title and today's date."""
    content = Path(content)
    title = " ".join(title.split())
    if not title:
        raise ScaffoldRefused("the story needs a title", 'write it in quotes: new story paid-leave "Maria\'s first day"')
    locale = _default_locale(content)
    campaigns = sorted(p.parent.name for p in (content / locale).glob("*/campaign.yaml")) if (content / locale).is_dir() else []
    if campaign not in campaigns:
        listed = ", ".join(campaigns) or "none yet"
        raise ScaffoldRefused(f"there is no campaign `{campaign}` in {content / locale} (campaigns: {listed})",
                              did_you_mean(campaign, campaigns) or _no_campaign_hint(content, campaign, campaigns))
    if slug is not None and not slug.strip():
        raise ScaffoldRefused("--slug is empty",
                              "write the file name after --slug, like --slug marias-story, or leave --slug out "
                              "to use a name made from the title")
    stories = content / locale / campaign / "stories"
    chosen = slug if slug is not None else ascii_slug(title)
    today = today or dt.date.today()
    if not chosen:
        chosen = _free_dated_name(stories, today)
    elif slug is None and not _usable_name(chosen):  # a title like "Con": a name Windows keeps for itself
        chosen = f"{chosen}-story"
    if not _usable_name(chosen):
        fixed = ascii_slug(chosen)
        raise ScaffoldRefused(f"`{chosen}` cannot be a file name in a web address",
                              "use lowercase letters a-z, digits and -, like "
                              + (fixed if _usable_name(fixed) else f"{fixed}-story" if fixed else "marias-story"))
    path = stories / f"{chosen}.md"
    _create(path, story_text(title, chosen, today), "story",
            f"give the new story its own file name: add --slug {chosen}-2 (or another name) to the command")
    return Created(path, (
        f"Write the story in {path} (the notes at the top explain every line).",
        "Put a photo beside it in the same folder and name it in `image:`.",
        f"Preview it: python build.py serve --drafts{content_option(content)}",
        "When it is ready, delete the line `draft: true` to publish it.",
    ))


def _usable_name(name: str) -> bool:
    return bool(SLUG.fullmatch(name)) and name not in WINDOWS_DEVICES and not is_junk(name)


def _no_campaign_hint(content: Path, campaign: str, campaigns: list[str]) -> str:
    """What to do about a story for a campaign that is not there: create it, when ``campaign`` can be one."""
    if SLUG.fullmatch(campaign) and campaign not in RESERVED and not canonical_locale(campaign):
        return f"create it first: python build.py new campaign {campaign}{content_option(content)}"
    why = "is a language code" if canonical_locale(campaign) else "cannot be a campaign's name"
    if campaigns:
        return f"`{campaign}` {why}: name one of the campaigns, like {campaigns[0]}"
    return f"create a campaign first: python build.py new campaign NAME{content_option(content)}"


def _free_dated_name(stories: Path, today: dt.date) -> str:
    """``story-2026-11-22``, or ``story-2026-11-22-2`` and on when that is taken: the name for a story whose
    title has no letters a web address can hold (Arabic, Chinese, Thai ...), unique for the day."""
    stem = f"story-{today.isoformat()}"
    taken = {path.stem for path in stories.glob(f"{stem}*.md")}
    return next(name for name in (stem, *(f"{stem}-{n}" for n in range(2, len(taken) + 3))) if name not in taken)


def story_text(title: str, slug: str, today: dt.date) -> str:
    """The text of a new story file."""
    return f"""---
# Lines starting with # are notes for you: they are never published.
# To use a setting shown as a note, delete the "# " at the start of its line.
#
# The story's headline: on its page, in lists and on its share card.
title: {yaml_text(title)}
# When the story was told, written year-month-day.
date: {today.isoformat()}
# Who tells it, as it should be shown. A first name and a place is enough;
# never publish more than the person agreed to share.
# author: Maria, Ohio
# One or two sentences for lists, search engines and share previews.
# summary: Maria went back to work two weeks after giving birth.
# One sentence from the story, shown large on its share card.
# quote: I had to choose between my baby and my job.
# A photo saved in this same folder (JPEG, PNG or WebP); its location data is
# removed. With a photo, also say what it shows, for people who cannot see it.
# image: {slug}.jpg
# image_alt: Maria on her porch, holding her son
# A few lowercase words that group stories, in square brackets.
# tags: [new-parents, ohio]
# A draft is left off the published site (serve --drafts shows it).
# Delete this line when the story is ready.
draft: true
---
<!--
Write the story below, in the words of the person who lived it. These notes
between the arrows are never published.
- Leave an empty line between paragraphs.
- Start a heading with ## (the title is already at the top of the page).
- **bold** and *italic* work; a link is [words](https://example.org).
- Link to another story by its file: [Maria's story](maria.md).
- Add a photo inside the text: ![what the photo shows](photo.jpg)
-->
The story, in the words of the person who lived it.
"""


def campaign_text(title: str, slug: str) -> str:
    """The text of a new campaign.yaml."""
    share_text = yaml_text(f"I signed for {title}. Will you?")
    hashtag = ascii_slug(title).replace("-", " ").title().replace(" ", "") or "Campaign"
    return f"""# A campaign: this folder is published at /{slug}/, its stories (in stories/)
# at /{slug}/stories/<story>/. Photos go in this folder, next to this file.
#
# Lines starting with # are notes for you: they are never published.
# To use a setting shown as a note, delete the "# " at the start of its line(s).
# Keep the spaces at the start of indented lines: they say what belongs to what.

# The campaign's name: the heading of its page and of its share card.
title: {yaml_text(title)}

# The ask, in one sentence. Used in lists, search results and share cards.
summary: Write the ask in one sentence.

# The long description, in Markdown (## headings, **bold**, [links](https://example.org)).
# Every line of it starts with two spaces, under the `body: |` line.
body: |
  Why this matters, what we ask for, and who decides.

# The campaign's photo, in this folder, and what it shows (for people who
# cannot see it; needed with a photo).
# image: hero.jpg
# image_alt: Parents and children marching with a banner

# The campaign's colour (buttons, progress bar, share card), in quotes.
# White text must be readable on it: choose a dark colour. accent is optional.
# colors: {{primary: "#9b1d42", accent: "#ffd166"}}

# The sign-up form. Anything left out comes from petition: in site.yaml.
# petition:
#   endpoint: https://forms.example.org/sign   # where signatures are sent; must be https://
#   provider: generic             # generic, formspree, netlify or actionnetwork
#   page_url: https://actionnetwork.org/petitions/example   # actionnetwork: its own petition page
#   encoding: form                # form (like a plain web form) or json
#   cors: true                    # false: your service does not answer scripts (set for Google Forms)
#   fields: [first_name, last_name, email, postal_code, country, comment]
#   required: [first_name, email]  # what a signer must fill in
#   field_names: {{postal_code: zip}}   # when your form service names a field differently
#   hidden: {{list: {slug}}}         # fixed values sent with every signature
#   consent: I agree to receive email updates about this campaign.
#   consent_required: false       # true: nobody can sign without ticking the consent box
#   goal: 10000                   # signatures wanted: a whole number, no commas
#   goal_ladder: [25000, 50000]   # the next goals, shown once goal is passed
#   count: 0                      # signatures so far, updated by hand, and/or
#   count_url: https://forms.example.org/count.json   # a live count: JSON like {{"count": 1234}}
#   country: US                   # the country listed first in the form
#   thank_you: Thank you for signing! Now ask three friends to sign too.

# A page where people can give money (shown as a button).
# donate_url: https://example.org/donate

# Things to do offline. date is the local time: year-month-dayThour:minute.
# events:
#   - title: Rally at the town hall
#     date: 2027-03-06T11:00
#     end: 2027-03-06T13:00       # optional; a date alone is an all-day event
#     city: Columbus
#     country: US                 # two-letter country code
#     location: Town hall steps, 90 W Broad St
#     timezone: America/New_York
#     url: https://example.org/events/rally

# A "Share your story" page (/{slug}/share-your-story/), sent like the petition.
# stories:
#   submit:
#     endpoint: https://forms.example.org/stories   # or provider: netlify
#     fields: [name, email, place, story]
#     intro: Has this touched your life? Tell us what happened.

# What a supporter's share says, and which share buttons to show.
# share:
#   text: {share_text}
#   hashtags: [{hashtag}]
#   networks: [whatsapp, facebook, x, telegram, bluesky, linkedin, email]

# Where the campaign comes on the home page (1 first).
# order: 1

# A draft is left off the published site (serve --drafts shows it).
# Delete this line when the campaign is ready.
draft: true
"""
