"""People and connections over HTTP against the running stack."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import jwt

from chalicelib.config import LOCAL_JWT_SECRET
from chalicelib.demo import MENTOR, MENTOR_PROFILE_ID, STUDENT
from tests.e2e.conftest import Http


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def new_mentor(http: Http) -> tuple[str, str]:
    user = unique("mentor")
    token = http.token(user)
    reply = http.call(
        "PUT",
        "/mentors/me",
        token=token,
        body={"company": "Acme", "jobTitle": "Engineer", "timezone": "America/New_York"},
    )
    assert reply.status_code == 200, reply.text
    return token, reply.json()["id"]


def test_health_and_me_with_the_demo_token(http: Http) -> None:
    assert http.call("GET", "/health").json()["status"] == "ok"
    me = http.call("GET", "/me", token=http.token(STUDENT.user_id))
    assert me.status_code == 200
    assert me.json()["id"] == STUDENT.user_id
    assert me.json()["name"] == STUDENT.name


def test_demo_data_has_a_mentor_and_an_accepted_connection(http: Http) -> None:
    mentor = http.call("GET", f"/mentors/{MENTOR_PROFILE_ID}").json()
    assert mentor["userId"] == MENTOR.user_id
    items = http.call("GET", "/connections", token=http.token(STUDENT.user_id)).json()["items"]
    assert any(c["mentorId"] == MENTOR_PROFILE_ID and c["status"] == "ACCEPTED" for c in items)


def test_private_routes_refuse_missing_bad_and_expired_tokens(http: Http) -> None:
    assert http.call("GET", "/me").status_code == 401
    garbage = http.call("GET", "/me", headers={"Authorization": "Bearer nonsense"})
    assert garbage.status_code == 401
    assert garbage.headers["Content-Type"] == "application/problem+json"
    now = int(time.time())
    expired = jwt.encode({"sub": "x", "exp": now - 60}, LOCAL_JWT_SECRET, algorithm="HS256")
    assert http.call("GET", "/me", token=expired).status_code == 401
    forged = jwt.encode({"sub": "x", "exp": now + 60}, "not-the-secret-" * 3, algorithm="HS256")
    assert http.call("GET", "/connections", token=forged).status_code == 401


def test_profile_and_directory(http: Http) -> None:
    token, mentor_id = new_mentor(http)
    assert http.call("PUT", "/me", token=token, body={"name": "Zed Zebra"}).status_code == 200
    public = http.call("GET", f"/mentors/{mentor_id}").json()
    assert public["name"] == "Zed Zebra"
    assert public["timezone"] == "America/New_York"
    assert http.call("GET", "/mentors/no-such-mentor").status_code == 404
    page = http.call("GET", "/mentors?limit=100").json()
    assert mentor_id in [m["id"] for m in page["items"]]
    bad = http.call("PUT", "/mentors/me", token=token, body={"company": "x", "stats": {}})
    assert bad.status_code == 400
    assert bad.json()["code"] == "VALIDATION_ERROR"


def test_connection_lifecycle_with_403_and_404(http: Http) -> None:
    mentor_token, mentor_id = new_mentor(http)
    student = http.token(unique("student"))
    stranger = http.token(unique("stranger"))
    created = http.call("POST", "/connections", token=student, body={"mentorId": mentor_id})
    assert created.status_code == 201
    conn_id = created.json()["id"]
    assert http.call("PUT", f"/connections/{conn_id}/accept", token=student).status_code == 403
    assert http.call("PUT", f"/connections/{conn_id}/accept", token=stranger).status_code == 404
    assert http.call("GET", f"/connections/{conn_id}", token=stranger).status_code == 404
    accepted = http.call("PUT", f"/connections/{conn_id}/accept", token=mentor_token)
    assert accepted.json()["status"] == "ACCEPTED"
    mentor_view = http.call("GET", "/connections?role=mentor", token=mentor_token).json()
    assert [c["id"] for c in mentor_view["items"]] == [conn_id]
    removed = http.call("PUT", f"/connections/{conn_id}/remove", token=student)
    assert removed.json()["status"] == "REMOVED"
    again = http.call("PUT", f"/connections/{conn_id}/remove", token=mentor_token)
    assert again.status_code == 409
    assert again.json()["code"] == "INVALID_STATE"


def test_concurrent_requests_for_one_pair_create_one_connection(http: Http) -> None:
    _, mentor_id = new_mentor(http)
    student = http.token(unique("student"))

    def ask(_: int) -> int:
        body = {"mentorId": mentor_id}
        return http.call("POST", "/connections", token=student, body=body).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(ask, range(16)))
    assert sorted(codes) == [201] + [409] * 15
    listed = http.call("GET", "/connections", token=student).json()["items"]
    assert len(listed) == 1


def test_concurrent_profile_creation_makes_one_mentor(http: Http) -> None:
    token = http.token(unique("racer"))
    body = {"company": "Acme", "jobTitle": "Engineer", "timezone": "UTC"}

    def create(_: int) -> str:
        reply = http.call("PUT", "/mentors/me", token=token, body=body)
        assert reply.status_code == 200, reply.text
        return str(reply.json()["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(create, range(8)))
    assert len(ids) == 1
    assert http.call("GET", "/me", token=token).json()["mentorId"] in ids
