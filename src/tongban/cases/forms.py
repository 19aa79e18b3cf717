"""Forms of the case pages: the application form the catalogue declares (rendered field by field from
``form_schema``), the window clerk's applicant section, and one small form per case action.

Validation of the application itself stays in the services (``validate_submission``); these forms only
read what a page posted and show errors next to the field they belong to.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms

from tongban.accounts.services import PERSON_CHECKS, PRINCIPAL_CHECKS
from tongban.core.identifiers import normalize_resident_id, normalize_uscc, resident_id_error, uscc_error

from .services.identity import WindowAgent

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FIELD_PREFIX = "f_"

# How the clerk verified who stands at the window (recorded on the case and its first event).
IDENTITY_CHECKS = list(PERSON_CHECKS)
# Keys of an item's form that repeat the applicant section of the window form (asked once, 一次填写).
SHARED_APPLICANT_KEYS = frozenset(
    {"applicant_name", "applicant_id_number", "applicant_phone", "enterprise_name", "uscc"}
)


class IsoDateInput(forms.DateInput):
    """An HTML date picker: its value must be YYYY-MM-DD whatever the locale (zh-hans formats dates as
    2026/10/06, which a browser's date input discards, so the field showed empty)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs, format="%Y-%m-%d")


DEFAULT_COMMITMENT = "本人承诺在承诺期限内补交上述材料，并对所提交材料的真实性负责；逾期未补交的，愿意承担相应责任。"


def new_token() -> str:
    """A one-time form token (see views: the idempotency key of the write it makes)."""
    return secrets.token_urlsafe(24)


def clean_token(value: Any) -> str | None:
    value = str(value or "").strip()
    return value if TOKEN_RE.match(value) else None


# ---- the application form declared in the catalogue ---------------------------------------------------


INPUT_TYPES = {
    "text": "text",
    "id_number": "text",
    "uscc": "text",
    "phone": "tel",
    "division": "text",
    "email": "email",
    "number": "number",
    "date": "date",
}
INPUT_MODES = {"phone": "numeric", "division": "numeric", "number": "decimal"}
MAX_LENGTHS = {"id_number": 18, "uscc": 18, "phone": 11, "division": 12}
TYPE_HINTS = {
    "id_number": "18位公民身份号码",
    "uscc": "18位统一社会信用代码",
    "phone": "11位手机号码",
    "division": "12位行政区划代码",
    "date": "",
    "email": "",
}


@dataclass
class SchemaField:
    """One field of an item's form as a page shows it."""

    key: str
    label: str
    type: str
    required: bool
    help: str = ""
    value: Any = ""
    error: str = ""
    options: list[str] = field(default_factory=list)
    max_length: int | None = None
    min: Any = None
    max: Any = None

    @property
    def name(self) -> str:
        return FIELD_PREFIX + self.key

    @property
    def id(self) -> str:
        return "id_" + self.name

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.type, "text")

    @property
    def input_mode(self) -> str:
        return INPUT_MODES.get(self.type, "")

    @property
    def values(self) -> list[str]:
        """Chosen options of a multiselect."""
        if isinstance(self.value, list | tuple):
            return [str(v) for v in self.value]
        return [v for v in str(self.value or "").split(",") if v]

    @property
    def checked(self) -> bool:
        return self.value is True or str(self.value).strip().lower() in {"1", "true", "on", "yes", "是"}

    @property
    def hint(self) -> str:
        return self.help or TYPE_HINTS.get(self.type, "")

    @property
    def text_value(self) -> str:
        return "" if self.value is None or isinstance(self.value, list | bool) else str(self.value)


def schema_fields(
    schema: Iterable[Mapping[str, Any]],
    values: Mapping[str, Any],
    errors: Mapping[str, str] | None = None,
    *,
    skip: Iterable[str] = (),
) -> list[SchemaField]:
    errors = errors or {}
    skipped = set(skip)
    out = []
    for f in schema or []:
        if not isinstance(f, Mapping) or f.get("key") in skipped:
            continue
        ftype = str(f.get("type", "text"))
        out.append(
            SchemaField(
                key=f["key"],
                label=str(f.get("label") or f["key"]),
                type=ftype,
                required=bool(f.get("required")),
                help=str(f.get("help") or ""),
                value=values.get(f["key"], ""),
                error=errors.get(f["key"], ""),
                options=[str(o) for o in f.get("options") or []],
                max_length=f.get("max_length") or MAX_LENGTHS.get(ftype),
                min=f.get("min"),
                max=f.get("max"),
            )
        )
    return out


