from __future__ import annotations

from django.db import models


class SearchSynonym(models.Model):
    """Plain words citizens use and the catalogue words they mean (maintained by administrators)."""

    phrase = models.CharField("市民说法", max_length=50, unique=True, help_text="如：孩子刚出生、换城市工作")
    expansion = models.CharField("对应规范用语", max_length=200, help_text="空格分隔，如：新生儿 出生")

    class Meta:
        verbose_name = "检索同义词"
        verbose_name_plural = "检索同义词"
        ordering = ["phrase"]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.expansion}"


class SearchGeneration(models.Model):
    """Bumped when anything the search index reads changes outside a publish (synonyms, entry keywords,
    bundles, departments …). With ``catalogue.CatalogueGeneration`` it tells every process to rebuild."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "检索索引代次"
        verbose_name_plural = "检索索引代次"

    def __str__(self) -> str:
        return str(self.value)
