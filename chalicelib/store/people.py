"""Users and mentor profiles in the table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from botocore.exceptions import ClientError
from msgspec import Struct

from chalicelib.config import cursor_secret
from chalicelib.domain.availability import Availability, from_document, to_document
from chalicelib.domain.clock import iso_z, parse_iso_z
from chalicelib.domain.errors import Conflict
from chalicelib.domain.people import Mentor, MentorStats, User
from chalicelib.store import schema
from chalicelib.store.dynamo import (
    Db,
    Item,
    Plan,
    error_code,
    merge_expression,
    set_fields,
    to_values,
)
from chalicelib.store.pages import Page, SortedQuery, read_sorted
from chalicelib.store.shapes import ItemShape

USER = ItemShape(User)


def user_to_item(user: User) -> Item:
    return {**schema.user_key(user.id), "type": "USER", **USER.to_item(user)}


def user_from_item(item: Item) -> User:
    return USER.from_item(item)


# Mentor statistics are top-level counters on the mentor item, so one
# UpdateExpression can ADD to several of them inside a session's transaction.
STAT_ATTRIBUTES = {
    "total_sessions": "totalSessions",
    "completed_sessions": "completedSessions",
    "cancelled_sessions": "cancelledSessions",
    "no_show_sessions": "noShowSessions",
    "mentor_no_shows": "mentorNoShows",
    "upcoming_sessions": "upcomingSessions",
}


def stats_from_item(item: Item) -> MentorStats:
    last = item.get("lastSessionAt")
    counts = {name: int(item.get(attribute, 0)) for name, attribute in STAT_ATTRIBUTES.items()}
    return MentorStats(**counts, last_session_at=parse_iso_z(last) if last else None)


def stats_to_item(stats: MentorStats) -> Item:
    return {
        **{attribute: getattr(stats, name) for name, attribute in STAT_ATTRIBUTES.items()},
        "lastSessionAt": iso_z(stats.last_session_at) if stats.last_session_at else None,
    }


def mentor_to_item(mentor: Mentor) -> Item:
    return {
        **schema.mentor_key(mentor.id),
        "GSI1PK": schema.MENTOR_DIRECTORY,
        "GSI1SK": schema.mentor_directory_sort(mentor.name, mentor.id),
        "type": "MENTOR",
        "id": mentor.id,
        "userId": mentor.user_id,
        "name": mentor.name,
        "email": mentor.email,
        "company": mentor.company,
        "jobTitle": mentor.job_title,
        "bio": mentor.bio,
        "expertise": list(mentor.expertise),
        "timezone": mentor.timezone,
        **stats_to_item(mentor.stats),
        "availability": availability_to_item(mentor.availability),
        "createdAt": iso_z(mentor.created_at),
        "updatedAt": iso_z(mentor.updated_at),
    }


def mentor_from_item(item: Item) -> Mentor:
    return Mentor(
        id=item["id"],
        user_id=item["userId"],
        name=item["name"],
        company=item["company"],
        job_title=item["jobTitle"],
        bio=item.get("bio", ""),
        expertise=tuple(item.get("expertise", [])),
        timezone=item["timezone"],
        created_at=parse_iso_z(item["createdAt"]),
        updated_at=parse_iso_z(item["updatedAt"]),
        stats=stats_from_item(item),
        email=item.get("email"),
        availability=availability_from_item(item.get("availability")),
    )


def availability_to_item(av: Availability | None) -> dict[str, Any] | None:
    """The stored form of availability: the API's own document (wall-clock strings)."""
    return to_document(av) if av else None


def availability_from_item(raw: dict[str, Any] | None) -> Availability | None:
    return from_document(raw) if raw else None


