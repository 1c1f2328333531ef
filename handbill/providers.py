"""Form services a petition can post to, and what each one expects of the form.

A provider decides the names of the special fields (where the thank-you URL goes,
its own honeypot), how the script encodes a signature, and where the plain HTML form
goes when JavaScript is off. Everything else about the form is the same for all.

- ``generic``: any endpoint; urlencoded or JSON per ``encoding``; the thank-you URL in
  ``thank_you_url`` so the endpoint can redirect there after a plain POST.
- ``formspree``: ``_next`` (redirect after a plain POST), ``_gotcha`` (their honeypot);
  the script asks for JSON answers with ``Accept: application/json``.
- ``netlify``: Netlify Forms. The form posts to the site itself (the thank-you page),
  marked ``data-netlify`` with a ``form-name`` and a honeypot Netlify checks.
- ``actionnetwork``: Action Network's unauthenticated ("blind") POST to
  ``/api/v2/petitions/<id>/signatures``, which takes only JSON in the OSDI record
  signature helper format, so only the script can sign there; with JavaScript off (or
  when Action Network cannot be reached) the form takes the supporter to the
  petition's own Action Network page (``page_url``) to sign there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Provider:
    name: str
    encodings: tuple[str, ...]  # what the service accepts from the script; the first is the default
    thank_you_field: str = ""  # hidden field carrying the absolute thank-you URL ('' when the service has none)
    honeypot: str = ""  # the service's own honeypot field ('' when it has none)
    needs_endpoint: bool = True  # False: the form posts to the site itself
    named_fields: bool = True  # False: the script builds a JSON document; the plain form sends only `source`


PROVIDERS: dict[str, Provider] = {
    "generic": Provider("generic", ("form", "json"), thank_you_field="thank_you_url"),
    "formspree": Provider("formspree", ("form", "json"), thank_you_field="_next", honeypot="_gotcha"),
    "netlify": Provider("netlify", ("form",), honeypot="bot-field", needs_endpoint=False),
    "actionnetwork": Provider("actionnetwork", ("json",), named_fields=False),
}

# Action Network's blind POST address: https://actionnetwork.org/api/v2/petitions/<id>/signatures
ACTION_NETWORK_PATH = re.compile(r"/api/v2/petitions/[A-Za-z0-9-]+/signatures/?")


def provider_named(name: str | None) -> Provider:
    return PROVIDERS[name or "generic"]


def own_names(provider: Provider) -> set[str]:
    """The names the provider's form sends for the service itself, which no field of ours may take."""
    names = {provider.honeypot} | ({provider.thank_you_field} - {"thank_you_url"})
    if provider.name == "netlify":
        names.add("form-name")
    return names - {""}


# Where a service sends the browser on after a post, beyond its own address: the page's policy must
# allow it, or the browser stops there (Google Apps Script answers from script.googleusercontent.com).
REDIRECT_ORIGINS = {"https://script.google.com": ("https://script.googleusercontent.com",)}


def answers_scripts(config: dict) -> bool:
    """Whether the service lets the script read its answer (CORS), as ``cors:`` says; Google Forms never does.

    When it does not, the script sends the signature once, in a way that cannot read the
    answer (``no-cors``), and thanks the supporter: otherwise every signature would arrive twice,
    the script's and then the plain form's."""
    if "cors" in config:
        return bool(config["cors"])
    parts = urlsplit(config.get("endpoint", ""))
    return not (parts.hostname == "docs.google.com" and parts.path.endswith("/formResponse"))


def origin(url: str) -> str:
    """``https://forms.example.org`` for any URL on that host (scheme, host and port)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""

# A name a form may post: what HTML, urlencoded and JSON bodies all carry without surprises. Dots and
# colons are in because Google Forms names its fields ``entry.1234567``.
FIELD_NAME = re.compile(r"[A-Za-z0-9_.:\-\[\]]{1,64}")
FIELD_NAME_HINT = "use only letters, digits and _ - . : [ ] (at most 64)"
HONEYPOT_NAME = "website"  # our own honeypot: plausible to a bot, invisible and skipped by people
ALWAYS_HIDDEN = ("campaign", "locale", "source", "thank_you_url")  # hidden fields every form has (by our names)
