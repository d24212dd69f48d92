from django.core.management.base import BaseCommand

from designers.surfacing import surface_popular


class Command(BaseCommand):
    help = "Rescore posts with new activity and put the popular ones in the designers' queue."

    def handle(self, *args, **options):
        result = surface_popular()
        if not result.ran:
            self.stdout.write("Another run holds the lock; nothing done.")
            return
        self.stdout.write(
            f"Rescored {result.rescored} posts, surfaced {result.surfaced}, "
            f"notified {result.notified} designers."
        )
