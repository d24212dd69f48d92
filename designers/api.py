"""REST endpoints of the designers' workspace: the review queue, post decisions, poll answers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cocreate.core.api import SLUG_SCHEMA
from community.models import Post
from products.models import Product

from . import permissions, selectors, services
from .models import Poll, PollAnswer, ReviewItem


class IsDesigner(BasePermission):
    message = _("Only designers may do this.")

    def has_permission(self, request, view):
        return permissions.may_design(request.user)


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(ReviewItem.Reason.choices)
    text = serializers.CharField(help_text=_("The reason in the caller's language."))
    points = serializers.FloatField(required=False, help_text=_("threshold: its points then"))
    threshold = serializers.FloatField(required=False, help_text=_("threshold: the threshold then"))
    rank = serializers.IntegerField(required=False, help_text=_("top_n: its rank in its product"))
    top_n = serializers.IntegerField(required=False, help_text=_("top_n: how many surfaced"))
    milestone = serializers.IntegerField(required=False, help_text=_("milestone: supporters"))
    votes = serializers.IntegerField(required=False, help_text=_("milestone: its votes then"))


class ReviewItemSerializer(serializers.ModelSerializer):
    post = serializers.IntegerField(source="post_id")
    title = serializers.CharField(source="post.title")
    kind = serializers.CharField(source="post.kind")
    post_status = serializers.CharField(source="post.status")
    product = serializers.SlugField(source="product.slug")
    assignee = serializers.CharField(source="assignee.username", default=None, allow_null=True)
    score = serializers.FloatField(
        read_only=True, help_text=_("The post's points when it surfaced (why it surfaced).")
    )
    score_now = serializers.FloatField(
        source="current_points",
        read_only=True,
        help_text=_("The post's trending points now (decayed): `?sort=trending` orders by them."),
    )
    support = serializers.FloatField(
        read_only=True,
        help_text=_(
            "Votes, verified owners' votes, commenters and linked tickets, weighted, not "
            "decayed: the default order, highest first."
        ),
    )
    reasons = serializers.ListField(
        source="reason_codes",
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Why it surfaced: threshold, top_n, milestone."),
    )
    why = serializers.SerializerMethodField(
        help_text=_("Each reason with the figures recorded when it surfaced, as a sentence.")
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReviewItem
        fields = [
            "id",
            "post",
            "title",
            "kind",
            "post_status",
            "product",
            "score",
            "score_now",
            "support",
            "vote_count",
            "verified_vote_count",
            "commenter_count",
            "linked_ticket_count",
            "milestone",
            "milestone_at",
            "reasons",
            "why",
            "state",
            "assignee",
            "decision",
            "surfaced_at",
            "url",
        ]

    @extend_schema_field(ReasonSerializer(many=True))
    def get_why(self, item) -> list[dict]:
        return [
            {**details, "code": code, "text": sentence}
            for (code, sentence), details in zip(item.why(), item.reason_details(), strict=True)
        ]

    def get_url(self, item) -> str:
        # The item's product is the post's (copied when surfaced): no extra query per row.
        return reverse("community:post", args=[item.product.slug, item.post_id])


class ReviewQueueQuerySerializer(serializers.Serializer):
    """The review queue's query parameters: every one is checked before any is used (an unknown
    product is an empty list, but not one that hides an invalid kind or state), and an empty
    value is no filter."""

    product = serializers.SlugField(required=False, default="", allow_blank=True)
    kind = serializers.ChoiceField(
        [Post.Kind.SUGGESTION, Post.Kind.MODIFICATION],
        required=False,
        default="",
        allow_blank=True,
        error_messages={"invalid_choice": _("Unknown kind.")},
    )
    state = serializers.ChoiceField(
        ReviewItem.State.values,
        required=False,
        default="",
        allow_blank=True,
        error_messages={"invalid_choice": _("Unknown state.")},
    )
    sort = serializers.ChoiceField(
        selectors.QueueSort.values,
        required=False,
        default=selectors.QueueSort.SUPPORT,
        allow_blank=True,
        error_messages={"invalid_choice": _("Unknown sort.")},
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("product", SLUG_SCHEMA, description="Product slug."),
            OpenApiParameter("kind", str, enum=[Post.Kind.SUGGESTION, Post.Kind.MODIFICATION]),
            OpenApiParameter("state", str, enum=ReviewItem.State.values),
            OpenApiParameter(
                "sort",
                str,
                enum=selectors.QueueSort.values,
                description=(
                    "support (default): votes, verified owners, commenters and linked tickets, "
                    "weighted, not decayed; trending: the decayed points now; newest: the most "
                    "recently surfaced; waiting: the longest without a decision first."
                ),
            ),
        ]
    )
)
class ReviewQueueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What the surfacing job put in front of designers, in the order `?sort=` names (the most
    support first by default; designers only); items of hidden or deleted posts are left out."""

    serializer_class = ReviewItemSerializer
    permission_classes = [IsAuthenticated, IsDesigner]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReviewItem.objects.none()
        query = ReviewQueueQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        product = None
        if params["product"]:
            product = Product.objects.filter(slug=params["product"]).first()
            if product is None:  # a filter on a product that does not exist matches nothing
                return ReviewItem.objects.none()
        return selectors.review_queue(
            selectors.QueueFilters(
                product=product,
                kind=params["kind"],
                state=params["state"],
                sort=params["sort"] or selectors.QueueSort.SUPPORT,
            )
        )


class StatusChangeInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in services.DECISIONS])
    message = serializers.CharField(max_length=services.MESSAGE_MAX_LENGTH)
    adopted_in = serializers.SlugField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=_(
            "The product generation (slug) the decision names: required to adopt, optional to "
            "plan or put in progress (the one it is planned for), refused otherwise; never a "
            "discontinued one."
        ),
    )
    duplicate_of = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class StatusChangeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    post = serializers.IntegerField(source="post_id")
    old_status = serializers.CharField()
    new_status = serializers.CharField()
    message = serializers.CharField()
    adopted_in = serializers.SlugField(source="adopted_in.slug", default=None, allow_null=True)
    created_at = serializers.DateTimeField()


class PostStatusView(APIView):
    """POST a designer's decision on a post: `{status, message, adopted_in, duplicate_of}`.

    Statuses go forward only (planned → in progress → adopted; a final status never changes):
    another step is a 400 on `status` listing the possible ones (docs/design.md, "Decisions")."""

    permission_classes = [IsAuthenticated, IsDesigner]

    @extend_schema(request=StatusChangeInput, responses={201: StatusChangeOutput})
    def post(self, request, pk: int):
        post = Post.objects.alive().filter(pk=pk).first()
        if post is None:
            raise NotFound(_("No such post."))
        data = StatusChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        adopted_in = duplicate_of = None
        if values.get("adopted_in"):
            adopted_in = Product.objects.filter(slug=values["adopted_in"]).first()
            if adopted_in is None:
                raise ValidationError({"adopted_in": [_("No product has this slug.")]})
        if values.get("duplicate_of"):
            duplicate_of = Post.objects.alive().filter(pk=values["duplicate_of"]).first()
            if duplicate_of is None:
                raise ValidationError({"duplicate_of": [_("No such post.")]})
        change = services.post_status_change(
            post=post,
            status=values["status"],
            message=values["message"],
            author=request.user,
            adopted_in=adopted_in,
            duplicate_of=duplicate_of,
        )
        return Response(StatusChangeOutput(change).data, status=status.HTTP_201_CREATED)


class PollAnswerInput(serializers.Serializer):
    choice = serializers.IntegerField(min_value=1)


class PollResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    answers = serializers.IntegerField()


class PollAnswerView(generics.GenericAPIView):
    """POST the caller's one answer to a poll; the answer carries the results (shown after voting).

    Customers answer, once (a second answer is a 409); the team (staff, agents, designers) reads
    the results and may not answer (403)."""

    permission_classes = [IsAuthenticated]
    serializer_class = PollAnswerInput
    queryset = Poll.objects.none()
    # The results are a short list, never paged, filtered or ordered.
    pagination_class = None
    filter_backends = []

    @extend_schema(request=PollAnswerInput, responses={201: PollResultSerializer(many=True)})
    def post(self, request, pk: int):
        poll = Poll.objects.select_related("post").filter(Post.listed_via("post"), pk=pk).first()
        if poll is None:
            raise NotFound(_("No such poll."))
        if not permissions.may_answer_poll(request.user):
            raise PermissionDenied(_("Only customers answer polls; the team sees the results."))
        data = PollAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        choice = poll.choices.filter(pk=data.validated_data["choice"]).first()
        if choice is None:
            raise ValidationError({"choice": [_("This choice belongs to another poll.")]})
        services.poll_answer(poll=poll, choice=choice, user=request.user)
        return Response(_results(poll), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: PollResultSerializer(many=True)})
    def get(self, request, pk: int):
        """The results, once the caller has answered (or is one of the team); 403 before."""
        poll = Poll.objects.filter(Post.listed_via("post"), pk=pk).first()
        if poll is None:
            raise NotFound(_("No such poll."))
        answered = PollAnswer.objects.filter(poll=poll, user=request.user).exists()
        if not permissions.may_see_poll_results(request.user, answered=answered):
            raise PermissionDenied(_("Answer the poll to see its results."))
        return Response(_results(poll))


def _results(poll: Poll) -> list[dict]:
    from django.db.models import Count

    return [
        {"id": choice.pk, "label": choice.label, "answers": choice.n}
        for choice in poll.choices.annotate(n=Count("answers")).order_by("position", "id")
    ]
