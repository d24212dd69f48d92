"""The post form's fields as a browser posts them, for tests that write posts through the pages."""


def post_form(*, parts: int = 1, **fields) -> dict:
    """`fields` (kind, title, body …) with no tags and `parts` empty rows of the parts formset;
    a field given here (`"parts-0-part"` too) replaces the default."""
    data = {
        "tags": "",
        "parts-TOTAL_FORMS": str(parts),
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "30",
    }
    for row in range(parts):
        data |= {f"parts-{row}-part": "", f"parts-{row}-quantity": "1"}
    return data | fields


def edit_form(post, *, parts: int = 1, **changes) -> dict:
    """The edit form of `post` as it shows it (its kind, title and body), with `changes`."""
    return post_form(parts=parts, kind=post.kind, title=post.title, body=post.body) | changes
