"""Every write of the designers' workspace that has a rule: one function each, in a transaction."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from cocreate.core.errors import StateConflict
from cocreate.core.i18n import detect_language
from cocreate.core.markup import render_markdown
from cocreate.notifications.services import notification_send
from cocreate.webhooks.models import Event
from cocreate.webhooks.services import webhook_event_emit
from community.models import Follow, Post, ReputationEvent, StatusChange
from community.services import new_post_announce, post_merge, reputation_record
from partners.selectors import product_collaborators
from products.models import Product
from products.services import product_shipped_idea_added

from .models import Poll, PollAnswer, PollChoice, ReviewItem
from .permissions import may_answer_poll, may_design
from .selectors import product_team

# The statuses a designer may set.
DECISIONS = (
    Post.Status.UNDER_REVIEW,
    Post.Status.PLANNED,
    Post.Status.IN_PROGRESS,
    Post.Status.ADOPTED,
    Post.Status.DECLINED,
    Post.Status.DUPLICATE,
)
FINAL = (Post.Status.ADOPTED, Post.Status.DECLINED, Post.Status.DUPLICATE)
# Where a decision may take a post from its status (docs/design.md, "Decisions"): forward only,
# planned → in progress → adopted, and declined from anywhere short of final. Planned and in
# progress may stay as they are to name another generation. A final status has no way out.
NEXT_STATUSES = {
    Post.Status.OPEN: DECISIONS,
    Post.Status.UNDER_REVIEW: DECISIONS[1:],
    Post.Status.PLANNED: (
        Post.Status.PLANNED,
        Post.Status.IN_PROGRESS,
        Post.Status.ADOPTED,
        Post.Status.DECLINED,
    ),
    Post.Status.IN_PROGRESS: (Post.Status.IN_PROGRESS, Post.Status.ADOPTED, Post.Status.DECLINED),
}
# The statuses that name a product generation (Post.adopted_in): the one a planned or
# in-progress idea is planned for (optional), the one that adopted it (required).
TARGETED = (Post.Status.PLANNED, Post.Status.IN_PROGRESS, Post.Status.ADOPTED)
# Milestones of the author's reputation: an idea in progress was planned, too.
PLANNED_MILESTONE = (Post.Status.PLANNED, Post.Status.IN_PROGRESS)
DECIDABLE_KINDS = (Post.Kind.SUGGESTION, Post.Kind.MODIFICATION)
MESSAGE_MAX_LENGTH = StatusChange._meta.get_field("message").max_length


def next_statuses(post: Post) -> tuple[str, ...]:
    """The statuses a decision may give `post` now (none once it is final)."""
    return NEXT_STATUSES.get(post.status, ())


def _require_designer(user) -> None:
    if not may_design(user):
        raise PermissionDenied(_("Only designers may do this."))


def _labels(statuses) -> str:
    return pgettext("between the items of a list", ", ").join(
        str(Post.Status(status).label) for status in statuses
    )


def _check_status(*, post, status, adopted_in) -> list[str]:
    if status not in DECISIONS:
        return [_("Choose one of the designers' statuses.")]
    if post.status in FINAL:
        return [_("A decided post cannot change status again.")]
    allowed = next_statuses(post)
    if status == post.status and status in allowed:
        # Planned or in progress again: only to name another generation.
        if adopted_in == post.adopted_in:
            return [_("The post already has this status and names this generation.")]
        return []
    if status == post.status:
        return [_("The post already has this status.")]
    if status not in allowed:
        return [
            _("A post that is “%(current)s” can become: %(allowed)s.")
            % {
                "current": Post.Status(post.status).label,
                "allowed": _labels(other for other in allowed if other != post.status),
            }
        ]
    return []


def _check_generation(*, post, status, adopted_in) -> list[str]:
    if status not in TARGETED:
        if adopted_in is not None:
            return [_("Only a planned, in-progress or adopted post names a product generation.")]
        return []
    if adopted_in is None:
        if status == Post.Status.ADOPTED:
            return [_("Name the product generation that adopts the idea.")]
        return []
    if adopted_in.line_id != post.product.line_id:
        return [_("Choose a product of the same product line.")]
    # The same rule as the choices offered (selectors.adoption_targets).
    if adopted_in.status == Product.Status.DISCONTINUED:
        return [
            _("%(name)s is discontinued: choose a generation that is not.")
            % {"name": adopted_in.name}
        ]
    return []


def _check_decision(*, post, status, message, adopted_in, duplicate_of) -> dict:
    errors: dict[str, list[str]] = {}
    if status_errors := _check_status(post=post, status=status, adopted_in=adopted_in):
        errors["status"] = status_errors
    if post.kind not in DECIDABLE_KINDS:
        errors.setdefault("status", []).append(
            _("Only suggestions and modifications take a status.")
        )
    if not message.strip():
        errors["message"] = [_("Write the public message the community will read.")]
    elif len(message) > MESSAGE_MAX_LENGTH:
        errors["message"] = [_("The message is too long.")]
    if generation_errors := _check_generation(post=post, status=status, adopted_in=adopted_in):
        errors["adopted_in"] = generation_errors
    # Which post a duplicate may name is the merge's rule (community.services.post_merge).
    if status == Post.Status.DUPLICATE:
        if duplicate_of is None:
            errors["duplicate_of"] = [_("Name the post this one duplicates.")]
    elif duplicate_of is not None:
        errors["duplicate_of"] = [_("Only a duplicate names another post.")]
    return errors


@transaction.atomic
def post_status_change(
    *, post: Post, status: str, message: str, author, adopted_in=None, duplicate_of=None
) -> StatusChange:
    """A designer decides on a post, publicly.

    Writes the StatusChange (shown on the post's public timeline as the team's response), moves
    the post (NEXT_STATUSES: forward only; planned or in progress again to name another
    generation), sets the generation it names (`adopted_in`: required to adopt, optional to plan,
    never discontinued), closes its review item, notifies the followers (in-app now, e-mail by
    Celery; one per change), awards the author on planning (or in progress) and adoption (once per
    post, ledger constraint), and emits the `post.status_changed` / `post.adopted` webhooks.
    Marking a duplicate is the moderators' merge (community.services.post_merge: same product,
    votes and followers moved, the duplicate locked; it tells the author). Raises
    PermissionDenied for a non-designer and ValidationError (per field) for an invalid decision.
    """
    _require_designer(author)
    if status == Post.Status.DUPLICATE and duplicate_of is not None:
        # The merge locks both posts in id order: taken in that order here too, a decision and
        # a merge of the same two posts cannot deadlock.
        list(
            Post.objects.select_for_update()
            .filter(pk__in=[post.pk, duplicate_of.pk])
            .order_by("pk")
        )
    post = Post.objects.select_for_update().select_related("product", "author").get(pk=post.pk)
    errors = _check_decision(
        post=post, status=status, message=message, adopted_in=adopted_in, duplicate_of=duplicate_of
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    # Read before a merge moves them to the original.
    followers = list(
        get_user_model().objects.filter(community_follows__post=post, is_active=True).distinct()
    )
    if status == Post.Status.DUPLICATE:
        try:
            change = post_merge(source=post, target=duplicate_of, moderator=author, message=message)
        except ValidationError as error:
            raise ValidationError({"duplicate_of": error.messages}) from error
        post.status, post.duplicate_of = status, duplicate_of
    else:
        change = StatusChange.objects.create(
            post=post,
            old_status=post.status,
            new_status=status,
            message=message,
            message_html=render_markdown(message),
            author=author,
            adopted_in=adopted_in,
        )
        post.status = status
        post.adopted_in = adopted_in if status in TARGETED else None
        post.duplicate_of = None
        post.last_activity_at = now
        post.save(
            update_fields=["status", "adopted_in", "duplicate_of", "last_activity_at", "updated_at"]
        )

    item_state = (
        ReviewItem.State.DECIDED
        if status != Post.Status.UNDER_REVIEW
        else ReviewItem.State.IN_REVIEW
    )
    ReviewItem.objects.filter(post=post).update(
        state=item_state,
        decision=status if item_state == ReviewItem.State.DECIDED else "",
        decided_at=now if item_state == ReviewItem.State.DECIDED else None,
    )

    if status in PLANNED_MILESTONE:
        reputation_record(
            user=post.author, kind=ReputationEvent.Kind.IDEA_PLANNED, post=post, actor=author
        )
    if status == Post.Status.ADOPTED:
        reputation_record(
            user=post.author, kind=ReputationEvent.Kind.IDEA_ADOPTED, post=post, actor=author
        )
        # Adopted into a generation already on sale, the idea ships now: credits and notices.
        product_shipped_idea_added(product=adopted_in, by=author)

    if post.author not in followers:
        followers.append(post.author)
    recipients = [user for user in followers if user.pk != author.pk]
    if status == Post.Status.DUPLICATE:
        # The merge told the author already ("merged into an earlier one").
        recipients = [user for user in recipients if user.pk != post.author_id]
    status_label = Post.Status(status).label
    if status == Post.Status.ADOPTED:
        title = gettext_lazy("Adopted in %(product)s: %(title)s")
        params = {"product": adopted_in.name, "title": post.title}
    elif status == Post.Status.PLANNED and adopted_in is not None:
        title = gettext_lazy("Planned for %(product)s: %(title)s")
        params = {"product": adopted_in.name, "title": post.title}
    elif status == Post.Status.IN_PROGRESS and adopted_in is not None:
        title = gettext_lazy("In progress for %(product)s: %(title)s")
        params = {"product": adopted_in.name, "title": post.title}
    else:
        title = gettext_lazy("%(status)s: %(title)s")
        params = {"status": status_label, "title": post.title}
    notification_send(
        recipients=recipients,
        kind=f"post.{status}",
        title=_Formatted(title, params),
        body=message[:500],
        url=post.get_absolute_url() + "#history-title",
        dedupe_key=f"post.status:{change.pk}",
    )
    payload = {
        "post": post.pk,
        "title": post.title,
        "product": post.product.slug,
        "old_status": change.old_status,
        "status": status,
        "message": message,
        "adopted_in": adopted_in.slug if adopted_in else None,
        "duplicate_of": duplicate_of.pk if duplicate_of else None,
        "url": post.get_absolute_url(),
        "changed_at": now.isoformat(),
    }
    # Followers (and the author) and the product's team: its designers, collaborating partners.
    audience = [
        *followers,
        product_team(post.product_id),
        product_collaborators(post.product_id),
    ]
    webhook_event_emit(event=Event.POST_STATUS_CHANGED, payload=payload, audience=audience)
    if status == Post.Status.ADOPTED:
        webhook_event_emit(event=Event.POST_ADOPTED, payload=payload, audience=audience)
    return change


class _Formatted:
    """A lazy translation with %-parameters, evaluated in each recipient's language."""

    def __init__(self, message, params):
        self.message, self.params = message, params

    def __str__(self):
        return str(self.message) % self.params


