"""Send every grade whose delivery is due (the outbox sweep), for a cron job where no
Celery beat runs. The same work as the task lti_bridge.deliver_due_grades."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from lti_bridge.models import GradeDelivery
from lti_bridge.tasks import deliver_due_grades


class Command(BaseCommand):
    help = "Send every grade whose delivery is due (retries and lost tasks)."

    def handle(self, *args, **options):
        due = GradeDelivery.objects.due(timezone.now()).count()
        deliver_due_grades.run()
        left = GradeDelivery.objects.due(timezone.now()).count()
        self.stdout.write(f"{due} due, {left} still due")
