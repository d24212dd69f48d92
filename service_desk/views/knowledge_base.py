"""The knowledge base under /support/kb/: the index and search, an article, its votes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreate.core.db_routing import replica_reads
from products.models import Product

from .. import selectors, services
from ..forms import KbSearchForm
from ..permissions import is_desk_agent


@replica_reads
def kb_index(request):
    form = KbSearchForm(request.GET or None)
    # An unknown value (?language=xx) is an error on its field and no filter, as the API
    # refuses it with a 400; the other filters still apply (as in desk._queue_filters).
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    product = None
    if filters.get("product"):
        product = Product.objects.filter(slug=filters["product"]).first()
    agent = is_desk_agent(request.user)
    q = filters.get("q", "")
    search = selectors.searched_articles(
        q,
        page_number=request.GET.get("page"),
        product=product,
        category=filters.get("category", ""),
        include_drafts=agent,
        language=filters.get("language", ""),
        reader_language=request.LANGUAGE_CODE,
    )
    form.offer(selectors.article_facets(include_drafts=agent))
    return render(
        request,
        "service_desk/kb_index.html",
        {
            "form": form,
            "page": search.page,
            "may_write_articles": agent,
            "q": q,
            "forgiven": search.forgiven,
        },
    )


@replica_reads
def kb_article(request, slug):
    article = selectors.article_for(request.user, slug)
    vote = None
    if request.user.is_authenticated:
        vote = article.votes.filter(user=request.user).values_list("helpful", flat=True).first()
    versions = selectors.article_versions(
        article, request.user, reader_language=request.LANGUAGE_CODE
    )
    in_reader_language = next(
        (v for v in versions if v.language == request.LANGUAGE_CODE and v.is_published), None
    )
    return render(
        request,
        "service_desk/kb_article.html",
        {
            "article": article,
            "vote": vote,
            "versions": versions,
            "in_reader_language": in_reader_language,
            "may_write_articles": is_desk_agent(request.user),
        },
    )


@login_required
@require_POST
def kb_vote(request, slug):
    article = selectors.article_for(request.user, slug)
    helpful = request.POST.get("helpful") == "yes"
    article = services.article_vote(article=article, user=request.user, helpful=helpful)
    if request.htmx:
        return render(
            request, "service_desk/_article_votes.html", {"article": article, "vote": helpful}
        )
    messages.success(request, _("Thank you for your feedback."))
    return redirect(article)
