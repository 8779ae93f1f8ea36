"""`sheets`: append, find, update and read rows of a Google Sheet (gspread, its HTTP through the guarded client).

Columns are named by the sheet's header row (row 1), compared without regard to case or surrounding spaces. Find and
update follow `not_found` when no row matches; every call counts against the credential's rate limit (Google's
per-minute quota), and a 429 is retried per the node's retry policy, Retry-After honoured.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import gspread
from gspread.exceptions import APIError
from gspread.utils import InsertDataOption, ValueInputOption, rowcol_to_a1
from pydantic import Field

from integrations.errors import CredentialError, OutboundError
from integrations.providers.google import SHEETS_SCOPE, account_email, api_problem, spreadsheet_id
from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, Output, template_field
from nodes.templating import is_template

from .common import (
    CATEGORY,
    CallFailed,
    Exchanges,
    KeyValue,
    RetryConfig,
    attempts_text,
    credential,
    credential_field,
    key_values_field,
    retry_field,
    save_as_field,
    services,
    show_when,
    timeout_field,
)

KINDS = ["google_service_account"]
Operation = Literal["append", "find", "update", "read"]
_A1 = re.compile(r"^\$?[A-Za-z]{0,3}\$?\d*(:\$?[A-Za-z]{0,3}\$?\d*)?$")
MAX_ROWS_SAVED = 1000  # a flow variable is not a database: a bigger answer keeps its first 1,000 rows


class SheetsConfig(NodeConfig):
    credential: int = credential_field(KINDS, required=True, title="Google service account")
    spreadsheet: str = template_field(
        title="Spreadsheet", min_length=1, max_length=500, description="Its URL (https://docs.google.com/…) or id."
    )
    sheet: str = template_field("", title="Sheet", max_length=100, description="The tab's name; blank for the first.")
    operation: Operation = Field("append", title="Operation")
    columns: list[KeyValue] = show_when(
        key_values_field("Columns", description="Header name → value; other columns stay blank (append)."),
        operation=["append", "update"],
    )
    column: str = show_when(
        template_field("", title="Where column", max_length=100, description="A header name in row 1."),
        operation=["find", "update"],
    )
    value: str = show_when(template_field("", title="Equals", max_length=2000), operation=["find", "update"])
    match: Literal["first", "all"] = show_when(Field("first", title="Rows"), operation=["find", "update"])
    range: str = show_when(
        template_field("", title="Range", max_length=100, description="A1 notation, such as A1:D20; blank: all."),
        operation=["read"],
    )
    read_as: Literal["records", "rows"] = show_when(
        Field("records", title="Read as", description="records: one object per row, keyed by the first row."),
        operation=["read"],
    )
    value_input: Literal["raw", "user_entered"] = show_when(
        Field(
            "raw",
            title="Values are",
            description="raw: stored as text exactly (safe for what users type); user_entered: parsed as typed in "
            "Sheets (numbers, dates, formulas).",
        ),
        operation=["append", "update"],
    )
    save_as: str | None = save_as_field("Save the result in")
    timeout_s: float = timeout_field()
    retry: RetryConfig = retry_field()


def _key(name: Any) -> str:
    return str(name or "").strip().casefold()


def _quoted(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


class Table:
    """A sheet's values with its header row: column lookup by name, rows as records."""

    def __init__(self, values: list[list[Any]]):
        self.header = [str(c) for c in (values[0] if values else [])]
        self.rows = values[1:]
        self.index: dict[str, int] = {}
        for i, name in enumerate(self.header):
            if name.strip():
                self.index.setdefault(_key(name), i)

    def columns(self, names: list[str], sheet: str) -> list[int]:
        """Each name's column index; NodeError naming every missing one and the sheet's columns."""
        missing = [n for n in names if _key(n) not in self.index]
        if missing:
            have = [h for h in self.header if h.strip()]
            plural = "s" if len(missing) > 1 else ""
            where = f"The sheet {sheet!r} has no column{plural} {_quoted(missing)}"
            raise NodeError(
                f"{where}; its columns are {_quoted(have)}."
                if have
                else f"{where}: its first row (the header) is empty."
            )
        return [self.index[_key(n)] for n in names]

    def record(self, row: list[Any], number: int) -> dict[str, Any]:
        out: dict[str, Any] = {"_row": number}
        for i, name in enumerate(self.header):
            if name.strip() and name not in out:
                out[name] = row[i] if i < len(row) else ""
        return out

    def matching(self, column: int, value: str) -> list[tuple[int, list[Any]]]:
        """(row number, row) of every row whose cell equals value, ignoring case and surrounding spaces."""
        wanted = _key(value)
        return [
            (number, row)
            for number, row in enumerate(self.rows, start=2)
            if _key(row[column] if column < len(row) else "") == wanted
        ]


