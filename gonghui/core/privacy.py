"""The privacy register (个人信息处理记录): every concrete field of every installed model, classified.

PIPL art. 51 asks for classified management of personal information, art. 28 defines the sensitive class, and
GB/T 35273-2020 §11.3 asks for a record of processing. This is that record, as data: each (model, field) has a
class (sensitive / general personal information, or not personal) and, when personal, its purpose, legal basis
(PIPL art. 13), retention and who may see it. `gonghui privacy doc` writes it into docs/privacy.md.

The test gonghui/core/tests/test_privacy.py walks every concrete field of every model (django.apps) and fails
on one that is missing here: a new column that holds people's data cannot ship without a class. A surrogate
`id` counts as not personal; every other column of a row that describes one person is personal.
"""
from dataclasses import dataclass
from enum import StrEnum


class DataClass(StrEnum):
    SENSITIVE = "sensitive"  # 敏感个人信息, PIPL art. 28: strict protection, separate consent (art. 29)
    GENERAL = "general"  # 一般个人信息
    NOT_PERSONAL = "not personal"  # 非个人信息: about organisations, configuration, aggregates


@dataclass(frozen=True)
class Use:
    """One processing of personal information: why, on which legal basis, how long, and who sees it."""

    purpose: str
    basis: str
    retention: str
    seen_by: str


@dataclass(frozen=True)
class Entry:
    model: str  # app_label.ModelName
    field: str
    data_class: DataClass
    use: Use | None
    note: str = ""


# --- legal bases (PIPL art. 13, paragraph 1) ------------------------------------------------------------
CONSENT = "art. 13(1)1 consent: the joining notice (accounts.PrivacyNotice \"join\") accepted by the person"
CONSENT_SEPARATE = CONSENT + "; separate consent to the ID number (art. 29), given in the same notice's last line"
ROSTER = ("art. 13(1)1 consent held by the grassroots union for rows it imports (open: art. 13(1)2 HR management "
          "needs a legal review, docs/privacy.md)")
DUTY_ACCOUNT = "art. 13(1)2 necessary for the cadre's work for the union (the account is a tool of the post)"
LEGAL_LOGS = ("art. 13(1)3 legal duty: Cybersecurity Law art. 23(3) (art. 21(3) before 2026) keeps network logs "
              "≥ 6 months; MLPS level 3 (GB/T 22239-2019 8.1.4.3) audits every user")
LEGAL_PROOF = "art. 13(1)3 legal duty: the processor must be able to prove consent (PIPL art. 9, 14, 54)"
LEGAL_UNION = ("art. 13(1)3 legal duty: a union reports its founding and its committee to the union above "
               "(Trade Union Law art. 11)")
SIGN_IN = "art. 13(1)2 necessary to provide the sign-in the person asked for"

# --- who may see (roles: gonghui/accounts/choices.py) -----------------------------------------------------
SUBTREE = ("cadres holding chair, staff or fund-auditor roles on the member's union or a union above it, masked; "
           "the member in the portal; never a 三员 administrator")
SUBTREE_UNMASK = (SUBTREE + ". Full number: chair or staff with a stated reason, one audit event each "
                  "(members.unmask), and the member themself")
NOBODY = "nobody: a keyed hash used for look-up and uniqueness, never shown"
SECRET = "nobody: a credential verifier, never shown"
ACCOUNTS = "the security administrator (accounts and roles) and the person; the audit administrator via events"
AUDITORS = "the audit administrator (审计管理员) only, in the audit log"
SERVER = "nobody in the interface: read by the server process only"

# --- retention ----------------------------------------------------------------------------------------------
KEEP_MEMBER = ("while a member, then as the membership record under the union's archive rules "
               "(工会档案管理); no automatic deletion yet")
KEEP_APPLICATION = ("approved: as the member record; rejected or withdrawn: 2 years after the decision "
                    "(joining notice §5; deletion job not yet built)")
