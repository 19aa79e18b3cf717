"""Administrative divisions (GB/T 2260), departments and service centres with their windows."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from tongban.core.identifiers import division_code_error, uscc_error


class Division(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        CITY = 2, "市级"
        COUNTY = 3, "县级"
        TOWNSHIP = 4, "乡镇（街道）级"
        VILLAGE = 5, "村（社区）级"

    # The 12-digit form; a county-level code ``330681`` is stored as ``330681000000``.
    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes, root first, e.g. "330000000000/330600000000/330681000000/".
    path = models.CharField("路径", max_length=200, db_index=True, editable=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def short_code(self) -> str:
        """The 6-digit code for county level and above (as used in IDs and USCCs)."""
        return self.code[:6] if self.level <= 3 else self.code

    @property
    def full_name(self) -> str:
        names = []
        node: Division | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def clean(self) -> None:
        error = division_code_error(self.code)
        if error:
            raise ValidationError({"code": error})

    def save(self, *args, **kwargs) -> None:
        self.code = self.code.ljust(12, "0")
        self.path = (self.parent.path if self.parent else "") + self.code + "/"
        super().save(*args, **kwargs)


class Department(models.Model):
    """An implementing body (实施机关) in one jurisdiction."""

    division = models.ForeignKey(
        Division, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField("部门名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    # A stable kind shared by the same department in every jurisdiction (公安, 人社 …), for browsing.
    kind = models.CharField("部门类别", max_length=40, db_index=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    phone = models.CharField("咨询电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["division_id", "name"]
        constraints = [models.UniqueConstraint(fields=["division", "name"], name="uniq_department_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        error = uscc_error(self.uscc)
        if error:
            raise ValidationError({"uscc": error})


class ServiceCentre(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "政务服务中心"
        CONVENIENCE = "convenience", "便民服务中心"
        STATION = "station", "便民服务站"

    division = models.ForeignKey(
        Division, verbose_name="所属区划", on_delete=models.PROTECT, related_name="service_centres"
    )
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    address = models.CharField("地址", max_length=200)
    phone = models.CharField("电话", max_length=40, blank=True)
    opening_hours = models.CharField("办公时间", max_length=200)
    departments = models.ManyToManyField(
        Department, verbose_name="进驻部门", blank=True, related_name="service_centres"
    )

    class Meta:
        verbose_name = "服务中心"
        verbose_name_plural = "服务中心"
        ordering = ["division_id", "name"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", "综合窗口"
        DEDICATED = "dedicated", "专窗"
        CROSS_REGION = "cross_region", "跨区域通办专窗"
        RESULT = "result", "统一出件窗口"

    centre = models.ForeignKey(ServiceCentre, verbose_name="服务中心", on_delete=models.CASCADE, related_name="windows")
    number = models.CharField("窗口号", max_length=20)
    name = models.CharField("窗口名称", max_length=100)
    kind = models.CharField("窗口类型", max_length=20, choices=Kind.choices)
    # A dedicated window serves its departments only; a general window serves every department of the centre.
    departments = models.ManyToManyField(Department, verbose_name="受理部门", blank=True)

    class Meta:
        verbose_name = "窗口"
        verbose_name_plural = "窗口"
        ordering = ["centre_id", "number"]
        constraints = [models.UniqueConstraint(fields=["centre", "number"], name="uniq_window_number")]

    def __str__(self) -> str:
        return f"{self.centre.name} {self.number}号 {self.name}"
