"""Forms of the hotline's pages: they only translate input; the services decide."""

from __future__ import annotations

from django import forms

from tongban.jurisdictions.models import Division

from .domain.flow import SATISFACTION_LABELS, TYPE_LABELS
from .models import Category


def category_choices() -> list[tuple[str, str]]:
    return [("", "（未分类）")] + [
        (c.code, c.label) for c in Category.objects.filter(active=True).select_related("parent")
    ]


def division_choices() -> list[tuple[str, str]]:
    return [("", "（未填写）")] + [(d.code, d.name) for d in Division.objects.filter(level__gte=3).order_by("path")]


class OrderForm(forms.Form):
    order_type = forms.ChoiceField(label="诉求类型", choices=[(k.value, v) for k, v in TYPE_LABELS.items()])
    category = forms.ChoiceField(label="诉求分类", required=False)
    title = forms.CharField(label="诉求标题", max_length=100, required=False)
    content = forms.CharField(label="诉求内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    caller_name = forms.CharField(label="诉求人姓名", max_length=50, required=False)
    caller_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    division = forms.ChoiceField(label="发生地（区县、乡镇街道）", required=False)
    address = forms.CharField(label="详细地址", max_length=200, required=False)
    urgent = forms.BooleanField(label="紧急（2小时内处置）", required=False)
    confidential = forms.BooleanField(label="为诉求人保密", required=False)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]
        self.fields["division"].choices = division_choices()  # type: ignore[attr-defined]


class ActForm(forms.Form):
    action = forms.CharField(max_length=30)
    revision = forms.IntegerField(required=False)
    text = forms.CharField(required=False, max_length=4000)
    department = forms.IntegerField(required=False)
    satisfaction = forms.ChoiceField(
        choices=[("", "")] + [(k.value, v) for k, v in SATISFACTION_LABELS.items()], required=False
    )
    target = forms.CharField(required=False, max_length=20)
    key = forms.CharField(required=False, max_length=80)
