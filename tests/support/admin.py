"""Admin pages as a test drives them."""

from __future__ import annotations


def check_credential(admin_client, credential):
    """Press the admin's "check connection" button for a credential; the credential as it is afterwards."""
    response = admin_client.post(f"/admin/integrations/credential/{credential.pk}/check/")
    assert response.status_code == 302
    credential.refresh_from_db()
    return credential
