import factory

from cocreate.core.markup import render_markdown
from community.models import Comment, Flag, Post, PostPart, Tag

from .accounts import UserFactory
from .products import PartFactory, ProductFactory


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.LazyAttribute(lambda tag: tag.name.replace(" ", "-"))


class PostFactory(factory.django.DjangoModelFactory):
    """A suggestion by a customer; `PostFactory(tags=[tag])` adds tags."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    author = factory.SubFactory(UserFactory)
    kind = Post.Kind.SUGGESTION
    title = factory.Sequence(lambda n: f"Make the battery last longer, idea {n}")
    body = "The battery drains overnight when **Wi-Fi** stays on."
    body_html = factory.LazyAttribute(lambda post: render_markdown(post.body))

    @factory.post_generation
    def tags(post, create, extracted, **kwargs):
        if create and extracted:
            post.tags.add(*extracted)


class PostPartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostPart

    post = factory.SubFactory(PostFactory, kind=Post.Kind.MODIFICATION)
    part = factory.SubFactory(PartFactory)
    quantity = 1


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    body = "Same here."
    body_html = factory.LazyAttribute(lambda comment: render_markdown(comment.body))


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    post = factory.SubFactory(PostFactory)
    reporter = factory.SubFactory(UserFactory)
    reason = Flag.Reason.SPAM
