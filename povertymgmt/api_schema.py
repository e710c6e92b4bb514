"""The error answers of every operation in the OpenAPI schema (issue 12 item 9): a drf-spectacular
postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) that adds the `Error` and
`ValidationError` components of povertymgmt.api_errors and, to each operation, the answers it may give:
400 where it takes a body or query parameters, 401 and 403 where it needs a signed-in user, 404 where its
path names a record, 413 where it takes a body, 429 and 503 (with Retry-After) everywhere."""

from django.utils.translation import gettext_lazy as _

WRITES = {"post", "put", "patch", "delete"}
METHODS = WRITES | {"get", "head", "options", "trace"}

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"


def _components() -> dict:
    code = {"type": "string", "description": str(_("A stable code of the error, for programs."))}
    detail = {"type": "string", "description": str(_("What went wrong, in the user's language."))}
    return {
        ERROR: {
            "type": "object",
            "description": str(_("An error: its message and its code.")),
            "properties": {"detail": detail, "code": code},
            "required": ["detail", "code"],
        },
        VALIDATION_ERROR: {
            "type": "object",
            "description": str(
                _(
                    "Invalid input: `detail` and `code`, and the errors of each field under the field's name (a "
                    "list of messages; an object for a nested field or the items of a list)."
                )
            ),
            "properties": {"detail": detail, "code": code},
            "required": ["detail", "code"],
            "additionalProperties": {"oneOf": [{"type": "array", "items": {}}, {"type": "object"}]},
        },
    }


def _retry_after() -> dict:
    return {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": str(_("Seconds to wait before trying again.")),
        }
    }


def _answers(path: str, method: str, operation: dict) -> dict[str, tuple[str, object, dict]]:
    """status → (component, description, headers) of the errors this operation may answer."""
    parameters = operation.get("parameters", [])
    takes_body = "requestBody" in operation
    answers: dict[str, tuple[str, object, dict]] = {}
    if method in WRITES or any(p.get("in") == "query" for p in parameters):
        answers["400"] = (VALIDATION_ERROR, _("Invalid input; the errors are under the names of the fields."), {})
    if operation.get("security"):
        answers["401"] = (ERROR, _("Not signed in, or the API token is unknown or has expired."), {})
        answers["403"] = (ERROR, _("The user's role may not do this."), {})
    if "{" in path:
        answers["404"] = (ERROR, _("Unknown, or outside the user's scope."), {})
    elif any(p.get("in") == "query" and p.get("name") == "page" for p in parameters):
        answers["404"] = (ERROR, _("There is no page of this number."), {})
    if takes_body:
        answers["413"] = (ERROR, _("The request body is too large"), {})
    answers["429"] = (ERROR, _("Too many requests; try again after the seconds in Retry-After."), _retry_after())
    answers["503"] = (
        ERROR,
        _("The database is busy (a lock or a time limit); try again after the seconds in Retry-After."),
        _retry_after(),
    )
    return answers


def document_error_responses(result: dict, generator, request, public) -> dict:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.update(_components())
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status_code, (component, description, headers) in _answers(path, method, operation).items():
                response = responses.setdefault(status_code, {"description": str(description)})
                if not response.get("description"):
                    response["description"] = str(description)
                response.setdefault(
                    "content", {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}
                )
                if headers:
                    response.setdefault("headers", headers)
    return result
