"""CareerForge Sessions: the Chalice app. Wiring only; the rules live in chalicelib."""

from __future__ import annotations

import os

from chalice.app import AuthRequest, AuthResponse, Chalice, CloudWatchEvent, CORSConfig, Cron, Rate

from chalicelib.api import auth, models, openapi, views
from chalicelib.api.http import Routes, problem_middleware
from chalicelib.config import require_safe_auth, settings

# A deployed stage that could accept locally minted tokens does not start at all.
require_safe_auth(settings())

app = Chalice(app_name="careerforge-sessions")
app.register_middleware(problem_middleware, "http")


@app.authorizer()
def jwt_auth(auth_request: AuthRequest) -> AuthResponse:
    return auth.authorize(auth_request)


# CORS is route metadata that API Gateway needs at deployment, so it is the one
# setting read when the app is imported.
cors = CORSConfig(
    allow_origin=os.environ.get("CORS_ALLOW_ORIGIN", "*"),
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
    max_age=600,
)
routes = Routes(app, jwt_auth, cors, views.Views.live)

V1 = "/api/v1"
M = models
routes.add("GET", f"{V1}/health", views.health, public=True, response=M.Health)
routes.add("GET", f"{V1}/me", views.get_me, response=M.UserOut)
routes.add("PUT", f"{V1}/me", views.put_me, body=M.MeUpdate, response=M.UserOut)
routes.add("GET", f"{V1}/mentors/me", views.get_my_mentor_profile, response=M.MentorOut)
routes.add(
    "PUT", f"{V1}/mentors/me", views.put_my_mentor_profile, body=M.MentorProfileIn,
    response=M.MentorOut,
)  # fmt: skip
routes.add(
    "GET", f"{V1}/mentors", views.list_mentors, public=True, query=M.PageQuery,
    response=M.PageOut[M.MentorOut],
)  # fmt: skip
routes.add(
    "GET", f"{V1}/mentors/{{mentor_id}}", views.get_mentor, public=True, response=M.MentorOut
)
routes.add(
    "POST", f"{V1}/connections", views.create_connection, status=201, body=M.ConnectionIn,
    response=M.ConnectionOut,
)  # fmt: skip
routes.add(
    "GET", f"{V1}/connections", views.list_connections, query=M.ConnectionsQuery,
    response=M.PageOut[M.ConnectionOut],
)  # fmt: skip
CONNECTION = f"{V1}/connections/{{connection_id}}"
routes.add("GET", CONNECTION, views.get_connection, response=M.ConnectionOut)
routes.add("PUT", f"{CONNECTION}/accept", views.accept_connection, response=M.ConnectionOut)
routes.add("PUT", f"{CONNECTION}/decline", views.decline_connection, response=M.ConnectionOut)
routes.add("PUT", f"{CONNECTION}/remove", views.remove_connection, response=M.ConnectionOut)
routes.add(
    "POST", f"{V1}/sessions/availability", views.set_availability, body=M.AvailabilityIn,
    response=M.AvailabilityOut,
)  # fmt: skip
routes.add(
    "GET", f"{V1}/sessions/availability/{{mentor_id}}", views.get_availability, public=True,
    query=M.AvailabilityQuery, response=M.AvailabilitySlotsOut,
)  # fmt: skip
routes.add(
    "POST", f"{V1}/sessions/book", views.book_session, status=201, body=M.BookIn,
    response=M.SessionOut, headers=("Idempotency-Key",),
)  # fmt: skip
routes.add(
    "GET", f"{V1}/sessions/my-sessions", views.my_sessions, query=M.SessionsQuery,
    response=M.PageOut[M.SessionOut],
)  # fmt: skip
SESSION = f"{V1}/sessions/{{session_id}}"
routes.add("GET", SESSION, views.get_session, response=M.SessionOut)
routes.add("PUT", f"{SESSION}/start", views.start_session, response=M.SessionOut)
routes.add("PUT", f"{SESSION}/cancel", views.cancel_session, body=M.CancelIn, response=M.SessionOut)
routes.add(
    "PUT", f"{SESSION}/reschedule", views.reschedule_session, body=M.RescheduleIn,
    response=M.SessionOut,
)  # fmt: skip
routes.add(
    "PUT", f"{SESSION}/complete", views.complete_session, body=M.CompleteIn, optional_body=True,
    response=M.SessionOut,
)  # fmt: skip
routes.add("GET", f"{V1}/openapi.json", openapi.view_for(routes.specs), public=True)
if settings().stage == "local":
    # The local sign-in page's token source; no other stage has the route at all.
    routes.add(
        "POST", f"{V1}/dev/token", views.local_token, public=True, body=M.LocalTokenIn,
        response=M.LocalTokenOut,
    )  # fmt: skip


@app.schedule(Rate(15, unit=Rate.MINUTES))
def finalize_sessions(event: CloudWatchEvent) -> dict[str, object]:
    from chalicelib import jobs

    return jobs.run_finalize(remaining=jobs.remaining_of(event.context))


@app.schedule(Cron(30, 3, "*", "*", "?", "*"))
def recalculate_mentor_stats(event: CloudWatchEvent) -> dict[str, object]:
    from chalicelib import jobs

    return jobs.run_recalculate(remaining=jobs.remaining_of(event.context))
