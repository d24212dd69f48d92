"""What a test needs to run the project's own commands and workers as separate processes."""

from urllib.parse import quote, urlencode

from django.db import connections


def database_url() -> str:
    """The test database as a URL for other processes (workers, commands).

    Host and port go in the query string so that a Unix socket directory (the embedded PostgreSQL)
    works as well as a TCP host.
    """
    db = connections["default"].settings_dict
    query = {key: value for key, value in db["OPTIONS"].items() if isinstance(value, str | int)}
    if db["HOST"]:
        query["host"] = db["HOST"]
    if db["PORT"]:
        query["port"] = db["PORT"]
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@/{db['NAME']}?{urlencode(query)}"
