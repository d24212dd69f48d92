"""The posts API's serializers: posts as read and written, comments, flags, votes, follows."""

from functools import cached_property

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from cocreate.core.text import SingleLineSerializerField
from products.models import Part, Product

from .. import selectors, services
from ..models import Comment, Flag, Post

# The kinds a member may post (evaluations are the designers'); named for the OpenAPI schema.
MEMBER_KIND_CHOICES = [(kind.value, kind.label) for kind in Post.MEMBER_KINDS]


class AuthorSerializer(serializers.Serializer):
    username = serializers.CharField(source="author.username")
    name = serializers.CharField(source="author.public_name")
    reputation = serializers.IntegerField(source="author_reputation")
    verified_owner = serializers.BooleanField(source="author_verified")

    def to_representation(self, item):
        """The fields above, of a post's or comment's author, written out as in PostSerializer."""
        author = item.author
        return {
            "username": str(author.username),
            "name": str(author.public_name),
            "reputation": int(item.author_reputation),
            "verified_owner": bool(item.author_verified),
        }


class BuildPartSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="part.pk")
    sku = serializers.CharField(source="part.sku")
    name = serializers.CharField(source="part.name")
    unit_price = serializers.DecimalField(source="part.price", max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    quantity = serializers.IntegerField()
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    compatible = serializers.BooleanField()


class MoneySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()


# A date as DRF writes it: ISO 8601 in the reader's time zone (the zone active when it is called).
_DATE = serializers.DateTimeField()


class PostSerializer(serializers.ModelSerializer):
    """A post as read: with author reputation, the viewer's vote and the build with its cost."""

    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    parts = serializers.SerializerMethodField()
    total_cost = serializers.SerializerMethodField()
    voted = serializers.BooleanField(source="viewer_voted", read_only=True)
    duplicate_of = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "product",
            "kind",
            "title",
            "body",
            "body_html",
            "author",
            "vote_count",
            "comment_count",
            "voted",
            "status",
            "duplicate_of",
            "is_locked",
            "language",
            "tags",
            "parts",
            "total_cost",
            "created_at",
            "edited_at",
            "last_activity_at",
            "url",
        ]
        read_only_fields = fields

    # The nested serializers are made once per list, not once per post: making one copies
    # its fields, which cost more than writing a post's author out.
    @cached_property
    def _author(self) -> AuthorSerializer:
        return AuthorSerializer()

    @cached_property
    def _parts(self) -> serializers.ListSerializer:
        return BuildPartSerializer(many=True)

    @cached_property
    def _money(self) -> serializers.ListSerializer:
        return MoneySerializer(many=True)

    def to_representation(self, post):
        """DRF's generic representation (the fields above; tests/community/test_api.py compares
        the two), written out: a feed page has 20 posts of 21 fields each, and DRF reading and
        converting them one field at a time cost more than the page's queries. Nor does it
        touch self.fields, which a ModelSerializer builds from the model on each request."""
        return {
            "id": post.pk,
            "product": post.product.slug,
            "kind": str(post.kind),
            "title": str(post.title),
            "body": str(post.body),
            "body_html": str(post.body_html),
            "author": self.get_author(post),
            "vote_count": int(post.vote_count),
            "comment_count": int(post.comment_count),
            "voted": bool(post.viewer_voted),
            "status": str(post.status),
            "duplicate_of": post.duplicate_of_id,
            "is_locked": bool(post.is_locked),
            "language": str(post.language),
            "tags": self.get_tags(post),
            "parts": self.get_parts(post),
            "total_cost": self.get_total_cost(post),
            "created_at": _DATE.to_representation(post.created_at),
            "edited_at": post.edited_at and _DATE.to_representation(post.edited_at),
            "last_activity_at": _DATE.to_representation(post.last_activity_at),
            "url": post.get_absolute_url(),
        }

    @extend_schema_field(AuthorSerializer)
    def get_author(self, post):
        return self._author.to_representation(post)

    def get_tags(self, post) -> list[str]:
        return post.tag_names  # selectors.decorate_tag_names

    def _build(self, post) -> selectors.Build:
        if not hasattr(post, "_api_build"):
            post._api_build = selectors.build_of(post)
        return post._api_build

    @extend_schema_field(BuildPartSerializer(many=True))
    def get_parts(self, post):
        return self._parts.to_representation(self._build(post).lines)

    @extend_schema_field(MoneySerializer(many=True))
    def get_total_cost(self, post):
        """One amount per currency: prices in different currencies are never added."""
        totals = self._build(post).total_list
        return self._money.to_representation(
            [{"amount": amount, "currency": currency} for currency, amount in totals]
        )