class Sheets(NodeType[SheetsConfig]):
    key = "sheets"
    label = "Google Sheets"
    category = CATEGORY
    icon = "table"
    description = "Append a row, find or update rows, or read a range of a Google Sheet."
    outputs = (Output("success", "Success"), Output("not_found", "Not found"), Output("error", "Error"))
    Config = SheetsConfig

    def handles(self, config: SheetsConfig) -> list[str]:
        if config.operation in ("find", "update"):
            return ["success", "not_found", "error"]
        return ["success", "error"]

    def check(self, config: SheetsConfig) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if not is_template(config.spreadsheet):
            try:
                spreadsheet_id(config.spreadsheet)
            except ValueError as exc:
                problems.append(("spreadsheet", str(exc)))
        op = config.operation
        if op in ("append", "update") and not config.columns:
            problems.append(("columns", "Name at least one column to " + ("fill." if op == "append" else "set.")))
        if op in ("find", "update") and not config.column.strip():
            problems.append(("column", "Name the column to match (a header in row 1)."))
        if op in ("find", "read") and not config.save_as:
            problems.append(("save_as", "Choose a variable to save the rows in."))
        if op == "read" and config.range.strip() and not is_template(config.range):
            problems += [("range", p) for p in [_range_problem(config.range)] if p]
        names = [_key(pair.key) for pair in config.columns]
        if len(names) != len(set(names)):
            problems.append(("columns", "Each column may be named once."))
        return problems

    def run(self, config: SheetsConfig, ctx: Context) -> Outcome:
        svc = services(ctx, self.label)
        cred = credential(svc, ctx, config.credential, KINDS)
        try:
            key = spreadsheet_id(config.spreadsheet)
        except ValueError as exc:
            raise NodeError(str(exc)) from None
        if config.operation == "read" and config.range.strip():
            problem = _range_problem(config.range)
            if problem:
                raise NodeError(problem)
        exchanges = Exchanges(svc)
        who = account_email(cred)
        what = f"the spreadsheet {key}"
        try:
            client = cred.client(
                library="gspread", scopes=[SHEETS_SCOPE], timeout_s=config.timeout_s, retry=config.retry.policy()
            )
            sheet = _worksheet(client, key, config.sheet.strip())
            what = f"the sheet {sheet.title!r} of {what}"
            handle, variables = OPERATIONS[config.operation](config, sheet)
        except NodeError as exc:
            raise CallFailed(str(exc), {"exchanges": exchanges.new()}) from None
        except APIError as exc:
            attempts = exchanges.attempts(1)
            message = api_problem(exc, what, who)
            if attempts > 1:
                message = f"{message.rstrip('.')} ({attempts_text(attempts)})."
            raise CallFailed(message, {"exchanges": exchanges.new()}) from None
        except CredentialError as exc:
            raise CallFailed(str(exc), {"exchanges": exchanges.new()}) from None
        except OutboundError as exc:
            raise CallFailed(f"Google Sheets could not be reached: {exc}", {"exchanges": exchanges.new()}) from None
        saved = variables.pop("_result", None)
        if config.save_as:
            variables[config.save_as] = saved
        output = {"spreadsheet": key, "sheet": sheet.title, "exchanges": exchanges.new()}
        return Outcome(handle=handle, variables=variables, output=output)


def _range_problem(text: str) -> str | None:
    text = text.strip()
    if "!" in text:
        return "Give the range without a sheet name (such as A1:D20); choose the sheet in the Sheet field."
    if not _A1.match(text) or text == ":":
        return f"{text!r} is not a range in A1 notation, such as A1:D20, A:C or 2:10."
    return None


