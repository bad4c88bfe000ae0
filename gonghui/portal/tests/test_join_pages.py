"""One-tap join in the portal: sign in first, one short form, refusals in Chinese beside the field, the status."""
import re
from datetime import date

import pytest
from django.urls import reverse

from gonghui.accounts.models import Consent, SmsCode
from gonghui.accounts.services import worker_for_phone
from gonghui.console.tests.join_support import application_in
from gonghui.core import idnumber
from gonghui.joining.choices import ApplicationStatus, RouteReason
from gonghui.joining.models import JoinApplication
from gonghui.joining.services import join_approve, join_reject
from gonghui.members.models import Member

pytestmark = pytest.mark.django_db
JOIN, CODE, STATUS = "/portal/join/", "/portal/join/code/", "/portal/join/status/"
PHONE = "13900990099"
PERSON_ID = idnumber.make("510104", date(1995, 3, 3), 555)  # 锦江区, not on the register


@pytest.fixture
def applicant(world, client):
    """A worker signed in with a phone that belongs to no member."""
    user = worker_for_phone(phone=PHONE)
    client.force_login(user)
    return user


@pytest.fixture
def send_code(client, django_capture_on_commit_callbacks, sms_outbox):
    """Press 获取验证码 (as htmx does) and return the code the SMS carried."""

    def send(phone: str = PHONE, typed: str | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(CODE, {"phone": typed or phone}, HTTP_HX_REQUEST="true")
        sent = [m for m in sms_outbox if m.phone == phone]
        code = re.search(r"验证码是(\d{6})", sent[-1].text).group(1) if sent else None
        return response, code

    return send


def form_data(code: str, **overrides) -> dict:
    data = {"name": "王小明", "id_number": PERSON_ID, "phone": PHONE, "sms_code": code, "where": "new_forms",
            "employment_form": "courier", "platform_company": "某快递公司", "work_province": "51",
            "work_city": "5101", "work_division_code": "510104", "consent": "on", "consent_version": "1"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def errors_of(html: str, field: str) -> str:
    """The text of the error list that follows the field's input (the message beside the field)."""
    after = html.split(f'name="{field}"', 1)[1]
    match = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', after, re.S)
    next_input = after.find("<input")
    if match is None or (next_input != -1 and match.start() > next_input and field != "consent"):
        return ""
    return re.sub(r"<[^>]+>", "", match.group(1))


def value_of(html: str, field: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{field}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', match.group()) if match else None
    return value.group(1) if value else None


# --- signing in first ------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_asked_to_sign_in_and_comes_back_to_the_form(client, world):
    response = client.get(JOIN)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next=/portal/join/"
    login_page = client.get(response["Location"]).content.decode()
    assert '<input type="hidden" name="next" value="/portal/join/">' in login_page


def test_signing_in_with_next_goes_back_to_the_join_form_but_never_off_the_site(client, world, sms_outbox,
                                                                                 django_capture_on_commit_callbacks):
    def sign_in(next_url):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("portal:sms-code"), {"phone": PHONE, "next": next_url})
        code = re.search(r"\d{6}", sms_outbox[-1].text).group()
        return client.post(reverse("portal:login"), {"phone": PHONE, "code": code, "next": next_url})

    assert sign_in(JOIN)["Location"] == JOIN
    client.post(reverse("portal:logout"))
    sms_outbox.clear()
    SmsCode.objects.all().delete()
    assert sign_in("https://evil.example/")["Location"] == reverse("portal:me")


# --- the form ----------------------------------------------------------------------------------------------


def test_the_form_shows_the_sign_in_phone_masked_and_an_unticked_consent_with_the_notice_version(client, applicant):
    html = client.get(JOIN).content.decode()

    assert value_of(html, "phone") == "139****0099" and PHONE not in html
    assert "《个人信息处理规则》（第1版）" in html and "入会申请个人信息处理告知" in html
    assert re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group().count("checked") == 0
    assert "我已阅读并同意《个人信息处理规则》" in html and "我是新就业形态劳动者" in html
    for form in ("快递员", "外卖骑手", "网约车司机", "货车司机", "网络主播", "家政服务员"):
        assert form in html
    assert "<script>" not in html and " onclick=" not in html and " onchange=" not in html


def test_the_masked_phone_left_as_it_is_sends_the_code_to_the_sign_in_phone(client, applicant, send_code, sms_outbox):
    response, code = send_code(PHONE, typed="139****0099")

    html = response.content.decode()
    assert code is not None and SmsCode.objects.filter(purpose="join").count() == 1
    assert html.lstrip().startswith('<div id="phone-rows">') and "<html" not in html
    assert "验证码已发送至 139****0099" in html and 'data-countdown="60"' in html
    assert code not in html and PHONE not in html


def test_a_code_asked_for_again_within_a_minute_is_refused_beside_the_phone(client, applicant, send_code):
    send_code()

    response, _code = send_code()

    assert "验证码发送过于频繁" in errors_of(response.content.decode(), "phone")


def test_a_bad_phone_number_is_refused_in_chinese_and_no_sms_leaves(client, applicant, send_code, sms_outbox):
    response, code = send_code("12345")

    assert "手机号码应为11位数字" in response.content.decode() and sms_outbox == [] and code is None


def test_without_javascript_asking_for_a_code_shows_the_whole_form_again_with_what_was_typed(
        client, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CODE, form_data("123456", name="王小明"))

    html = response.content.decode()
    assert "<html" in html and "验证码已发送至 139****0099" in html
    assert value_of(html, "name") == "王小明" and value_of(html, "sms_code") is None


# --- applying ----------------------------------------------------------------------------------------------


def test_a_courier_in_jinjiang_applies_and_sees_the_industry_union_and_the_promised_date(client, applicant, send_code):
    _response, code = send_code()

    response = client.post(JOIN, form_data(code))

    assert response["Location"] == STATUS
    application = JoinApplication.objects.get(applicant=applicant)
    assert application.route_reason == RouteReason.NEW_FORMS and application.routed_org.name == "锦江区快递行业工会联合会"
    html = client.get(STATUS).content.decode()
    due = application.due_on
    assert "锦江区快递行业工会联合会" in html and "待审批" in html
    assert f"将于 {due.year}年{due.month}月{due.day}日 前办结" in html
    assert PERSON_ID not in html and PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:] in html
    assert Consent.objects.filter(user=applicant, notice__version="1").count() == 1


def test_a_worker_who_picks_their_employer_goes_to_its_union(client, world, applicant, send_code):
    _response, code = send_code()

    client.post(JOIN, form_data(code, where="employer", employer_name="科技", employer_org=str(world.grassroots.pk),
                                employment_form="", work_city="", work_division_code=""))

    application = JoinApplication.objects.get(applicant=applicant)
    assert application.routed_org == world.grassroots and application.route_reason == RouteReason.EMPLOYER
    assert application.employer_name == "锦江区某科技公司" and application.employment_form == ""


def test_an_employer_without_a_union_goes_to_the_county_of_the_work_place(client, world, applicant, send_code):
    _response, code = send_code()

    client.post(JOIN, form_data(code, where="employer", employer_name="锦江区某小餐馆", employment_form=""))

    application = JoinApplication.objects.get(applicant=applicant)
    assert application.routed_org == world.county and application.route_reason == RouteReason.COUNTY
    assert application.employer_name == "锦江区某小餐馆"


def test_consent_is_required_and_nothing_is_recorded_without_it(client, applicant, send_code):
    _response, code = send_code()

    response = client.post(JOIN, form_data(code, consent=None))

    html = response.content.decode()
    assert response.status_code == 200
    assert "请阅读并勾选同意《个人信息处理规则》" in errors_of(html, "consent")
    assert not JoinApplication.objects.exists() and not Consent.objects.exists()
    # The code was not spent on a form that never reached the service.
    assert SmsCode.objects.get(purpose="join").used_at is None


def test_a_wrong_id_number_is_refused_beside_the_field_and_the_values_stay_except_the_code(
        client, applicant, send_code):
    _response, code = send_code()
    wrong = PERSON_ID[:17] + ("0" if PERSON_ID[17] != "0" else "1")

    response = client.post(JOIN, form_data(code, id_number=wrong))

    html = response.content.decode()
    assert "身份证号校验位不正确" in errors_of(html, "id_number")
    assert value_of(html, "name") == "王小明" and value_of(html, "id_number") == wrong
    assert value_of(html, "platform_company") == "某快递公司" and value_of(html, "sms_code") is None
    assert re.search(r'<option value="courier" selected>', html)
    assert re.search(r'<option value="510104" selected>锦江区</option>', html)
    assert not JoinApplication.objects.exists()


def test_a_lowercase_x_in_the_id_number_is_accepted(client, world, applicant, send_code):
    x_id = next(idnumber.make("510104", date(1990, 1, 1), n) for n in range(1000)
                if idnumber.make("510104", date(1990, 1, 1), n).endswith("X"))
    _response, code = send_code()

    client.post(JOIN, form_data(code, id_number=x_id.lower()))

    assert JoinApplication.objects.get(applicant=applicant).id_number_masked.endswith(x_id[-4:])


def test_a_wrong_sms_code_is_refused_beside_the_code_field(client, applicant, send_code):
    _response, code = send_code()
    wrong = "000000" if code != "000000" else "111111"

    html = client.post(JOIN, form_data(wrong)).content.decode()

    assert "短信验证码不正确" in errors_of(html, "sms_code") and not JoinApplication.objects.exists()


def test_a_person_already_on_the_register_is_told_where_they_belong(client, world, applicant, send_code):
    from gonghui.core.testing.personas import WORKER_ID

    _response, code = send_code()

    html = client.post(JOIN, form_data(code, id_number=WORKER_ID)).content.decode()

    assert "已是“锦江区某科技公司工会”的会员" in errors_of(html, "id_number")


@pytest.mark.parametrize("where, missing, field, message", [
    ("new_forms", {"employment_form": ""}, "employment_form", "请选择从事的新就业形态工作"),
    ("new_forms", {"work_division_code": ""}, "work_division_code", "请选择工作所在的区（县）"),
    ("employer", {"employer_name": "", "employment_form": ""}, "employer_name", "请填写工作单位名称"),
])
def test_what_the_chosen_kind_of_work_needs_is_asked_for(client, applicant, send_code, where, missing, field, message):
    _response, code = send_code()

    html = client.post(JOIN, form_data(code, where=where, **missing)).content.decode()

    assert message in html and not JoinApplication.objects.exists()


def test_empty_fields_are_each_named(client, applicant):
    html = client.post(JOIN, {}).content.decode()

    for message in ("请填写姓名", "请填写身份证号", "请填写短信验证码", "请选择工作情况", "请阅读并勾选同意"):
        assert message in html


# --- employer search and divisions ---------------------------------------------------------------------


def test_the_employer_search_answers_htmx_with_public_fields_only(client, world, applicant):
    response = client.get(reverse("portal:join-employers"), {"employer_name": "科技"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="employer-results"') and "<html" not in html
    assert f'value="{world.grassroots.pk}"' in html and "锦江区某科技公司工会 · 锦江区总工会" in html
    assert "120" not in html  # no employee count or anything else about the union


def test_the_employer_search_finds_an_exact_credit_code_and_explains_a_wrong_one(client, world, applicant):
    found = client.get(reverse("portal:join-employers"), {"employer_name": world.grassroots.uscc}).content.decode()
    wrong = world.grassroots.uscc[:-1] + ("0" if world.grassroots.uscc[-1] != "0" else "1")
    refused = client.get(reverse("portal:join-employers"), {"employer_name": wrong}).content.decode()

    assert "锦江区某科技公司" in found
    assert '<ul class="errorlist">' in refused and "锦江区某科技公司" not in refused


def test_an_employer_that_is_not_found_is_explained(client, applicant):
    html = client.get(reverse("portal:join-employers"), {"employer_name": "不存在的单位"}).content.decode()

    assert "没有找到已建会的“不存在的单位”" in html


def test_the_districts_of_a_city_and_the_cities_of_a_province(client, applicant):
    counties = client.get(reverse("portal:join-divisions"), {"work_city": "5101"}).content.decode()
    cities = client.get(reverse("portal:join-divisions"), {"work_province": "51"}).content.decode()

    assert '<option value="510104">锦江区</option>' in counties and "请选择区（县）" in counties
    assert '<option value="5101">成都市</option>' in cities and "绵阳市" in cities


def test_the_form_offers_the_provinces_of_the_tree(client, applicant):
    html = client.get(JOIN).content.decode()

    assert '<option value="51">四川省</option>' in html and '<option value="36">江西省</option>' in html


# --- where the application stands ---------------------------------------------------------------------


def test_an_approved_application_links_to_the_member_card(client, world, applicant):
    application = application_in(world.industry, applicant=applicant)
    join_approve(application=application, actor=world.county_cadre)

    html = client.get(STATUS).content.decode()

    assert "已批准" in html and "欢迎加入工会" in html and "我的会员卡" in html
    assert "将于" not in html and "撤回申请" not in html


def test_a_rejected_application_shows_the_reason(client, world, applicant):
    application = application_in(world.county, applicant=applicant)
    join_reject(application=application, reason="经核实未在本区工作", actor=world.county_cadre)

    html = client.get(STATUS).content.decode()

    assert "未批准原因：" in html and "经核实未在本区工作" in html and "重新申请入会" in html


def test_a_worker_with_a_pending_application_is_shown_it_instead_of_a_new_form(client, world, applicant):
    application_in(world.county, applicant=applicant)

    assert client.get(JOIN)["Location"] == STATUS


def test_a_member_is_not_offered_the_form(client, world):
    client.force_login(world.worker)

    assert client.get(JOIN)["Location"] == reverse("portal:me")


def test_the_worker_withdraws_their_pending_application(client, world, applicant):
    application = application_in(world.county, applicant=applicant)

    response = client.post(reverse("portal:join-withdraw", args=[application.pk]))

    application.refresh_from_db()
    assert response["Location"] == STATUS and application.status == ApplicationStatus.WITHDRAWN


def test_nobody_else_can_withdraw_it_and_nothing_changes(client, world, applicant):
    application = application_in(world.county, serial=7)

    response = client.post(reverse("portal:join-withdraw", args=[application.pk]))

    application.refresh_from_db()
    assert response.status_code == 404 and application.status == ApplicationStatus.PENDING
    client.force_login(world.county_cadre)
    assert client.post(reverse("portal:join-withdraw", args=[application.pk])).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_status_and_join_pages_need_sign_in(client, world):
    for url in (STATUS, reverse("portal:join-employers"), reverse("portal:join-divisions")):
        assert client.get(url)["Location"].startswith(reverse("portal:login"))
    assert client.post(CODE, {"phone": PHONE})["Location"].startswith(reverse("portal:login"))
    assert not SmsCode.objects.exists()


def test_the_home_page_offers_one_tap_join_to_non_members_only(client, world, applicant):
    assert f'href="{JOIN}"' in client.get(reverse("portal:home")).content.decode()
    client.force_login(world.worker)
    assert f'href="{JOIN}"' not in client.get(reverse("portal:home")).content.decode()
    assert Member.objects.filter(user=world.worker).exists()
