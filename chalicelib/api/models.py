"""What every resource's models share: base classes, field types, paging (camelCase on the wire).

Request models forbid unknown members, so no client can set a status, a
counter or someone else's id (mass assignment), and they are strict: a number
sent as a string is an error, not a guess. Each resource's own models live
with its views (``chalicelib.api.resources``), so a cold Lambda builds only
the classes of the route it serves.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Annotated, Generic, Literal, TypeVar

# pydantic looks for plugins by reading the metadata of every installed
# distribution when the first model is built: milliseconds of each cold start,
# and this service uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)
from pydantic.alias_generators import to_camel

from chalicelib.domain.clock import iso_z
from chalicelib.domain.zones import is_iana_zone


def _iana(name: str) -> str:
    if not is_iana_zone(name):
        raise ValueError("must be an IANA time zone name such as Europe/Berlin")
    return name


TimeZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_iana)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
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
    email: str | None


T = TypeVar("T", bound=BaseModel)


class PageOut(ResponseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
