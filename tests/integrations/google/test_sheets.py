"""The sheets node through the real engine and gspread, against a local Sheets API v4 checked by its discovery doc."""

from __future__ import annotations

import json
import time

import pytest

from integrations.services import Services
from tests.integrations.nodes.support import run

from .conftest import EMAIL

pytestmark = pytest.mark.django_db

BOOK = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
URL = f"https://docs.google.com/spreadsheets/d/{BOOK}/edit#gid=0"


@pytest.fixture
def leads(google):
    google.spreadsheet(BOOK, "Leads 2025", {
        "Leads": [["Name", "Email", "Phone", "Status"],
                  ["Ada Lovelace", "ada@example.com", "+44 20 7946 0000", "new"],
                  ["Alan Turing", "alan@example.com", "", "won"],
                  ["Grace Hopper", "grace@example.com", "+1 202 555 0100", "new"]],
        "Archive": [["Name"]],
    })  # fmt: skip
    return google


def node(cred, operation: str, **data):
    return {"credential": cred.pk, "spreadsheet": URL, "sheet": "Leads", "operation": operation, **data}


def test_append_maps_variables_to_columns_by_header_name_and_signs_in_with_the_key(leads, make_sa, svc, rsa_key):
    cred = make_sa()
    columns = [{"key": "email", "value": "{{ email }}"}, {"key": "Name", "value": "{{ name }}"},
               {"key": "Status", "value": '=HYPERLINK("http://evil")'}]  # fmt: skip
    data = node(cred, "append", columns=columns, save_as="appended")

    turn = run("sheets", data, svc, {"name": "Katherine Johnson", "email": "kj@example.com"})

    assert turn.handle == "success", turn.error
    assert leads.values(BOOK, "Leads")[-1] == ["Katherine Johnson", "kj@example.com", "", '=HYPERLINK("http://evil")']
    assert turn.variables["appended"] == {"row": 5, "range": "Leads!A5:D5"}
    (append,) = leads.calls("sheets.spreadsheets.values.append")
    assert append["query"]["valueInputOption"] == "RAW" and append["query"]["insertDataOption"] == "INSERT_ROWS"
    # One token, from a JWT signed with the key (RS256, verified by the fake) for the Sheets scope and our endpoint.
    (grant,) = leads.grants
    claims = grant["claims"]
    assert claims["iss"] == EMAIL and claims["aud"] == "https://oauth2.googleapis.com/token"
    assert claims["scope"] == "https://www.googleapis.com/auth/spreadsheets"
    assert [r["method"] for r in leads.requests] == [
        "sheets.spreadsheets.get", "sheets.spreadsheets.values.get", "sheets.spreadsheets.values.append"]  # fmt: skip


def test_user_entered_values_are_parsed_as_sheets_would(leads, make_sa, svc):
    data = node(make_sa(), "append", columns=[{"key": "Name", "value": "=1+1"}], value_input="user_entered")

    assert run("sheets", data, svc).handle == "success"
    assert leads.values(BOOK, "Leads")[-1][0] == "<formula =1+1>"


def test_the_key_the_assertion_and_the_token_never_reach_the_step(leads, make_sa, svc, key_info):
    turn = run("sheets", node(make_sa(), "find", column="Email", value="ada@example.com", save_as="lead"), svc)

    assert turn.handle == "success"
    token = next(iter(leads.tokens))
    assertion = leads.grants[0]["form"]["assertion"]
    step = json.dumps({"input": turn.step.input, "output": turn.step.output, "error": turn.step.error})
    secrets = [key_info["private_key"], json.dumps(key_info["private_key"])[1:-1], assertion, token,
               key_info["private_key"].splitlines()[5]]  # fmt: skip
    for secret in secrets:
        assert secret not in step
    assert "[redacted]" in step  # the token request and the bearer header are on the step, masked
    assert any(e["request"]["url"].endswith("/token") for e in turn.exchanges)


def test_append_with_columns_the_sheet_does_not_have_says_which_and_changes_nothing(leads, make_sa, svc):
    data = node(make_sa(), "append", columns=[{"key": "Name", "value": "X"}, {"key": "Company", "value": "Y"},
                                              {"key": "Budget", "value": "Z"}])  # fmt: skip

    turn = run("sheets", data, svc)

    assert turn.handle == "error" and turn.said == ["Failed"]
    assert turn.error == (
        "The sheet 'Leads' has no columns 'Company', 'Budget'; its columns are 'Name', 'Email', 'Phone', 'Status'."
    )
    assert len(leads.values(BOOK, "Leads")) == 4
    assert leads.calls("sheets.spreadsheets.values.append") == []


