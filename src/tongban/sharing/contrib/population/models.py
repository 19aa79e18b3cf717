from django.db import models


class PopulationRecord(models.Model):
    """A resident as the population base holds them (the local implementation's own table)."""

    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=2)
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    birth_date = models.DateField("出生日期")
    address = models.CharField("居住地址", max_length=200)
    household_address = models.CharField("户籍地址", max_length=200)
    household_head = models.CharField("户主姓名", max_length=50)
    relation_to_head = models.CharField("与户主关系", max_length=20)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        app_label = "sharing"
        verbose_name = "人口库记录"
        verbose_name_plural = "人口库记录"

    def __str__(self) -> str:
        return self.name
