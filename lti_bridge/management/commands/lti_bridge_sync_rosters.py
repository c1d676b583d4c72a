"""Queue a roster sync of every class whose roster is out of date, for a cron job where no
Celery beat runs. The same work as the task lti_bridge.sync_stale_rosters."""

from django.core.management.base import BaseCommand

from lti_bridge.tasks import sync_stale_rosters


class Command(BaseCommand):
    help = "Queue a roster sync (NRPS) of every class whose roster is out of date."

    def handle(self, *args, **options):
        queued = sync_stale_rosters.run()
        self.stdout.write(f"{queued} class roster(s) queued")
