from django.core.management.base import BaseCommand

from service_desk.services import sla_check


class Command(BaseCommand):
    help = (
        "Mark at-risk and breached tickets and escalate each breach once (what the beat job does)."
    )

    def handle(self, *args, **options):
        result = sla_check()
        self.stdout.write(
            self.style.SUCCESS(
                "SLA check: {breached} newly breached, {at_risk} newly at risk, "
                "{escalated} escalated.".format(**result)
            )
        )
