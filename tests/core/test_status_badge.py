"""`{% status_badge %}`: a record's status in the badge its app registered for it."""

from django.apps import apps
from django.template import Context, Template

from cocreate.core import badges
from community.models import Post
from products.models import Product


def render(template: str, **context) -> str:
    return Template("{% load core_tags %}" + template).render(Context(context))


def test_a_status_shows_in_the_badge_its_app_registered():
    product = Product(status=Product.Status.ON_SALE)

    html = render('{% status_badge product testid="product-status" %}', product=product)

    assert html == '<span class="badge badge-ok" data-testid="product-status">On sale</span>'


def test_a_status_without_a_colour_is_a_plain_badge():
    assert render("{% status_badge product %}", product=Product(status=Product.Status.CONCEPT)) == (
        '<span class="badge">Concept</span>'
    )


def test_another_field_names_its_own_mapping():
    post = Post(status=Post.Status.ADOPTED, kind=Post.Kind.QUESTION)

    assert render("{% status_badge post %}", post=post) == (
        '<span class="badge badge-ok">Adopted</span>'
    )
    assert render('{% status_badge post "kind" %}', post=post) == (
        '<span class="badge badge-violet">Question</span>'
    )


def test_every_registered_colour_is_for_a_value_of_its_field():
    """A misspelt status in an app's mapping would quietly show a plain badge."""
    assert badges._BADGES
    for (label, field), classes in badges._BADGES.items():
        choices = apps.get_model(label)._meta.get_field(field).choices
        assert set(classes) <= {value for value, _label in choices}, (label, field)
