"""A cross-region case (跨域通办办件) as one side of the federation keeps it, and its append-only timeline.

Both sides keep a row under the same ``ref`` (the receiving node's code and a random part): the receiving side
for the applicant and its window, the deciding side beside the real case of its case core (``local_case``).
The timeline holds each side's events, its own and those its peer reported, each stamped with the node and
time where it happened, so both sides show the same merged history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tongban.cases.domain.workflow import ACTION_LABELS as CASE_LABELS
from tongban.core.clock import now as clock_now
from tongban.core.models import AppendOnlyModel

from .domain.workflow import ACTION_LABELS, MODE_LABELS, STATUS_LABELS, JointPhase, Mode, Side, XAction


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(k.value, v) for k, v in labels.items()]


class JointCase(models.Model):
    """多地联办: one matter several regions act on in turn, accepted once on this (the accepting) node."""

    ref = models.CharField("联办编号", max_length=60, unique=True)
    name = models.CharField("联办事项", max_length=200)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人账号", null=True, blank=True, on_delete=models.PROTECT
    )
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_id_number = models.CharField("证件号码", max_length=18)
    phase = models.CharField(
        "联办阶段",
        max_length=10,
        choices=[
            (k.value, v)
            for k, v in {
                JointPhase.RUNNING: "联办中",
                JointPhase.DONE: "联办完成",
                JointPhase.FAILED: "联办未成",
                JointPhase.WITHDRAWN: "已撤回",
            }.items()
        ],
        default=JointPhase.RUNNING.value,
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收件人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=clock_now)

    class Meta:
        verbose_name = "多地联办件"
        verbose_name_plural = "多地联办件"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"


class CrossRegionCase(models.Model):
    ref = models.CharField("跨域办件编号", max_length=60)
    side = models.CharField(
        "本节点角色", max_length=10, choices=[(Side.RECEIVING.value, "收件地"), (Side.DECIDING.value, "办理地")]
    )
    mode = models.CharField("通办模式", max_length=10, choices=_choices(MODE_LABELS))
    status = models.CharField("状态", max_length=12, choices=_choices(STATUS_LABELS))
    revision = models.PositiveIntegerField("修订号", default=0)
    peer_node = models.CharField("对方节点", max_length=12, help_text="对方节点的行政区划代码")
    peer_name = models.CharField("对方节点名称", max_length=100, blank=True)
    receiving_node = models.CharField("收件节点", max_length=12)
    deciding_node = models.CharField("办理节点", max_length=12)
    item_code = models.CharField("事项编码", max_length=120)
    item_name = models.CharField("事项名称", max_length=200)
    deciding_department = models.CharField("办理部门", max_length=100, blank=True)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cross_region_cases",
    )
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_id_number = models.CharField("证件号码", max_length=18)
    applicant_phone = models.CharField("联系电话", max_length=20, blank=True)
    identity_check = models.CharField("身份核验方式", max_length=100, blank=True)
    form_data = models.JSONField("申请表数据", default=dict, blank=True)
    # Scanned or uploaded materials as sent: [{"name", "filename", "sha256", "size"}] (content on the case).
    materials = models.JSONField("申请材料", default=list, blank=True)
    correction_items = models.JSONField("补正材料清单", default=list, blank=True)
    # What of the list the receiving side collects: files for the guide's materials, answers for form fields
    # ({"key", "label", "value", "field": the form schema's entry}); the other lines are read, not collected.
    correction_materials = models.JSONField("补正材料（需扫描上传）", default=list, blank=True)
    correction_fields = models.JSONField("需更正的申请表栏目", default=list, blank=True)
    correction_note = models.TextField("补正说明", blank=True)  # what the deciding office wrote with the list
    # Every answer a 补正 changed ({key: value}): a later 多地联办 leg asking the same key starts with it.
    corrected_answers = models.JSONField("补正更正的申请表栏目", default=dict, blank=True)
    refusal_reason = models.TextField("不予受理理由", blank=True)
    decision = models.CharField("决定", max_length=10, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    result_delivery = models.CharField("出件方式", max_length=20, blank=True)
    result_note = models.CharField("出件说明", max_length=200, blank=True)
    # Results the deciding node sent with its issue (the e-licence's PDF, the signed decision document):
    # [{"kind", "name", "filename", "content_type", "size", "sha256", "path", "identifier"?}] — files here.
    results = models.JSONField("结果文件", default=list, blank=True)

    # receiving side
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收件人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_centre = models.ForeignKey(
        "jurisdictions.ServiceCentre",
        verbose_name="收件服务中心",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_on = models.DateField("收件日期", null=True, blank=True)
    forward_due = models.DateField("转递期限", null=True, blank=True, help_text="收件地转递的时限（工作日）")
    forwarded_at = models.DateTimeField("转递时间", null=True, blank=True)
    # deciding side: the case of this node's case core
    local_case = models.OneToOneField(
        "cases.Case",
        verbose_name="本地办件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cross_region",
    )
    remote_number = models.CharField("对方办件编号", max_length=32, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    statutory_due = models.DateField("法定办结日期", null=True, blank=True)

    # a leg of a joint case
    joint_case = models.ForeignKey(
        JointCase, verbose_name="所属多地联办件", null=True, blank=True, on_delete=models.PROTECT, related_name="legs"
    )
    leg_key = models.CharField("联办环节", max_length=40, blank=True)
    leg_title = models.CharField("环节名称", max_length=100, blank=True)
    depends_on = models.JSONField("依赖环节", default=list, blank=True)
    # What a leg hands to the next (its result, e.g. the 准迁证 number): passed on as the next leg's data.
    passed_data = models.JSONField("传递数据", default=dict, blank=True)
    # On a leg's deciding node: the joint case as its accepting node last reported it (legs, phase, timeline).
    joint_overview = models.JSONField("联办概况", default=dict, blank=True)

    # The client's Idempotency-Key of an API application: a retry finds the case the first request made.
    idempotency_key = models.CharField("幂等键", max_length=80, blank=True)

    created_at = models.DateTimeField("创建时间", default=clock_now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "跨域通办办件"
        verbose_name_plural = "跨域通办办件"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["ref", "side"], name="crossregion_one_copy_per_side"),
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="crossregion_one_case_per_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shown_ref} {self.item_name}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)  # type: ignore[call-overload]

    @property
    def mode_label(self) -> str:
        return MODE_LABELS.get(Mode(self.mode), self.mode)

    @property
    def joint_ref(self) -> str:
        """A leg's joint case number (the leg's own ref is that number and the leg's key)."""
        suffix = f"-{self.leg_key}"
        return self.ref.removesuffix(suffix) if self.leg_key and self.ref.endswith(suffix) else ""

    @property
    def shown_ref(self) -> str:
        """The number people see: a leg as its joint case's number and the leg's title, never its key."""
        joint_ref = self.joint_ref
        return f"{joint_ref} · {self.leg_title}" if joint_ref else self.ref


