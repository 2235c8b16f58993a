"""Route registration, request parsing and the error boundary.

Every view runs inside :func:`_guarded`, so a domain error becomes its
problem response, and nothing a client sends can surface as a bare 500.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from chalice.app import Chalice, ChaliceAuthorizer, CORSConfig, Request, Response
from msgspec import Struct
from pydantic import BaseModel, ValidationError

from chalicelib.api.lazy import LazyView
from chalicelib.api.problems import (
    HttpProblem,
    from_domain_error,
    from_http_problem,
    internal_error,
    reshape_framework_error,
    status_of,
)
from chalicelib.budget import time_budget
from chalicelib.config import settings
from chalicelib.domain.errors import DomainError, FieldError, NotFound, ValidationFailed
from chalicelib.logs import access, request_scope

MAX_BODY_BYTES = 64 * 1024
View = Callable[..., BaseModel | Response]


def parse_body[M: BaseModel](request: Request, model: type[M], *, optional: bool = False) -> M:
    """The request's JSON body as ``model``.

    Chalice answers a media type other than JSON with 415 before the view
    runs, and the middleware refuses bodies over 64 KiB. With ``optional``,
    no body at all means an empty object.

    Raises:
        ValidationFailed: malformed JSON or a body that breaks the schema.
    """
    raw = request.raw_body or b""
    if optional and not raw.strip():
        return model.model_validate({})
    if not raw.strip():
        raise ValidationFailed(
            "A JSON body is required.", [FieldError("body", "a JSON object is required")]
        )
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise _validation_failed(exc, "body") from exc


def parse_query[M: BaseModel](request: Request, model: type[M]) -> M:
    """The query string as ``model`` (each parameter at most once)."""
    params = request.query_params
    if params is None:
        return model.model_validate({})
    repeated = [k for k in params if len(params.getlist(k)) > 1]
    if repeated:
        raise ValidationFailed(
            "A query parameter was given more than once.",
            [FieldError(k, "give this parameter once", "query") for k in repeated],
        )
    try:
        return model.model_validate(dict(params))
    except ValidationError as exc:
        raise _validation_failed(exc, "query") from exc


def _validation_failed(exc: ValidationError, location: str) -> ValidationFailed:
    fields = []
    for err in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(p) for p in err["loc"]) or location
        fields.append(FieldError(path, err["msg"], location))
    return ValidationFailed("The request is not valid.", fields)


def path_id(value: str) -> str:
    """A path id as it may be stored; anything else cannot exist (404, never a 500)."""
    if not value or len(value) > 64 or not all(c.isalnum() or c in "-_" for c in value):
        raise NotFound("No such resource.")
    return value


def to_response(result: BaseModel | Response, status: int) -> Response:
    if isinstance(result, Response):
        return result
    return Response(
        body=result.model_dump_json(by_alias=True),
        status_code=status,
        headers={"Content-Type": "application/json"},
    )


def _guarded(spec: RouteSpec, bind: Callable[[], Any]) -> Callable[..., Response]:
    def run(**path: str) -> Response:
        try:
            view = spec.resolve()
            with time_budget(settings().request_budget_seconds):
                return to_response(view(bind(), **path), contract_of(view).status)
        except DomainError as exc:
            return from_domain_error(exc)
        except HttpProblem as exc:
            return from_http_problem(exc)
        except Exception:
            return internal_error()

    run.__name__ = run.__qualname__ = spec.name
    return run


class Fails(Struct, frozen=True):
    """One way a view can fail: the status, the problem ``code`` and when it is answered."""

    status: int
    code: str
    when: str


def fails(error: type[DomainError], when: str, *, code: str | None = None) -> Fails:
    """A :class:`Fails` for a domain error class (``code`` for an ``InvalidRequest``'s own)."""
    return Fails(status_of(error), code or error.code, when)


# Request and response examples are JSON values, written as Python literals next to the view.
Example = Mapping[str, Any]


class Contract(Struct, frozen=True):
    """What a view reads and answers, as the OpenAPI document describes it.

    ``errors`` lists the failures particular to the view; the document adds the
    ones that follow from the rest of the contract (a body or query can be
    invalid, a path id unknown, a token bad, the store unavailable).
    ``store`` says whether the view reads or writes the table, and so can
    answer 503 when DynamoDB does not.
    """

    status: int = 200
    body: type[BaseModel] | None = None
    optional_body: bool = False
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    headers: tuple[str, ...] = ()
    errors: tuple[Fails, ...] = ()
    store: bool = True
    media_type: str = "application/json"
    request_example: Example | None = None
    response_example: Example | None = None
    tag: str | None = None


V = TypeVar("V", bound=View)


def endpoint(
    *,
    status: int = 200,
    body: type[BaseModel] | None = None,
    optional_body: bool = False,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    headers: tuple[str, ...] = (),
    errors: tuple[Fails, ...] = (),
    store: bool = True,
    media_type: str = "application/json",
    request_example: Example | None = None,
    response_example: Example | None = None,
    tag: str | None = None,
) -> Callable[[V], V]:
    """Declare a view's :class:`Contract` next to the view, where its models are imported."""
    contract = Contract(
        status,
        body,
        optional_body,
        query,
        response,
        headers,
        errors,
        store,
        media_type,
        request_example,
        response_example,
        tag,
    )

    def declare(view: V) -> V:
        setattr(view, "__contract__", contract)  # noqa: B010 - mypy: no such attribute
        return view

    return declare


def contract_of(view: View) -> Contract:
    found = getattr(view, "__contract__", None)
    return found if isinstance(found, Contract) else Contract()


class RouteSpec(Struct, frozen=True):
    """A registered route: where it is, who may call it, and the view that answers."""

    method: str
    path: str
    view: View | LazyView
    public: bool = False

    @property
    def name(self) -> str:
        return self.view.name if isinstance(self.view, LazyView) else self.view.__name__

    def resolve(self) -> View:
        return self.view.resolve() if isinstance(self.view, LazyView) else self.view

    @property
    def contract(self) -> Contract:
        return contract_of(self.resolve())


class Routes:
    """Registers views on a Chalice app with the authorizer, CORS and the error boundary."""

    def __init__(
        self,
        app: Chalice,
        authorizer: ChaliceAuthorizer,
        cors: CORSConfig,
        bind: Callable[[Request], Any],
    ) -> None:
        """``bind`` turns the current request into the first argument of every view."""
        self._app = app
        self._authorizer = authorizer
        self._cors = cors
        self._bind = bind
        self.specs: list[RouteSpec] = []

    def _bound(self) -> Any:
        request = self._app.current_request
        assert request is not None  # Chalice sets it before any view runs
        return self._bind(request)

    def add(self, method: str, path: str, view: View | LazyView, *, public: bool = False) -> None:
        """Register ``view`` (its :func:`endpoint` contract is read when it is first served)."""
        spec = RouteSpec(method, path, view, public)
        self.specs.append(spec)
        options: dict[str, Any] = {"methods": [method], "cors": self._cors, "name": spec.name}
        if not public:
            options["authorizer"] = self._authorizer
        self._app.route(path, **options)(_guarded(spec, self._bound))


def problem_middleware(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Log the request; refuse oversized bodies; reshape the framework's own errors.

    Chalice answers some requests itself (405, 415); those become problem+json here.
    """
    context = event.context or {}
    caller_id = (context.get("authorizer") or {}).get("principalId")
    request_id = context.get("requestId") or getattr(event.lambda_context, "aws_request_id", None)
    with request_scope(request_id, caller_id):
        return access(
            event.method, context.get("resourcePath", ""), lambda: _answer(event, get_response)
        )


def _answer(event: Request, get_response: Callable[[Request], Response]) -> Response:
    if len(event.raw_body or b"") > MAX_BODY_BYTES:
        return from_http_problem(
            HttpProblem(413, "PAYLOAD_TOO_LARGE", f"The body exceeds {MAX_BODY_BYTES} bytes.")
        )
    return reshape_framework_error(get_response(event))
