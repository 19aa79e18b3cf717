"""Forms of the bundle application pages (一件事一次办): the acceptance decision over all items, one
correction list, the result desk, withdrawing an item and joint steps.

The merged application form itself is rendered field by field from the items' form schemas with the case
pages' helpers (tongban.cases.forms.schema_fields / read_schema_post); validation stays in the services.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any, cast

from django import forms

from tongban.cases.forms import (
    DEFAULT_COMMITMENT,
    DELIVERIES,
    ActionForm,
    IsoDateInput,
    IssueForm,
    _lines,
    added_reason_field,
)

from .domain.bundle_workflow import RESULT_MODE_LABELS
from .models import JointStep

__all__ = [
    "DELIVERIES",
    "AcceptBundleForm",
    "BundleCorrectionForm",
    "BundleExtendForm",
    "BundleSupplyDeferredForm",
    "IssueForm",
    "IssueItemsForm",
    "JointRecordForm",
    "JointScheduleForm",
    "ResubmitForm",
    "ResultModeForm",
    "WithdrawItemForm",
    "material_field",
]


def material_field(name: str) -> str:
    """A stable form field name for a material (names are Chinese and may contain any character)."""
    return "m_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


class AcceptBundleForm(ActionForm):
    """受理 the bundle: 不予受理 per item with its reason; 容缺 for named secondary materials."""

    defer = forms.MultipleChoiceField(label="容缺后补的材料", required=False, widget=forms.CheckboxSelectMultiple)
    due = forms.DateField(
        label="承诺补交日期",
        required=False,
        widget=IsoDateInput(),
        error_messages={"invalid": "日期格式应如 2026-01-31"},
    )
    commitment = forms.CharField(
        label="申请人承诺", required=False, initial=DEFAULT_COMMITMENT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        items: Iterable[tuple[int, str]] = (),
        deferrable: Iterable[str] = (),
        today: dt.date | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.today = today or dt.date.today()
        cast(forms.ChoiceField, self.fields["defer"]).choices = [(d, d) for d in deferrable]
        self.item_fields: list[tuple[str, str, str]] = []  # (item name, refuse field, reason field)
        for pk, name in items:
            self.fields[f"refuse_{pk}"] = forms.BooleanField(label=f"“{name}”不予受理", required=False)
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=f"“{name}”不予受理的理由和依据",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.item_fields.append((name, f"refuse_{pk}", f"reason_{pk}"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, refuse, reason in self.item_fields:
            if data.get(refuse) and not (data.get(reason) or "").strip():
                self.add_error(reason, f"对“{name}”不予受理必须说明理由和依据")
        if data.get("defer"):
            if not data.get("due"):
                self.add_error("due", "容缺受理须填写承诺补交日期")
            elif data["due"] <= self.today:
                self.add_error("due", "容缺材料的承诺补交日期应晚于今天")
            if not (data.get("commitment") or "").strip():
                self.add_error("commitment", "容缺受理须有申请人的书面承诺")
        return data

    def refusals(self) -> dict[int, str]:
        out = {}
        for _, refuse, reason in self.item_fields:
            if self.cleaned_data.get(refuse):
                out[int(refuse.removeprefix("refuse_"))] = self.cleaned_data[reason].strip()
        return out

    def item_rows(self) -> list[dict[str, Any]]:
        return [
            {"name": name, "refuse": self[refuse], "reason": self[reason]} for name, refuse, reason in self.item_fields
        ]


class BundleCorrectionForm(ActionForm):
    """补正: one complete list across all items (一次告知): materials, fields of the one form, anything else."""

    items = forms.MultipleChoiceField(label="需补正的材料", required=False, widget=forms.CheckboxSelectMultiple)
    form_fields = forms.MultipleChoiceField(
        label="需更正的申请表栏目",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="勾选的栏目由申请人在补正时修改（同步到用到它的各事项），其他栏目不能改动",
    )
    extra = forms.CharField(
        label="其他需补正的内容",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项，例如：出生医学证明编号与住院记录不一致",
    )

    added_reason = added_reason_field()

    def __init__(
        self, *args: Any, choices: Iterable[str] = (), field_choices: Iterable[tuple[str, str]] = (), **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["items"]).choices = [(c, c) for c in choices]
        cast(forms.ChoiceField, self.fields["form_fields"]).choices = list(field_choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.all_items() and not data.get("form_fields") and "revision" in data:
            self.add_error("extra", "补正通知须一次性列明全部需要补正的材料或内容")
        return data

    def all_items(self) -> list[str]:
        return [*self.cleaned_data.get("items", []), *_lines(self.cleaned_data.get("extra", ""))]


class ResubmitForm(ActionForm):
    pass


class BundleSupplyDeferredForm(ActionForm):
    """The result desk receives a deferred (容缺) material, once for every item that owes it."""

    material = forms.ChoiceField(label="补交的容缺材料", error_messages={"required": "请选择补交的材料"})

    def __init__(self, *args: Any, choices: Iterable[tuple[str, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["material"]).choices = list(choices)


class BundleExtendForm(ActionForm):
    """延期 of joint handling (行政许可法 Art. 42 (2)): recorded with who in the government approved it."""

    days = forms.IntegerField(
        label="延长工作日数",
        min_value=1,
        max_value=15,
        initial=15,
        error_messages={"required": "请填写延长的工作日数", "max_value": "联合办理最多延长15个工作日"},
    )
    approved_by = forms.CharField(
        label="批准人（本级人民政府负责人）",
        max_length=100,
        error_messages={"required": "请填写批准延期的本级人民政府负责人"},
        help_text="如：诸暨市人民政府副市长 某某",
    )
    reason = forms.CharField(
        label="延期理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "延期须说明理由"},
    )


class ResultModeForm(ActionForm):
    result_mode = forms.ChoiceField(
        label="出件方式",
        choices=[(k.value, v) for k, v in RESULT_MODE_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择统一出件或逐项出件"},
        help_text="统一出件：全部事项作出决定后一次领取或一次寄送；逐项出件：每个事项作出决定后即可领取。",
    )


class IssueItemsForm(IssueForm):
    cases = forms.MultipleChoiceField(
        label="本次出件的事项", widget=forms.CheckboxSelectMultiple, error_messages={"required": "请选择本次出件的事项"}
    )

    def __init__(self, *args: Any, choices: Iterable[tuple[str, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["cases"]).choices = list(choices)
        self.order_fields(["revision", "cases", "delivery", "address"])


class WithdrawItemForm(ActionForm):
    case = forms.ChoiceField(label="撤回的事项", error_messages={"required": "请选择要撤回的事项"})
    reason = forms.CharField(label="撤回原因", required=False, max_length=500)

    def __init__(self, *args: Any, choices: Iterable[tuple[str, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["case"]).choices = list(choices)


class JointScheduleForm(forms.Form):
    kind = forms.ChoiceField(
        label="联合环节",
        choices=JointStep.Kind.choices,
        error_messages={"required": "请选择联合踏勘、联合评审或联合验收"},
    )
    when = forms.DateTimeField(
        label="时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "请填写联合环节的时间", "invalid": "时间格式应如 2026-10-09 09:30"},
    )
    place = forms.CharField(label="地点", max_length=200, error_messages={"required": "请填写联合环节地点"})
    cases = forms.MultipleChoiceField(
        label="涉及的事项",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择涉及的事项（两个及以上部门）"},
    )

    def __init__(self, *args: Any, choices: Iterable[tuple[str, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cases"]).choices = list(choices)


class JointRecordForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.ChoiceField(
        label="结论",
        choices=[("1", "通过"), ("0", "不通过")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择通过或不通过"},
    )
    outcome = forms.CharField(
        label="联合环节意见",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写联合环节结论"},
    )
