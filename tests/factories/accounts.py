import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group

from cocreate.accounts.models import User
from cocreate.accounts.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    """A customer by default; `UserFactory(role=Role.AGENT)` for another role, `role=None` for none.
    Its e-mail address is verified; `UserFactory(verified_email=False)` makes one that is not."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(settings.DEMO_PASSWORD)
    time_zone = "UTC"

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        """The address is verified (allauth's primary EmailAddress) unless
        `UserFactory(verified_email=False)`: then it awaits its confirmation."""
        if create and user.email.strip():
            EmailAddress.objects.update_or_create(
                user=user,
                email=user.email,
                defaults={"primary": True, "verified": extracted is not False},
            )

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        role = Role.CUSTOMER if extracted is None else extracted
        if create and role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            user.__dict__.pop("role_names", None)


def customer(**kwargs) -> User:
    return UserFactory(role=Role.CUSTOMER, **kwargs)


def agent(**kwargs) -> User:
    return UserFactory(role=Role.AGENT, **kwargs)


def designer(**kwargs) -> User:
    return UserFactory(role=Role.DESIGNER, **kwargs)


def partner_member(**kwargs) -> User:
    return UserFactory(role=Role.PARTNER_MEMBER, **kwargs)


def staff(**kwargs) -> User:
    return UserFactory(role="", is_staff=True, is_superuser=True, **kwargs)
