"""CareerForge Sessions: the Chalice app. Wiring only; the rules live in chalicelib."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

# A cold start allocates ~100,000 long-lived objects (botocore, pydantic, this
# app), and the cyclic collector would scan them over and over as they pile up:
# ~25 ms of every cold start. It is off while the app is built; the objects
# are then frozen out of its reach and it is switched back on (see the end).
gc.disable()

from chalice.app import AuthRequest, AuthResponse, Chalice, CloudWatchEvent, CORSConfig, Cron, Rate

from chalicelib.api import auth, docs_page, openapi, views
from chalicelib.api.context import RequestContext
from chalicelib.api.http import Routes, problem_middleware
from chalicelib.config import require_safe_auth, settings

# A stage that could accept tokens it should not (a shared secret outside the
# local and test stages, the local stage inside Lambda, a deployed stage without
# an issuer and audience or client id) does not start at all.
require_safe_auth(settings())

app = Chalice(app_name="careerforge-sessions")
app.register_middleware(problem_middleware, "http")


@app.authorizer()
def jwt_auth(auth_request: AuthRequest) -> AuthResponse:
    return auth.authorize(auth_request)


# CORS is route metadata that API Gateway needs at deployment, so it is the one
# setting read when the app is imported (locally: the web client's origin only).
cors = CORSConfig(
    allow_origin=settings().cors_origin,
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
    max_age=600,
)
routes = Routes(app, jwt_auth, cors, RequestContext.live)

V1 = "/api/v1"
if TYPE_CHECKING:
    # What mypy, an editor and a reader follow: each route's view function.
    from chalicelib.api.resources import availability, connections, people, sessions
else:
    # What runs: a resource module loads with its first request, so a cold Lambda
    # builds only the models of the route it serves (chalicelib/api/lazy.py).
    from chalicelib.api.lazy import LazyModule

    people = LazyModule("chalicelib.api.resources.people")
    connections = LazyModule("chalicelib.api.resources.connections")
    availability = LazyModule("chalicelib.api.resources.availability")
    sessions = LazyModule("chalicelib.api.resources.sessions")

routes.add("GET", f"{V1}/health", views.health, public=True)
routes.add("GET", f"{V1}/me", people.get_me)
routes.add("PUT", f"{V1}/me", people.put_me)
routes.add("GET", f"{V1}/mentors/me", people.get_my_mentor_profile)
routes.add("PUT", f"{V1}/mentors/me", people.put_my_mentor_profile)
routes.add("GET", f"{V1}/mentors", people.list_mentors, public=True)
routes.add("GET", f"{V1}/mentors/{{mentor_id}}", people.get_mentor, public=True)
routes.add("POST", f"{V1}/connections", connections.create_connection)
routes.add("GET", f"{V1}/connections", connections.list_connections)
CONNECTION = f"{V1}/connections/{{connection_id}}"
routes.add("GET", CONNECTION, connections.get_connection)
routes.add("PUT", f"{CONNECTION}/accept", connections.accept_connection)
routes.add("PUT", f"{CONNECTION}/decline", connections.decline_connection)
routes.add("PUT", f"{CONNECTION}/remove", connections.remove_connection)
routes.add("PUT", f"{CONNECTION}/block", connections.block_connection)
routes.add("PUT", f"{CONNECTION}/unblock", connections.unblock_connection)
routes.add("POST", f"{V1}/sessions/availability", availability.set_availability)
routes.add(
    "GET", f"{V1}/sessions/availability/{{mentor_id}}", availability.get_availability, public=True
)
routes.add("POST", f"{V1}/sessions/book", sessions.book_session)
routes.add("GET", f"{V1}/sessions/my-sessions", sessions.my_sessions)
SESSION = f"{V1}/sessions/{{session_id}}"
routes.add("GET", SESSION, sessions.get_session)
routes.add("PUT", f"{SESSION}/start", sessions.start_session)
routes.add("PUT", f"{SESSION}/cancel", sessions.cancel_session)
routes.add("PUT", f"{SESSION}/reschedule", sessions.reschedule_session)
routes.add("PUT", f"{SESSION}/complete", sessions.complete_session)
routes.add("GET", f"{V1}/openapi.json", openapi.view_for(routes.specs), public=True)
# The API reference page (Swagger UI) and its files, all served by this API.
routes.add("GET", f"{V1}/docs", docs_page.api_reference, public=True)
routes.add("GET", f"{V1}/docs/{{asset}}", docs_page.api_reference_asset, public=True)
if settings().stage == "local":
    # The local sign-in page's token source; no other stage has the route at all.
    routes.add("POST", f"{V1}/dev/token", views.local_token, public=True)


# Everything built so far lives as long as the process: out of the collector's
# sight for good, so later collections stay short too.
gc.freeze()
gc.enable()


@app.schedule(Rate(15, unit=Rate.MINUTES))
def finalize_sessions(event: CloudWatchEvent) -> dict[str, object]:
    from chalicelib import jobs

    return jobs.run_finalize(remaining=jobs.remaining_of(event.context))


@app.schedule(Cron(30, 3, "*", "*", "?", "*"))
def recalculate_mentor_stats(event: CloudWatchEvent) -> dict[str, object]:
    from chalicelib import jobs

    return jobs.run_recalculate(remaining=jobs.remaining_of(event.context))
