import factory
from django.utils import timezone

from cocreate.core.markup import render_markdown
from service_desk import services
from service_desk.models import (
    CannedResponse,
    Category,
    KnowledgeArticle,
    Mailbox,
    Priority,
    SlaPolicy,
    Ticket,
    TicketMessage,
)
from service_desk.search_document import documents_refresh

from .accounts import UserFactory
from .products import ProductFactory


class TicketFactory(factory.django.DjangoModelFactory):
    """A bare ticket row; tests of the rules go through `service_desk.services.ticket_create`."""

    class Meta:
        model = Ticket
        skip_postgeneration_save = True

    customer = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    category = Category.TECHNICAL_SUPPORT
    subject = factory.Sequence(lambda n: f"The screen flickers after update {n}")
    description = "It started yesterday evening."
    description_html = factory.LazyAttribute(lambda ticket: render_markdown(ticket.description))
    priority = Priority.NORMAL

    @factory.post_generation
    def search_document(ticket, create, extracted, **kwargs):
        """Written as the services write it, so the desk's search finds the ticket."""
        if create:
            documents_refresh([ticket.pk])


class TicketMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketMessage
        skip_postgeneration_save = True

    ticket = factory.SubFactory(TicketFactory)
    author = factory.SelfAttribute("ticket.customer")
    body = factory.Sequence(lambda n: f"Message {n}")
    body_html = factory.LazyAttribute(lambda message: render_markdown(message.body))

    @factory.post_generation
    def search_document(message, create, extracted, **kwargs):
        if create:
            documents_refresh([message.ticket_id])


class SlaPolicyFactory(factory.django.DjangoModelFactory):
    """The policy of a priority and category, with these targets: a database starts with the
    default policies (migration 0007), which this sets rather than duplicates."""

    class Meta:
        model = SlaPolicy

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        policy, _created = model_class.objects.update_or_create(
            priority=kwargs.pop("priority"), category=kwargs.pop("category"), defaults=kwargs
        )
        return policy

    name = factory.LazyAttribute(lambda policy: f"{Priority(policy.priority).label} SLA")
    priority = Priority.NORMAL
    category = ""
    first_response_minutes = 240
    resolution_minutes = 2880


class KnowledgeArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeArticle

    title = factory.Sequence(lambda n: f"How to reset the router {n}")
    slug = factory.Sequence(lambda n: f"how-to-reset-{n}")
    category = Category.TECHNICAL_SUPPORT
    body = "Hold the **reset** button for ten seconds."
    body_html = factory.LazyAttribute(lambda article: render_markdown(article.body))
    status = KnowledgeArticle.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CannedResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CannedResponse

    title = factory.Sequence(lambda n: f"Canned {n}")
    body = "Hello {customer}, thanks for ticket {ticket}."


def file_ticket(customer, product, **overrides) -> Ticket:
    """A ticket filed through `services.ticket_create`, as a customer files it: numbered, with
    its SLA due times and its audit history. `overrides` replace any of the form's fields."""
    data = {
        "customer": customer,
        "product": product,
        "category": Category.TECHNICAL_SUPPORT,
        "subject": "Wi-Fi drops every evening",
        "description": "Since the last firmware the **5 GHz** band drops at 8 pm.",
    }
    data.update(overrides)
    return services.ticket_create(**data)


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"support{n}")
    address = factory.LazyAttribute(lambda mailbox: f"{mailbox.name}@cocreate.example")
    product = factory.SubFactory(ProductFactory)
    category = Category.TECHNICAL_SUPPORT
    language = "en"
