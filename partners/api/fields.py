"""Serializer fields the sections share: area codes, and choice lists that keep their order."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from ..taxonomy import is_area_code


class AreaCodesField(serializers.ListField):
    """ISO 3166 country codes or named regions; errors come as one flat list of messages."""

    child = serializers.CharField(max_length=20)

    def to_internal_value(self, data):
        if isinstance(data, (str, dict)) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        values = list(data)
        unknown = [
            value for value in values if not isinstance(value, str) or not is_area_code(value)
        ]
        if unknown:
            raise serializers.ValidationError(
                [
                    _("“%(value)s” is neither an ISO 3166 country code nor a known region.")
                    % {"value": value}
                    for value in unknown
                ]
            )
        if len(values) > 60:
            raise serializers.ValidationError(_("List at most 60 countries or regions."))
        return list(dict.fromkeys(values))


class ChoiceListField(serializers.MultipleChoiceField):
    """A list of choices that keeps the caller's order (DRF's own returns a set)."""

    def to_internal_value(self, data):
        chosen = super().to_internal_value(data)
        return [value for value in dict.fromkeys(data) if value in chosen]
