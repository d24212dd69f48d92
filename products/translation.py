"""The catalog's texts, written in each of settings.LANGUAGES (docs/i18n.md, "Content in several
languages"): `name_en`, `name_zh_hans` … beside `name`, which reads the reader's language and
falls back to English."""

from modeltranslation.translator import TranslationOptions, register

from .models import Part, Product, ProductLine, ValueAddedService


@register(ProductLine)
class ProductLineTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Product)
class ProductTranslation(TranslationOptions):
    # Spec labels and values, as one mapping per language.
    fields = ("name", "description", "specs")


@register(Part)
class PartTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ValueAddedService)
class ValueAddedServiceTranslation(TranslationOptions):
    fields = ("name", "terms")
