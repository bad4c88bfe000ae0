"""Audit events: the append-only record of every change a service makes."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One change, written by the service that made it, in the same transaction (ARCHITECTURE.md rule 1).

    Append-only: on PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE of this table.
    `before` and `after` never hold a plaintext ID or phone number, only masked values.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    org_path = models.CharField(_("所属组织路径"), max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"


class IdempotencyRecord(models.Model):
    """The first answer to an API write sent with an `Idempotency-Key`, replayed when the key comes again.

    The same key with a different body is refused: a retry must be the same request.
    """

    key = models.CharField(max_length=128)
    owner = models.CharField(max_length=64, help_text="who sent it: a user id or an anonymous client's scope")
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("幂等请求记录")
        verbose_name_plural = _("幂等请求记录")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_unique_key")]


class AuditSeal(models.Model):
    """One link of the hash chain over audit events, written by the sealer (core.audit_seal), never by a service.

    hash = SHA-256(previous hash ‖ digest), digest = SHA-256(the event's canonical serialisation): the chain is
    kept apart from the events so that writers never wait for each other (docs/operations.md). Chain order is
    sealing order, not id order. Append-only like the events (migration 0004).
    """

    sequence = models.BigIntegerField(_("序号"), primary_key=True)
    event_id = models.BigIntegerField(_("审计事件编号"), unique=True)
    digest = models.CharField(_("事件摘要"), max_length=64)
    hash = models.CharField(_("链哈希"), max_length=64)
    sealed_at = models.DateTimeField(_("封存时间"))

    class Meta:
        verbose_name = _("审计封存")
        verbose_name_plural = _("审计封存")


class AuditPurge(models.Model):
    """A purge of old audit events (`gonghui audit purge`): the chain prefix up to `up_to_sequence` was archived to
    a file and deleted, so verification knows those events are gone on purpose. Append-only (migration 0004).
    """

    at = models.DateTimeField(_("时间"))
    before = models.DateTimeField(_("清理截止时间"))
    up_to_sequence = models.BigIntegerField(_("清理至封存序号"))
    events = models.PositiveIntegerField(_("事件数"))
    archive = models.CharField(_("归档文件"), max_length=500)
    archive_sha256 = models.CharField(_("归档文件SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("审计清理记录")
        verbose_name_plural = _("审计清理记录")