KEEP_ACCOUNT = "while the account exists; a disabled account is kept (is_active off) so audit events keep their actor"
KEEP_AUDIT = "≥ 180 days; older events only leave through `gonghui audit purge`, which archives and seals them first"
KEEP_SESSION = "idle 30 min, absolute 12 h (settings); expired rows removed by `gonghui clearsessions`"
KEEP_AXES = "attempts: until the cool-off (30 min) or a successful sign-in; access logs: until `gonghui axes_reset_logs`"
KEEP_SMS = "5 minutes valid; rows kept for rate limits (no deletion job yet)"
KEEP_IDEMPOTENCY = "24 hours (`gonghui idempotency purge`)"
KEEP_UPLOAD = "the job row: with the import history; the uploaded file itself: no deletion job yet (docs/privacy.md)"
KEEP_ORG = "while the union exists, then with its history"

MEMBER = Use("the real-name member register (会员实名制): membership, card, services, statistics",
             CONSENT + "; imported rosters: " + ROSTER, KEEP_MEMBER, SUBTREE)
MEMBER_ID = Use("identify the person: one person, one member; verify identity", CONSENT_SEPARATE, KEEP_MEMBER,
                SUBTREE_UNMASK)
MEMBER_ID_KEY = Use("find a member by ID number; one person, one member (unique index)", CONSENT_SEPARATE,
                    KEEP_MEMBER, NOBODY)
MEMBER_PHONE = Use("reach the member; SMS sign-in; results of applications", CONSENT, KEEP_MEMBER, SUBTREE_UNMASK)
MEMBER_PHONE_KEY = Use("find a member or account by phone number", CONSENT, KEEP_MEMBER, NOBODY)
APPLICATION = Use("decide a join application and route it to the right union", CONSENT, KEEP_APPLICATION,
                  "cadres of the routed union and the unions above it (masked), and the applicant")
APPLICATION_ID = Use("verify identity; one pending application per person", CONSENT_SEPARATE, KEEP_APPLICATION,
                     "cadres of the routed union and the unions above it, masked only; the applicant")
APPLICATION_KEY = Use("one pending application per person (unique index)", CONSENT_SEPARATE, KEEP_APPLICATION, NOBODY)
TRANSFER = Use("move a member between unions (two-sided handshake)", CONSENT + "; " + ROSTER, KEEP_MEMBER,
               "cadres of the sending and the receiving union (each its own side) and the member")
ACCOUNT = Use("sign-in and accountability of cadres and workers", DUTY_ACCOUNT + "; workers: " + SIGN_IN,
              KEEP_ACCOUNT, ACCOUNTS)
CREDENTIAL = Use("authenticate the person", SIGN_IN, KEEP_ACCOUNT, SECRET)
WORKER_PHONE = Use("a worker's sign-in by SMS code", SIGN_IN, KEEP_ACCOUNT, ACCOUNTS + " (masked)")
WORKER_PHONE_KEY = Use("find the worker's account by phone number", SIGN_IN, KEEP_ACCOUNT, NOBODY)
ROLE = Use("which cadre acts for which union, and the 三员 duties", DUTY_ACCOUNT, KEEP_ACCOUNT,
           ACCOUNTS + "; cadres above the union see its cadres")
SMS = Use("one-time sign-in and application codes; rate limits", SIGN_IN, KEEP_SMS, SERVER)
CONSENT_RECORD = Use("prove what the person agreed to, when and from where; withdrawal", LEGAL_PROOF,
                     KEEP_MEMBER, "the person; cadres deciding the application it belongs to; the audit administrator")
AUDIT = Use("the audit trail: who did what to which record, from where (append-only, hash-chained)", LEGAL_LOGS,
            KEEP_AUDIT, AUDITORS)
SECURITY_LOG = Use("lock out password guessing per username and address; sign-in history", LEGAL_LOGS, KEEP_AXES,
                   "the security administrator (admin site)")
SESSION = Use("keep a signed-in person signed in", SIGN_IN, KEEP_SESSION, SERVER)
API_REPLAY = Use("answer a retried API write with its first answer (Idempotency-Key)", SIGN_IN, KEEP_IDEMPOTENCY,
                 SERVER)
IMPORT = Use("run and explain a roster import", ROSTER, KEEP_UPLOAD,
             "cadres managing the union the roster was imported into")
CHAIR = Use("the union's chair, for contact and reports", LEGAL_UNION, KEEP_ORG,
            "cadres of the union and the unions above it")
ADMIN_LOG = Use("Django admin's change history", LEGAL_LOGS, KEEP_AUDIT, "the system administrator (admin site)")

REGISTER: dict[tuple[str, str], Entry] = {}


