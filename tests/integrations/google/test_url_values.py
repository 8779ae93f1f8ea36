"""Ids from variables reach Google as one encoded path segment each (Calendar event and calendar ids); a spreadsheet id
that is not one is refused before any request, so an answer cannot steer the Sheets calls either."""

from urllib.parse import quote

import pytest

from tests.integrations.calendar.support import run
from tests.integrations.nodes.support import run as run_node
from tests.integrations.nodes.test_url_values import ENCODED

pytestmark = pytest.mark.django_db

CAL = "clinic@group.calendar.google.com"
IDS = [answer for answer in ENCODED if answer.strip()]  # the node trims ids; a blank one is "give the id"


@pytest.fixture(autouse=True)
def clinic(google):
    google.calendar(CAL, "Clinic", "America/New_York")
    return google


def cancel(cred, event_id: str) -> dict:
    return {"credential": cred.pk, "operation": "cancel_event", "calendar_id": "{{ cal }}", "event_id": event_id,
            "retry": {"attempts": 1, "backoff_s": 0}}  # fmt: skip


@pytest.mark.parametrize("answer", IDS)
def test_an_event_id_from_a_variable_is_one_segment(svc, google, make_sa, answer):
    run(cancel(make_sa(), "{{ id }}"), svc, {"cal": CAL, "id": answer})

    (call,) = google.requests
    assert call["raw"].split("?")[0] == (
        f"DELETE /calendar/v3/calendars/{quote(CAL, safe='')}/events/{quote(answer.strip(), safe='')}"
    )
    assert call["path"] == {"calendarId": CAL, "eventId": answer.strip()}


@pytest.mark.parametrize("answer", ["..", ".", "．．"])
def test_ids_that_would_step_away_are_refused(svc, google, make_sa, answer):
    event = run(cancel(make_sa(), "{{ id }}"), svc, {"cal": CAL, "id": answer})
    calendar = run(cancel(make_sa(), "x1"), svc, {"cal": answer})

    assert event.handle == "error" and event.error == f"{answer!r} is not an event id."
    assert calendar.handle == "error" and calendar.error == f"{answer!r} is not a calendar id."
    assert google.requests == []


@pytest.mark.parametrize("answer", ["../../x?all=1#", "1AbCdEfGhIjKlMnOp/values/A1:append", "%2F..%2F", ".."])
def test_a_spreadsheet_answer_that_is_not_an_id_is_refused(svc, google, make_sa, answer):
    data = {"credential": make_sa().pk, "spreadsheet": "{{ sheet_id }}", "operation": "read", "save_as": "rows",
            "retry": {"attempts": 1, "backoff_s": 0}}  # fmt: skip

    turn = run_node("sheets", data, svc, {"sheet_id": answer})

    assert turn.handle == "error" and "is neither a Google Sheets URL" in turn.error
    assert google.requests == []
