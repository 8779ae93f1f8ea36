"""The `sms` node in a real flow: the twilio client through the run's guarded client to the local Twilio server."""

from __future__ import annotations

import json

import pytest

from integrations.services import Services
from tests.integrations.nodes.support import problems, run

from .conftest import TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture
def svc(db):
    return Services(flow_id="flow-7")


def data(credential, **extra):
    return {"credential": credential.pk, "sender": "+15550000001", "to": "{{ phone }}",
            "text": "Booked for {{ when }}.", "save_as": "sms", **extra}  # fmt: skip


def test_a_confirmation_is_texted_and_the_result_saved(svc, twilio_credential, twilio_server):
    turn = run("sms", data(twilio_credential), svc, {"phone": "+15557654321", "when": "Friday 10:00"})

    assert turn.handle == "success", turn.error
    (sent,) = twilio_server.messages
    assert (sent["To"], sent["From"], sent["Body"]) == ("+15557654321", "+15550000001", "Booked for Friday 10:00.")
    assert turn.variables["sms"] == {"sid": sent["sid"], "status": "queued", "to": "+15557654321"}
    assert turn.said == ["OK"]
    assert TOKEN not in json.dumps([turn.step.input, turn.step.output, turn.exchanges])


@pytest.mark.parametrize(
    ("phone", "code"), [("+15550000000", "21211"), ("+15550009999", "21610")], ids=["invalid", "unsubscribed"]
)
def test_twilio_refusals_take_the_error_handle_with_the_code(svc, twilio_credential, twilio_server, phone, code):
    twilio_server.invalid.add("+15550000000")
    twilio_server.unsubscribed.add("+15550009999")

    turn = run("sms", data(twilio_credential), svc, {"phone": phone, "when": "now"})

    assert turn.handle == "error" and turn.said == ["Failed"]
    assert f"(error {code})" in turn.error and turn.error.startswith(f"Twilio refused the message to {phone}")


def test_a_whatsapp_sender_texts_the_whatsapp_address(svc, twilio_credential, twilio_server):
    turn = run("sms", data(twilio_credential, sender="whatsapp:+15550000001"), svc, {"phone": "+15557654321",
                                                                                   "when": "now"})  # fmt: skip
    assert turn.handle == "success", turn.error
    assert twilio_server.messages[0]["To"] == "whatsapp:+15557654321"


def test_the_canvas_shows_what_is_wrong_before_saving(twilio_credential):
    found = problems("sms", {"credential": twilio_credential.pk, "sender": "555", "to": "12345", "text": ""})
    assert set(found) == {"sender", "to", "text"}
