"""A digest of everything a template can see, so a page whose inputs did not change need not be drawn again.

:func:`Fingerprints.of` walks a value (the context of a page: views, share links, forms,
strings, dates) and returns a 16-byte BLAKE2b digest of its whole content. Equal
digests mean equal values, field by field, down to the type of every piece: a
``Markup`` and a ``str`` with the same text differ (a template escapes one and not
the other), so do ``1`` and ``"1"``. Dict and list order counts, because a template
that loops over them shows that order.

Only plain data is understood: strings, numbers, dates, paths, bytes, containers and
dataclasses. Anything else (a function, an open file, an object of some other class)
raises :class:`NotPlainData`, and the page is simply drawn again every time.

Values whose ``repr`` is exact (strings, numbers, dates, bytes, and containers of
them) are written as their ``repr``, which Python makes in C; the rest is walked.
Objects of the *lasting* types (the frozen views and share links a rebuild hands out
again while nothing about them changed) are digested once and stand in their
container as their digest, remembered by identity for this build and the next (call
:meth:`Fingerprints.next_build` between builds). A remembered object is kept alive,
so its identity is never reused by another object; one the next build does not meet
is forgotten.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import hashlib
import operator
from pathlib import PurePath
from typing import Any, Callable

from markupsafe import Markup

from .foreign import ForeignText, InLanguage

DIGEST_SIZE = 16

# Types whose repr() is exact: equal reprs mean equal values of the same type (True, 1, 1.0 and "1"
# differ; so do a Markup and a str, and two datetimes in different time zones). No repr has a NUL
# or a \x01 (they are escaped), which separate and mark the parts.
_EXACT = frozenset({str, int, float, bool, type(None), bytes, Markup, dt.date, dt.datetime, dt.time, dt.timedelta,
                    decimal.Decimal})
_SEQUENCES = frozenset({list, tuple, set, frozenset})
_MARKERS = {list: "\x01L", tuple: "\x01T", dict: "\x01D", set: "\x01S", frozenset: "\x01F"}
_END = "\x01)"


class NotPlainData(TypeError):
    """A value the fingerprint cannot vouch for (its output may depend on more than its fields)."""


class Fingerprints:
    """Digests of values, lasting objects digested once (see the module docstring)."""

    def __init__(self, lasting: tuple[type, ...] = ()) -> None:
        self.lasting = lasting  # immutable types whose objects a rebuild may hand out again
        self._met: dict[int, tuple[Any, bytes, str]] = {}  # id -> (lasting object, kept alive; digest; part): this build
        self._kept: dict[int, tuple[Any, bytes, str]] = {}  # the same, met in the build before
        self._fields: dict[type, tuple[str, Callable[[Any], tuple[Any, ...]]]] = {}

    def next_build(self, last_complete: bool = True) -> None:
        """Forget the lasting objects the last build did not meet (none, if it stopped early)."""
        if last_complete:
            self._kept = self._met
        else:
            self._kept.update(self._met)
        self._met = {}

    def of(self, value: Any) -> bytes:
        """The digest of ``value``; raises NotPlainData for what it cannot vouch for."""
        if isinstance(value, self.lasting):
            return self._lasting(value)[1]
        return self._digest(value)

    def _digest(self, value: Any) -> bytes:
        parts: list[str] = []
        try:
            self._walk(value, parts)
        except RecursionError:
            raise NotPlainData("a value that contains itself") from None
        return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=DIGEST_SIZE).digest()

    def _lasting(self, value: Any) -> tuple[Any, bytes, str]:
        """A lasting object (kept alive), its digest, and the part that stands for it in a container."""
        known = self._met.get(id(value)) or self._kept.get(id(value))
        if known is None:
            digest = self._digest(value)
            known = (value, digest, "\x01#" + digest.hex())
        self._met[id(value)] = known
        return known

    def _write(self, value: Any, parts: list[str]) -> None:
        """Append the parts of a value inside another: lasting objects as their digest."""
        kind = type(value)
        if kind in _EXACT:
            parts.append(repr(value))
        elif isinstance(value, self.lasting):
            parts.append(self._lasting(value)[2])
        else:
            self._walk(value, parts)

    def _walk(self, value: Any, parts: list[str]) -> None:
        """Append the parts of ``value`` itself: exact reprs, structure markers and digests."""
        kind = type(value)
        if kind in _EXACT or _is_exact(value, kind):
            parts.append(repr(value))  # a set's order is fixed for one process, as the page's is
        elif kind in _MARKERS:
            parts.append(_MARKERS[kind])
            for item in (_flat_items(value) if kind is dict else value):
                self._write(item, parts)
            parts.append(_END)
        elif kind in self._fields or dataclasses.is_dataclass(value) and not isinstance(value, type):
            name, fields = self._fields.get(kind) or self._describe(kind)
            values = fields(value)
            if _EXACT.issuperset(map(type, values)) or _is_exact(values, tuple):
                parts.append(name + repr(values))
            else:
                parts.append(name)
                self._walk(values, parts)
        elif isinstance(value, (PurePath, enum.Enum)):
            parts.append(f"\x01P{kind.__module__}.{kind.__qualname__}:{value!r}")
        elif kind is ForeignText or kind is InLanguage:  # a text and its language (marked, or known)
            parts.append(f"\x01{'X' if kind is ForeignText else 'I'}{value.lang!r}{value.dir!r}{str(value)!r}")
        else:
            raise NotPlainData(f"cannot fingerprint a {kind.__module__}.{kind.__qualname__}")

    def _describe(self, kind: type) -> tuple[str, Callable[[Any], tuple[Any, ...]]]:
        """A dataclass's marker, and a function giving the tuple of its fields' values."""
        names = tuple(f.name for f in dataclasses.fields(kind))
        fields: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names) if len(names) > 1 else \
            (lambda value: tuple(getattr(value, name) for name in names))
        self._fields[kind] = (f"\x01C{kind.__module__}.{kind.__qualname__}", fields)
        return self._fields[kind]


def _flat_items(mapping: dict[Any, Any]) -> list[Any]:
    return [part for item in mapping.items() for part in item]


def _is_exact(value: Any, kind: type) -> bool:
    """True for a container whose repr is exact: of exact values, or of containers of exact values."""
    if kind is dict:
        return _is_exact(tuple(value), tuple) and _is_exact(tuple(value.values()), tuple)
    if kind not in _SEQUENCES:
        return False
    types = set(map(type, value))
    if types <= _EXACT:
        return True
    return types <= _EXACT | _SEQUENCES and all(
        type(item) in _EXACT or _EXACT.issuperset(map(type, item)) for item in value)
