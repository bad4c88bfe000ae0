"""A logging filter that masks ID and mobile numbers before any handler writes a line (ASVS 16.2.5, PIPL Art. 51).

Installed on every handler of settings.LOGGING, so it also covers third-party loggers (django.request prints the
path of a 404, which may hold a number a client typed). A record is rewritten in place: its message is formatted
once, masked, and its arguments dropped; a traceback or stack is masked the same way. Only numbers that really
are numbers are masked: an 18-character ID with a valid check digit and a mainland mobile number, each not glued
to further digits, so order ids and timestamps stay readable.
"""
import logging
import re

from gonghui.core.idnumber import check_digit
from gonghui.core.masking import mask_id_number, mask_phone

_ID = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx])(?![0-9A-Za-z])")
# With or without +86 / 0086, spaces or dashes in the 3-4-4 groups people type.
_MOBILE = re.compile(r"(?<![0-9])((?:\+?86|0086)[ -]?)?(1[3-9][0-9])[ -]?([0-9]{4})[ -]?([0-9]{4})(?![0-9])")


def _id(match: re.Match) -> str:
    value = match.group(1)
    return mask_id_number(value) if check_digit(value[:17]) == value[17].upper() else value


def _mobile(match: re.Match) -> str:
    prefix, *groups = match.groups()
    return (prefix or "") + mask_phone("".join(groups))


def mask_text(text: str) -> str:
    """`text` with every valid ID number and mobile number masked (core.masking's forms)."""
    if not any(ch.isdigit() for ch in text):
        return text
    return _MOBILE.sub(_mobile, _ID.sub(_id, text))


class MaskPersonalNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the template and the arguments' text, masked
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # Formatters print exc_text when it is set, so the unmasked traceback is never formatted again.
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
