from django import forms

from .kinds import Delivery
from .selectors import GroupPreference


class PreferencesForm(forms.Form):
    """One choice per group the person may choose for (fixed groups are shown, not asked)."""

    def __init__(self, *args, preferences: list[GroupPreference], **kwargs):
        super().__init__(*args, **kwargs)
        self.preferences = preferences
        for preference in preferences:
            group = preference.group
            if group.fixed:
                continue
            self.fields[group.name] = forms.ChoiceField(
                label=group.label,
                help_text=group.description,
                choices=[(value, Delivery(value).label) for value in group.choices],
                initial=preference.delivery,
                widget=forms.RadioSelect,
                required=False,  # a group left out keeps its delivery
            )

    def rows(self) -> list[dict]:
        """Per group, in order: its section, the group, the delivery in force and its field."""
        return [
            {
                "section": preference.group.section,
                "group": preference.group,
                "delivery": preference.delivery,
                "delivery_label": Delivery(preference.delivery).label,
                "field": self[preference.group.name]
                if preference.group.name in self.fields
                else None,
            }
            for preference in self.preferences
        ]

    def deliveries(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.fields if self.cleaned_data[name]}