class PeopleStore(Struct, frozen=True):
    """Reads and writes users and mentor profiles."""

    db: Db

    def get_user(self, user_id: str) -> User | None:
        item = self.db.get(schema.user_key(user_id))
        return user_from_item(item) if item else None

    def get_mentor(self, mentor_id: str) -> Mentor | None:
        item = self.db.get(schema.mentor_key(mentor_id))
        return mentor_from_item(item) if item else None

    def get_user_and_mentor(
        self, user_id: str, mentor_id: str
    ) -> tuple[User | None, Mentor | None]:
        """Both records in one round trip."""
        user: User | None = None
        mentor: Mentor | None = None
        for item in self.db.batch_get([schema.user_key(user_id), schema.mentor_key(mentor_id)]):
            if item["type"] == "USER":
                user = user_from_item(item)
            else:
                mentor = mentor_from_item(item)
        return user, mentor

    def add_user(self, user: User) -> bool:
        """Store a new user; False if one with that id already exists."""
        try:
            self.db.put(user_to_item(user), ConditionExpression="attribute_not_exists(PK)")
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def save_user(self, user: User, previous_mentor_id: str | None) -> None:
        """Write the editable fields of ``user`` (and the mentor's copy of name and shared email).

        Raises:
            Conflict: the user became a mentor since it was read; re-read and retry.
        """
        user_fields = USER.part(user, "name", "email", "email_verified", "timezone", "updated_at")
        # The condition pins the mentor link read by the caller, so the mentor's
        # copy of the name below is the right one to update.
        condition = (
            {"ConditionExpression": "attribute_not_exists(mentorId)"}
            if previous_mentor_id is None
            else {
                "ConditionExpression": "mentorId = :m",
                "ExpressionAttributeValues": to_values({":m": previous_mentor_id}),
            }
        )
        plan = Plan(self.db)
        plan.update(
            "user",
            schema.user_key(user.id),
            **merge_expression(set_fields(user_fields), **condition),
        )
        if previous_mentor_id:
            sort = schema.mentor_directory_sort(user.name, previous_mentor_id)
            plan.update(
                "mentor",
                schema.mentor_key(previous_mentor_id),
                **set_fields({"name": user.name, "email": user.shared_email, "GSI1SK": sort}),
            )
        if plan.commit():
            raise Conflict(Conflict.PROFILE_CHANGED)

    def add_mentor(self, mentor: Mentor) -> bool:
        """Create the profile and link it to its user, atomically.

        Returns False when the user already has a mentor profile (a concurrent
        create won); nothing is written then.
        """
        plan = Plan(self.db)
        plan.put("mentor", mentor_to_item(mentor))
        plan.update(
            "user",
            schema.user_key(mentor.user_id),
            UpdateExpression="SET mentorId = :m",
            ConditionExpression="attribute_exists(PK) AND attribute_not_exists(mentorId)",
            ExpressionAttributeValues=to_values({":m": mentor.id}),
        )
        return plan.commit() is None

    def save_mentor_profile(self, mentor: Mentor) -> None:
        """Write the profile fields only; counters and stats belong to the session flows."""
        fields = {
            "company": mentor.company,
            "jobTitle": mentor.job_title,
            "bio": mentor.bio,
            "expertise": list(mentor.expertise),
            "timezone": mentor.timezone,
            "updatedAt": iso_z(mentor.updated_at),
        }
        self.db.update(
            schema.mentor_key(mentor.id),
            **merge_expression(set_fields(fields), ConditionExpression="attribute_exists(PK)"),
        )

    def save_availability(self, mentor_id: str, av: Availability, updated: str) -> None:
        """Replace the mentor's availability (the profile must exist)."""
        fields = {"availability": availability_to_item(av), "updatedAt": updated}
        self.db.update(
            schema.mentor_key(mentor_id),
            **merge_expression(set_fields(fields), ConditionExpression="attribute_exists(PK)"),
        )

    def mentors(self, mentor_ids: Iterable[str]) -> dict[str, Mentor]:
        """Mentor profiles by id, 100 to a round trip."""
        ids = sorted(set(mentor_ids))
        found: dict[str, Mentor] = {}
        for n in range(0, len(ids), 100):
            keys = [schema.mentor_key(i) for i in ids[n : n + 100]]
            found.update((m.id, m) for m in map(mentor_from_item, self.db.batch_get(keys)))
        return found

    def directory_pages(self, page_size: int = 100) -> Iterator[list[Mentor]]:
        """Every mentor, a page at a time (a query on the directory index, never a scan)."""
        kwargs: dict[str, Any] = {
            "IndexName": schema.GSI1,
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": to_values({":pk": schema.MENTOR_DIRECTORY}),
            "Limit": page_size,
        }
        while True:
            items, last = self.db.query(**kwargs)
            yield [mentor_from_item(i) for i in items]
            if not last:
                return
            kwargs["ExclusiveStartKey"] = last

    def correct_stats(self, mentor_id: str, fresh: MentorStats, seen: MentorStats) -> bool:
        """Overwrite the counters with a recount, if they still hold what was read.

        Returns False (writing nothing) when a session changed them meanwhile.
        """
        old = stats_to_item(seen)
        names = {f"#a{n}": attribute for n, attribute in enumerate(old)}
        values: dict[str, Any] = {}
        checks = ["attribute_exists(PK)"]
        for n, value in enumerate(old.values()):
            if value is None:
                checks.append(f"attribute_not_exists(#a{n})")
            else:
                checks.append(f"#a{n} = :a{n}")
                values[f":a{n}"] = value
        condition: dict[str, Any] = {
            "ConditionExpression": " AND ".join(checks),
            "ExpressionAttributeNames": names,
        }
        if values:
            condition["ExpressionAttributeValues"] = to_values(values)
        try:
            self.db.update(
                schema.mentor_key(mentor_id),
                **merge_expression(set_fields(stats_to_item(fresh)), **condition),
            )
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def list_mentors(self, limit: int, cursor: str | None) -> tuple[list[Mentor], str | None]:
        page: Page = read_sorted(
            self.db,
            [SortedQuery(schema.GSI1, schema.MENTOR_DIRECTORY)],
            limit,
            cursor,
            scope="mentors",
            secret=cursor_secret(),
        )
        return [mentor_from_item(i) for i in page.items], page.next_cursor
