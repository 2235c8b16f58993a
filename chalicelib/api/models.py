"""What every resource's models share: base classes, field types, paging (camelCase on the wire).

Request models forbid unknown members, so no client can set a status, a
counter or someone else's id (mass assignment), and they are strict: a number
sent as a string is an error, not a guess. Each resource's own models live
with its views (``chalicelib.api.resources``), so a cold Lambda builds only
the classes of the route it serves.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Annotated, Literal

# pydantic looks for plugins by reading the metadata of every installed
# distribution when the first model is built: milliseconds of each cold start,
# and this service uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)
from pydantic.alias_generators import to_camel

from chalicelib.domain.clock import CALENDAR, in_calendar, iso_z
from chalicelib.domain.text import describe, unsafe_in_name, unsafe_in_text
from chalicelib.domain.zones import is_iana_zone


def _iana(name: str) -> str:
    if not is_iana_zone(name):
        raise ValueError("must be an IANA time zone name such as Europe/Berlin")
    return name


def _plain(text: str) -> str:
    # Names and titles reach the other person and the video call: nothing that
    # can reverse, hide or break the text around it (see chalicelib.domain.text).
    bad = unsafe_in_name(text)
    if bad is not None:
        raise ValueError(f"must not contain control or format characters ({describe(bad)})")
    return text


def _free(text: str) -> str:
    bad = unsafe_in_text(text)
    if bad is not None:
        raise ValueError(
            f"must not contain control characters other than tab and line breaks, "
            f"or bidi controls ({describe(bad)})"
        )
    return text


def _calendar_date(day: date) -> date:
    if not in_calendar(day):
        raise ValueError(f"must be a date from {CALENDAR}")
    return day


def _calendar_time(moment: datetime) -> datetime:
    # The wall-clock date is checked, so that no conversion to UTC can overflow.
    if not in_calendar(moment):
        raise ValueError(f"must be a time from {CALENDAR}")
    return moment


TimeZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_iana)]
Email = Annotated[
    str,
    StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(_plain),
]
# Letters, marks, digits, punctuation, symbols and spaces; no Cc/Cf characters.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_plain),
]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Skill = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50),
    AfterValidator(_plain),
]
# A message or notes: also tabs and line breaks, and ZWJ/ZWNJ (emoji, some scripts).
FreeText = AfterValidator(_free)
# Dates and times any request may name: 2000-01-01 to 2100-12-31 (wall clock).
CalendarDate = Annotated[date, AfterValidator(_calendar_date)]
CalendarTime = Annotated[AwareDatetime, AfterValidator(_calendar_time)]
UtcDateTime = Annotated[datetime, PlainSerializer(iso_z, return_type=str)]


class RequestModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=False,
        extra="forbid",
        strict=True,
        frozen=True,
        defer_build=True,
    )


class QueryModel(BaseModel):
    """Query strings arrive as text, so these convert ("20" → 20) but still forbid extras."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        extra="forbid",
        frozen=True,
        defer_build=True,
    )


class ResponseModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        serialize_by_alias=True,
        # Built on first use: a cold Lambda pays only for the models its request needs.
        defer_build=True,
    )


# --- shared -----------------------------------------------------------------


class LocalTokenIn(RequestModel):
    user_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9@._:|+=-]{1,128}$")] = Field(
        description="The token's `sub`: any user id"
    )
    name: Name | None = None
    email: Email | None = None


class PageQuery(QueryModel):
    limit: Annotated[int, Field(ge=1, le=100, description="Items per page")] = 20
    cursor: Annotated[str, StringConstraints(min_length=1, max_length=4096)] | None = Field(
        default=None, description="The previous page's `nextCursor`; none for the first page"
    )


class Health(ResponseModel):
    status: Literal["ok"] = "ok"
    service: str = "careerforge-sessions"
    time: UtcDateTime


class LocalTokenOut(ResponseModel):
    token: str
    user_id: str


class ConnectionStudent(ResponseModel):
    id: str
    name: str
    email: str | None = Field(description="Only a verified email; else null")


class PageOut[T: BaseModel](ResponseModel):
    items: list[T]
    next_cursor: str | None
