"""OpenAPI additions: every operation documents the error answers it can give, in our error shape."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            # A list of messages per field; a list or nested field has them per item/key.
            "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]},
            "description": "Validation errors per field (400 only).",
        },
    },
    "required": ["detail", "code"],
}

ERRORS_BY_STATUS = {
    "400": "Invalid input: `errors` lists the problems per field.",
    "401": "No or invalid credentials.",
    "403": "Signed in, but your role may not do this.",
    "404": "Not found, or not yours to see.",
    "405": "Method not allowed.",
    "409": "Conflicts with the current state (e.g. rating twice).",
    "413": "Request body too large.",
    "414": "Address (path and query string) too long.",
    "415": "Unsupported media type: send JSON (or a form where the operation takes files).",
    "429": "Too many requests: wait for the seconds in Retry-After.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the shared Error schema and error responses."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS_BY_STATUS.items():
                if status == "415" and "requestBody" not in operation:
                    continue
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


# A NUL character in the query string is a 400 (cocreate.core.middleware).
NO_NUL_PATTERN = "^[^\\x00]*$"


def describe_query_strings(result, generator, request, public):
    """drf-spectacular postprocessing hook: what every query parameter accepts.

    An empty filter (`?status=`) is no filter, as HTML forms send them: "" is listed among the
    values of each enumerated parameter. Free text may hold anything but a NUL character.
    """
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") != "query":
                    continue
                if "enum" in schema and "" not in schema["enum"]:
                    schema["enum"] = [*schema["enum"], ""]
                elif schema.get("type") == "string" and "enum" not in schema:
                    schema.setdefault("pattern", NO_NUL_PATTERN)
    return result
