"""Create the demo admin (its login printed once, when created) and load the sample flows (publishing the demo)."""

import json
import os
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from flows import actions
from flows.models import Flow

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO = DEMO_DIR / "lead_capture.json"
# Loaded as drafts when they need something set up first ("publish": false), such as a calendar connection.
SAMPLES = [DEMO, DEMO_DIR / "booking.json"]


class Command(BaseCommand):
    help = "Create the demo admin and load the sample flows (the demo published), unless they exist."

    def handle(self, *args, **options):
        users = get_user_model()
        if not users.objects.filter(username="admin").exists():
            password = secrets.token_urlsafe(12)
            where = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
            users.objects.create_superuser("admin", "admin@example.com", password)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo admin created - log in at {where}/admin/ as admin / {password}\n"
                    "(shown only this once; change it with: .venv/bin/python manage.py changepassword admin)"
                )
            )
        owner = users.objects.filter(username="admin").first()
        for path in SAMPLES:
            doc = json.loads(path.read_text())
            if Flow.objects.filter(slug=doc["slug"]).exists():
                continue
            flow = Flow(name=doc["name"], slug=doc["slug"], owner=owner)
            actions.save_flow(flow, graph=doc["graph"])
            if doc.get("publish", True):
                version = actions.publish(flow, owner)
                self.stdout.write(self.style.SUCCESS(f"Demo flow '{flow.slug}' published as version {version.number}."))
            else:
                self.stdout.write(
                    self.style.SUCCESS(f"Sample flow '{flow.slug}' loaded as a draft: {doc.get('about', '')}")
                )
