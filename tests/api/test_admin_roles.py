"""Roles hold in Django admin too: staff status opens the door, the role decides what is behind it."""

import pytest
from django.test import Client

from flows import roles
from integrations.models import Credential
from tests.factories import FlowFactory, UserFactory, role_user

pytestmark = pytest.mark.django_db


def admin_client(role: str | None) -> Client:
    client = Client()
    client.force_login(role_user(role, is_staff=True) if role else UserFactory(is_staff=True))
    return client


def test_staff_without_a_role_sees_nothing_in_admin():
    flow = FlowFactory()
    client = admin_client(None)
    index = client.get("/admin/")
    assert index.status_code == 200 and b"You don" in index.content  # "You don't have permission to view or edit"
    assert client.get("/admin/flows/flow/").status_code == 403
    assert client.get(f"/admin/flows/flow/{flow.pk}/change/").status_code == 403


def test_a_viewer_reads_flows_but_changes_nothing_and_sees_no_credentials():
    flow = FlowFactory(name="Greeter")
    client = admin_client(roles.VIEWER)
    assert client.get("/admin/flows/flow/").status_code == 200
    page = client.get(f"/admin/flows/flow/{flow.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(f"/admin/flows/flow/{flow.pk}/change/", {"name": "Hacked"}).status_code == 403
    assert client.get("/admin/integrations/credential/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_an_editor_may_not_delete_a_flow_and_a_publisher_may():
    flow = FlowFactory()
    assert admin_client(roles.EDITOR).post(f"/admin/flows/flow/{flow.pk}/delete/", {"post": "yes"}).status_code == 403
    assert (
        admin_client(roles.PUBLISHER).post(f"/admin/flows/flow/{flow.pk}/delete/", {"post": "yes"}).status_code == 302
    )
    assert not type(flow).objects.filter(pk=flow.pk).exists()


def test_only_the_admin_role_manages_credentials_and_users():
    for role in (roles.VIEWER, roles.EDITOR, roles.PUBLISHER):
        client = admin_client(role)
        assert client.get("/admin/integrations/credential/add/").status_code == 403, role
        assert client.get("/admin/auth/user/").status_code == 403, role
    client = admin_client(roles.ADMIN)
    assert client.get("/admin/integrations/credential/add/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 200
    assert Credential.objects.count() == 0
