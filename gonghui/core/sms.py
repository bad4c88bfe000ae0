"""Pluggable SMS backends, chosen by GONGHUI_SMS_BACKEND like Django's e-mail backends.

A real gateway (Aliyun, Tencent Cloud, a province's own) is a subclass with `send`; SMS is always sent
after the transaction commits (`transaction.on_commit`), never from inside it.
"""
import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from gonghui.core.masking import mask_phone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sms:
    phone: str
    text: str


class BaseBackend:
    def send(self, message: Sms) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Prints messages to standard output: for a demo machine where no gateway exists."""

    def send(self, message: Sms) -> None:
        sys.stdout.write(f"[短信] {mask_phone(message.phone)}: {message.text}\n")
        sys.stdout.flush()


class LocmemBackend(BaseBackend):
    """Keeps messages in `outbox`, for tests."""

    outbox: list[Sms] = []

    def send(self, message: Sms) -> None:
        LocmemBackend.outbox.append(message)


def send_sms(phone: str, text: str) -> None:
    import_string(settings.GONGHUI_SMS_BACKEND)().send(Sms(phone=phone, text=text))
