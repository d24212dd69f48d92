"""REST endpoints: tickets (by number) with messages, take-next and rating; knowledge-base articles.

Customers see their own tickets only (another's is 404) and never internal notes; agent-only
actions called by a customer answer 403. Rules live in the services package.
"""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from cocreate.accounts.models import User
from cocreate.core.api import SLUG_SCHEMA
from cocreate.core.text import SingleLineSerializerField
from cocreate.core.throttling import ScopedRateThrottle
from products.models import Product

from . import selectors, services
from .models import Category, Channel, KnowledgeArticle, Priority, SlaState, Ticket, TicketMessage
from .permissions import is_desk_agent

PRIORITY_NAMES = {priority.value: priority.name.lower() for priority in Priority}
PRIORITY_VALUES = {name: value for value, name in PRIORITY_NAMES.items()}


class PriorityField(serializers.ChoiceField):
    """Priorities travel as names ("low" … "urgent"); the database keeps their rank."""

    def __init__(self, **kwargs):
        super().__init__(choices=list(PRIORITY_VALUES), **kwargs)

    def to_representation(self, value):
        return PRIORITY_NAMES.get(value, value)

    def to_internal_value(self, data):
        return PRIORITY_VALUES[super().to_internal_value(data)]


class TicketSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    customer = serializers.CharField(source="customer.username", read_only=True)
    assignee = serializers.CharField(
        source="assignee.username", read_only=True, default=None, allow_null=True
    )
    priority = PriorityField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "number",
            "subject",
            "description",
            "description_html",
            "product",
            "product_name",
            "category",
            "status",
            "priority",
            "customer",
            "assignee",
            "channel",
            "sla_state",
            "first_response_due_at",
            "resolution_due_at",
            "first_responded_at",
            "resolved_at",
            "closed_at",
            "csat_score",
            "csat_comment",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields


class TicketFilterSerializer(serializers.Serializer):
    """The list's query parameters: an unknown value is a 400, not silently ignored.

    An empty parameter is no filter, whitespace too (`?assignee=+` is a space): the text
    filters allow blanks like the choices, which DRF skips when empty.
    """

    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = PriorityField(required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    product = serializers.SlugField(required=False, allow_blank=True)
    assignee = serializers.CharField(max_length=150, required=False, allow_blank=True)
    sla = serializers.ChoiceField(choices=SlaState.choices, required=False)
    q = serializers.CharField(max_length=200, required=False, allow_blank=True)
    ordering = serializers.ChoiceField(choices=["urgency"], required=False)


class TicketCreateSerializer(serializers.Serializer):
    product = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Product.objects.all(),
        error_messages={"does_not_exist": gettext_lazy("There is no product “{value}”.")},
    )
    category = serializers.ChoiceField(choices=Category.choices)
    subject = SingleLineSerializerField(max_length=200)
    description = serializers.CharField(max_length=20000)


class TicketUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = PriorityField(required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = TicketMessage
        fields = [
            "id",
            "author",
            "internal",
            "body",
            "body_html",
            "channel",
            "created_at",
            "attachments",
        ]
        read_only_fields = ["id", "author", "body_html", "channel", "created_at", "attachments"]
        extra_kwargs = {"internal": {"required": False}}

    def get_attachments(self, message) -> list[dict]:
        number = self.context["ticket"].number
        return [
            {
                "filename": attachment.filename,
                "size": attachment.size,
                "url": reverse("service_desk:attachment", args=[number, attachment.pk]),
            }
            for attachment in message.attachments.all()
        ]


class RatingSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


NUMBER = OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH, description="T-000123")
TICKET_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=Ticket.Status.values),
    OpenApiParameter("priority", OpenApiTypes.STR, enum=list(PRIORITY_VALUES)),
    OpenApiParameter("category", OpenApiTypes.STR, enum=Category.values),
    OpenApiParameter("product", SLUG_SCHEMA, description="Product slug."),
    OpenApiParameter("assignee", OpenApiTypes.STR, description='Username, "me" or "none".'),
    OpenApiParameter("sla", OpenApiTypes.STR, enum=SlaState.values),
    OpenApiParameter("q", OpenApiTypes.STR, description="Full-text search or a ticket number."),
    OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        enum=["urgency"],
        description="Newest first by default; `urgency`: the desk queue's order.",
    ),
]


