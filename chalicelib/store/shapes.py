"""Items derived from the domain's own declarations: one attribute per struct field.

An entity's fields are declared once, on its msgspec struct; its item shape
follows from that declaration: each field is an attribute named in camelCase,
a nested struct's fields are flattened under its field's name
(``mentor.user_id`` is ``mentorUserId``), times are stored as ``...Z``
strings (:func:`iso_z`, to the second, so that stored times compare as
strings) and enums by value. Renaming a field renames its attribute, so the
tests pin every entity's attribute names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from operator import attrgetter
from typing import Any, NamedTuple

import msgspec.inspect as mi
from msgspec import Struct

from chalicelib.domain.clock import iso_z, parse_iso_z
from chalicelib.store.dynamo import Item

Convert = Callable[[Any], Any]


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _same(value: Any) -> Any:
    return value


def _time_out(value: datetime | None) -> str | None:
    return iso_z(value) if value is not None else None


def _time_in(value: str) -> datetime:
    return parse_iso_z(value)


def _enum_out(value: Enum | None) -> Any:
    return value.value if value is not None else None


def _converters(kind: mi.Type) -> tuple[Convert, Convert]:
    """How a value of ``kind`` is written and read (an optional one like its base type)."""
    if isinstance(kind, mi.UnionType):
        kinds = [k for k in kind.types if not isinstance(k, mi.NoneType)]
        if len(kinds) == 1:
            return _converters(kinds[0])
    if isinstance(kind, mi.DateTimeType):
        return _time_out, _time_in
    if isinstance(kind, mi.EnumType):
        return _enum_out, kind.cls
    return _same, _same


def _optional(kind: mi.Type) -> bool:
    return isinstance(kind, mi.UnionType) and any(isinstance(k, mi.NoneType) for k in kind.types)


# What a missing attribute means, besides a value to use instead.
_REQUIRED = object()  # an error
_DEFAULT = object()  # the field's own default


class _Slot(NamedTuple):
    field: str
    attribute: str
    read: Convert
    missing: Any
    nested: ItemShape[Any] | None


class ItemShape[T: Struct]:
    """The item form of struct ``cls``; ``missing`` names values for attributes older items lack."""

    def __init__(
        self, cls: type[T], missing: Mapping[str, Any] | None = None, prefix: str = ""
    ) -> None:
        self.cls = cls
        self.attributes: dict[str, str] = {}
        self._write: list[tuple[str, Callable[[Any], Any], Convert]] = []
        self._slots: list[_Slot] = []
        info = mi.type_info(cls)
        assert isinstance(info, mi.StructType)
        for f in info.fields:
            path = f"{prefix}.{f.name}" if prefix else f.name
            if isinstance(f.type, mi.StructType):
                nested: ItemShape[Any] = ItemShape(f.type.cls, missing, path)
                self.attributes.update(nested.attributes)
                self._write += nested._write
                self._slots.append(_Slot(f.name, "", _same, _REQUIRED, nested))
                continue
            attribute = camel(path.replace(".", "_"))
            write, read = _converters(f.type)
            absent = (missing or {}).get(attribute, _REQUIRED)
            if not f.required:
                absent = _DEFAULT
            elif absent is _REQUIRED and _optional(f.type):
                absent = None
            self.attributes[path] = attribute
            # Dotted from the outermost struct: nested shapes only serve their parent.
            self._write.append((attribute, attrgetter(path), write))
            self._slots.append(_Slot(f.name, attribute, read, absent, None))

    def to_item(self, value: T) -> Item:
        """Every field as an attribute (None included, for a diff to see it go)."""
        return {
            attribute: got if write is _same else write(got)
            for attribute, get, write in self._write
            for got in (get(value),)
        }

    def part(self, value: T, *fields: str) -> Item:
        """Only ``fields`` of ``value``, as stored: what an update of those fields sets."""
        stored = self.to_item(value)
        return {self.attributes[f]: stored[self.attributes[f]] for f in fields}

    def from_item(self, item: Item) -> T:
        values: dict[str, Any] = {}
        get = item.get
        for field, attribute, read, missing, nested in self._slots:
            if nested is not None:
                values[field] = nested.from_item(item)
                continue
            raw = get(attribute)
            if raw is not None:
                values[field] = raw if read is _same else read(raw)
            elif missing is _REQUIRED:
                raise KeyError(attribute)
            elif missing is not _DEFAULT:
                values[field] = missing
        return self.cls(**values)
