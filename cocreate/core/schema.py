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
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


def allow_empty_query_enums(result, generator, request, public):
    """drf-spectacular postprocessing hook: an empty query filter (`?status=`) is no filter.

    Every list endpoint treats an empty value like an absent one, as HTML forms send them; the
    schema says so by listing "" among the values of each enumerated query parameter.
    """
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and "enum" in schema and "" not in schema["enum"]:
                    schema["enum"] = [*schema["enum"], ""]
    return result
