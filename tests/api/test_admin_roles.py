"""Roles hold in Django admin too: staff status opens the door, the role decides what is behind it."""

import pytest
from django.test import Client

from flows import actions, roles
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


def test_a_change_in_admin_is_a_new_revision_so_an_open_builder_tab_cannot_save_over_it():
    flow = FlowFactory(name="Greeter", slug="greeter")
    actions.save_flow(flow, graph={"nodes": [], "edges": []})
    opened = flow.revision
    client = admin_client(roles.PUBLISHER)
    page = client.get(f"/admin/flows/flow/{flow.pk}/change/")
    assert b"Revision" in page.content
    response = client.post(
        f"/admin/flows/flow/{flow.pk}/change/",
        {
            "name": "Greeter (admin)",
            "slug": "greeter",
            "graph": '{"nodes": [], "edges": []}',
            "owner": "",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    flow.refresh_from_db()
    assert (flow.name, flow.revision) == ("Greeter (admin)", opened + 1)
    editor = Client()
    editor.force_login(role_user(roles.EDITOR))
    stale = editor.patch(
        f"/api/v1/flows/{flow.pk}/", {"name": "From the tab", "revision": opened}, content_type="application/json"
    )
    assert stale.status_code == 409
    bad = client.post(
        f"/admin/flows/flow/{flow.pk}/change/",
        {
            "name": "X",
            "slug": "greeter",
            "graph": "[1, 2]",
            "owner": "",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
        },
    )
    assert bad.status_code == 200 and b"errorlist" in bad.content
    flow.refresh_from_db()
    assert flow.name == "Greeter (admin)"
