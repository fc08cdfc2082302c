import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

DEMO_USERS = [
    # username, group, environment variable with its password, superuser
    ("admin", None, "DEMO_ADMIN_PASSWORD", True),
    ("editor", "Editors", "DEMO_EDITOR_PASSWORD", False),
    ("factchecker", "Fact-checkers", "DEMO_FACTCHECKER_PASSWORD", False),
]


class Command(BaseCommand):
    help = (
        "Create the demo users (admin, editor, factchecker). Passwords come from "
        "DEMO_*_PASSWORD or are generated and printed once; existing users are left alone."
    )

    def handle(self, *args, **options):
        import os

        User = get_user_model()
        credentials_file = settings.BASE_DIR / "var" / "demo-credentials.txt"
        credentials_file.parent.mkdir(exist_ok=True)
        lines = []
        for username, group_name, variable, is_superuser in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is not None:
                self.stdout.write(f"{username}: exists, password unchanged")
                continue
            password = os.environ.get(variable) or secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username=username,
                password=password,
                email=f"{username}@example.org",
                is_staff=True,
                is_superuser=is_superuser,
            )
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            lines.append(f"{username} / {password}")
        if lines:
            # A user made again (the database was reset) replaces its old line: the file lists
            # only passwords that work, and a stale one tried first would count towards axes.
            created = {line.split(" / ", 1)[0] for line in lines}
            kept = []
            if credentials_file.exists():
                kept = [
                    line
                    for line in credentials_file.read_text(encoding="utf-8").splitlines()
                    if line.split(" / ", 1)[0] not in created
                ]
            credentials_file.write_text("\n".join(kept + lines) + "\n", encoding="utf-8")
            credentials_file.chmod(0o600)
            self.stdout.write(self.style.SUCCESS("Demo logins (shown once; kept in var/):"))
            for line in lines:
                self.stdout.write(f"  {line}")
        elif credentials_file.exists():
            self.stdout.write(f"Demo logins were printed earlier; see {credentials_file}.")
