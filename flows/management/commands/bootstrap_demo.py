"""Create the demo admin (its login printed once, when created) and load and publish the demo flow."""

import json
import os
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from flows import actions
from flows.models import Flow

DEMO = Path(__file__).resolve().parents[2] / "demo" / "lead_capture.json"


class Command(BaseCommand):
    help = "Create the demo admin and publish the demo flow, unless they exist."

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
        doc = json.loads(DEMO.read_text())
        if not Flow.objects.filter(slug=doc["slug"]).exists():
            owner = users.objects.filter(username="admin").first()
            flow = Flow(name=doc["name"], slug=doc["slug"], owner=owner)
            actions.save_flow(flow, graph=doc["graph"])
            version = actions.publish(flow, owner)
            self.stdout.write(self.style.SUCCESS(f"Demo flow '{flow.slug}' published as version {version.number}."))