def test_find_first_match_into_a_variable_and_all_matches_into_a_list(leads, make_sa, svc):
    cred = make_sa()
    first = run("sheets", node(cred, "find", column="Status", value=" NEW ", save_as="lead"), svc)
    every = run("sheets", node(cred, "find", column="status", value="new", match="all", save_as="leads"), svc)

    assert first.handle == "success"
    assert first.variables["lead"] == {"_row": 2, "Name": "Ada Lovelace", "Email": "ada@example.com",
                                       "Phone": "+44 20 7946 0000", "Status": "new"}  # fmt: skip
    assert [lead["Name"] for lead in every.variables["leads"]] == ["Ada Lovelace", "Grace Hopper"]
    assert every.variables["leads"][1]["_row"] == 4


def test_find_without_a_match_follows_not_found(leads, make_sa, svc):
    data = node(make_sa(), "find", column="Email", value="nobody@example.com", save_as="lead")
    flow_doc = run("sheets", data, svc)

    assert flow_doc.handle == "not_found"
    assert flow_doc.variables["lead"] is None


def test_update_sets_columns_of_the_matching_row(leads, make_sa, svc):
    data = node(make_sa(), "update", column="Email", value="{{ email }}",
                columns=[{"key": "Status", "value": "contacted"}, {"key": "Phone", "value": "{{ phone }}"}],
                save_as="updated")  # fmt: skip

    turn = run("sheets", data, svc, {"email": "alan@example.com", "phone": "+44 161 496 0000"})

    assert turn.handle == "success", turn.error
    assert leads.values(BOOK, "Leads")[2] == ["Alan Turing", "alan@example.com", "+44 161 496 0000", "contacted"]
    assert leads.values(BOOK, "Leads")[1][3] == "new"  # the other rows are untouched
    assert turn.variables["updated"] == {"updated": 1, "rows": [3]}
    (batch,) = leads.calls("sheets.spreadsheets.values.batchUpdate")
    assert batch["body"]["valueInputOption"] == "RAW"


def test_update_all_matches_and_no_match(leads, make_sa, svc):
    cred = make_sa()
    data = node(cred, "update", column="Status", value="new", match="all", columns=[{"key": "Status", "value": "old"}])
    assert run("sheets", data, svc).handle == "success"
    assert [row[3] for row in leads.values(BOOK, "Leads")] == ["Status", "old", "won", "old"]

    before = [list(r) for r in leads.values(BOOK, "Leads")]
    missing = run("sheets", {**data, "value": "lost"}, svc)
    assert missing.handle == "not_found" and leads.values(BOOK, "Leads") == before


def test_read_a_range_as_records_or_rows(leads, make_sa, svc):
    cred = make_sa()
    records = run("sheets", node(cred, "read", range="A1:B3", save_as="people"), svc)
    rows = run("sheets", node(cred, "read", range="A2:D", read_as="rows", save_as="rows"), svc)

    assert records.variables["people"] == [
        {"Name": "Ada Lovelace", "Email": "ada@example.com"},
        {"Name": "Alan Turing", "Email": "alan@example.com"},
    ]
    assert rows.variables["rows"][1] == ["Alan Turing", "alan@example.com", "", "won"]
    assert len(rows.variables["rows"]) == 3
    assert [r["path"]["range"] for r in leads.calls("sheets.spreadsheets.values.get")] == ["'Leads'!A1:B3",
                                                                                          "'Leads'!A2:D"]  # fmt: skip


def test_a_429_is_retried_after_retry_after_and_appends_once(leads, make_sa, svc):
    quota = {"error": {"code": 429, "message": "Quota exceeded for quota metric 'Write requests'",
                       "status": "RESOURCE_EXHAUSTED"}}  # fmt: skip
    leads.fail.append(("sheets.spreadsheets.values.append", 429, {"Retry-After": "1"}, quota))
    data = node(make_sa(), "append", columns=[{"key": "Name", "value": "Retry"}],
                retry={"attempts": 3, "backoff_s": 0.01})  # fmt: skip

    started = time.monotonic()
    turn = run("sheets", data, svc)

    assert turn.handle == "success", turn.error
    assert time.monotonic() - started >= 1.0  # Retry-After, not the 10 ms backoff
    assert [row[0] for row in leads.values(BOOK, "Leads")].count("Retry") == 1
    assert len(leads.calls("sheets.spreadsheets.values.append")) == 2


