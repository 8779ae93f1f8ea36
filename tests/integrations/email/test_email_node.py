"""The email node against a real SMTP server (aiosmtpd) on loopback: what the server receives, parsed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from flows.models import FlowAsset
from tests.integrations.nodes.support import problems

from .conftest import PASSWORD, USER
from .support import dumped, send, smtp_credential

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8


def lf(text: str) -> str:
    """Text parts travel with CRLF line ends (SMTP); compare them as written."""
    return text.replace("\r\n", "\n")


def upload_asset(admin_client, name: str, filename: str, data: bytes, content_type: str):
    response = admin_client.post(
        "/admin/flows/flowasset/add/",
        {"file": SimpleUploadedFile(filename, data, content_type=content_type), "name": name},
    )
    return response


def test_a_full_message_arrives_with_its_headers_both_bodies_and_attachments(
    smtp_server, svc, http_server, admin_client
):
    peer = smtp_server("none")
    cred = smtp_credential(peer)
    http_server.expect_request("/files/report.csv").respond_with_data(
        "a,b\n1,2\n", content_type="text/csv", headers={"Content-Disposition": 'attachment; filename="report.csv"'}
    )
    assert upload_asset(admin_client, "price list", "prices.pdf", PDF, "application/pdf").status_code == 302
    turn = send(
        svc,
        cred,
        {"name": "Ada", "customer": "ada@example.com", "team": ["ops@example.com", "Sales <sales@example.org>"]},
        to="{{ name }} <{{ customer }}>",
        cc="{{ team }}",
        bcc="audit@example.net; archive@example.net",
        reply_to="Help Desk <help@example.com>",
        subject="Your order, {{ name }}",
        text="Hello {{ name }},\nthanks for your order.",
        html="<p>Hello <b>{{ name }}</b></p>",
        attachments=[
            {"source": "url", "url": f"{http_server.url_for('/files/report.csv')}"},
            {"source": "asset", "asset": "price list", "filename": "Prices {{ name }}.pdf"},
        ],
        save_as="sent",
    )
    assert turn.handle == "success", turn.error
    (got,) = peer.messages
    msg = got.message
    assert msg["From"] == "Example Support <bot@example.com>"
    assert msg["From"].addresses[0].display_name == "Example Support"
    assert msg["To"] == "Ada <ada@example.com>"
    assert msg["Cc"] == "ops@example.com, Sales <sales@example.org>"
    assert msg["Reply-To"] == "Help Desk <help@example.com>"
    assert msg["Subject"] == "Your order, Ada"
    assert msg["Bcc"] is None and b"audit@example.net" not in got.raw
    assert got.mail_from == "bot@example.com"
    assert sorted(got.rcpt_tos) == sorted(
        ["ada@example.com", "ops@example.com", "sales@example.org", "audit@example.net", "archive@example.net"]
    )
    assert msg.get_content_type() == "multipart/mixed"
    alternative = next(p for p in msg.iter_parts() if p.get_content_type() == "multipart/alternative")
    text, html = list(alternative.iter_parts())
    assert lf(text.get_content()) == "Hello Ada,\nthanks for your order.\n"
    assert html.get_content_type() == "text/html" and lf(html.get_content()) == "<p>Hello <b>Ada</b></p>\n"
    files = {a.get_filename(): a for a in msg.iter_attachments()}
    assert set(files) == {"report.csv", "Prices Ada.pdf"}
    assert files["report.csv"].get_content_type() == "text/csv"
    assert lf(files["report.csv"].get_content()) == "a,b\n1,2\n"
    assert files["Prices Ada.pdf"].get_content_type() == "application/pdf"
    assert files["Prices Ada.pdf"].get_content() == PDF
    # The step: who, the message id, the server's answer; an excerpt of the text only.
    output = turn.step.output
    assert output["message"]["message_id"] == msg["Message-ID"] == turn.variables["sent"]["message_id"]
    assert output["message"]["to"] == ["Ada <ada@example.com>"]
    assert output["message"]["bcc"] == ["audit@example.net", "archive@example.net"]
    assert output["smtp"]["response"] == "250 2.0.0 Ok: queued as Q1"
    assert output["message"]["attachments"][1] == {
        "filename": "Prices Ada.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
    }
    assert "<p>Hello" not in dumped(output)
    assert output["exchanges"][0]["response"]["status"] == 200  # the attachment's fetch, through the guarded client


def test_html_only_and_variables_in_html_are_escaped(smtp_server, svc):
    peer = smtp_server("none")
    turn = send(
        svc,
        smtp_credential(peer),
        {"name": '<a href="http://evil.example">click</a>'},
        to="a@example.com",
        text="",
        html="<p>Hi {{ name }}</p>{{ '<hr>' | safe }}",
    )
    assert turn.handle == "success", turn.error
    msg = peer.messages[0].message
    assert msg.get_content_type() == "text/html"
    assert lf(msg.get_content()) == "<p>Hi &lt;a href=&#34;http://evil.example&#34;&gt;click&lt;/a&gt;</p><hr>\n"


def test_login_over_starttls_trusting_the_certificate_through_smtp_ca_bundle(smtp_server, svc, certificate, settings):
    settings.SMTP_CA_BUNDLE = certificate.cert_file
    peer = smtp_server("starttls", auth=True)
    turn = send(svc, smtp_credential(peer, host="localhost", auth=True), to="a@example.com")
    assert turn.handle == "success", turn.error
    assert peer.handler.logins == [("PLAIN", USER)]
    assert peer.server_names[-1] == "localhost"  # SNI carries the host name, though the socket went to 127.0.0.1
    assert len(peer.messages) == 1
    assert PASSWORD not in dumped(turn.step.output) + dumped(turn.step.input)


def test_login_over_ssl_trusting_the_credentials_own_ca_certificate(smtp_server, svc, certificate):
    peer = smtp_server("ssl", auth=True)
    turn = send(svc, smtp_credential(peer, host="localhost", auth=True, ca=certificate.pem), to="a@example.com")
    assert turn.handle == "success", turn.error
    assert peer.server_names[-1] == "localhost" and len(peer.messages) == 1


def test_a_wrong_password_is_a_clear_error_on_the_step_and_the_password_is_nowhere(smtp_server, svc, certificate):
    peer = smtp_server("starttls", auth=True)
    wrong = "not-the-Password-42"
    cred = smtp_credential(peer, host="localhost", auth=True, password=wrong, ca=certificate.pem)
    turn = send(svc, cred, to="a@example.com")
    assert turn.handle == "error"
    assert turn.error.startswith(f"The SMTP server localhost refused the login for {USER}: 535")
    assert turn.error.endswith("Check the username and password of the credential.")
    assert turn.said == ["Failed"]
    assert peer.messages == []
    everything = dumped([turn.step.input, turn.step.output, turn.step.error, turn.variables])
    assert wrong not in everything


def test_an_untrusted_certificate_fails_with_a_clear_error(smtp_server, svc):
    for security in ("starttls", "ssl"):
        peer = smtp_server(security)
        turn = send(svc, smtp_credential(peer, name=security, host="localhost"), to="a@example.com")
        assert turn.handle == "error"
        assert turn.error.startswith("The TLS certificate of localhost was not accepted: self-signed certificate")
        assert "CA certificate" in turn.error
        assert peer.messages == []


def test_a_certificate_for_another_name_is_refused(smtp_server, svc, certificate):
    peer = smtp_server("ssl")
    turn = send(svc, smtp_credential(peer, host="127.0.0.1", ca=certificate.pem), to="a@example.com")
    assert turn.handle == "error"
    assert "The TLS certificate of 127.0.0.1 was not accepted: IP address mismatch" in turn.error


def test_the_ssrf_guard_refuses_private_and_loopback_hosts_unless_allowed(smtp_server, svc, settings):
    peer = smtp_server("none")
    private = send(svc, smtp_credential(peer, name="p", host="192.168.10.20"), to="a@example.com")
    assert private.handle == "error"
    assert private.error.startswith("Refused to connect to 192.168.10.20 (private address)")
    settings.SSRF_ALLOW = []
    loop = send(svc, smtp_credential(peer, name="l"), to="a@example.com")
    assert loop.error.startswith("Refused to connect to 127.0.0.1 (loopback address)")
    assert peer.messages == []


def test_an_unreachable_server_is_a_clear_error(svc, loopback):
    from .conftest import free_port

    class Closed:
        port, security = free_port(), "none"

    turn = send(svc, smtp_credential(Closed), to="a@example.com")
    assert turn.error == f"Could not connect to 127.0.0.1 on port {Closed.port}: connection refused."


def test_header_injection_and_bad_addresses_after_rendering_are_refused(smtp_server, svc):
    peer = smtp_server("none")
    cred = smtp_credential(peer)
    injected = send(svc, cred, {"topic": "Hi\r\nBcc: victim@example.com"}, to="a@example.com", subject="{{ topic }}")
    assert injected.handle == "error"
    assert injected.error == "The subject contains a line break after filling in variables."
    sneaky = send(svc, cred, {"who": "a@example.com\nBcc: v@example.com"}, to="{{ who }}")
    assert sneaky.error == "To contains a line break after filling in variables."
    bad = send(svc, cred, {"who": "not-an-address"}, to="{{ who }}")
    assert bad.error == "To: 'not-an-address' is not an email address."
    nobody = send(svc, cred, {"who": ""}, to="{{ who }}")
    assert nobody.error == "The message has no recipient: give at least one address in To, Cc or Bcc."
    assert peer.messages == []


def test_a_refused_recipient_among_others_is_recorded_and_the_rest_receive_it(smtp_server, svc):
    peer = smtp_server("none")
    peer.handler.refuse.add("gone@example.com")
    turn = send(svc, smtp_credential(peer), to="a@example.com, gone@example.com")
    assert turn.handle == "success"
    assert turn.step.output["smtp"]["refused"] == {"gone@example.com": "550 5.1.1 No such user here"}
    assert peer.messages[0].rcpt_tos == ["a@example.com"]
    alone = send(svc, smtp_credential(peer, name="2"), to="gone@example.com")
    assert alone.handle == "error"
    assert alone.error == (
        "The SMTP server 127.0.0.1 refused every recipient (gone@example.com: 550 5.1.1 No such user here)."
    )


def test_a_missing_asset_and_a_failing_attachment_url_are_clear_errors(smtp_server, svc, http_server):
    peer = smtp_server("none")
    cred = smtp_credential(peer)
    missing = send(svc, cred, to="a@example.com", attachments=[{"source": "asset", "asset": "nope.pdf"}])
    assert missing.error == "There is no flow asset named 'nope.pdf'; an admin uploads it under Flow assets."
    http_server.expect_request("/gone").respond_with_data("no", status=404)
    gone = send(svc, cred, to="a@example.com", attachments=[{"url": http_server.url_for("/gone")}])
    assert gone.error.startswith(
        f"The attachment could not be fetched: GET {http_server.url_for('/gone')} answered 404"
    )
    assert peer.messages == []


def test_save_time_problems_are_reported_on_the_fields():
    found = problems(
        "email",
        {"credential": 1, "to": "nobody", "cc": "x@y.com, bad", "subject": "", "text": "", "attachments": [{}]},
    )
    assert found["to"] == "To: 'nobody' is not an email address."
    assert found["cc"] == "Cc: 'bad' is not an email address."
    assert found["subject"] == "Give the subject."
    assert found["text"] == "Give a text body, an HTML body, or both."
    assert found["attachments.0.url"] == "Give the URL to call."
    assert problems("email", {"credential": 1, "mode": "bulk", "subject": "s", "text": "t"}) == {
        "recipients": "Name the list variable that holds the recipients."
    }
    templated = problems("email", {"credential": 1, "to": "{{ who }}", "subject": "{{ a", "text": "t"})
    assert "subject" in templated and "template" in templated["subject"]


@pytest.mark.parametrize("size_ok", [True, False])
def test_a_flow_asset_is_uploaded_in_admin_with_a_size_cap(admin_client, settings, size_ok, db):
    settings.FLOW_ASSET_MAX_BYTES = len(PDF) if size_ok else len(PDF) - 1
    response = upload_asset(admin_client, "", "terms.pdf", PDF, "application/pdf")
    if size_ok:
        assert response.status_code == 302
        asset = FlowAsset.objects.get()
        assert (asset.name, asset.filename, asset.content_type, asset.size) == (
            "terms.pdf",
            "terms.pdf",
            "application/pdf",
            len(PDF),
        )
        assert bytes(asset.data) == PDF
    else:
        assert response.status_code == 200
        assert "a flow asset may be at most" in response.content.decode()
        assert not FlowAsset.objects.exists()
