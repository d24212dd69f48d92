from django.core.management.base import BaseCommand

from service_desk.services import metrics_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every day's desk metrics figures from the tickets and deflections "
        "(after a restore or a bulk load with triggers off; running it twice changes nothing)."
    )

    def handle(self, *args, **options):
        days = metrics_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Desk metrics: {days} days recomputed."))
