"""Names that could spoof another person, and emails nobody verified."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest

from tests.integration.conftest import (
    START,
    Api,
    FakeClock,
    book,
    make_mentor,
    set_availability,
    user_token,
)

CONN = "/api/v1/connections"
SPOOFS = [
    "Maya\u202eotneM",  # right-to-left override
    "Maya\u2066x\u2069",  # isolates
    "Ma\u200bya",  # zero-width space
    "Maya\u200d",  # zero-width joiner
    "Maya\x00",
    "Maya\x1b[31m",
    "Maya\nAdmin",
    "\ufeffMaya",
]


def fields_of(body: Any) -> list[str]:
    return [e["field"] for e in body["errors"]]


@pytest.mark.parametrize("name", SPOOFS)
def test_a_name_with_control_or_format_characters_is_400(api: Api, name: str) -> None:
    reply = api.put("/api/v1/me", user="u-1", json_body={"name": name})
    assert reply.status == 400, reply.body
    assert fields_of(reply.body) == ["name"]
    assert api.get("/api/v1/me", user="u-1").body["name"] == "User u-1"


@pytest.mark.parametrize("field", ["company", "jobTitle"])
def test_profile_titles_with_format_characters_are_400(api: Api, field: str) -> None:
    body = {"company": "Acme", "jobTitle": "Engineer", "timezone": "UTC", field: "CEO\u202e"}
    reply = api.put("/api/v1/mentors/me", user="m-1", json_body=body)
    assert reply.status == 400
    assert fields_of(reply.body) == [field]


def test_expertise_with_format_characters_is_400(api: Api) -> None:
    body = {"company": "Acme", "jobTitle": "Eng", "timezone": "UTC", "expertise": ["Py\u200bthon"]}
    reply = api.put("/api/v1/mentors/me", user="m-1", json_body=body)
    assert reply.status == 400
    assert fields_of(reply.body) == ["expertise.0"]


def test_a_session_title_with_a_bidi_override_is_400(api: Api, clock: FakeClock) -> None:
    mentor_id = make_mentor(api, "m-1")
    set_availability(api, "m-1")
    created = api.post(CONN, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    api.put(f"{CONN}/{created}/accept", user="m-1")
    reply = book(api, "s-1", mentor_id, "2026-12-02T09:00:00Z", title="Chat\u202e")
    assert reply.status == 400
    assert fields_of(reply.body) == ["title"]


@pytest.mark.parametrize("text", ["Hi\u202e", "Hi\x00", "Hi\x07"])
def test_a_connection_message_with_spoofing_characters_is_400(api: Api, text: str) -> None:
    mentor_id = make_mentor(api, "m-1")
    reply = api.post(CONN, user="s-1", json_body={"mentorId": mentor_id, "message": text})
    assert reply.status == 400
    assert fields_of(reply.body) == ["message"]


def test_a_connection_message_keeps_lines_and_emoji(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    text = "Hello,\r\n\tI'm a dev \U0001f469\u200d\U0001f4bb."
    reply = api.post(CONN, user="s-1", json_body={"mentorId": mentor_id, "message": text})
    assert reply.status == 201, reply.body
    assert reply.body["message"] == text


@pytest.mark.parametrize(
    "name",
    ["Zoë Ñúñez", "Ngu\u0303gi\u0303 wa Thiong'o", "محمد علي", "李 小龍", "Anne-Marie O'Neil"],
)
def test_ordinary_letters_marks_and_spaces_are_kept(api: Api, name: str) -> None:
    reply = api.put("/api/v1/me", user="u-1", json_body={"name": name})
    assert reply.status == 200, reply.body
    assert reply.body["name"] == name


def test_an_email_with_control_characters_is_400(api: Api) -> None:
    reply = api.put("/api/v1/me", user="u-1", json_body={"email": "a\u202e@example.com"})
    assert reply.status == 400
    assert fields_of(reply.body) == ["email"]


def test_a_spoofing_name_claim_is_cleaned_on_first_sight(api: Api) -> None:
    token = user_token("u-1", name="Ma\u202eya\x00")
    assert api.get("/api/v1/me", token=token).body["name"] == "Maya"


# --- emails ----------------------------------------------------------------------------


def test_me_says_whether_my_email_is_verified(api: Api) -> None:
    assert api.get("/api/v1/me", user="u-1").body["emailVerified"] is True
    assert api.get("/api/v1/me", user="u-2", verified=False).body["emailVerified"] is False
    as_text = api.get("/api/v1/me", token=user_token("u-4", verified="true")).body
    assert as_text["emailVerified"] is True


def test_an_unverified_email_is_not_shown_on_a_connection(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    for user, verified, shown in (("s-1", True, "s-1@example.com"), ("s-2", False, None)):
        reply = api.post(CONN, user=user, json_body={"mentorId": mentor_id}, verified=verified)
        assert reply.status == 201
        assert reply.body["student"]["email"] == shown
        listed = api.get(CONN, user="m-1").body["items"]
        assert next(c for c in listed if c["studentId"] == user)["student"]["email"] == shown


def test_put_me_with_a_new_email_makes_it_unverified(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    me = api.put("/api/v1/me", user="s-1", json_body={"email": "ceo@bank.example"}).body
    assert (me["email"], me["emailVerified"]) == ("ceo@bank.example", False)
    same = api.put("/api/v1/me", user="s-2", json_body={"email": "s-2@example.com"}).body
    assert same["emailVerified"] is True
    reply = api.post(CONN, user="s-1", json_body={"mentorId": mentor_id})
    assert reply.body["student"]["email"] is None


def test_a_verified_claim_for_the_stored_email_verifies_it_later(api: Api) -> None:
    assert api.get("/api/v1/me", user="u-1", verified=False).body["emailVerified"] is False
    assert api.get("/api/v1/me", user="u-1", verified=True).body["emailVerified"] is True
    api.put("/api/v1/me", user="u-1", json_body={"email": "other@example.com"})
    # The token vouches for its own email only, not for the one set by hand.
    assert api.get("/api/v1/me", user="u-1", verified=True).body["emailVerified"] is False


def test_the_local_stage_counts_token_emails_as_verified(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.api import resources

    monkeypatch.setattr(resources, "_local_stage", lambda: True)
    assert api.get("/api/v1/me", user="u-1", verified=False).body["emailVerified"] is True


def test_sessions_and_jitsi_show_only_verified_emails(
    api: Api, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentor_id = make_mentor(api, "m-1")  # verified
    api.put("/api/v1/me", user="m-1", json_body={"email": "support@careerforge.example"})
    set_availability(api, "m-1")
    created = api.post(CONN, user="s-1", json_body={"mentorId": mentor_id}, verified=False)
    api.put(f"{CONN}/{created.body['id']}/accept", user="m-1")
    session = book(api, "s-1", mentor_id, "2026-12-02T09:00:00Z").body
    assert session["mentor"]["user"]["email"] is None
    assert session["student"]["email"] is None
    secret = "jitsi-app-secret-of-a-proper-length-32b"
    monkeypatch.setenv("JITSI_APP_ID", "careerforge")
    monkeypatch.setenv("JITSI_APP_SECRET", secret)
    clock.now = START + timedelta(days=1, hours=1)
    for user in ("m-1", "s-1"):
        link = api.put(f"/api/v1/sessions/{session['id']}/start", user=user).body["meetingLink"]
        claims = jwt.decode(
            link.partition("?jwt=")[2],
            secret,
            algorithms=["HS256"],
            audience="jitsi",
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
        assert claims["context"]["user"]["email"] == ""
