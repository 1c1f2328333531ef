"""The "Share your story" form: a campaign's ``stories.submit`` settings as a form model.

It runs on the petition's machinery (:mod:`handbill.providers`, the hidden fields and
honeypots of :mod:`handbill.petition`, the same enhancing script): a plain HTML form that
works with JavaScript off, posts to the campaign's story endpoint (or Netlify Forms), and
carries ``campaign``, ``locale``, ``source`` and the thank-you URL. Besides name, email,
place and the story it asks two separate things, never answered in advance: may we
contact you (a checkbox), and may we publish your story, with your name, without it,
or not at all (a required choice).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .diagnostics import Diagnostics
from .petition import FieldSpec, FormField, HiddenField, Honeypot, _hidden_fields
from .petition_checks import check_encoding, check_field_names
from .providers import HONEYPOT_NAME, answers_scripts, provider_named

FIELD_SPECS: dict[str, FieldSpec] = {
    "name": FieldSpec("text", "name", maxlength=100),
    "email": FieldSpec("email", "email", "email", 254, dir="ltr"),
    "phone": FieldSpec("tel", "tel", "tel", 40, dir="ltr"),
    "place": FieldSpec("text", "address-level2", maxlength=100),
    "story": FieldSpec("textarea", "off", maxlength=10000),
}
DEFAULT_FIELDS = ["name", "email", "place", "story"]
DEFAULT_REQUIRED = ["name", "email", "story"]
CONSENTS = ("contact", "publish")  # the names (before field_names) of the two consent questions
PUBLISH_CHOICES = ("with_name", "without_name", "no")  # the values `publish` sends


@dataclass(frozen=True)
class LocalText:
    """A text of the campaign with the language it is written in (a translation may inherit it)."""

    text: str
    lang: str
    dir: str


@dataclass(frozen=True)
class StoryForm:
    provider: str
    action: str  # where the plain HTML form posts
    endpoint: str  # where the script sends it
    encoding: str
    form_name: str  # netlify: story-<campaign>
    fields: tuple[FormField, ...]
    hidden: tuple[HiddenField, ...]
    honeypots: tuple[Honeypot, ...]
    contact_name: str  # posted name of the "may we contact you" checkbox
    publish_name: str  # posted name of the "may we publish it" choice
    publish_choices: tuple[tuple[str, str], ...]  # (value, label)
    intro: LocalText | None
    privacy: LocalText | None  # the campaign's own note; None: the theme's
    thank_you: LocalText | None
    cors: bool = True  # False: the script cannot read the service's answer (see providers.answers_scripts)


def submit_settings(meta: dict[str, Any]) -> dict[str, Any] | None:
    """The ``stories.submit`` block of a campaign, or None when the campaign has none."""
    stories = meta.get("stories") or {}
    return stories.get("submit") if "submit" in stories else None


def check_submission(config: dict[str, Any], where: Callable[[str], tuple[Any, int, int]], diags: Diagnostics) -> None:
    """Report every problem of one ``stories.submit`` block at the line that wrote it."""

    def error(key: str, message: str, hint: str) -> None:
        full = f"stories.submit.{key}" if key else "stories.submit"
        diags.error(*where(full), f"{full}: {message}", hint)

    provider = provider_named(config.get("provider"))
    if provider.needs_endpoint and not config.get("endpoint"):
        error("", "the story form needs somewhere to send the stories",
              "add endpoint: with your form service's address (like https://forms.example.org/stories), "
              "or provider: netlify on Netlify")
    check_encoding(config, provider, error)
    fields = list(config.get("fields", DEFAULT_FIELDS))
    if "story" not in fields:
        error("fields", "the form has no field for the story itself", "add story to fields: [...]")
    for index, key in enumerate(config.get("required", [])):
        if key not in fields:
            error(f"required.{index}", f"`{key}` is required but not in the form's fields",
                  f"add {key} to fields: [...], or remove it from required")
    check_field_names(config, provider, [*fields, *CONSENTS], error)


def build_story_form(config: dict[str, Any], *, campaign: str, locale_code: str, thanks_url: str, thanks_href: str,
                     t: Callable[..., str], text: Callable[[str], LocalText | None]) -> StoryForm | None:
    """The form for one campaign in one locale, or None when there is nowhere to send it.

    ``text(key)`` gives a translatable ``stories.submit`` text with its language, or None.
    """
    provider = provider_named(config.get("provider"))
    endpoint = config.get("endpoint", "") if provider.needs_endpoint else thanks_href
    if not endpoint:
        return None
    renames = config.get("field_names", {})

    def posted(key: str) -> str:
        return renames.get(key, key)

    required = set(config.get("required", DEFAULT_REQUIRED))
    keys = list(dict.fromkeys(config.get("fields", DEFAULT_FIELDS)))
    if "story" not in keys:
        keys.append("story")
    fields = tuple(FormField(key, posted(key), t(f"field_{key}"), FIELD_SPECS[key].input_type,
                             FIELD_SPECS[key].autocomplete, FIELD_SPECS[key].inputmode, key in required or key == "story",
                             FIELD_SPECS[key].maxlength, FIELD_SPECS[key].dir) for key in keys)
    form_name = f"story-{campaign}" if provider.name == "netlify" else ""
    hidden = _hidden_fields(config, provider, campaign=campaign, locale_code=locale_code, thanks_url=thanks_url,
                            posted=posted, form_name=form_name)
    honeypots = [Honeypot(posted(HONEYPOT_NAME), False)]
    if provider.honeypot:
        honeypots.append(Honeypot(provider.honeypot, True))
    choices = tuple((value, t(f"story_publish_{value}")) for value in PUBLISH_CHOICES)
    return StoryForm(provider.name, endpoint, endpoint, config.get("encoding", provider.encodings[0]), form_name,
                     fields, hidden, tuple(honeypots), posted("contact"), posted("publish"), choices,
                     text("intro"), text("privacy"), text("thank_you"), answers_scripts(config))
