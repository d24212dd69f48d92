"""Rate limits on posting, commenting, voting and flagging, shared by pages and the API.

Rates live in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] as `community_<action>` and the stricter
`community_<action>_new_account`, applied to accounts younger than COMMUNITY_NEW_ACCOUNT_DAYS.
A page and the API count against the same budget (one cache key per user and action), so a
client cannot double its allowance by switching between them.

What counts is the same on both: an attempt whose content is valid. A post counts once its
fields pass the form's or serializer's checks and the service's content rules
(services.post_validate: title, body, tags, build), a comment or flag once its form or
serializer accepts it (they check what the service checks of the text and reason), just
before the service runs. Content refused as invalid costs nothing, so fixing a typo is not
spamming; what the service then refuses for the post's state (a locked post, a second flag of
the same post) was an attempt and counts. A vote has no input: every request counts. Edits do
not count. A new post is counted by services.post_submit, which pages and the API both call
(RateLimited past the rate); for the other actions pages call community_rate_limit_hit at that
point, the API community_rate_limit_enforce, and it throttles votes with
CommunityActionThrottle.
"""

from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.utils import timezone
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

from cocreate.core.ratelimit import RateLimit, rate_limit_hit


class Action(StrEnum):
    POST = "post"
    COMMENT = "comment"
    VOTE = "vote"
    FLAG = "flag"


def is_new_account(user) -> bool:
    age_limit = timedelta(days=settings.COMMUNITY_NEW_ACCOUNT_DAYS)
    return user.date_joined > timezone.now() - age_limit


def rate_for(user, action: Action) -> RateLimit:
    scope = f"community_{action}"
    if is_new_account(user):
        scope += "_new_account"
    return RateLimit.parse(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope])


def _counter(user, action: Action) -> tuple[str, RateLimit]:
    """The key and rate one `action` by `user` counts against, on pages and in the API."""
    return f"community:{action}:{user.pk}", rate_for(user, action)


def community_rate_limit_hit(*, user, action: Action) -> int | None:
    """Count one `action` by `user`; None if allowed, else the seconds to wait."""
    key, rate = _counter(user, action)
    return rate_limit_hit(key=key, rate=rate)


def community_rate_limit_enforce(*, user, action: Action) -> None:
    """The API's count of one valid `action` by `user`: raises Throttled (429, Retry-After)."""
    wait = community_rate_limit_hit(user=user, action=action)
    if wait is not None:
        raise Throttled(wait=wait)


class CommunityActionThrottle(BaseThrottle):
    """Throttles a viewset's actions that have no input to validate (votes): the view maps
    their names to an Action in `community_throttled_actions`; reads and unlisted actions
    pass."""

    def allow_request(self, request, view) -> bool:
        counter = self.counter(request, view)
        if counter is None:
            return True
        key, rate = counter
        self._wait = rate_limit_hit(key=key, rate=rate)
        return self._wait is None

    def counter(self, request, view) -> tuple[str, RateLimit] | None:
        """What the request counts against (None: nothing), for ThrottlesCountedTogether."""
        action = getattr(view, "community_throttled_actions", {}).get(getattr(view, "action", ""))
        if action is None or request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if not request.user or not request.user.is_authenticated:
            return None  # the permission check answers 401 next
        return _counter(request.user, action)

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)
