"""Redis URLs: the cache lives in its own database next to the Celery broker's.

Imported by settings, so it must not import Django.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def redis_url_with_database_offset(url: str, offset: int) -> str:
    """`url` pointing at the database `offset` places after its own, on the same server.

    The database is read as redis-py reads it: a `db` query parameter wins over the path, and a
    unix:// URL only has the query parameter. No database means 0.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query_db = [value for key, value in query if key == "db"]
    if query_db or parts.scheme == "unix":
        database = int(query_db[0]) if query_db else 0
        query = [(key, value) for key, value in query if key != "db"]
        query.append(("db", str(database + offset)))
        # Rebuilt by hand: urlunsplit would turn unix:///path into unix:/path.
        return f"{url.split('?', 1)[0]}?{urlencode(query)}"
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{database + offset}"))
