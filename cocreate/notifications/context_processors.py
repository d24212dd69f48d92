from functools import cache


def unread_notifications(request):
    """The unread count shown in the header, read lazily (pages that never show it pay nothing)
    and once (the notifications page asks it too)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count():
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notification_count": count}
