"""REST endpoints of the communities: posts and their votes, comments, follows and flags.

Three modules: serializers (what posts, comments and flags look like read and written),
viewsets (PostViewSet, with its feed query) and follows (a product's community followed).
cocreate/api_urls.py names the views from here.
"""

from .follows import ProductFollowView
from .serializers import (
    MEMBER_KIND_CHOICES,
    AuthorSerializer,
    BuildPartSerializer,
    CommentSerializer,
    FlagSerializer,
    FollowStateSerializer,
    MoneySerializer,
    PaginatedCommentListSerializer,
    PartLineInput,
    PostSerializer,
    PostUpdateSerializer,
    PostWriteSerializer,
    SimilarPostSerializer,
    VoteStateSerializer,
)
from .viewsets import TAG_SLUG_MAX_LENGTH, FeedQuerySerializer, PostViewSet

__all__ = [
    "MEMBER_KIND_CHOICES",
    "TAG_SLUG_MAX_LENGTH",
    "AuthorSerializer",
    "BuildPartSerializer",
    "CommentSerializer",
    "FeedQuerySerializer",
    "FlagSerializer",
    "FollowStateSerializer",
    "MoneySerializer",
    "PaginatedCommentListSerializer",
    "PartLineInput",
    "PostSerializer",
    "PostUpdateSerializer",
    "PostViewSet",
    "PostWriteSerializer",
    "ProductFollowView",
    "SimilarPostSerializer",
    "VoteStateSerializer",
]
