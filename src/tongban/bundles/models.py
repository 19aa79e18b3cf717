"""Bundle definitions (一件事): items applied for together, with their order and shared form fields.

Applications for a bundle (BundleCase, with a child Case per item) live in the case domain (cases.models).
"""

from __future__ import annotations

from django.db import models

from tongban.catalogue import vocab


class Bundle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        RETIRED = "retired", "已停用"

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    division = models.ForeignKey(
        "jurisdictions.Division", verbose_name="实施区划", on_delete=models.PROTECT, related_name="bundles"
    )
    lead_department = models.ForeignKey(
        "jurisdictions.Department", verbose_name="牵头部门", on_delete=models.PROTECT, related_name="led_bundles"
    )
    audience = models.CharField("服务对象", max_length=10, choices=vocab.SERVICE_OBJECTS)
    life_stage = models.CharField("生命周期阶段", max_length=30, help_text="如 出生、养老、身后、准入准营")
    policy_basis = models.CharField("政策依据", max_length=200, blank=True, help_text="如 国发〔2024〕3号 第一批")
    description = models.TextField("简介")
    statutory_days = models.PositiveIntegerField(
        "法定办结时限（工作日）", default=45, help_text="联合办理：行政许可法第42条，45个工作日"
    )
    promised_days = models.PositiveIntegerField("承诺办结时限（工作日）")
    shared_fields = models.JSONField(
        "共享表单字段", default=list, blank=True, help_text="各事项表单中只需填写一次的字段键名"
    )
    keywords = models.TextField("检索关键词", blank=True)
    aliases = models.TextField("别名/俗称", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "一件事"
        verbose_name_plural = "一件事"
        ordering = ["division_id", "code"]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, verbose_name="一件事", on_delete=models.CASCADE, related_name="items")
    implementation = models.ForeignKey(
        "catalogue.ItemImplementation", verbose_name="事项", on_delete=models.PROTECT, related_name="bundle_items"
    )
    order = models.PositiveSmallIntegerField("序号", default=0)
    required = models.BooleanField("必选", default=False, help_text="法律要求必须一并办理的事项")
    # Items with no dependency run in parallel; a dependent item starts when its prerequisites have results.
    depends_on = models.ManyToManyField(
        "self", verbose_name="前置事项", symmetrical=False, blank=True, related_name="dependants"
    )
    result_as_material = models.CharField(
        "前置结果作为材料", max_length=200, blank=True, help_text="前置事项的结果自动作为本事项的哪份材料"
    )

    class Meta:
        verbose_name = "一件事包含事项"
        verbose_name_plural = "一件事包含事项"
        ordering = ["bundle_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "implementation"], name="uniq_bundle_item")]

    def __str__(self) -> str:
        return f"{self.bundle.name} · {self.implementation}"
