"""Escalation to the product team on the desk: link a ticket to a community post, or open a
feedback post from it. The one place the desk pages reach into the community app."""

import hashlib
import re

from django import forms
from django.contrib import messages
from django.contrib.postgres.search import SearchRank
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import redirect
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocreate.core.forms import add_service_errors
from cocreate.core.search import any_term_query
from community.models import SEARCH_CONFIG, Post

from . import services

CANDIDATE_COUNT = 5
# The search's best ids are kept for a subject this long, a few more than shown so that posts
# hidden, deleted or linked meanwhile leave enough; a post written later is offered after it.
SIMILAR_POSTS_SECONDS = 600
SIMILAR_POSTS_KEPT = CANDIDATE_COUNT * 2


class LinkPostForm(forms.Form):
    post = forms.CharField(
        max_length=300,
        label=gettext_lazy("Post number or link"),
        help_text=gettext_lazy("Paste the post's address, or type its number."),
    )

    def clean_post(self):
        numbers = re.findall(r"\d+", self.cleaned_data["post"])
        post = None
        if numbers:
            post = Post.objects.alive().filter(pk=int(numbers[-1])).first()
        if post is None:
            raise ValidationError(gettext_lazy("There is no such post."))
        return post


class FeedbackPostForm(forms.Form):
    title = forms.CharField(max_length=160, label=gettext_lazy("Title"))
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        label=gettext_lazy("What the product team should know"),
        help_text=gettext_lazy("Public in the community: leave out the customer's personal data."),
    )


def post_url(post) -> str:
    """The post's page, or nothing while the community pages are not wired."""
    try:
        return post.get_absolute_url()
    except NoReverseMatch:
        return ""


def similar_post_ids(ticket) -> list[int]:
    """Ids of the listed posts of the ticket's product most like its subject, best first.

    The full-text search runs once per product and subject, not on every view of the desk's
    ticket page: its result is cached under the subject's digest, so a changed subject is
    searched again at once. Redis down, it runs every time (a cache miss)."""
    digest = hashlib.sha256(ticket.subject.encode()).hexdigest()[:32]
    key = f"desk:similar-posts:{ticket.product_id}:{digest}"
    ids = cache.get(key)
    if ids is None:
        ids = _search_similar_posts(ticket)
        cache.set(key, ids, SIMILAR_POSTS_SECONDS)
    return ids


def _search_similar_posts(ticket) -> list[int]:
    # Any longer word of the subject, or any two-character sequence of its Chinese.
    query = any_term_query(ticket.subject, config=SEARCH_CONFIG, min_length=4, limit=8)
    if query is None:
        return []
    posts = (
        Post.objects.listed()
        .filter(product_id=ticket.product_id, search_vector=query)
        .order_by(SearchRank(F("search_vector"), query).desc(), F("vote_count").desc(), "id")
    )
    return list(posts.values_list("pk", flat=True)[:SIMILAR_POSTS_KEPT])


def candidate_posts(ticket) -> list[Post]:
    """Posts of the same product that look like this ticket, to link in one click: the cached
    ids read by primary key, so a post hidden or deleted since is left out at once."""
    ids = [pk for pk in similar_post_ids(ticket) if pk != ticket.linked_post_id]
    if not ids:
        return []
    posts = Post.objects.listed().select_related("product").in_bulk(ids)
    return [_with_url(posts[pk]) for pk in ids if pk in posts][:CANDIDATE_COUNT]


def _with_url(post):
    post.page_url = post_url(post)
    return post


def desk_context(ticket, bound: dict) -> dict:
    linked = ticket.linked_post
    return {
        "post_links_enabled": True,
        "linked_post": linked,
        "linked_post_url": post_url(linked) if linked else "",
        "candidate_posts": candidate_posts(ticket),
        "link_form": bound.get("link_form") or LinkPostForm(),
        "feedback_form": bound.get("feedback_form")
        or FeedbackPostForm(initial={"title": ticket.subject}),
    }


def handle(request, ticket):
    """POST of the link or feedback form: a redirect on success, bound forms on error."""
    if request.POST.get("form") == "feedback_post":
        form = FeedbackPostForm(request.POST)
        if form.is_valid():
            try:
                post = services.ticket_open_feedback_post(
                    ticket=ticket, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Feedback post “%(title)s” opened and linked.") % {"title": post.title},
                )
                return redirect(ticket.get_desk_url())
        return {"feedback_form": form}

    if request.POST.get("unlink"):
        services.ticket_link_post(ticket=ticket, actor=request.user, post=None)
        messages.success(request, _("The ticket is no longer linked to a post."))
        return redirect(ticket.get_desk_url())
    form = LinkPostForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_link_post(
                ticket=ticket, actor=request.user, post=form.cleaned_data["post"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Linked to the post: the product team sees this ticket."))
            return redirect(ticket.get_desk_url())
    return {"link_form": form}
