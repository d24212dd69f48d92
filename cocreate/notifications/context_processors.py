def unread_notifications(request):
    """The unread count shown in the header, read lazily: pages that never show it pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notification_count": count}