def _add(model: str, data_class: DataClass, use: Use | None, *fields: str, note: str = "") -> None:
    for field in fields:
        key = (model, field)
        if key in REGISTER:
            raise ValueError(f"{model}.{field} is classified twice")
        REGISTER[key] = Entry(model, field, data_class, use, note)


S, G, N = DataClass.SENSITIVE, DataClass.GENERAL, DataClass.NOT_PERSONAL


def _not_personal(model: str, *fields: str, note: str = "") -> None:
    _add(model, N, None, *fields, note=note)


# --- members ------------------------------------------------------------------------------------------------
_not_personal("members.Member", "id")
_add("members.Member", S, MEMBER_ID, "id_number_enc",
     note="specific identity (GB/T 35273-2020 annex B: 身份证件号码); AES-256-GCM, column bound as associated data")
_add("members.Member", S, MEMBER_ID_KEY, "id_number_hash", note="HMAC-SHA256 under GONGHUI_INDEX_KEY (blind index)")
_add("members.Member", G, MEMBER_PHONE, "phone_enc", note="AES-256-GCM")
_add("members.Member", G, MEMBER_PHONE_KEY, "phone_hash", note="HMAC-SHA256 blind index")
_add("members.Member", G, MEMBER, "org", "user", "name", "name_initials", "id_type", "card_number", "joined_on",
     "status", "created_at", "updated_at", "employment_status", "employment_form", "platform_company", "work_unit",
     "skill_level", "migrant_worker", "household_type", "household_place")
_add("members.Member", G, MEMBER, "birth_date", "gender", "division_code",
     note="derived from the ID number, kept in clear for statistics")
_add("members.Member", G, MEMBER, "ethnicity", "education", "political_status",
     note="basic and education data (GB/T 35273-2020 annex A); used in statistics as counts")
_not_personal("members.MembershipEvent", "id")
_add("members.MembershipEvent", G, MEMBER, "member", "kind", "org", "on", "reason_code", "note", "actor",
     "created_at")
_not_personal("members.MemberCard", "id")
_add("members.MemberCard", G, MEMBER, "member", "number", "issued_at", "revoked_at", "revoke_reason")

# --- joining ------------------------------------------------------------------------------------------------
_not_personal("joining.JoinApplication", "id")
_add("joining.JoinApplication", S, APPLICATION_ID, "id_number_enc", note="AES-256-GCM")
_add("joining.JoinApplication", S, APPLICATION_KEY, "id_number_hash", note="HMAC-SHA256 blind index")
_add("joining.JoinApplication", G, APPLICATION, "phone_enc", note="AES-256-GCM")
_add("joining.JoinApplication", G, APPLICATION_KEY, "phone_hash", note="HMAC-SHA256 blind index")
_add("joining.JoinApplication", G, APPLICATION, "applicant", "name", "birth_date", "gender", "division_code",
     "employer_org", "employer_name", "employment_form", "platform_company", "work_division_code", "routed_org",
     "route_reason", "consent", "status", "submitted_at", "due_on", "decided_by", "decided_at", "reject_reason",
     "member")
_not_personal("joining.Transfer", "id")
_add("joining.Transfer", G, TRANSFER, "member", "from_org", "to_org", "side", "reason", "requested_by",
     "requested_at", "status", "decided_by", "decided_at", "decline_reason")

# --- accounts -----------------------------------------------------------------------------------------------
_not_personal("accounts.User", "id")
_add("accounts.User", G, ACCOUNT, "username", "first_name", "last_name", "email", "display_name", "is_superuser",
     "is_staff", "is_active", "date_joined", "last_login")
_add("accounts.User", G, CREDENTIAL, "password", note="PBKDF2 hash (Django), never the password")
_add("accounts.User", G, WORKER_PHONE, "phone_enc", note="AES-256-GCM")
_add("accounts.User", G, WORKER_PHONE_KEY, "phone_hash", note="HMAC-SHA256 blind index")
_add("accounts.User", G, CREDENTIAL, "password_changed_at", "session_epoch")
_not_personal("accounts.User_groups", "id")
_add("accounts.User_groups", G, ACCOUNT, "user", "group")
_not_personal("accounts.User_user_permissions", "id")
_add("accounts.User_user_permissions", G, ACCOUNT, "user", "permission")
_not_personal("accounts.Role", "id")
_add("accounts.Role", G, ROLE, "user", "org", "kind", "granted_at")
_not_personal("accounts.ApiToken", "id")
_add("accounts.ApiToken", G, ACCOUNT, "user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked")
_add("accounts.ApiToken", G, CREDENTIAL, "token_hash", note="SHA-256 of the token; the token is shown once")
_not_personal("accounts.SmsCode", "id")
_add("accounts.SmsCode", G, SMS, "phone_hash", "code_hash", "purpose", "created_at", "expires_at", "attempts",
     "used_at")
