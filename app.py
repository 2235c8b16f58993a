"""CareerForge Sessions: the Chalice app. Wiring only; the rules live in chalicelib."""

from __future__ import annotations

import os

from chalice.app import AuthRequest, AuthResponse, Chalice, CloudWatchEvent, CORSConfig, Cron, Rate

from chalicelib import jobs
from chalicelib.api import auth, views
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
routes.add("GET", f"{V1}/health", views.health, public=True)
routes.add("GET", f"{V1}/me", views.get_me)
routes.add("PUT", f"{V1}/me", views.put_me)
routes.add("GET", f"{V1}/mentors/me", views.get_my_mentor_profile)
routes.add("PUT", f"{V1}/mentors/me", views.put_my_mentor_profile)
routes.add("GET", f"{V1}/mentors", views.list_mentors, public=True)
routes.add("GET", f"{V1}/mentors/{{mentor_id}}", views.get_mentor, public=True)
routes.add("POST", f"{V1}/connections", views.create_connection, status=201)
routes.add("GET", f"{V1}/connections", views.list_connections)
routes.add("GET", f"{V1}/connections/{{connection_id}}", views.get_connection)
routes.add("PUT", f"{V1}/connections/{{connection_id}}/accept", views.accept_connection)
routes.add("PUT", f"{V1}/connections/{{connection_id}}/decline", views.decline_connection)
routes.add("PUT", f"{V1}/connections/{{connection_id}}/remove", views.remove_connection)
routes.add("POST", f"{V1}/sessions/availability", views.set_availability)
routes.add("GET", f"{V1}/sessions/availability/{{mentor_id}}", views.get_availability, public=True)
routes.add("POST", f"{V1}/sessions/book", views.book_session, status=201)
routes.add("GET", f"{V1}/sessions/my-sessions", views.my_sessions)
routes.add("GET", f"{V1}/sessions/{{session_id}}", views.get_session)
routes.add("PUT", f"{V1}/sessions/{{session_id}}/start", views.start_session)
routes.add("PUT", f"{V1}/sessions/{{session_id}}/cancel", views.cancel_session)
routes.add("PUT", f"{V1}/sessions/{{session_id}}/reschedule", views.reschedule_session)
routes.add("PUT", f"{V1}/sessions/{{session_id}}/complete", views.complete_session)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def finalize_sessions(event: CloudWatchEvent) -> dict[str, object]:
    return jobs.run_finalize(remaining=jobs.remaining_of(event.context))


@app.schedule(Cron(30, 3, "*", "*", "?", "*"))
def recalculate_mentor_stats(event: CloudWatchEvent) -> dict[str, object]:
    return jobs.run_recalculate(remaining=jobs.remaining_of(event.context))
