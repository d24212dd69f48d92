"""The posts API's viewset, with its feed query: posts and their votes, comments, follows, flags."""

from collections.abc import Mapping

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from cocreate.core import pagecache
from cocreate.core.api import KeysetPagination, StandardPagination
from cocreate.core.throttling import ScopedRateThrottle, ThrottlesCountedTogether
from products.models import Product

from .. import selectors, services
from ..models import Comment, Post, Tag
from ..ratelimits import Action, CommunityActionThrottle, community_rate_limit_enforce
from .serializers import (
    MENTION_QUERY_SCHEMA,
    MENTION_RESULTS,
    CommentSerializer,
    FlagSerializer,
    FollowStateSerializer,
    MentionCandidateSerializer,
    MentionQuerySerializer,
    PaginatedCommentListSerializer,
    PostSerializer,
    PostUpdateSerializer,
    PostWriteSerializer,
    SimilarPostSerializer,
    VoteStateSerializer,
    _current_fields,
)

TAG_SLUG_MAX_LENGTH = Tag._meta.get_field("slug").max_length


def _get_or_404(queryset, pk) -> Post:
    """The post, or the API's 404 (`{"detail", "code"}`) for one the caller may not see."""
    post = queryset.filter(pk=pk).first()
    if post is None:
        raise NotFound(_("No such post."))
    return post


def _content(fields: dict) -> dict:
    """A post's content as post_submit and post_update take it, from a write serializer's data."""
    return {
        "kind": fields["kind"],
        "title": fields["title"],
        "body": fields["body"],
        "tags": fields["tags"],
        "parts": [(line["part"], line["quantity"]) for line in fields["parts"]],
        "language": fields["language"],
    }


class FeedQuerySerializer(serializers.Serializer):
    """The posts list's query parameters: every one is checked before any is used, and an
    empty value is no filter."""

    product = serializers.CharField(required=False, default="", allow_blank=True)
    kind = serializers.ChoiceField(Post.Kind.values, required=False, default="", allow_blank=True)
    status = serializers.ChoiceField(
        Post.Status.values, required=False, default="", allow_blank=True
    )
    tag = serializers.CharField(required=False, default="", allow_blank=True)
    q = serializers.CharField(
        max_length=selectors.SEARCH_MAX_LENGTH, required=False, default="", allow_blank=True
    )
    language = serializers.ChoiceField(
        [code for code, _name in settings.LANGUAGES], required=False, default="", allow_blank=True
    )
    # Other apps register sorts (designers: trending), so the choices are read on each request.
    sort = serializers.CharField(required=False, default="", allow_blank=True)

    def validate_sort(self, value: str) -> str:
        if value and value != selectors.RELEVANCE and value not in selectors.FEED_SORTS:
            raise ValidationError(_("Unknown sort."))
        return value


def _ids(page: Mapping) -> list[int]:
    return [row["id"] for row in page["results"]]


def _with_votes(page: Mapping, voted: set[int]) -> dict:
    """A page of posts whose `voted` says whether they are among `voted`."""
    return {**page, "results": [{**row, "voted": row["id"] in voted} for row in page["results"]]}


