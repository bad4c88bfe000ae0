"""Password policy: two profiles chosen by the setting GONGHUI_PASSWORD_PROFILE, as Django password validators.

The two rulebooks a union federation answers to disagree (research/reliability-security-anchors.md §1):

* ``dengbao`` (default) — GB/T 22239-2019 8.1.4.1 a as assessment labs test it: at least
  GONGHUI_PASSWORD_MIN_LENGTH characters (default 8) from at least three of four classes (upper case, lower case,
  digit, symbol), changed every GONGHUI_PASSWORD_MAX_AGE_DAYS days (default 90; PasswordExpiryMiddleware sends
  a cadre with an older password to 修改密码). Common and breached passwords are refused too: a rule that only
  makes a password stronger contradicts neither rulebook.
* ``asvs`` — OWASP ASVS 5.0 6.2.1, 6.2.4, 6.2.5, 6.2.10, 6.2.12: at least GONGHUI_PASSWORD_MIN_LENGTH characters
  (default 12), not a common password and not a breached one, no composition rule and no forced rotation.

Both refuse a password that contains or resembles the account's username or name.

Lists, all shipped inside installed packages or this one (no network at run time):
* common: Django's CommonPasswordValidator list (20 000 passwords, Royce Williams' list built from breaches);
* breached: the "passwords" frequency list of the zxcvbn package (the 30 000 most frequent passwords of Mark
  Burnett's 10-million-password corpus, compiled from public breach dumps), plus ``breached_zh.txt`` beside this
  module: the most frequent passwords of the 2011 CSDN and Tianya leaks, which western lists under-represent.

``AUTH_PASSWORD_VALIDATORS`` names only ProfileValidator, which reads the profile at call time, so a test (or an
operator) switching GONGHUI_PASSWORD_PROFILE needs no restart of Django's cached validator list.
"""
import difflib
import re
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

PROFILES = ("dengbao", "asvs")
DEFAULT_MIN_LENGTH = {"dengbao": 8, "asvs": 12}
_CLASSES = (re.compile(r"[A-Z]"), re.compile(r"[a-z]"), re.compile(r"[0-9]"), re.compile(r"[^A-Za-z0-9]"))


def profile() -> str:
    name = getattr(settings, "GONGHUI_PASSWORD_PROFILE", "dengbao")
    if name not in PROFILES:
        raise ImproperlyConfigured(f"GONGHUI_PASSWORD_PROFILE must be one of {', '.join(PROFILES)}, not {name!r}")
    return name


def min_length() -> int:
    return getattr(settings, "GONGHUI_PASSWORD_MIN_LENGTH", None) or DEFAULT_MIN_LENGTH[profile()]


class MinimumLengthValidator:
    def __init__(self, min_length: int | None = None):
        self.min_length = min_length

    def _length(self) -> int:
        return self.min_length or min_length()

    def validate(self, password, user=None):
        if len(password) < self._length():
            raise ValidationError(_("密码太短，至少需要%(n)d个字符") % {"n": self._length()}, code="password_too_short")

    def get_help_text(self):
        return _("至少%(n)d个字符") % {"n": self._length()}


class CharacterClassesValidator:
    """At least `min_classes` of: upper-case letter, lower-case letter, digit, symbol (dengbao only)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if sum(1 for pattern in _CLASSES if pattern.search(password)) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类") % {"n": self.min_classes},
                code="password_too_simple")

    def get_help_text(self):
        return _("包含大写字母、小写字母、数字、符号中的至少%(n)d类") % {"n": self.min_classes}


class NotUserNameValidator:
    """Refuses a password that contains the username or the person's name, or resembles either (Django's
    similarity ratio, 0.7): the first thing an attacker who knows whose account it is will try."""

    ATTRIBUTES = ("username", "display_name", "first_name", "last_name", "email")
    MAX_SIMILARITY = 0.7

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        for attribute in self.ATTRIBUTES:
            value = str(getattr(user, attribute, "") or "").lower()
            if not value:
                continue
            parts = {value, *re.split(r"\W+", value.split("@")[0])}
            for part in parts:
                # Two characters are a Chinese given name; three Latin letters are a word of the username.
                if len(part) >= (2 if not part.isascii() else 3) and part in lowered:
                    raise self._error()
                if len(part) >= 3 and self._similar(lowered, part):
                    raise self._error()

    def _similar(self, password: str, value: str) -> bool:
        matcher = difflib.SequenceMatcher(a=password, b=value)
        return matcher.quick_ratio() >= self.MAX_SIMILARITY and matcher.ratio() >= self.MAX_SIMILARITY

    @staticmethod
    def _error():
        return ValidationError(_("密码不能包含或近似于用户名或姓名"), code="password_too_similar")

    def get_help_text(self):
        return _("不能包含或近似于用户名或姓名")


class CommonPasswordsValidator(CommonPasswordValidator):
    """Django's list of 20 000 common passwords, with a Chinese message."""

    def validate(self, password, user=None):
        if password.lower().strip() in self.passwords:
            raise ValidationError(_("这个密码太常见，容易被猜中，请换一个"), code="password_too_common")

    def get_help_text(self):
        return _("不能是常见密码")


@cache
def breached_passwords() -> frozenset[str]:
    """Lower-cased; loaded once per process on first use (about 3 MB)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    local = (Path(__file__).parent / "breached_zh.txt").read_text(encoding="utf-8").split()
    return frozenset(FREQUENCY_LISTS["passwords"]) | {word.lower() for word in local if not word.startswith("#")}


class BreachedPasswordValidator:
    """Passwords seen in public breach dumps (offline lists; see the module docstring)."""

    def validate(self, password, user=None):
        if password.lower().strip() in breached_passwords():
            raise ValidationError(_("这个密码出现在已泄露的密码库中，请换一个"), code="password_breached")

    def get_help_text(self):
        return _("不能是已泄露的密码")


def validators_for(name: str) -> list:
    common = [NotUserNameValidator(), CommonPasswordsValidator(), BreachedPasswordValidator()]
    if name == "dengbao":
        return [MinimumLengthValidator(), CharacterClassesValidator(), *common]
    return [MinimumLengthValidator(), *common]


class ProfileValidator:
    """The validators of the configured profile, in order; every refusal is reported, not only the first."""

    def validate(self, password, user=None):
        errors = []
        for validator in validators_for(profile()):
            try:
                validator.validate(password, user)
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return "；".join(v.get_help_text() for v in validators_for(profile()))


def max_age() -> timedelta | None:
    """How long a password lasts, or None where rotation is not forced (the asvs profile)."""
    if profile() != "dengbao":
        return None
    return timedelta(days=getattr(settings, "GONGHUI_PASSWORD_MAX_AGE_DAYS", 90))


def password_expired(user) -> bool:
    """True for an account with a password (a cadre or an administrator, not an SMS-only worker) whose
    password was set longer ago than the profile allows. An account that never recorded when counts as expired
    under every profile: an initial password someone else chose (accounts.services.cadre_create) is changed at
    first sign-in, which is no periodic rotation (ASVS 5.0 6.2.10 forbids that, not this)."""
    if not user.has_usable_password():
        return False
    changed = getattr(user, "password_changed_at", None)
    if changed is None:
        return True
    age = max_age()
    return age is not None and timezone.now() - changed > age
