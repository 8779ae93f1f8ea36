"""Parsing a user's reply for each question input type; None means the reply is not valid."""

import math
import re
from datetime import date, datetime
from typing import Any

_EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63}$"
)
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]{7,25}$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$")
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
)


def parse_text(answer: str) -> str | None:
    return answer if answer.strip() else None


def parse_number(answer: str) -> int | float | None:
    cleaned = answer.strip().replace(" ", "")
    if _THOUSANDS.match(cleaned):  # "1,000" and "12,500,000": English thousands separators, not a decimal comma
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned.replace(",", "."))
    if not math.isfinite(value):  # hundreds of digits overflow to inf, which JSON (and PostgreSQL) cannot store
        return None
    return int(value) if value.is_integer() and "." not in cleaned and "," not in cleaned else value


def parse_email(answer: str) -> str | None:
    cleaned = answer.strip()
    return cleaned.lower() if _EMAIL.match(cleaned) else None


def parse_phone(answer: str) -> str | None:
    cleaned = answer.strip()
    if not _PHONE_CHARS.match(cleaned):
        return None
    digits = re.sub(r"\D", "", cleaned)
    if not 7 <= len(digits) <= 15:
        return None
    return ("+" if cleaned.startswith("+") else "") + digits


def parse_date(answer: str) -> str | None:
    cleaned = " ".join(answer.strip().split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return date.fromisoformat(cleaned).isoformat()
    except ValueError:
        return None


def match_choice(answer: str, choices: list[Any]) -> Any | None:
    """The choice a reply picks: by label or id (any case), or by its number in the list."""
    cleaned = answer.strip().casefold()
    for choice in choices:
        if cleaned in (choice.label.strip().casefold(), choice.id.casefold()):
            return choice
    if cleaned.isdigit() and 1 <= int(cleaned) <= len(choices):
        return choices[int(cleaned) - 1]
    return None


PARSERS = {
    "text": parse_text,
    "number": parse_number,
    "email": parse_email,
    "phone": parse_phone,
    "date": parse_date,
}

DEFAULT_RETRY = {
    "text": "Please type an answer.",
    "number": "Please answer with a number.",
    "email": "That doesn't look like an email address. Please try again.",
    "phone": "That doesn't look like a phone number. Please try again.",
    "date": "Please give a date, for example 2026-03-31.",
    "choice": "Please pick one of the options.",
}
