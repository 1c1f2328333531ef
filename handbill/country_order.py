"""Every language's order of the petition form's country list, worked out ahead and shipped.

Sorting the names as a language sorts them needs the Unicode Collation Algorithm's table,
and pyuca takes about 0.2 s to load it: a quarter of a cold build of a thousand stories,
for one list per language. ``country_order.json`` holds the order of every Babel locale,
made by :func:`orders` with the Babel, pyuca and tailoring (collation.py) installed when it
was made; with any other, the lists are sorted at build time as before (slower, the same
result). Regenerate with ``python -m handbill.country_order``; a test fails while it is stale.
"""
from __future__ import annotations

import functools
import hashlib
import json
import unicodedata
from pathlib import Path
from typing import Callable, Mapping

SHIPPED = Path(__file__).with_name("country_order.json")


def made_with() -> dict[str, str]:
    """What the order depends on besides the names: Babel's data, pyuca's table (chosen by Python's
    Unicode version), and our tailoring (collation.py)."""
    import babel
    import pyuca

    tables = sorted(path.name for path in Path(pyuca.__file__).parent.glob("allkeys*"))
    return {"babel": babel.__version__, "pyuca": ",".join(tables), "unicode": unicodedata.unidata_version,
            "collation": hashlib.sha256(Path(__file__).with_name("collation.py").read_bytes()).hexdigest()[:16]}


def shipped_order(identifier: str) -> tuple[str, ...] | None:
    """The country codes of a locale (``de_AT``) in order, when shipped for the data installed here."""
    data = _shipped()
    index = data.get("locales", {}).get(identifier)
    if index is None:
        return None
    order = data["orders"][index]
    return tuple(order[i:i + 2] for i in range(0, len(order), 2))


@functools.lru_cache(maxsize=1)
def _shipped() -> dict:
    """The shipped file, or {} when it was made with other data than this process has."""
    try:
        data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if data.get("made_with") == made_with() else {}


def orders(countries_in_order: Callable[[str], tuple[str, ...]]) -> dict:
    """The shipped file's contents: each distinct order once, and the locales that sort that way."""
    from babel.localedata import locale_identifiers

    distinct: dict[str, int] = {}
    locales: dict[str, int] = {}
    for ident in sorted(locale_identifiers()):
        order = "".join(countries_in_order(ident))
        locales[ident] = distinct.setdefault(order, len(distinct))
    return {"made_with": made_with(), "orders": list(distinct), "locales": locales}


def main() -> None:
    from .petition import sorted_country_codes

    SHIPPED.write_text(json.dumps(orders(sorted_country_codes), separators=(",", ":"), sort_keys=True) + "\n",
                       encoding="utf-8")
    print(f"wrote {SHIPPED}")


if __name__ == "__main__":
    main()
