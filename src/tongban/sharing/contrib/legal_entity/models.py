from django.db import models


class LegalEntityRecord(models.Model):
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=100)
    legal_representative = models.CharField("法定代表人", max_length=50)
    address = models.CharField("住所", max_length=200)
    entity_type = models.CharField("类型", max_length=50)
    registered_capital = models.CharField("注册资本", max_length=50, blank=True)
    established_on = models.DateField("成立日期")
    status = models.CharField("登记状态", max_length=20, default="存续")
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        app_label = "sharing"
        verbose_name = "法人库记录"
        verbose_name_plural = "法人库记录"

    def __str__(self) -> str:
        return self.name
