"""Connections: request, accept, decline, remove, list, and who may do what."""

from __future__ import annotations

from tests.integration.conftest import Api, Calls, connect, make_mentor

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