class CrossRegionEvent(AppendOnlyModel):
    """One step of the merged timeline: where (node) and when it happened, by whom, and what it changed."""

    case = models.ForeignKey(CrossRegionCase, verbose_name="跨域办件", on_delete=models.PROTECT, related_name="events")
    node = models.CharField("发生节点", max_length=12)
    node_name = models.CharField("节点名称", max_length=100, blank=True)
    action = models.CharField("动作", max_length=24)
    status_before = models.CharField("原状态", max_length=12, blank=True)
    status_after = models.CharField("新状态", max_length=12, blank=True)
    note = models.TextField("说明", blank=True)
    actor_name = models.CharField("办理人", max_length=100, blank=True)
    happened_at = models.DateTimeField("发生时间")
    remote = models.BooleanField("对方节点报告", default=False)
    recorded_at = models.DateTimeField("记录时间", default=clock_now)

    class Meta:
        verbose_name = "跨域办件记录"
        verbose_name_plural = "跨域办件记录"
        ordering = ["happened_at", "id"]

    @property
    def action_label(self) -> str:
        """The table's action, or a step of the deciding node's case core (``case:<action>``)."""
        if self.action.startswith("case:"):
            step = self.action.removeprefix("case:")
            return CASE_STEP_LABELS.get(step) or CASE_ACTION_LABELS.get(step, step)
        try:
            return ACTION_LABELS[XAction(self.action)]
        except ValueError:
            return self.action

    @property
    def status_after_label(self) -> str:
        return STATUS_LABELS.get(self.status_after, "") if self.status_after != self.status_before else ""  # type: ignore[call-overload]


CASE_ACTION_LABELS = {a.value: label for a, label in CASE_LABELS.items()}
CASE_STEP_LABELS = {"received": "办理地收件登记"}
