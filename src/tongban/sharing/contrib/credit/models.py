from django.db import models


class CreditRecord(models.Model):
    class Standing(models.TextChoices):
        GOOD = "good", "守信（良好记录）"
        DISHONEST = "dishonest", "失信"

    subject_code = models.CharField("主体代码", max_length=18, unique=True, help_text="公民身份号码或统一社会信用代码")
    subject_name = models.CharField("主体名称", max_length=100)
    standing = models.CharField("信用状况", max_length=10, choices=Standing.choices)
    list_name = models.CharField("名单", max_length=100, blank=True, help_text="如：失信被执行人名单、守信激励名单")
    reason = models.CharField("事由", max_length=200, blank=True)
    listed_on = models.DateField("列入日期", null=True, blank=True)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        app_label = "sharing"
        verbose_name = "信用库记录"
        verbose_name_plural = "信用库记录"

    def __str__(self) -> str:
        return f"{self.subject_name} {self.get_standing_display()}"