def test_a_429_that_persists_is_an_error_saying_the_quota_is_used_up(leads, make_sa, svc):
    quota = {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}
    leads.fail += [("sheets.spreadsheets.values.get", 429, {"Retry-After": "0"}, quota)] * 2
    data = node(make_sa(), "find", column="Name", value="x", save_as="x", retry={"attempts": 2, "backoff_s": 0})

    turn = run("sheets", data, svc)

    assert turn.handle == "error"
    assert turn.error.startswith(f"Google's quota for the sheet 'Leads' of the spreadsheet {BOOK} is used up (HTTP 429")
    assert "after 2 attempts" in turn.error


def test_the_credentials_rate_limit_spaces_the_calls(leads, make_sa, svc):
    cred = make_sa(rate_limit="2/s")  # a burst of 2, then one call every 0.5 s
    data = node(cred, "find", column="Name", value="Ada Lovelace", save_as="lead")

    started = time.monotonic()
    for _ in range(2):  # 2 calls each (metadata, values): the 3rd and 4th wait their turn
        assert run("sheets", data, svc).handle == "success"
    elapsed = time.monotonic() - started

    assert elapsed >= 0.9
    waits = [e.get("rate_wait_ms", 0) for e in svc.http.exchanges if "/token" not in e["request"]["url"]]
    assert waits[:2] == [0, 0] and all(w > 300 for w in waits[2:]) and len(waits) == 4


def test_the_token_is_fetched_once_and_reused_by_later_runs(leads, make_sa, db):
    cred = make_sa()
    data = node(cred, "find", column="Name", value="Ada Lovelace", save_as="lead")
    for _ in range(3):
        services = Services(flow_id="flow-7")
        assert run("sheets", data, services).handle == "success"
        services.close()

    assert len(leads.grants) == 1
    assert len({r["headers"]["authorization"] for r in leads.requests}) == 1


def test_a_revoked_token_is_replaced_once(leads, make_sa, svc):
    cred = make_sa()
    data = node(cred, "find", column="Name", value="Ada Lovelace", save_as="lead")
    assert run("sheets", data, svc).handle == "success"
    leads.tokens.clear()  # Google no longer takes it

    turn = run("sheets", data, svc)

    assert turn.handle == "success", turn.error
    assert len(leads.grants) == 2


def test_a_spreadsheet_not_shared_with_the_account_names_the_email_to_share_with(leads, make_sa, svc):
    leads.spreadsheets[BOOK]["private"] = True
    turn = run("sheets", node(make_sa(), "find", column="Name", value="x", save_as="x"), svc)

    assert turn.handle == "error"
    assert turn.error == (
        f"Google refused access to the spreadsheet {BOOK} (HTTP 403: The caller does not have permission). "
        f"Share it with {EMAIL}."
    )


def test_unknown_spreadsheet_and_sheet(leads, make_sa, svc):
    cred = make_sa()
    missing = run("sheets", {**node(cred, "read", save_as="x"), "spreadsheet": "1" * 44}, svc)
    tab = run("sheets", {**node(cred, "read", save_as="x"), "sheet": "Customers"}, svc)
    first = run("sheets", {**node(cred, "read", save_as="x", read_as="rows"), "sheet": ""}, svc)

    assert missing.error == (
        f"Google found no spreadsheet {'1' * 44}: check the id, and that it is shared with the account. "
        f"Share it with {EMAIL}."
    )
    assert (
        tab.error == "The spreadsheet 'Leads 2025' has no sheet named 'Customers'; its sheets are 'Leads', 'Archive'."
    )
    assert first.handle == "success" and first.variables["x"][0] == ["Name", "Email", "Phone", "Status"]


def test_save_time_problems(make_sa):
    from tests.integrations.nodes.support import problems

    cred = make_sa()
    found = problems("sheets", node(cred, "find", spreadsheet="not a sheet"))
    assert found["spreadsheet"].startswith("'not a sheet' is neither a Google Sheets URL")
    assert found["column"] == "Name the column to match (a header in row 1)."
    assert found["save_as"] == "Choose a variable to save the rows in."
    assert problems("sheets", node(cred, "append"))["columns"] == "Name at least one column to fill."
    assert problems("sheets", node(cred, "read", range="Leads!A1:B2", save_as="x"))["range"].startswith(
        "Give the range without a sheet name"
    )
    assert problems("sheets", node(cred, "append", columns=[{"key": "Name", "value": "x"}])) == {}