class _Spreadsheet(gspread.Spreadsheet):
    """Keeps the metadata fetched on opening, so finding the sheet costs no second request (the quota is small)."""

    metadata: dict[str, Any]

    def fetch_sheet_metadata(self, params: Any = None) -> Any:
        self.metadata = dict(super().fetch_sheet_metadata(params))
        return self.metadata


def _worksheet(client: gspread.Client, key: str, name: str) -> gspread.Worksheet:
    spreadsheet = _Spreadsheet(client.http_client, {"id": key})
    sheets = [s["properties"] for s in spreadsheet.metadata.get("sheets") or []]
    if not sheets:
        raise NodeError(f"The spreadsheet {spreadsheet.title!r} has no sheets.")
    if not name:
        return gspread.Worksheet(spreadsheet, sheets[0], key, client.http_client)
    for props in sheets:
        if props.get("title") == name:
            return gspread.Worksheet(spreadsheet, props, key, client.http_client)
    for props in sheets:  # then without regard to case, as people type tab names
        if _key(props.get("title")) == _key(name):
            return gspread.Worksheet(spreadsheet, props, key, client.http_client)
    names = ", ".join(repr(str(p.get("title"))) for p in sheets)
    raise NodeError(f"The spreadsheet {spreadsheet.title!r} has no sheet named {name!r}; its sheets are {names}.")


def _input_option(config: SheetsConfig) -> ValueInputOption:
    return ValueInputOption.user_entered if config.value_input == "user_entered" else ValueInputOption.raw


def _append(config: SheetsConfig, sheet: gspread.Worksheet) -> tuple[str, dict[str, Any]]:
    header = Table([sheet.row_values(1)])
    indexes = header.columns([pair.key for pair in config.columns], sheet.title)
    row = [""] * (max(indexes) + 1)
    for index, pair in zip(indexes, config.columns, strict=True):
        row[index] = pair.value
    answer = sheet.append_row(
        row, value_input_option=_input_option(config), insert_data_option=InsertDataOption.insert_rows, table_range="A1"
    )
    updated = str((answer.get("updates") or {}).get("updatedRange") or "")
    match = re.search(r"!\$?[A-Z]+\$?(\d+)", updated)
    result = {"row": int(match.group(1)) if match else None, "range": updated}
    return "success", {"_result": result}


def _table(sheet: gspread.Worksheet) -> Table:
    return Table(sheet.get_all_values())


def _find(config: SheetsConfig, sheet: gspread.Worksheet) -> tuple[str, dict[str, Any]]:
    table = _table(sheet)
    (column,) = table.columns([config.column], sheet.title)
    found = table.matching(column, config.value)
    records = [table.record(row, number) for number, row in found[:MAX_ROWS_SAVED]]
    if config.match == "first":
        return ("success" if found else "not_found"), {"_result": records[0] if records else None}
    return ("success" if found else "not_found"), {"_result": records}


def _update(config: SheetsConfig, sheet: gspread.Worksheet) -> tuple[str, dict[str, Any]]:
    table = _table(sheet)
    (column,) = table.columns([config.column], sheet.title)
    targets = table.columns([pair.key for pair in config.columns], sheet.title)
    found = table.matching(column, config.value)
    if config.match == "first":
        found = found[:1]
    if not found:
        return "not_found", {"_result": {"updated": 0, "rows": []}}
    data = [
        {"range": rowcol_to_a1(number, index + 1), "values": [[pair.value]]}
        for number, _row in found
        for index, pair in zip(targets, config.columns, strict=True)
    ]
    sheet.batch_update(data, value_input_option=_input_option(config))
    return "success", {"_result": {"updated": len(found), "rows": [number for number, _row in found]}}


def _read(config: SheetsConfig, sheet: gspread.Worksheet) -> tuple[str, dict[str, Any]]:
    values = [list(r) for r in sheet.get(config.range.strip() or None, pad_values=True)]
    if config.read_as == "rows":
        return "success", {"_result": values[:MAX_ROWS_SAVED]}
    table = Table(values)
    records = [{k: v for k, v in table.record(row, 0).items() if k != "_row"} for row in table.rows]
    return "success", {"_result": records[:MAX_ROWS_SAVED]}


OPERATIONS = {"append": _append, "find": _find, "update": _update, "read": _read}