def read_schema_post(schema: Iterable[Mapping[str, Any]], data: Any, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """The answers a page posted, for every key of the form (an unticked box is an answer too)."""
    skipped = set(skip)
    out: dict[str, Any] = {}
    for f in schema or []:
        key = f.get("key") if isinstance(f, Mapping) else None
        if not key or key in skipped:
            continue
        name = FIELD_PREFIX + key
        if f.get("type") == "multiselect":
            out[key] = [v for v in data.getlist(name) if v]
        elif f.get("type") == "boolean":
            out[key] = name in data
        else:
            out[key] = str(data.get(name, "")).strip()[:5000]
    return out


def display_value(f: Mapping[str, Any], value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if f.get("type") == "boolean":
        return "是" if value is True or str(value).lower() in {"1", "true", "on", "是"} else "否"
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    return str(value)


def form_rows(schema: Iterable[Mapping[str, Any]], data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of every declared field, then anything else the case holds (for readers the policy lets
    see the form: a masked reader sees none of it)."""
    rows, seen = [], set()
    for f in schema or []:
        if isinstance(f, Mapping) and f.get("key"):
            seen.add(f["key"])
            rows.append((str(f.get("label") or f["key"]), display_value(f, data.get(f["key"]))))
    rows += [(k, display_value({}, v)) for k, v in data.items() if k not in seen]
    return rows


# ---- the window clerk's applicant section -----------------------------------------------------------


FOUNDING = "founding"
APPLICANT_KINDS = [("natural", "自然人"), ("legal", "法人"), (FOUNDING, "设立中企业（企业开办，尚无统一社会信用代码）")]
# Which applicant field an error of the item form's shared keys belongs to, by applicant kind (for an
# enterprise, applicant_* is the person acting for it, the 经办人; a company being formed has no USCC yet).
SHARED_TO_APPLICANT = {
    "natural": {
        "applicant_name": "name",
        "applicant_id_number": "id_number",
        "applicant_phone": "phone",
        "enterprise_name": "name",
        "uscc": "id_number",
    },
    "legal": {
        "enterprise_name": "name",
        "uscc": "id_number",
        "applicant_phone": "phone",
        "applicant_name": "agent_name",
        "applicant_id_number": "agent_id_number",
    },
    FOUNDING: {
        "enterprise_name": "enterprise_name",
        "uscc": "kind",
        "applicant_phone": "phone",
        "applicant_name": "name",
        "applicant_id_number": "id_number",
    },
}
NO_USCC_YET = "该事项须由已登记的企业凭统一社会信用代码申请，设立中企业不能办理；请选择“法人”"


class WindowApplicantForm(forms.Form):
    kind = forms.ChoiceField(
        label="申请人类型",
        choices=APPLICANT_KINDS,
        initial="natural",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="申请人姓名/名称", max_length=100)
    id_number = forms.CharField(
        label="证件号码",
        max_length=18,
        help_text="自然人和设立中企业的创办人填公民身份号码，法人填统一社会信用代码",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=11,
        required=False,
        help_text="用于发送办理进度短信",
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
    )
    identity_check = forms.ChoiceField(
        label="身份核验方式",
        choices=[(c, c) for c in IDENTITY_CHECKS],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择申请人身份的核验方式"},
    )
    enterprise_name = forms.CharField(
        label="拟设立企业名称",
        max_length=100,
        required=False,
        help_text="设立中企业（企业开办）填写：名称自主申报的企业名称",
    )
    agent_name = forms.CharField(label="代办人/经办人姓名", max_length=50, required=False)
    agent_id_number = forms.CharField(
        label="代办人/经办人公民身份号码",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # The clerk's evidence of the agency (checked by accounts.services.window_authorisation_errors, one rule).
    principal_check = forms.ChoiceField(
        label="委托人身份证件核验",
        required=False,
        choices=[("", "（请选择）"), *((c, c) for c in PRINCIPAL_CHECKS)],
        help_text="代办时填写：代办人的身份按上方“身份核验方式”核验",
    )
    written = forms.BooleanField(label="已收取书面授权委托书（原件）", required=False)
    authorisation_file = forms.FileField(
        label="授权委托书扫描件",
        required=False,
        help_text="可选：PDF、JPEG、PNG或OFD，按内容检查",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.ofd"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, raw = data.get("kind"), data.get("id_number", "")
        if raw and kind == "legal":
            value = normalize_uscc(raw)
            if msg := uscc_error(value):
                self.add_error("id_number", f"统一社会信用代码有误：{msg}")
            data["id_number"] = value
        elif raw:
            value = normalize_resident_id(raw)
            if msg := resident_id_error(value):
                self.add_error("id_number", f"公民身份号码有误：{msg}")
            data["id_number"] = value
        if kind == FOUNDING and not data.get("enterprise_name", "").strip():
            self.add_error("enterprise_name", "设立中企业须填写拟设立的企业名称")
        phone = data.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            self.add_error("phone", "联系电话应为11位手机号码")
        agent_name, agent_id = data.get("agent_name", "").strip(), data.get("agent_id_number", "").strip()
        if kind == "legal" and not (agent_name or agent_id):
            # An enterprise acts through a person at the window (经办人), whose identity is the one verified.
            self.add_error("agent_name", "法人申请须填写到场经办人的姓名")
            self.add_error("agent_id_number", "法人申请须填写到场经办人的公民身份号码")
        elif agent_name or agent_id:
            if not agent_name:
                self.add_error("agent_name", "请填写代办人姓名")
            if not agent_id:
                self.add_error("agent_id_number", "请填写代办人公民身份号码")
            else:
                agent_id = normalize_resident_id(agent_id)
                if msg := resident_id_error(agent_id):
                    self.add_error("agent_id_number", f"代办人公民身份号码有误：{msg}")
                data["agent_id_number"] = agent_id
        return data

    def window_agent(self) -> WindowAgent | None:
        """Who applies for the applicant, with the clerk's evidence (None: the applicant in person)."""
        d = self.cleaned_data
        if not (d.get("agent_name") or d.get("agent_id_number")):
            return None
        upload = d.get("authorisation_file")
        document = (upload.name or "授权委托书", upload.read()) if upload else None
        return WindowAgent(
            name=d["agent_name"].strip(),
            id_number=d["agent_id_number"],
            principal_check=d.get("principal_check", ""),
            written=bool(d.get("written")),
            document=document,
        )

    def take_agency_errors(self, errors: dict[str, str]) -> None:
        """Errors of the agency's evidence (the service's one rule) onto the fields they belong to."""
        for name in ("principal_check", "written", "authorisation_file", "agent_name", "agent_id_number"):
            if name in errors and not self.has_error(name):
                self.add_error(name, errors.pop(name))

    @property
    def case_kind(self) -> str:
        """The applicant kind a case records: the founder of a company not yet registered is a person."""
        return "legal" if self.cleaned_data["kind"] == "legal" else "natural"

    def shared_values(self) -> dict[str, str]:
        """The item form's keys this section already answers."""
        d = self.cleaned_data
        if d["kind"] == FOUNDING:  # 企业开办: the founder applies (or their 经办人) for a company with no USCC yet
            acting = bool(d["agent_name"])
            return {
                "enterprise_name": d["enterprise_name"].strip(),
                "applicant_name": d["agent_name"] if acting else d["name"],
                "applicant_id_number": d["agent_id_number"] if acting else d["id_number"],
                "applicant_phone": d.get("phone", ""),
            }
        if d["kind"] == "legal":  # the form's applicant_* keys are then the 经办人 (the agent)
            return {
                "enterprise_name": d["name"],
                "uscc": d["id_number"],
                "applicant_name": d["agent_name"],
                "applicant_id_number": d["agent_id_number"],
                "applicant_phone": d.get("phone", ""),
            }
        return {
            "applicant_name": d["name"],
            "applicant_id_number": d["id_number"],
            "applicant_phone": d.get("phone", ""),
        }

    def take_shared_errors(self, errors: dict[str, str]) -> None:
        """Move errors of the item form's shared keys onto the applicant field that answers them."""
        kind = self.data.get("kind") if self.data.get("kind") in SHARED_TO_APPLICANT else "natural"
        for key, target in SHARED_TO_APPLICANT[str(kind)].items():
            message = errors.pop(key, None)
            if kind == FOUNDING and key == "uscc" and message:
                message = NO_USCC_YET
            if message and target in self.fields and not (self.is_bound and self.has_error(target)):
                self.add_error(target, message)


# ---- case actions -------------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """Every action posts the revision the page showed; a stale one is a conflict, never a silent overwrite."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _lines(text: str) -> list[str]:
    return [line.strip(" ；;、\t") for line in re.split(r"[\r\n]+", text or "") if line.strip(" ；;、\t")]


class AcceptForm(ActionForm):
    pass


class DeferForm(ActionForm):
    materials = forms.MultipleChoiceField(
        label="容缺材料", widget=forms.CheckboxSelectMultiple, error_messages={"required": "请选择容缺后补的材料"}
    )
    due = forms.DateField(
        label="承诺补交日期",
        widget=IsoDateInput(),
        error_messages={"required": "请填写承诺补交日期", "invalid": "日期格式应如 2026-01-31"},
    )
    commitment = forms.CharField(
        label="申请人承诺",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=DEFAULT_COMMITMENT,
        error_messages={"required": "容缺受理须有申请人的书面承诺"},
    )

    def __init__(self, *args: Any, choices: Iterable[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["materials"]).choices = [(c, c) for c in choices]


def added_reason_field() -> forms.CharField:
    """A second correction request may only repeat the first list (一次告知) unless it says why (Art. 32)."""
    return forms.CharField(
        label="新增补正内容的理由",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="再次要求补正时，只能重复此前告知的内容；确需新增的，须说明理由（将告知申请人）",
    )


class CorrectionForm(ActionForm):
    """补正: the one complete list (一次告知) — ticked materials plus anything else, one per line."""

    items = forms.MultipleChoiceField(label="需补正的材料", required=False, widget=forms.CheckboxSelectMultiple)
    extra = forms.CharField(
        label="其他需补正的内容",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项，例如：申请表第3栏未签字",
    )
    form_fields = forms.MultipleChoiceField(
        label="需更正的申请表栏目",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="勾选的栏目由申请人在补正时修改，其他栏目不能改动",
    )
    note = forms.CharField(label="说明", required=False, max_length=500)
    added_reason = added_reason_field()

    def __init__(
        self,
        *args: Any,
        choices: Iterable[str] = (),
        field_choices: Iterable[tuple[str, str]] = (),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["items"]).choices = [(c, c) for c in choices]
        cast(forms.ChoiceField, self.fields["form_fields"]).choices = list(field_choices)

    def all_items(self) -> list[str]:
        return [*self.cleaned_data.get("items", []), *_lines(self.cleaned_data.get("extra", ""))]


class ReturnForm(CorrectionForm):
    added_reason = None  # type: ignore[assignment]  # a return during handling is a list of its own
    reason = forms.CharField(
        label="退回原因", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请说明退回原因"}
    )


class RefuseForm(ActionForm):
    reason = forms.CharField(
        label="不予受理的理由和依据",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "不予受理必须说明理由和依据"},
    )


class StepForm(ActionForm):
    opinion = forms.CharField(
        label="审查意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写本环节的审查意见"},
    )


class DecideForm(ActionForm):
    grant = forms.ChoiceField(
        label="决定",
        choices=[("1", "准予"), ("0", "不予")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择准予或不予"},
    )
    reason = forms.CharField(
        label="决定理由及法律依据",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写决定理由及法律依据"},
    )


class SuspendForm(ActionForm):
    step_name = forms.ChoiceField(label="特殊环节", error_messages={"required": "请选择特殊环节"})
    reason = forms.CharField(
        label="事由", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请说明进入特殊环节的事由"}
    )

    def __init__(self, *args: Any, choices: Iterable[tuple[str, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["step_name"]).choices = list(choices)


class ResumeForm(ActionForm):
    note = forms.CharField(label="说明", required=False, max_length=500, help_text="如：专家评审已完成")


class ExtendForm(ActionForm):
    days = forms.IntegerField(
        label="延长工作日",
        min_value=1,
        max_value=10,
        initial=10,
        error_messages={"min_value": "延期天数应为1至10个工作日", "max_value": "延期天数应为1至10个工作日"},
    )
    reason = forms.CharField(
        label="延期理由", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "延期须说明理由"}
    )


DELIVERIES = [("window", "窗口领取"), ("post", "邮寄送达"), ("electronic", "电子送达")]


class IssueForm(ActionForm):
    delivery = forms.ChoiceField(
        label="出件方式",
        choices=DELIVERIES,
        widget=forms.RadioSelect,
        initial="window",
        error_messages={"required": "请选择出件方式"},
    )
    address = forms.CharField(
        label="收件地址",
        required=False,
        max_length=200,
        help_text="邮寄送达时使用；留空则使用申请表或申请人账号中的地址。快递单号由快递接口生成。",
    )

    def __init__(self, *args: Any, window_label: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        if window_label:  # the applicant is at another node: pick-up is at that node's window
            field = cast(forms.ChoiceField, self.fields["delivery"])
            field.choices = [(k, window_label if k == "window" else v) for k, v in DELIVERIES]


class SupplyDeferredForm(ActionForm):
    material = forms.ChoiceField(label="补交的容缺材料", error_messages={"required": "请选择补交的材料"})

    def __init__(self, *args: Any, choices: Iterable[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["material"]).choices = [(c, c) for c in choices]


class NoteForm(ActionForm):
    note = forms.CharField(label="说明", required=False, max_length=500)


class WithdrawForm(ActionForm):
    reason = forms.CharField(label="撤回原因", required=False, max_length=500)


class SuperviseForm(ActionForm):
    message = forms.CharField(
        label="督办意见", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写督办意见"}
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="办理回复", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写督办回复"}
    )


def default_due(today: dt.date, days: int = 7) -> dt.date:
    return today + dt.timedelta(days=days)
