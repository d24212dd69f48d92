import factory

from cocreate.notifications.models import Notification

from .accounts import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "test.event"
    title = factory.Sequence(lambda n: f"Something happened #{n}")
    url = "/"