_not_personal("accounts.PrivacyNotice", "id", "purpose", "version", "text", "published_at")
_not_personal("accounts.Consent", "id")
_add("accounts.Consent", G, CONSENT_RECORD, "user", "notice", "given_at", "ip", "withdrawn_at")

# --- core ---------------------------------------------------------------------------------------------------
_not_personal("core.AuditEvent", "id")
_add("core.AuditEvent", G, AUDIT, "at", "actor", "actor_label", "action", "object_type", "object_id", "org_path",
     "ip")
_add("core.AuditEvent", G, AUDIT, "before", "after",
     note="field values as the pages show them: ID and phone numbers masked, never in clear")
_not_personal("core.AuditSeal", "sequence", "event_id", "digest", "hash", "sealed_at",
              note="hashes of events; nothing about a person can be read from them")
_not_personal("core.AuditPurge", "id", "at", "before", "up_to_sequence", "events", "archive", "archive_sha256")
_not_personal("core.IdempotencyRecord", "id", "key", "status_code")
_add("core.IdempotencyRecord", G, API_REPLAY, "owner", "request_hash", "response_body", "created_at",
     note="the stored answer is the API's, so numbers in it are masked")

# --- the union tree -------------------------------------------------------------------------------------------
_not_personal("orgs.Org", "id", "parent", "path", "depth", "code", "name", "kind", "level", "division_code",
              "new_forms", "status", "founded_on", "closed_on", "merged_into", "address", "employer_name", "uscc",
              "industry_code", "unit_type", "ownership", "employee_count", "small_micro", "member_count",
              "join_decision_days", "organised_forms", "created_at", "updated_at",
              note="about a union and its employer (a legal person)")
_add("orgs.Org", G, CHAIR, "chair_name")
_not_personal("orgs.OrgEvent", "id", "org", "kind", "on", "old_parent", "new_parent", "old_path", "new_path", "note",
              "created_at")

# --- rosters --------------------------------------------------------------------------------------------------
_not_personal("roster.ImportJob", "id", "org", "file_sha256", "status", "rows_total", "rows_done", "checkpoint_row",
              "accepted", "unchanged", "refused", "error", "dry_run", "phase", "started_at", "updated_at",
              "finished_at")
_add("roster.ImportJob", G, IMPORT, "actor", "file_name")
_add("roster.ImportJob", S, IMPORT, "stored_file",
     note="path of the uploaded file, which holds ID numbers in clear: 0600 under MEDIA_ROOT, no URL serves it")
_not_personal("roster.ImportRefusal", "id", "job", "row", "reason", "message",
              note="messages never repeat an ID or phone number (roster.validation)")

# --- statistics: counts, never a person ------------------------------------------------------------------------
def _tallies() -> None:
    from gonghui.stats.figures import TALLY_KEYS  # figures are registered there; each is a count of people

    note = "an aggregate count over a subtree"
    for model in ("stats.Tally", "stats.DayTally", "stats.Total"):
        _not_personal(model, *TALLY_KEYS, note=note)
    _not_personal("stats.Tally", "id", "org", "month", "day", "folded")
    _not_personal("stats.DayTally", "id", "org", "day")
    _not_personal("stats.Total", "org")
    _not_personal("stats.AgeTally", "id", "org", "month", "day", "folded", "birth_year", "members", note=note)
    _not_personal("stats.AgeDayTally", "id", "org", "day", "birth_year", "members", note=note)
    _not_personal("stats.AgeTotal", "id", "org", "birth_year", "members", note=note)


_tallies()

