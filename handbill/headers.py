"""``_headers``: the Content-Security-Policy and security headers, for Netlify and Cloudflare Pages.

The site needs no inline script or style, so the policy can be strict: scripts and
styles only from the site itself, forms and requests only to the site and to the
petition services the campaigns name (their endpoint, Action Network page and count
addresses). The README says how to get the same protection where a host cannot set
headers (GitHub Pages, a bucket behind a CDN).
"""
from __future__ import annotations

from typing import Any, Iterable
from urllib.parse import urlsplit

from .petition import petition_config
from .providers import REDIRECT_ORIGINS, origin, provider_named
from .schema import is_host_name

OTHER_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)


def petition_origins(configs: Iterable[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(form-action origins, connect-src origins) of every petition's settings, sorted."""
    form_action, connect = set(), set()
    for config in configs:
        provider = provider_named(config.get("provider"))
        endpoint = config.get("endpoint", "") if provider.needs_endpoint else ""
        if endpoint:
            service = [origin(endpoint), *REDIRECT_ORIGINS.get(origin(endpoint), ())]
            form_action.update(service)
            connect.update(service)
        if provider.name == "actionnetwork" and config.get("page_url"):
            form_action.add(origin(config["page_url"]))
        if config.get("count_url"):
            connect.add(origin(config["count_url"]))
    return sorted(filter(_is_origin, form_action)), sorted(filter(_is_origin, connect))


def _is_origin(text: str) -> bool:
    """Only ever a scheme, a host name and a port: what a policy's source list can hold without harm
    (the addresses were checked when read; this keeps a `;` or `,` out of the header whatever happens)."""
    parts = urlsplit(text)
    try:
        port_ok = parts.port is None or 0 < parts.port
    except ValueError:
        return False
    return (parts.scheme in ("https", "http") and is_host_name(parts.hostname or "") and port_ok
            and text == f"{parts.scheme}://{parts.netloc}")


def csp(form_action: list[str], connect: list[str]) -> str:
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        " ".join(["form-action 'self'", *form_action]), " ".join(["connect-src 'self'", *connect]),
        "base-uri 'self'", "object-src 'none'", "frame-ancestors 'none'",
    ])


def headers_file(configs: Iterable[dict[str, Any]]) -> str:
    form_action, connect = petition_origins(configs)
    lines = ["# Security headers for every page, read by Netlify and Cloudflare Pages. Written by handbill.",
             "/*", f"  Content-Security-Policy: {csp(form_action, connect)}"]
    lines += [f"  {name}: {value}" for name, value in OTHER_HEADERS]
    return "\n".join(lines) + "\n"


def site_headers(project, sites) -> str:
    """``_headers`` for a whole build: the petitions and story forms of every campaign in every locale, and site.yaml's."""
    configs = [project.site.petition] + [petition_config(project.site.petition, entry.meta)
                                         for site in sites.values() for entry in site.campaigns]
    configs += [entry.meta["stories"]["submit"] for site in sites.values() for entry in site.campaigns
                if isinstance(entry.meta.get("stories", {}).get("submit"), dict)]  # "Share your story" forms
    return headers_file(configs)
