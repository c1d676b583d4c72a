from django.conf import settings
from django.core.management.base import BaseCommand

from demo.seed import DEMO_PASSWORD, DEMO_USERS, seed


class Command(BaseCommand):
    help = "Create the demo users, organization, registrations and Codio units."

    def handle(self, *args, **options):
        seed(settings.BASE_URL)
        users = ", ".join(u["username"] for u in DEMO_USERS)
        self.stdout.write(f"Demo data ready. Users (password {DEMO_PASSWORD!r}): {users}")