# --- libraries' tables ---------------------------------------------------------------------------------------
_not_personal("auth.Permission", "id", "name", "content_type", "codename")
_not_personal("auth.Group", "id", "name")
_not_personal("auth.Group_permissions", "id", "group", "permission")
_not_personal("contenttypes.ContentType", "id", "app_label", "model")
_not_personal("admin.LogEntry", "id", "content_type", "object_id", "action_flag")
_add("admin.LogEntry", G, ADMIN_LOG, "action_time", "user", "object_repr", "change_message",
     note="object_repr is the object's name as the admin showed it")
_add("sessions.Session", G, SESSION, "session_key", "session_data", "expire_date",
     note="session_data: user id, OTP device, sign-in time; no ID or phone number")
_not_personal("otp_totp.TOTPDevice", "id", "step", "t0", "digits", "tolerance")
_add("otp_totp.TOTPDevice", G, CREDENTIAL, "user", "name", "confirmed", "throttling_failure_timestamp",
     "throttling_failure_count", "created_at", "last_used_at", "drift", "last_t")
_add("otp_totp.TOTPDevice", G, CREDENTIAL, "key",
     note="the TOTP secret, stored by django-otp in clear: database access must stay limited to the server")
for _model in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
    _not_personal(_model, "id")
    _add(_model, G, SECURITY_LOG, "user_agent", "ip_address", "username", "http_accept", "path_info",
         "attempt_time", note="a worker's username is the phone's blind index; AXES_SENSITIVE_PARAMETERS masks "
                              "phone, code and token")
_add("axes.AccessAttempt", G, SECURITY_LOG, "get_data", "post_data", "failures_since_start")
_add("axes.AccessLog", G, SECURITY_LOG, "logout_time", "session_hash")
_add("axes.AccessFailureLog", G, SECURITY_LOG, "locked_out")
_add("axes.AccessAttemptExpiration", G, SECURITY_LOG, "access_attempt", "expires_at")


def model_fields() -> dict[tuple[str, str], object]:
    """Every concrete field of every installed model (many-to-many tables included), by (label, field name)."""
    from django.apps import apps

    return {(model._meta.label, field.name): field
            for model in apps.get_models(include_auto_created=True)
            for field in model._meta.concrete_fields}


def unclassified() -> list[str]:
    return sorted(f"{label}.{name}" for label, name in model_fields().keys() - REGISTER.keys())


def stale() -> list[str]:
    """Register entries whose field no longer exists (a rename must move its class along)."""
    return sorted(f"{label}.{name}" for label, name in REGISTER.keys() - model_fields().keys())


# --- docs/privacy.md ------------------------------------------------------------------------------------------
DOC_START = "<!-- privacy register: generated by `gonghui privacy doc`; do not edit by hand -->"
DOC_END = "<!-- end of the privacy register -->"
CLASS_LABELS = {S: "**sensitive** (敏感)", G: "general (一般)", N: "not personal"}


def markdown() -> str:
    """The register as the generated part of docs/privacy.md: personal fields grouped by processing, then the
    fields that are not personal."""
    uses: dict[Use, list[Entry]] = {}
    for entry in REGISTER.values():
        if entry.use is not None:
            uses.setdefault(entry.use, []).append(entry)
    lines = [DOC_START, ""]
    for number, (use, entries) in enumerate(uses.items(), 1):
        lines += [f"#### P{number}. {use.purpose[:1].upper()}{use.purpose[1:]}", "",
                  f"- Legal basis: {use.basis}", f"- Retention: {use.retention}", f"- Who may see it: {use.seen_by}",
                  "", "| field | class | note |", "|---|---|---|"]
        lines += [f"| `{e.model}.{e.field}` | {CLASS_LABELS[e.data_class]} | {e.note} |" for e in entries]
        lines.append("")
    lines += ["#### Not personal", "", "| model | fields | note |", "|---|---|---|"]
    groups: dict[tuple[str, str], list[str]] = {}
    for entry in REGISTER.values():
        if entry.use is None:
            groups.setdefault((entry.model, entry.note), []).append(entry.field)
    lines += [f"| `{model}` | {', '.join(fields)} | {note} |" for (model, note), fields in groups.items()]
    return "\n".join([*lines, "", DOC_END])


def with_register(document: str) -> str:
    """`document` with its generated part replaced by the current register."""
    head, start, rest = document.partition(DOC_START)
    _old, end, tail = rest.partition(DOC_END)
    if not start or not end:
        raise ValueError("docs/privacy.md lacks the register markers")
    return head + markdown() + tail
