"""The webhooks' part of a person's data (cocreate/accounts/personal_data.py): their endpoints.
The signing secrets are left out of the export; deletion removes the endpoints and their log."""

from .models import WebhookEndpoint


def export(user) -> list[dict]:
    return list(
        WebhookEndpoint.objects.filter(owner=user).values(
            "url", "events", "is_active", "created_at"
        )
    )


def erase(user) -> None:
    WebhookEndpoint.objects.filter(owner=user).delete()
