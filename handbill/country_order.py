"""Every language's order of the petition form's country list, worked out ahead and shipped.

Sorting the names as a language sorts them needs the Unicode Collation Algorithm's table,
and pyuca takes about 0.2 s to load it: a quarter of a cold build of a thousand stories,
for one list per language. ``country_order.json`` holds the order of every Babel locale
with a digest of the names it sorted, made by :func:`orders` with the UCA table and the
tailoring (collation.py) named in it. A build uses a locale's order only when those are the
ones installed and its names (from the Babel installed) have the same digest; otherwise it
sorts them itself, slower, to the same result. Regenerate with ``python -m
handbill.country_order``; a test fails while it is stale.
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Callable, Mapping

SHIPPED = Path(__file__).with_name("country_order.json")


def made_with() -> dict[str, str]:
    """What the order depends on besides the names: pyuca's table, and our tailoring (collation.py)."""
    from pyuca import Collator  # (the class: its table is read only when one is made)

    return {"uca": Collator.UCA_VERSION,
            "collation": hashlib.sha256(Path(__file__).with_name("collation.py").read_bytes()).hexdigest()[:16]}


def names_digest(names: Mapping[str, str]) -> str:
    """A digest of a locale's country names: another Babel with other names means another order."""
    return hashlib.sha256("\n".join(f"{code}={names[code]}" for code in sorted(names)).encode()).hexdigest()[:12]


def shipped_order(identifier: str, names: Mapping[str, str]) -> tuple[str, ...] | None:
    """The country codes of a locale (``de_AT``) in order, when shipped for these very names."""
    entry = _shipped().get("locales", {}).get(identifier)
    if entry is None or entry[1] != names_digest(names):
        return None
    order = _shipped()["orders"][entry[0]]
    return tuple(order[i:i + 2] for i in range(0, len(order), 2))


@functools.lru_cache(maxsize=1)
def _shipped() -> dict:
    """The shipped file, or {} when it was made with another UCA table or tailoring than this one."""
    try:
        data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if data.get("made_with") == made_with() else {}


def orders(country_names: Callable[[str], dict[str, str]], sort: Callable[[str, dict[str, str]], tuple[str, ...]]) -> dict:
    """The shipped file's contents: each distinct order once, each locale's index into them and its
    names' digest, and (for information) the Babel the names came from."""
    import babel
    from babel.localedata import locale_identifiers

    distinct: dict[str, int] = {}
    locales: dict[str, list] = {}
    for ident in sorted(locale_identifiers()):
        names = country_names(ident)
        order = "".join(sort(ident, names))
        locales[ident] = [distinct.setdefault(order, len(distinct)), names_digest(names)]
    return {"made_with": made_with(), "babel": babel.__version__, "orders": list(distinct), "locales": locales}


def main() -> None:
    from .petition import country_names_of, sorted_country_codes

    SHIPPED.write_text(json.dumps(orders(country_names_of, sorted_country_codes), separators=(",", ":"),
                                  sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {SHIPPED}")


if __name__ == "__main__":
    main()