class PartLineInput(serializers.Serializer):
    part = serializers.PrimaryKeyRelatedField(
        queryset=Part.objects.all(),
        error_messages={"does_not_exist": _("No part has the id {pk_value}.")},
        help_text=_("Part id (see /api/v1/parts/)."),
    )
    quantity = serializers.IntegerField(min_value=1, max_value=services.MAX_QUANTITY, default=1)


class PostWriteSerializer(serializers.Serializer):
    product = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Product.objects.all(),
        error_messages={"does_not_exist": _("No product has the slug “{value}”.")},
    )
    kind = serializers.ChoiceField(choices=MEMBER_KIND_CHOICES)
    title = SingleLineSerializerField(max_length=services.TITLE_MAX_LENGTH, allow_blank=True)
    body = serializers.CharField(max_length=services.BODY_MAX_LENGTH, allow_blank=True)
    tags = serializers.ListField(
        child=SingleLineSerializerField(max_length=60),
        required=False,
        default=list,
        max_length=20,
    )
    parts = PartLineInput(many=True, required=False, default=list)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        allow_blank=True,
        default="",
        help_text="The language the post is written in; empty: detected from the text.",
    )


class PostUpdateSerializer(PostWriteSerializer):
    product = None  # a post stays in its community


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "body_html", "is_official", "created_at", "edited_at"]
        read_only_fields = ["id", "author", "body_html", "is_official", "created_at", "edited_at"]

    @cached_property
    def _author(self) -> AuthorSerializer:
        return AuthorSerializer()

    @extend_schema_field(AuthorSerializer)
    def get_author(self, comment):
        return self._author.to_representation(comment)


class FlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Flag.Reason.choices)
    message = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


VoteStateSerializer = inline_serializer(
    "VoteState",
    {"vote_count": serializers.IntegerField(), "voted": serializers.BooleanField()},
)
PaginatedCommentListSerializer = inline_serializer(
    "PaginatedCommentList",
    {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": CommentSerializer(many=True),
    },
)
FollowStateSerializer = inline_serializer("FollowState", {"following": serializers.BooleanField()})

# The comment box's @ list: what a person types after the @.
MENTION_QUERY_MIN_LENGTH = 2
MENTION_QUERY_MAX_LENGTH = 150  # a username's longest
MENTION_RESULTS = 8


class MentionQuerySerializer(serializers.Serializer):
    # Spaces around are dropped; what is left must be 2 characters at least (a NUL character in
    # the address is a 400 before this: cocreate.core.middleware).
    q = serializers.CharField(
        min_length=MENTION_QUERY_MIN_LENGTH, max_length=MENTION_QUERY_MAX_LENGTH
    )


# What the schema says of `q`: 2 to 150 characters, two of them at least not spaces, no NUL.
MENTION_QUERY_SCHEMA = {
    "type": "string",
    "minLength": MENTION_QUERY_MIN_LENGTH,
    "maxLength": MENTION_QUERY_MAX_LENGTH,
    "pattern": "^[^\\x00]*\\S[^\\x00]*\\S[^\\x00]*$",
}


class MentionCandidateSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="What to write after the @.")
    display_name = serializers.CharField(source="public_name")
    url = serializers.SerializerMethodField(help_text="The person's page.")

    def get_url(self, user) -> str:
        return reverse("community:profile", args=[user.username])


class SimilarPostSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Post
        fields = ["id", "title", "kind", "status", "vote_count", "url"]


def _current_fields(post: Post) -> dict:
    """A post's editable fields as PostUpdateSerializer validates them."""
    return {
        "kind": post.kind,
        "title": post.title,
        "body": post.body,
        "tags": [tag.name for tag in post.tags.all()],
        "parts": [
            {"part": row.part, "quantity": row.quantity}
            for row in post.parts.select_related("part").order_by("id")
        ],
        "language": post.language,
    }