@extend_schema(parameters=[NUMBER])
class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Tickets: customers see their own, agents all. Addressed by their number."""

    serializer_class = TicketSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []
    lookup_field = "number"
    lookup_value_regex = r"T-\d{6,9}"
    http_method_names = ["get", "post", "patch", "head", "options"]
    throttle_scope = "service_desk_ticket_create"

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(ScopedRateThrottle())
        return throttles

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Ticket.objects.none()
        visible = selectors.tickets_visible_to(self.request.user)
        if self.action != "list":
            return visible
        params = TicketFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filters = selectors.QueueFilters(
            status=data.get("status", ""),
            include_done=True,
            priority=str(data.get("priority", "")),
            category=data.get("category", ""),
            product=data.get("product", ""),
            assignee=data.get("assignee", ""),
            sla=data.get("sla", ""),
            q=data.get("q", ""),
        )
        tickets = selectors.ticket_queue(filters, viewer=self.request.user, base=visible)
        if data.get("ordering") == "urgency" or data.get("q"):
            return tickets  # most urgent first, or best match first
        return tickets.order_by("-created_at", "-id")

    def get_object(self):
        try:
            return selectors.ticket_for(self.request.user, self.kwargs["number"])
        except Http404 as error:
            raise exceptions.NotFound() from error

    @extend_schema(parameters=TICKET_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def create(self, request, *args, **kwargs):
        payload = TicketCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ticket = services.ticket_create(
            customer=request.user, channel=Channel.API, **payload.validated_data
        )
        ticket = selectors.ticket_for(request.user, ticket.number)
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TicketUpdateSerializer, responses=TicketSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Agents change status, priority, category and assignee; customers close and reopen."""
        ticket = self.get_object()
        payload = TicketUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        agent = is_desk_agent(request.user)
        if not agent and set(data) - {"status"}:
            raise exceptions.PermissionDenied(
                _("Only agents change priority, category or assignee.")
            )
        services.ticket_edit(ticket=ticket, actor=request.user, **data)
        return Response(TicketSerializer(self.get_object()).data)

    @extend_schema(methods=["get"], responses=MessageSerializer(many=True), parameters=[NUMBER])
    @extend_schema(
        methods=["post"],
        request=MessageSerializer,
        responses={201: MessageSerializer},
        parameters=[NUMBER],
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, number=None):
        """The conversation. Customers never see internal notes and cannot write them."""
        ticket = self.get_object()
        agent = is_desk_agent(request.user)
        context = {"ticket": ticket, "request": request}
        if request.method == "POST":
            payload = MessageSerializer(data=request.data, context=context)
            payload.is_valid(raise_exception=True)
            internal = payload.validated_data.get("internal", False)
            if internal and not agent:
                raise exceptions.PermissionDenied(_("Only agents write internal notes."))
            message = services.ticket_reply(
                ticket=ticket,
                author=request.user,
                body=payload.validated_data["body"],
                internal=internal,
                channel=Channel.API,
            )
            return Response(
                MessageSerializer(message, context=context).data, status=status.HTTP_201_CREATED
            )
        conversation = TicketMessage.objects.filter(ticket=ticket).select_related("author")
        if not agent:
            conversation = conversation.filter(internal=False)
        page = self.paginate_queryset(
            conversation.prefetch_related("attachments").order_by("created_at", "id")
        )
        return self.get_paginated_response(MessageSerializer(page, many=True, context=context).data)

    @extend_schema(
        request=None,
        responses={
            200: TicketSerializer,
            204: OpenApiResponse(description="No unassigned ticket left."),
        },
        parameters=[],
    )
    @action(detail=False, methods=["post"], url_path="take-next")
    def take_next(self, request):
        """Assign the most urgent unassigned ticket to the calling agent."""
        if not is_desk_agent(request.user):
            raise exceptions.PermissionDenied(_("Only agents take tickets."))
        ticket = services.ticket_take_next(agent=request.user)
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TicketSerializer(selectors.ticket_for(request.user, ticket.number)).data)

    @extend_schema(request=RatingSerializer, responses=TicketSerializer, parameters=[NUMBER])
    @action(detail=True, methods=["post"])
    def rating(self, request, number=None):
        """The customer rates their resolved ticket, once: 409 if unresolved or already rated."""
        ticket = self.get_object()
        if ticket.customer_id != request.user.pk:
            raise exceptions.PermissionDenied(_("Only the customer rates a ticket."))
        payload = RatingSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.ticket_rate(
            ticket=ticket,
            customer=request.user,
            score=payload.validated_data["score"],
            comment=payload.validated_data.get("comment", ""),
        )
        return Response(TicketSerializer(self.get_object()).data)


class ArticleSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    translation_of = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = KnowledgeArticle
        fields = [
            "slug",
            "title",
            "product",
            "category",
            "language",
            "translation_of",
            "body_html",
            "helpful_count",
            "not_helpful_count",
            "published_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields


@extend_schema(parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)])
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Published knowledge-base articles; `?q=` ranks by full-text match."""

    serializer_class = ArticleSerializer
    permission_classes = [AllowAny]
    filter_backends = []
    lookup_field = "slug"

    def get_queryset(self):
        params = self.request.query_params
        if params.get("category") and params["category"] not in Category.values:
            raise exceptions.ValidationError({"category": [_("Unknown category.")]})
        if params.get("language") and params["language"] not in dict(settings.LANGUAGES):
            raise exceptions.ValidationError({"language": [_("Unknown language.")]})
        product = None
        if params.get("product"):
            try:
                serializers.SlugField().run_validation(params["product"])
            except exceptions.ValidationError as error:
                raise exceptions.ValidationError({"product": error.detail}) from error
            product = Product.objects.filter(slug=params["product"]).first()
            if product is None:
                return KnowledgeArticle.objects.none()
        return selectors.articles(
            q=params.get("q", ""),
            product=product,
            category=params.get("category", ""),
            language=params.get("language", ""),
            # As on the knowledge base's page: each article once, in the caller's language
            # (Accept-Language, docs/i18n.md) when it has that version.
            reader_language=self.request.LANGUAGE_CODE,
        ).select_related("translation_of")

    def get_object(self):
        article = selectors.articles().filter(slug=self.kwargs["slug"]).first()
        if article is None:
            raise exceptions.NotFound()
        return article

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Full-text search."),
            OpenApiParameter("product", SLUG_SCHEMA, description="Product slug."),
            OpenApiParameter("category", OpenApiTypes.STR, enum=Category.values),
            OpenApiParameter(
                "language",
                OpenApiTypes.STR,
                enum=[code for code, _name in settings.LANGUAGES],
                description=(
                    "Articles written in this language. Otherwise each article once, in the "
                    "caller's language (Accept-Language) when it has that version, else its "
                    "original; a search (`q`) lists every version that matches."
                ),
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
