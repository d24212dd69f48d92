"""A partner profile's prose in each of settings.LANGUAGES (docs/i18n.md, "Content in several
languages"); the organisation's name is the same in every language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Partner, Supply


@register(Partner)
class PartnerTranslation(TranslationOptions):
    fields = ("description", "description_html")


@register(Supply)
class SupplyTranslation(TranslationOptions):
    # What the partner does for the part ("Manufacturer"), shown on its page.
    fields = ("note",)
