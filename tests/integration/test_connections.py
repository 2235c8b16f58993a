"""Connections: request, accept, decline, remove, list, and who may do what."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.store.dynamo import client
from tests.integration.conftest import Api, Calls, connect, make_mentor
from tests.virtual_time import VirtualTime

URL = "/api/v1/connections"


def test_request_creates_a_pending_connection(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1", name="Maya")
    reply = api.post(URL, user="s-1", json_body={"mentorId": mentor_id, "message": "Hello!"})
    assert reply.status == 201
    body = reply.body
    assert body["status"] == "PENDING"
    assert body["mentorId"] == mentor_id
    assert body["studentId"] == "s-1"
    assert body["message"] == "Hello!"
    assert body["createdAt"].endswith("Z")
    assert body["mentor"]["name"] == "Maya"
    assert body["student"] == {"id": "s-1", "name": "User s-1", "email": "s-1@example.com"}


def test_second_request_while_pending_or_accepted_is_409(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    assert api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).status == 201
    again = api.post(URL, user="s-1", json_body={"mentorId": mentor_id})
    assert again.status == 409
    assert again.code == "CONNECTION_EXISTS"


@pytest.mark.parametrize("reason", ["TransactionConflict", "ThrottlingError"])
def test_a_request_refused_for_load_is_a_503_not_a_conflict(
    api: Api, virtual_time: VirtualTime, reason: str
) -> None:
    mentor_id = make_mentor(api, "m-1")
    api.get("/api/v1/me", user="s-1")

    def refuse(**_: object) -> None:
        response: dict[str, Any] = {
            "Error": {"Code": "TransactionCanceledException", "Message": "injected"},
            "CancellationReasons": [{"Code": "None"}, {"Code": reason}],
        }
        raise ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]

    client().meta.events.register("before-call.dynamodb.TransactWriteItems", refuse)
    reply = api.post(URL, user="s-1", json_body={"mentorId": mentor_id})
    assert reply.status == 503
    assert reply.code == "SERVICE_UNAVAILABLE"
    assert reply.headers["Retry-After"] == "1"
    client().meta.events.unregister("before-call.dynamodb.TransactWriteItems", refuse)
    assert api.get(URL, user="s-1").body["items"] == []


def test_connecting_to_oneself_is_400(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    reply = api.post(URL, user="m-1", json_body={"mentorId": mentor_id})
    assert reply.status == 400
    assert reply.code == "CANNOT_CONNECT_TO_SELF"


def test_unknown_mentor_is_404(api: Api) -> None:
    reply = api.post(URL, user="s-1", json_body={"mentorId": "does-not-exist"})
    assert reply.status == 404


def test_client_cannot_choose_status_or_student(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    reply = api.post(
        URL,
        user="s-1",
        json_body={"mentorId": mentor_id, "status": "ACCEPTED", "studentId": "s-2"},
    )
    assert reply.status == 400
    assert sorted(e["field"] for e in reply.body["errors"]) == ["status", "studentId"]


def test_mentor_accepts_and_both_sides_see_it(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    conn_id = connect(api, "s-1", "m-1", mentor_id)
    for user in ("m-1", "s-1"):
        listed = api.get(URL, user=user).body["items"]
        assert [(c["id"], c["status"]) for c in listed] == [(conn_id, "ACCEPTED")]
        assert api.get(f"{URL}/{conn_id}", user=user).body["status"] == "ACCEPTED"


def test_only_the_mentor_accepts_or_declines(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    conn_id = api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    for action in ("accept", "decline"):
        by_student = api.put(f"{URL}/{conn_id}/{action}", user="s-1")
        assert by_student.status == 403
        assert by_student.code == "FORBIDDEN"
        by_stranger = api.put(f"{URL}/{conn_id}/{action}", user="x-1")
        assert by_stranger.status == 404
    assert api.get(f"{URL}/{conn_id}", user="x-1").status == 404
    assert api.get(f"{URL}/{conn_id}", user="s-1").body["status"] == "PENDING"


def test_decline_then_a_new_request_is_allowed(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    first = api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    assert api.put(f"{URL}/{first}/decline", user="m-1").body["status"] == "DECLINED"
    assert api.put(f"{URL}/{first}/accept", user="m-1").status == 409
    second = api.post(URL, user="s-1", json_body={"mentorId": mentor_id})
    assert second.status == 201
    assert second.body["id"] != first


def test_either_side_removes_and_remove_twice_is_409(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    by_student = connect(api, "s-1", "m-1", mentor_id)
    assert api.put(f"{URL}/{by_student}/remove", user="s-1").body["status"] == "REMOVED"
    again = api.put(f"{URL}/{by_student}/remove", user="m-1")
    assert again.status == 409
    assert again.code == "INVALID_STATE"
    by_mentor = connect(api, "s-1", "m-1", mentor_id)
    assert api.put(f"{URL}/{by_mentor}/remove", user="m-1").body["status"] == "REMOVED"


def test_an_old_connection_cannot_be_revived_behind_a_new_one(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    old = api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    api.put(f"{URL}/{old}/decline", user="m-1")
    new = api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    assert api.put(f"{URL}/{old}/remove", user="s-1").status == 409
    assert api.get(f"{URL}/{new}", user="s-1").body["status"] == "PENDING"


def test_list_merges_both_roles_newest_first_and_pages(api: Api) -> None:
    # u-1 is a mentor to three students and a student of two mentors.
    mine = make_mentor(api, "u-1")
    others = [make_mentor(api, f"m-{n}") for n in range(2)]
    ids = []
    for n in range(3):
        ids.append(api.post(URL, user=f"s-{n}", json_body={"mentorId": mine}).body["id"])
    for other in others:
        ids.append(api.post(URL, user="u-1", json_body={"mentorId": other}).body["id"])
    seen: list[str] = []
    cursor = None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = api.get(URL + query, user="u-1").body
        assert len(page["items"]) <= 2
        seen += [c["id"] for c in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen))
    as_mentor = api.get(URL + "?role=mentor", user="u-1").body["items"]
    assert {c["mentorId"] for c in as_mentor} == {mine}
    as_student = api.get(URL + "?role=student", user="u-1").body["items"]
    assert {c["studentId"] for c in as_student} == {"u-1"}
    assert len(as_student) == 2


def test_a_cursor_of_one_listing_is_refused_by_another(api: Api) -> None:
    mine = make_mentor(api, "u-1")
    for n in range(3):
        api.post(URL, user=f"s-{n}", json_body={"mentorId": mine})
    cursor = api.get(URL + "?limit=1", user="u-1").body["nextCursor"]
    assert api.get(URL + f"?limit=1&cursor={cursor}", user="s-0").status == 400
    assert api.get(URL + f"?limit=1&role=mentor&cursor={cursor}", user="u-1").status == 400


def test_bad_role_is_400(api: Api) -> None:
    reply = api.get(URL + "?role=admin", user="u-1")
    assert reply.status == 400
    assert reply.body["errors"][0]["field"] == "role"


def test_round_trips_are_bounded(api: Api, calls: Calls) -> None:
    mentor_id = make_mentor(api, "m-1")
    api.get("/api/v1/me", user="s-1")
    calls.reset()
    created = api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    assert calls.operations == ["BatchGetItem", "TransactWriteItems"]
    calls.reset()
    api.put(f"{URL}/{created}/accept", user="m-1")
    assert calls.operations == ["GetItem", "TransactWriteItems"]
    calls.reset()
    api.get(URL, user="m-1")
    assert calls.operations == ["Query", "Query"]


# --- blocking --------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["PENDING", "ACCEPTED", "DECLINED", "REMOVED"])
def test_a_blocked_student_cannot_ask_again(api: Api, status: str) -> None:
    mentor_id = make_mentor(api, "m-1")
    conn_id = api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    action = {"ACCEPTED": "accept", "DECLINED": "decline", "REMOVED": "remove"}.get(status)
    if action:
        assert api.put(f"{URL}/{conn_id}/{action}", user="m-1").body["status"] == status
    blocked = api.put(f"{URL}/{conn_id}/block", user="m-1")
    assert blocked.status == 200, blocked.body
    assert blocked.body["status"] == "BLOCKED"
    for _ in range(2):
        again = api.post(URL, user="s-1", json_body={"mentorId": mentor_id})
        assert again.status == 403
        assert again.code == "CONNECTION_BLOCKED"
        assert "BLOCKED" not in again.body["detail"]
    assert [c["status"] for c in api.get(URL, user="s-1").body["items"]] == ["BLOCKED"]
    # Others are not affected.
    assert api.post(URL, user="s-2", json_body={"mentorId": mentor_id}).status == 201


def test_a_blocked_connection_cannot_be_booked_or_revived(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    conn_id = connect(api, "s-1", "m-1", mentor_id)
    assert api.put(f"{URL}/{conn_id}/block", user="m-1").status == 200
    for action in ("accept", "decline", "remove", "block"):
        reply = api.put(f"{URL}/{conn_id}/{action}", user="m-1")
        assert reply.status == 409, action
        assert reply.code == "INVALID_STATE"
    assert api.put(f"{URL}/{conn_id}/remove", user="s-1").status == 409


def test_only_the_mentor_blocks_and_unblocks(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    conn_id = api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    for action in ("block", "unblock"):
        assert api.put(f"{URL}/{conn_id}/{action}", user="s-1").code == "FORBIDDEN"
        assert api.put(f"{URL}/{conn_id}/{action}", user="x-1").status == 404
    assert api.get(f"{URL}/{conn_id}", user="s-1").body["status"] == "PENDING"


def test_unblock_ends_the_block_and_the_student_may_ask_again(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    conn_id = api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    assert api.put(f"{URL}/{conn_id}/unblock", user="m-1").code == "INVALID_STATE"
    api.put(f"{URL}/{conn_id}/block", user="m-1")
    unblocked = api.put(f"{URL}/{conn_id}/unblock", user="m-1")
    assert unblocked.status == 200
    assert unblocked.body["status"] == "REMOVED"
    assert api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).status == 201


def test_an_old_connection_cannot_be_blocked_behind_a_new_one(api: Api) -> None:
    mentor_id = make_mentor(api, "m-1")
    old = api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    api.put(f"{URL}/{old}/decline", user="m-1")
    new = api.post(URL, user="s-1", json_body={"mentorId": mentor_id}).body["id"]
    assert api.put(f"{URL}/{old}/block", user="m-1").code == "INVALID_STATE"
    assert api.put(f"{URL}/{new}/block", user="m-1").body["status"] == "BLOCKED"


def test_the_block_holds_against_racing_requests(api: Api, atomic_moto: None) -> None:
    mentor_id = make_mentor(api, "m-1")
    for n in range(3):
        student = f"s-{n}"
        first = api.post(URL, user=student, json_body={"mentorId": mentor_id}).body["id"]
        api.put(f"{URL}/{first}/decline", user="m-1")
        api.get("/api/v1/me", user=student)
        with ThreadPoolExecutor(max_workers=4) as pool:
            blocking = pool.submit(api.put, f"{URL}/{first}/block", user="m-1")
            asking = [
                pool.submit(api.post, URL, user=student, json_body={"mentorId": mentor_id})
                for _ in range(3)
            ]
        block, asks = blocking.result(), [f.result() for f in asking]
        created = [r for r in asks if r.status == 201]
        assert len(created) <= 1
        refused = {r.code for r in asks if r.status != 201}
        assert refused <= {"CONNECTION_BLOCKED", "CONNECTION_EXISTS"}
        status_of = {c["id"]: c["status"] for c in api.get(URL, user=student).body["items"]}
        if block.status == 200:
            # The block committed before every request that could have got through: none did.
            assert created == []
            assert status_of == {first: "BLOCKED"}
        else:
            # A request committed first, so the block aimed at a connection no longer the latest.
            assert block.code == "INVALID_STATE"
            assert [status_of[r.body["id"]] for r in created] == ["PENDING"]
            assert status_of[first] == "DECLINED"
