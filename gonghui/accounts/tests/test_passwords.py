"""Password policy: the dengbao and asvs profiles (gonghui.accounts.passwords), and 修改密码 after 90 days."""
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.accounts.passwords import breached_passwords, password_expired
from gonghui.core.models import AuditEvent
from gonghui.core.testing.personas import PASSWORD

NEW = "Xin-mima-2026!"


def _refusals(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.fixture
def asvs(settings):
    settings.GONGHUI_PASSWORD_PROFILE = "asvs"
    settings.GONGHUI_PASSWORD_MIN_LENGTH = 12


def test_dengbao_is_the_default_profile_with_eight_characters_and_ninety_days(settings):
    assert settings.GONGHUI_PASSWORD_PROFILE == "dengbao"
    assert settings.GONGHUI_PASSWORD_MIN_LENGTH == 8
    assert settings.GONGHUI_PASSWORD_MAX_AGE_DAYS == 90


@pytest.mark.parametrize(("password", "message"), [
    ("Ab1-xyz", "密码太短，至少需要8个字符"),
    ("zhongguogonghui", "密码须包含大写字母、小写字母、数字、符号中的至少3类"),
    ("zhongguo2026", "密码须包含大写字母、小写字母、数字、符号中的至少3类"),
    ("Admin@123", "这个密码出现在已泄露的密码库中，请换一个"),  # three classes, yet in every weak-password list
    ("1qaz@WSX", "这个密码出现在已泄露的密码库中，请换一个"),
    ("Password1", "这个密码太常见，容易被猜中，请换一个"),
])
def test_dengbao_refuses_short_simple_common_and_breached_passwords_in_chinese(password, message):
    assert message in _refusals(password)


@pytest.mark.parametrize("password", ["Zhongguo-2026", "gonghui2026!", "QIANGJI#8832"])
def test_dengbao_accepts_eight_characters_of_three_classes(password):
    assert _refusals(password) == []


def test_both_profiles_refuse_the_username_and_the_name(db, settings):
    user = User(username="zhangwei", display_name="张伟")
    for profile, length in (("dengbao", 8), ("asvs", 12)):
        settings.GONGHUI_PASSWORD_PROFILE, settings.GONGHUI_PASSWORD_MIN_LENGTH = profile, length
        assert "密码不能包含或近似于用户名或姓名" in _refusals("Zhangwei-2026!x", user), profile
        assert "密码不能包含或近似于用户名或姓名" in _refusals("张伟的密码Abc-2026", user), profile
        assert "密码不能包含或近似于用户名或姓名" in _refusals("zhangwe1-Secret9", User(username="zhangwe1")), profile


def test_asvs_asks_twelve_characters_and_no_composition(asvs):
    assert _refusals("Zhongguo-26") == ["密码太短，至少需要12个字符"]
    assert _refusals("tea leaves on the mountain") == []  # a passphrase of one class is fine


def test_asvs_refuses_common_and_breached_passwords(asvs):
    assert "这个密码太常见，容易被猜中，请换一个" in _refusals("qwertyuiop123")
    assert "这个密码出现在已泄露的密码库中，请换一个" in _refusals("1qaz@wsx3edc")
    assert "这个密码出现在已泄露的密码库中，请换一个" in _refusals("chickenwing101")  # in zxcvbn's list, not Django's


def test_the_breached_list_is_the_zxcvbn_corpus_plus_the_chinese_leaks():
    words = breached_passwords()
    assert len(words) > 30_000
    assert {"dearbook", "woaini1314", "admin@123", "trustno1"} <= words


def test_an_unknown_profile_is_refused(settings):
    settings.GONGHUI_PASSWORD_PROFILE = "strong"
    with pytest.raises(ImproperlyConfigured):
        validate_password("Zhongguo-2026")


# --- rotation (dengbao) ---------------------------------------------------------------------------------------


def _age(user, days):
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))
    user.refresh_from_db()


@pytest.fixture
def cadre(db):
    from gonghui.accounts.services import cadre_create

    return cadre_create(username="county_cadre", password=PASSWORD, display_name="县干部", actor=None)


def test_setting_a_password_records_when(cadre):
    cadre = User.objects.get(pk=cadre.pk)
    assert timezone.now() - cadre.password_changed_at < timedelta(minutes=5)
    assert not password_expired(cadre)


def test_a_password_expires_after_ninety_days_under_dengbao_only(cadre, settings):
    _age(cadre, 89)
    assert not password_expired(cadre)
    _age(cadre, 91)
    assert password_expired(cadre)
    settings.GONGHUI_PASSWORD_PROFILE = "asvs"
    assert not password_expired(cadre)


def test_an_expired_cadre_is_sent_to_change_the_password_and_can_still_sign_out(client, cadre):
    _age(cadre, 91)
    client.force_login(cadre)

    response = client.get(reverse("console:member-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:password-change") + "?next=")

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "修改密码" in html and "已超过90天未修改" in html and "原密码" in html and "再次输入新密码" in html

    assert client.post(reverse("console:logout"))["Location"] == reverse("console:login")
    assert "_auth_user_id" not in client.session


def test_changing_the_password_lets_the_cadre_in_is_audited_and_ends_their_other_sessions(client, world,
                                                                                          django_user_model):
    from django.test import Client

    _age(world.county_cadre, 91)
    other = Client()
    other.force_login(world.county_cadre)
    client.force_login(world.county_cadre)
    target = reverse("console:member-list")

    response = client.post(f"{reverse('console:password-change')}?next={target}",
                           {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW, "next": target})

    assert response.status_code == 302 and response["Location"] == target
    assert client.get(target).status_code == 200
    cadre = User.objects.get(pk=world.county_cadre.pk)
    assert cadre.check_password(NEW) and not password_expired(cadre)
    assert AuditEvent.objects.filter(action="user.password_change", object_id=str(cadre.pk)).count() == 1
    assert other.get(target).status_code == 302  # the other session is signed out


@pytest.mark.parametrize(("data", "message"), [
    ({"old_password": "not-the-password", "new_password1": NEW, "new_password2": NEW}, "原密码不正确"),
    ({"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"}, "两次输入的新密码不一致"),
    ({"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
     "密码须包含大写字母、小写字母、数字、符号中的至少3类"),
    ({"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}, "新密码不能与原密码相同"),
])
def test_a_refused_change_says_why_in_chinese_and_changes_nothing(client, cadre, data, message):
    client.force_login(cadre)

    response = client.post(reverse("console:password-change"), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert User.objects.get(pk=cadre.pk).check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="user.password_change").exists()