class PostViewSet(
    ThrottlesCountedTogether,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Community posts. Lists show what everybody may see; hidden and deleted posts are 404
    except to moderators (hidden) and their author (hidden)."""

    serializer_class = PostSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    # Feeds page by cursor (as fast 2,000 pages deep as on the first; `count` is null).
    pagination_class = KeysetPagination
    lookup_value_regex = r"\d+"
    filter_backends = []  # filters, search and sort are the feed's own (selectors.post_feed)
    # On top of the per-user and anonymous limits, not instead of them; counted with them in
    # one round trip (ThrottlesCountedTogether).
    throttle_classes = [*viewsets.GenericViewSet.throttle_classes, CommunityActionThrottle]
    # A vote has no input: every request counts. Posts, comments and flags count once their
    # content is valid (services.post_submit, community_rate_limit_enforce in the action), as
    # on the pages.
    community_throttled_actions = {"vote": Action.VOTE}
    # The @ list answers each keystroke: a rate of its own, on top of the others.
    throttle_scope = "community_mention_search"

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "mentionable":
            throttles.append(ScopedRateThrottle())
        return throttles

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Post.objects.none()
        if self.action == "list":
            return self._feed()
        return selectors.with_list_relations(selectors.visible_posts(self.request.user))

    def perform_content_negotiation(self, request, force=False):
        # An unknown format suffix (posts/1.5/) is the API's 404, with its JSON shape.
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as error:
            raise NotFound() from error

    def _feed(self):
        query = FeedQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        # The product as a subquery of the feed's, not a query of its own (an unknown slug
        # matches no post).
        products = Product.objects.filter(slug=params["product"]) if params["product"] else None
        if len(params["tag"]) > TAG_SLUG_MAX_LENGTH:
            return Post.objects.none()  # no tag has so long a slug
        filters = selectors.FeedFilters(
            kind=params["kind"],
            status=params["status"],
            tag=params["tag"],
            q=params["q"],
            sort=params["sort"],
            language=params["language"],
        )
        return selectors.post_feed(filters, products=products)

    def _for_output(self, posts):
        """What PostSerializer reads besides the post's row: its build, prefetched; its tags
        are read as names after the page (_decorate), not prefetched as Tag objects."""
        return posts.prefetch_related(None).prefetch_related(selectors.parts_prefetch())

    def _decorate(self, posts: list[Post]) -> list[Post]:
        selectors.decorate_posts(posts, self.request.user)
        return selectors.decorate_tag_names(posts)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(self._for_output(queryset))
        return self._decorate(list(page)) if page is not None else page

    def get_object(self):
        post = _get_or_404(self._for_output(self.get_queryset()), pk=self.kwargs["pk"])
        self._decorate([post])
        return post

    def _post_for_action(self) -> Post:
        post = selectors.visible_post(self.kwargs["pk"], self.request.user)
        if post is None:
            raise NotFound(_("No such post."))
        return post

    def _read(self, post_id: int, status_code=status.HTTP_200_OK) -> Response:
        post = _get_or_404(
            self._for_output(selectors.with_list_relations(Post.objects.all())), pk=post_id
        )
        self._decorate([post])
        return Response(
            PostSerializer(post, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("product", str, description="Product slug."),
            OpenApiParameter("kind", str, enum=Post.Kind.values),
            OpenApiParameter("status", str, enum=Post.Status.values),
            OpenApiParameter("tag", str, description="Tag slug."),
            OpenApiParameter("q", str, description="Full-text search (websearch syntax)."),
            OpenApiParameter(
                "language",
                str,
                enum=[code for code, _name in settings.LANGUAGES],
                description="Posts written in this language.",
            ),
            OpenApiParameter(
                "sort",
                str,
                enum=[selectors.RELEVANCE, *selectors.FEED_SORTS],
                description="Default: relevance with q, else new.",
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        # Callers share a few seconds' copy (cocreate/core/pagecache.py); whether a signed-in
        # caller voted for each post is read for them.
        shared = pagecache.shared_copy(request, "api:posts")
        if shared is None:
            return super().list(request, *args, **kwargs)
        if shared.value is not None:
            voted = selectors.voted_post_ids(request.user, _ids(shared.value))
            return Response(_with_votes(shared.value, voted), headers={"X-Page-Cache": "hit"})
        response = super().list(request, *args, **kwargs)
        if response.status_code == status.HTTP_200_OK:
            shared.keep(_with_votes(response.data, set()))
        return response

    @extend_schema(request=PostWriteSerializer, responses={201: PostSerializer})
    def create(self, request, *args, **kwargs):
        data = PostWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        post = services.post_submit(
            author=request.user, product=fields["product"], **_content(fields)
        )
        return self._read(post.pk, status.HTTP_201_CREATED)

    @extend_schema(request=PostUpdateSerializer, responses=PostSerializer)
    def update(self, request, *args, **kwargs):
        post = self._post_for_action()
        if post.author_id != request.user.pk:
            raise PermissionDenied(_("Only the author can edit this post."))
        partial = kwargs.get("partial", False)
        if not isinstance(request.data, Mapping):
            raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        # The serializer reads a JSON object and a parsed form alike (a form's repeated keys
        # are a list, `parts[0]part=…` a list of objects); a partial edit validates only the
        # fields it names and keeps the post's own for the others.
        data = PostUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if partial:
            fields = _current_fields(post) | fields
        services.post_update(post=post, editor=request.user, **_content(fields))
        return self._read(post.pk)

    @extend_schema(request=PostUpdateSerializer, responses=PostSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        post = self._post_for_action()
        services.post_delete(post=post, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: VoteStateSerializer}, methods=["POST", "DELETE"])
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def vote(self, request, pk=None):
        """POST casts the caller's vote, DELETE withdraws it; repeating either changes nothing."""
        # The service reads the post once, under its lock: one the caller may not see is a 404.
        post = Post(pk=int(pk))
        try:
            if request.method == "POST":
                state = services.vote_cast(user=request.user, post=post)
            else:
                state = services.vote_withdraw(user=request.user, post=post)
        except Post.DoesNotExist as error:
            raise NotFound(_("No such post.")) from error
        return Response({"vote_count": state.vote_count, "voted": state.voted})

    @extend_schema(
        methods=["GET"],
        responses=PaginatedCommentListSerializer,
        parameters=[
            OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="Page number."),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 100},
                description="Comments per page, 1 to 100.",
            ),
        ],
        description="Oldest first.",
    )
    @extend_schema(methods=["POST"], request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        post = self._post_for_action()
        if request.method == "POST":
            data = CommentSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            community_rate_limit_enforce(user=request.user, action=Action.COMMENT)
            comment = services.comment_create(
                post=post, author=request.user, body=data.validated_data["body"]
            )
            comment = Comment.objects.select_related("author").get(pk=comment.pk)
            selectors.decorate_comments([comment], post)
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset_plain(selectors.comments_for_post(post, request.user))
        selectors.decorate_comments(page, post)
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(
        request=CommentSerializer,
        responses=CommentSerializer,
        parameters=[OpenApiParameter("comment_pk", int, OpenApiParameter.PATH)],
        description="The author rewrites their comment; people it newly mentions hear of it, "
        "nobody twice.",
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"comments/(?P<comment_pk>[0-9]+)",
        permission_classes=[IsAuthenticated],
    )
    def comment(self, request, pk=None, comment_pk=None):
        post = self._post_for_action()
        comment = selectors.comments_for_post(post, request.user).filter(pk=comment_pk).first()
        if comment is None:
            raise NotFound(_("No such comment."))
        if comment.author_id != request.user.pk:
            raise PermissionDenied(_("Only its author can edit a comment."))
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_update(
            comment=comment, editor=request.user, body=data.validated_data["body"]
        )
        comment = Comment.objects.select_related("author").get(pk=comment.pk)
        selectors.decorate_comments([comment], post)
        return Response(CommentSerializer(comment).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                MENTION_QUERY_SCHEMA,
                required=True,
                description="The start of a username, or part of a display name (2 to 150 "
                "characters).",
            )
        ],
        responses=MentionCandidateSerializer(many=True),
    )
    @action(
        detail=True, methods=["get"], pagination_class=None, permission_classes=[IsAuthenticated]
    )
    def mentionable(self, request, pk=None):
        """Up to 8 people who may see the post whose name starts with `q`, for an @ in a
        comment: those in its thread first. Rate limited (`community_mention_search`)."""
        post = self._post_for_action()
        query = MentionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        people = selectors.mention_candidates(
            post, query.validated_data["q"], viewer=request.user, limit=MENTION_RESULTS
        )
        return Response(MentionCandidateSerializer(people, many=True).data)

    def paginate_queryset_plain(self, queryset) -> list:
        # A post's comments are numbered pages with a count (a few hundred at most).
        self._paginator = StandardPagination()
        return list(self._paginator.paginate_queryset(queryset, self.request, view=self))

    @extend_schema(request=None, responses={200: FollowStateSerializer}, methods=["POST", "DELETE"])
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsAuthenticated])
    def follow(self, request, pk=None):
        """POST follows the post, DELETE unfollows it; both idempotent."""
        post = self._post_for_action()
        if request.method == "POST":
            services.follow_add(user=request.user, post=post)
            return Response({"following": True})
        services.follow_remove(user=request.user, post=post)
        return Response({"following": False})

    @extend_schema(request=FlagSerializer, responses={201: FlagSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def flag(self, request, pk=None):
        """Report the post to moderators, once per user."""
        post = self._post_for_action()
        data = FlagSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        community_rate_limit_enforce(user=request.user, action=Action.FLAG)
        services.flag_create(reporter=request.user, post=post, **data.validated_data)
        return Response(data.validated_data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("product", str, required=True, description="Product slug."),
            OpenApiParameter("q", str, required=True, description="Text, e.g. a draft title."),
        ],
        responses=SimilarPostSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def similar(self, request):
        """Up to 5 posts of the product most like `q` (to vote instead of posting a duplicate)."""
        slug, text = request.query_params.get("product", ""), request.query_params.get("q", "")
        if "q" not in request.query_params:
            raise ValidationError({"q": [_("Give the text to compare, e.g. a draft title.")]})
        product = Product.objects.filter(slug=slug).first() if slug else None
        if product is None:
            raise NotFound(_("No product has this slug."))
        posts = selectors.similar_posts(product=product, text=text)
        return Response(SimilarPostSerializer(posts, many=True).data)
