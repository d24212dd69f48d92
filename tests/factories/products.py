from datetime import date
from decimal import Decimal

import factory

from products.models import Part, Product, ProductLine, Registration, ValueAddedService

from .accounts import UserFactory


class ProductLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductLine
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Line {n}")
    slug = factory.Sequence(lambda n: f"line-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    line = factory.SubFactory(ProductLineFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    model_number = factory.Sequence(lambda n: f"MN-{n:05d}")
    generation = 1
    status = Product.Status.ON_SALE
    description = factory.LazyAttribute(lambda product: f"The {product.name}, made to last.")
    illustration = Product.Illustration.PHONE
    specs = factory.LazyFunction(lambda: {"weight": "180 g"})


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part
        skip_postgeneration_save = True

    kind = Part.Kind.ACCESSORY
    name = factory.Sequence(lambda n: f"Part {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = Decimal("19.90")
    currency = "EUR"

    @factory.post_generation
    def compatible_with(part, create, extracted, **kwargs):
        if create and extracted:
            part.compatible_products.add(*extracted)


class ValueAddedServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValueAddedService
        skip_postgeneration_save = True

    kind = ValueAddedService.Kind.EXTENDED_WARRANTY
    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    price = Decimal("49.00")
    currency = "EUR"
    billing = ValueAddedService.Billing.ONE_OFF
    terms = "Covers parts and labour."

    @factory.post_generation
    def for_products(service, create, extracted, **kwargs):
        if create and extracted:
            service.products.add(*extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    customer = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    purchased_on = date(2026, 1, 15)
    warranty_ends_on = factory.LazyAttribute(
        lambda registration: Registration.warranty_end_for(
            registration.product, registration.purchased_on
        )
    )


def generation_chain(count: int, **kwargs) -> list[Product]:
    """`count` generations of one product, oldest first, each the predecessor of the next."""
    line = kwargs.pop("line", None) or ProductLineFactory()
    chain: list[Product] = []
    for number in range(1, count + 1):
        chain.append(
            ProductFactory(
                line=line,
                generation=number,
                predecessor=chain[-1] if chain else None,
                **kwargs,
            )
        )
    return chain
