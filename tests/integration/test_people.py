"""GET/PUT /me, the mentor profile and the public mentor directory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.domain.clock import parse_iso_z
from tests.integration.conftest import Api, Calls, make_mentor


def test_health_is_public(api: Api) -> None:
    reply = api.get("/api/v1/health")
    assert reply.status == 200
    assert reply.body["status"] == "ok"
    assert reply.body["time"].endswith("Z")


def test_me_is_created_from_the_token_claims_on_first_sight(api: Api) -> None:
    reply = api.get("/api/v1/me", user="u-1")
    assert reply.status == 200
    assert reply.body == {
        "id": "u-1",
        "name": "User u-1",
        "email": "u-1@example.com",
        "emailVerified": True,
        "timezone": "UTC",
        "mentorId": None,
    }


def test_put_me_changes_only_what_is_given(api: Api) -> None:
    api.get("/api/v1/me", user="u-1")
    reply = api.put("/api/v1/me", user="u-1", json_body={"timezone": "Asia/Kathmandu"})
    assert reply.status == 200
    assert reply.body["timezone"] == "Asia/Kathmandu"
    assert reply.body["name"] == "User u-1"
    assert api.get("/api/v1/me", user="u-1").body["timezone"] == "Asia/Kathmandu"


def test_put_me_rejects_unknown_zone_and_lists_the_field(api: Api) -> None:
    reply = api.put("/api/v1/me", user="u-1", json_body={"timezone": "Mars/Olympus"})
    assert reply.status == 400
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.code == "VALIDATION_ERROR"
    assert [e["field"] for e in reply.body["errors"]] == ["timezone"]


def test_put_me_cannot_set_its_own_id_or_mentor_id(api: Api) -> None:
    reply = api.put("/api/v1/me", user="u-1", json_body={"id": "admin", "mentorId": "m-9"})
    assert reply.status == 400
    assert sorted(e["field"] for e in reply.body["errors"]) == ["id", "mentorId"]
    assert api.get("/api/v1/me", user="u-1").body["mentorId"] is None


def test_mentor_profile_is_created_then_updated(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1", name="Ada Lovelace")
    me = api.get("/api/v1/me", user="m-1").body
    assert me["mentorId"] == mentor_id

    updated = api.put(
        "/api/v1/mentors/me",
        user="m-1",
        json_body={
            "company": "Analytical Engines",
            "jobTitle": "Principal",
            "timezone": "Europe/London",
            "bio": "Notes on the engine.",
            "expertise": ["Math", "Computing"],
        },
    )
    assert updated.status == 200
    assert updated.body["id"] == mentor_id
    assert updated.body["name"] == "Ada Lovelace"
    assert updated.body["expertise"] == ["Math", "Computing"]
    public = api.get(f"/api/v1/mentors/{mentor_id}").body
    assert public["company"] == "Analytical Engines"
    assert public["totalSessions"] == 0
    assert public["stats"]["completionRate"] is None
    assert api.get("/api/v1/mentors/me", user="m-1").body == public


def test_mentor_profile_mass_assignment_is_refused(api: Api) -> None:
    reply = api.put(
        "/api/v1/mentors/me",
        user="m-1",
        json_body={
            "company": "Acme",
            "jobTitle": "Engineer",
            "timezone": "UTC",
            "totalSessions": 999,
            "userId": "someone-else",
        },
    )
    assert reply.status == 400
    assert sorted(e["field"] for e in reply.body["errors"]) == ["totalSessions", "userId"]


def test_mentor_profile_requires_company_title_and_zone(api: Api) -> None:
    reply = api.put("/api/v1/mentors/me", user="m-1", json_body={"company": " "})
    assert reply.status == 400
    assert sorted(e["field"] for e in reply.body["errors"]) == ["company", "jobTitle", "timezone"]


def test_renaming_a_mentor_renames_the_public_profile(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1", name="Old Name")
    assert api.put("/api/v1/me", user="m-1", json_body={"name": "New Name"}).status == 200
    assert api.get(f"/api/v1/mentors/{mentor_id}").body["name"] == "New Name"
    names = [m["name"] for m in api.get("/api/v1/mentors").body["items"]]
    assert names == ["New Name"]


def test_mentors_me_is_404_for_a_non_mentor(api: Api) -> None:
    reply = api.get("/api/v1/mentors/me", user="s-1")
    assert reply.status == 404
    assert reply.code == "NOT_FOUND"


def test_unknown_or_malformed_mentor_id_is_404(api: Api) -> None:
    assert api.get("/api/v1/mentors/nope").status == 404
    assert api.get("/api/v1/mentors/" + "x" * 3000).status == 404
    assert api.get("/api/v1/mentors/a%23b").status == 404


def test_directory_pages_by_name_with_a_signed_cursor(api: Api) -> None:
    for n, name in enumerate(["Dana", "alice", "Carol", "bob", "Eve"]):
        make_mentor(api, f"m-{n}", name=name)
    first = api.get("/api/v1/mentors?limit=2")
    assert [m["name"] for m in first.body["items"]] == ["alice", "bob"]
    second = api.get(f"/api/v1/mentors?limit=2&cursor={first.body['nextCursor']}")
    assert [m["name"] for m in second.body["items"]] == ["Carol", "Dana"]
    third = api.get(f"/api/v1/mentors?limit=2&cursor={second.body['nextCursor']}")
    assert [m["name"] for m in third.body["items"]] == ["Eve"]
    assert third.body["nextCursor"] is None


def test_tampered_cursor_is_a_400(api: Api) -> None:
    for n in range(3):
        make_mentor(api, f"m-{n}", name=f"Mentor {n}")
    cursor = api.get("/api/v1/mentors?limit=1").body["nextCursor"]
    body, mac = cursor.split(".")
    tampered = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + mac
    for bad in (tampered, "garbage", "a.b.c", cursor + "x"):
        reply = api.get(f"/api/v1/mentors?cursor={bad}")
        assert reply.status == 400, bad
        assert reply.body["errors"][0]["field"] == "cursor"


def test_limit_is_bounded(api: Api) -> None:
    for bad in ("0", "101", "ten", "-1"):
        reply = api.get(f"/api/v1/mentors?limit={bad}")
        assert reply.status == 400
        assert reply.body["errors"][0]["field"] == "limit"
    assert api.get("/api/v1/mentors?limit=100").status == 200


def test_public_profile_hides_nothing_it_should_not_show(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    public = api.get(f"/api/v1/mentors/{mentor_id}").body
    assert "email" not in public
    assert set(public) == {
        "id", "userId", "name", "company", "jobTitle", "bio", "expertise", "timezone",
        "totalSessions", "stats",
    }  # fmt: skip


def test_known_user_reads_me_in_one_round_trip(api: Api, calls: Calls) -> None:
    api.get("/api/v1/me", user="u-1")
    calls.reset()
    api.get("/api/v1/me", user="u-1")
    assert calls.operations == ["GetItem"]


def test_local_time_travel_is_ignored_outside_the_local_stage(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ten_years = 10 * 365 * 24 * 3600
    offset = tmp_path / "offset"
    offset.write_text(str(ten_years))
    monkeypatch.setenv("LOCAL_CLOCK_FILE", str(offset))

    def shift() -> float:
        served = parse_iso_z(api.get("/api/v1/health").body["time"])
        return (served - datetime.now(UTC)).total_seconds()

    monkeypatch.setenv("STAGE", "prod")
    assert abs(shift()) < 60
    monkeypatch.setenv("STAGE", "local")
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", "http://127.0.0.1:9")  # health needs no table
    assert abs(shift() - ten_years) < 60
