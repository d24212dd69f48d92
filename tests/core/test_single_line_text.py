"""Titles, subjects and names refuse bidirectional overrides and control characters (never
stripped: docs/conventions.md), on every form and serializer that takes one."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cocreate.accounts.api import GuardedAuthTokenSerializer
from cocreate.accounts.forms import ApiTokenForm, ProfileForm
from cocreate.core.text import SingleLineField, SingleLineSerializerField, validate_single_line
from community.api import PostUpdateSerializer, PostWriteSerializer
from community.forms import PostForm
from community.models import Post
from designers.forms import EvaluationForm
from partners.api import ApplicationSerializer, ProjectWriteSerializer
from partners.forms import ApplicationForm, ProjectForm, ProvisionForm, SupplyForm
from service_desk.api import TicketCreateSerializer
from service_desk.forms import ArticleForm, ShipmentForm, ShipmentUpdateForm, TicketForm
from service_desk.models import Ticket
from tests.factories.accounts import UserFactory, customer
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db

SPOOFED = "invoice\u202efdp.exe"  # shows as "invoiceexe.pdf"


@pytest.mark.parametrize(
    "character",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
    + ["\x00", "\x07", "\x1b", "\t", "\n", "\r", "\x7f", "\x85", "\x9b", "\u2028", "\u2029"],
)
def test_bidirectional_and_control_characters_are_refused(character):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(f"Battery{character}life")

    assert refused.value.code == "control_character"
    assert f"U+{ord(character):04X}" in refused.value.messages[0]


@pytest.mark.parametrize(
    "text", ["Battery life", "عمر البطارية", "סוללה\u200f 5000 mAh", "电池续航", "Café — 5 €"]
)
def test_right_to_left_and_other_scripts_are_welcome(text):
    validate_single_line(text)


@pytest.mark.parametrize(
    ("form", "name"),
    [
        (PostForm, "title"),
        (PostForm, "tags"),
        (TicketForm, "subject"),
        (ArticleForm, "title"),
        (ShipmentForm, "carrier"),
        (ShipmentForm, "note"),
        (ShipmentUpdateForm, "note"),
        (ProfileForm, "display_name"),
        (ApiTokenForm, "name"),
        (ApplicationForm, "name"),
        (ProjectForm, "title"),
        (ProjectForm, "summary"),
        (SupplyForm, "note"),
        (ProvisionForm, "note"),
        (EvaluationForm, "title"),
        (EvaluationForm, "question"),
    ],
)
def test_every_form_field_of_a_title_subject_or_name_is_single_line(form, name):
    assert isinstance(form.base_fields[name], SingleLineField)


@pytest.mark.parametrize(
    ("serializer", "name"),
    [
        (PostWriteSerializer, "title"),
        (PostUpdateSerializer, "title"),
        (TicketCreateSerializer, "subject"),
        (GuardedAuthTokenSerializer, "name"),
        (ApplicationSerializer, "name"),
        (ProjectWriteSerializer, "title"),
        (ProjectWriteSerializer, "summary"),
    ],
)
def test_every_serializer_field_of_a_title_subject_or_name_is_single_line(serializer, name):
    assert isinstance(serializer().fields[name], SingleLineSerializerField)


def test_post_tags_from_the_api_are_single_line():
    assert isinstance(PostWriteSerializer().fields["tags"].child, SingleLineSerializerField)


# --- Through the pages and the API ------------------------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_spoofed_post_title_is_a_400_naming_the_field():
    product = ProductFactory()
    author = customer(date_joined=timezone.now() - timedelta(days=365))

    response = _api(author).post(
        "/api/v1/posts/",
        {"product": product.slug, "kind": "question", "title": SPOOFED, "body": "?"},
        format="json",
    )

    assert response.status_code == 400
    assert "U+202E" in response.json()["errors"]["title"][0]
    assert not Post.objects.exists()


def test_a_spoofed_ticket_subject_is_refused_on_the_page(client):
    product = ProductFactory()
    client.force_login(customer())

    response = client.post(
        reverse("service_desk:ticket_new"),
        {
            "product": product.pk,
            "category": "consultation",
            "subject": SPOOFED,
            "description": "See the attachment.",
        },
    )

    assert "U+202E" in str(response.context["form"].errors["subject"])
    assert not Ticket.objects.exists()


def test_a_display_name_with_a_terminal_escape_is_refused(client):
    user = UserFactory(display_name="Ann")
    client.force_login(user)

    response = client.post(
        reverse("profile"),
        {"display_name": "Ann\x1b[2J", "email": user.email, "language": "", "time_zone": "UTC"},
    )

    assert "display_name" in response.context["form"].errors
    user.refresh_from_db()
    assert user.display_name == "Ann"


def test_a_spoofed_poll_choice_is_refused():
    form = EvaluationForm(
        {
            "product": ProductFactory().slug,
            "title": "Next case colour",
            "body": "Tell us.",
            "question": "Which colour?",
            "choices": "Red\nBlue\u202e",
        }
    )

    assert not form.is_valid()
    assert "U+202E" in str(form.errors["choices"])
