"""`manage.py rerender_markdown` brings HTML stored under older rendering rules up to date."""

from io import StringIO

import pytest
from django.core.management import call_command

from cocreate.core.management.commands.rerender_markdown import rendered_fields
from community.models import Comment, Post
from tests.factories.community import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

OLD_HTML = '<p><img src="https://tracker.example/pixel.png" alt="chart"></p>'


def test_every_stored_rendering_of_user_markdown_is_found():
    found = {(model._meta.label, source, target) for model, source, target in rendered_fields()}
    assert {
        ("community.Post", "body", "body_html"),
        ("community.Comment", "body", "body_html"),
        ("service_desk.Ticket", "description", "description_html"),
        ("service_desk.KnowledgeArticle", "body", "body_html"),
        ("partners.Partner", "description", "description_html"),
    } <= found
    # Only non-editable `<name>_html` text fields with a `<name>` beside them.
    assert all(target == f"{source}_html" for _model, source, target in found)


def test_stale_html_is_rendered_again_and_current_html_is_left_alone():
    stale = PostFactory(body="![chart](https://tracker.example/pixel.png)")
    Post.objects.filter(pk=stale.pk).update(body_html=OLD_HTML)
    current = PostFactory(body="Fine as it is.")
    comment = CommentFactory(body="![chart](https://tracker.example/pixel.png)")
    Comment.objects.filter(pk=comment.pk).update(body_html=OLD_HTML)

    out = StringIO()
    call_command("rerender_markdown", stdout=out)

    stale.refresh_from_db()
    assert "<img" not in stale.body_html
    assert 'href="https://tracker.example/pixel.png"' in stale.body_html
    comment.refresh_from_db()
    assert "<img" not in comment.body_html
    assert "community.Post.body_html: 1 changed" in out.getvalue()
    assert "community.Comment.body_html: 1 changed" in out.getvalue()
    assert Post.objects.get(pk=current.pk).body_html == current.body_html

    again = StringIO()
    call_command("rerender_markdown", stdout=again)
    assert "community.Post.body_html: 0 changed" in again.getvalue()