@transaction.atomic
def review_item_assign(*, item: ReviewItem, user) -> ReviewItem:
    """The designer takes the item; a new item moves to "in review"."""
    _require_designer(user)
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    item.assignee = user
    if item.state == ReviewItem.State.NEW:
        item.state = ReviewItem.State.IN_REVIEW
    item.save(update_fields=["assignee", "state"])
    return item


POLL_MIN_CHOICES = 2
POLL_MAX_CHOICES = 8


@transaction.atomic
def evaluation_publish(
    *, author, product, title: str, body: str, question: str = "", choices=()
) -> Post:
    """An official evaluation post in the product's community, optionally with a poll.

    Written here, not through community's post_create: evaluations are not a member's kind."""
    _require_designer(author)
    choices = [label.strip() for label in choices if label and label.strip()]
    question = (question or "").strip()
    errors: dict[str, list[str]] = {}
    if question and not POLL_MIN_CHOICES <= len(choices) <= POLL_MAX_CHOICES:
        errors["choices"] = [
            _("A poll has between %(min)d and %(max)d choices.")
            % {"min": POLL_MIN_CHOICES, "max": POLL_MAX_CHOICES}
        ]
    elif choices and not question:
        errors["question"] = [_("Write the poll's question.")]
    elif len({c.lower() for c in choices}) != len(choices):
        errors["choices"] = [_("Each choice must be different.")]
    title, body = (title or "").strip(), (body or "").strip()
    if not 5 <= len(title) <= Post._meta.get_field("title").max_length:
        errors["title"] = [_("Give the evaluation a title of 5 to 160 characters.")]
    if not body or len(body) > Post._meta.get_field("body").max_length:
        errors["body"] = [_("Write the evaluation (up to 20,000 characters).")]
    if errors:
        raise ValidationError(errors)
    post = Post.objects.create(
        author=author,
        product=product,
        kind=Post.Kind.EVALUATION,
        title=title,
        body=body,
        body_html=render_markdown(body),
        language=detect_language(f"{title}\n{body}"),
    )
    Follow.objects.get_or_create(user=author, post=post)
    new_post_announce(post)
    if question:
        poll = Poll.objects.create(post=post, question=question[:200])
        PollChoice.objects.bulk_create(
            PollChoice(poll=poll, label=label[:120], position=index)
            for index, label in enumerate(choices)
        )
    return post


class PollAlreadyAnswered(StateConflict):
    """The user answered this poll before (one answer per customer): HTTP 409 in the API."""


def poll_answer(*, poll: Poll, choice: PollChoice, user) -> PollAnswer:
    """The customer's one answer to `poll`.

    Raises PermissionDenied for anyone but a customer, ValidationError for a choice of another
    poll or a closed poll, PollAlreadyAnswered for a second answer (the unique constraint
    decides, so two answers sent at once are one answer and one refusal)."""
    if not may_answer_poll(user):
        raise PermissionDenied(_("Only customers answer polls; the team sees the results."))
    if choice.poll_id != poll.pk:
        raise ValidationError({"choice": [_("This choice belongs to another poll.")]})
    if not poll.post.is_visible or poll.post.is_locked:
        raise ValidationError({"choice": [_("This poll is closed.")]})
    try:
        with transaction.atomic():
            return PollAnswer.objects.create(poll=poll, choice=choice, user=user)
    except IntegrityError:
        raise PollAlreadyAnswered(
            _("You have already answered this poll: only your first answer counts.")
        ) from None
