from django.db import models


class SocialInsuranceRecord(models.Model):
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50)
    employer = models.CharField("参保单位", max_length=100, blank=True)
    insured_since = models.DateField("参保日期")
    status = models.CharField("参保状态", max_length=20, default="正常参保")
    months_paid = models.PositiveIntegerField("累计缴费月数", default=0)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        app_label = "sharing"
        verbose_name = "社保记录"
        verbose_name_plural = "社保记录"

    def __str__(self) -> str:
        return self.name
