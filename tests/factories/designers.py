import factory

from designers.models import Poll, PollAnswer, PollChoice, ProductTeam, ReviewItem

from .accounts import UserFactory
from .community import PostFactory


class ReviewItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewItem

    post = factory.SubFactory(PostFactory)
    product = factory.SelfAttribute("post.product")
    score = 30.0
    vote_count = 12
    verified_vote_count = 4
    # The default weights: 8 votes × 1 + 4 of verified owners × 3.
    support = factory.LazyAttribute(
        lambda item: (item.vote_count - item.verified_vote_count) + 3 * item.verified_vote_count
    )
    reasons = factory.LazyFunction(
        lambda: [{"code": "threshold", "points": 30.0, "threshold": 25.0}]
    )


class ProductTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductTeam

    product = factory.SubFactory("tests.factories.products.ProductFactory")
    user = factory.SubFactory(UserFactory, role="designer")


class PollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Poll

    post = factory.SubFactory(PostFactory, kind="evaluation")
    question = "Which colour should the next case come in?"


class PollChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PollChoice

    poll = factory.SubFactory(PollFactory)
    label = factory.Sequence(lambda n: f"Colour {n}")
    position = factory.Sequence(lambda n: n)


class PollAnswerFactory(factory.django.DjangoModelFactory):
    """A customer's answer (a bare row; the rule is designers.services.poll_answer)."""

    class Meta:
        model = PollAnswer

    choice = factory.SubFactory(PollChoiceFactory)
    poll = factory.SelfAttribute("choice.poll")
    user = factory.SubFactory(UserFactory)
