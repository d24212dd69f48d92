import factory

from partners.models import (
    Application,
    CollaborationProject,
    Membership,
    Partner,
    PartnerKind,
    Provision,
    Supply,
)

from .accounts import UserFactory
from .products import PartFactory, ValueAddedServiceFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    """An active, unverified supplier in Germany; `members=[user]` adds members, `owners=[…]` owners."""

    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner {n} GmbH")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = PartnerKind.SUPPLIER
    country = "DE"
    regions_served = factory.LazyFunction(lambda: ["eu"])
    capabilities = factory.LazyFunction(lambda: ["injection_moulding"])
    certifications = factory.LazyFunction(lambda: ["iso_9001"])
    status = Partner.Status.ACTIVE
    description = "Precision plastic parts for consumer electronics."
    description_html = "<p>Precision plastic parts for consumer electronics.</p>"
    website = "https://example.com"

    @factory.post_generation
    def owners(partner, create, extracted, **kwargs):
        for user in extracted or ():
            Membership.objects.create(user=user, partner=partner, role=Membership.Role.OWNER)

    @factory.post_generation
    def members(partner, create, extracted, **kwargs):
        for user in extracted or ():
            Membership.objects.create(user=user, partner=partner, role=Membership.Role.MEMBER)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = Membership.Role.MEMBER


class SupplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supply

    partner = factory.SubFactory(PartnerFactory)
    part = factory.SubFactory(PartFactory)


class ProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provision

    partner = factory.SubFactory(PartnerFactory)
    service = factory.SubFactory(ValueAddedServiceFactory)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    applicant = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Applicant Org {n}")
    kind = PartnerKind.UNIVERSITY
    country = "CN"
    capabilities = factory.LazyFunction(lambda: ["materials_research"])
    description = "A materials science lab."
    description_html = "<p>A materials science lab.</p>"
    website = "https://lab.example.edu"


class ProjectFactory(factory.django.DjangoModelFactory):
    """`partners=[…]` and `products=[…]` set the many-to-many relations."""

    class Meta:
        model = CollaborationProject
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    kind = CollaborationProject.Kind.JOINT_RND
    status = CollaborationProject.Status.ACTIVE
    summary = "Lighter housings from recycled polymers."

    @factory.post_generation
    def partners(project, create, extracted, **kwargs):
        if create and extracted:
            project.partners.add(*extracted)

    @factory.post_generation
    def products(project, create, extracted, **kwargs):
        if create and extracted:
            project.products.add(*extracted)
