"""Controlled vocabularies of the guide (domain.md §1). Pure; the values are what is stored."""

from __future__ import annotations

ITEM_TYPES = [
    ("01", "行政许可"),
    ("02", "行政处罚"),
    ("03", "行政强制"),
    ("04", "行政征收"),
    ("05", "行政给付"),
    ("06", "行政检查"),
    ("07", "行政确认"),
    ("08", "行政奖励"),
    ("09", "行政裁决"),
    ("10", "其他行政权力"),
    ("11", "行政备案"),
    ("20", "公共服务"),
]
ITEM_TYPE_LABELS = dict(ITEM_TYPES)
LICENSING = "01"

LEVELS = [
    ("national", "国家级"),
    ("province", "省级"),
    ("city", "市级"),
    ("county", "县级"),
    ("township", "乡镇（街道）级"),
    ("village", "村（社区）级"),
]

SERVICE_OBJECTS = [("natural", "自然人"), ("legal", "法人")]
SERVICE_OBJECT_LABELS = dict(SERVICE_OBJECTS)

BUSINESS_TYPES = [("", "—"), ("new", "新设"), ("change", "变更"), ("renew", "延续"), ("cancel", "注销")]

REVIEW_TYPES = [("instant", "即审即办"), ("review", "前审后批")]
HANDLING_TYPES = [("immediate", "即办件"), ("promised", "承诺件")]

ONLINE_DEPTHS = [(1, "Ⅰ级 信息公开"), (2, "Ⅱ级 表格下载/在线预约"), (3, "Ⅲ级 在线预审/在线申报"), (4, "Ⅳ级 全程网办")]

HANDLING_FORMS = [("window", "窗口办理"), ("online", "网上办理"), ("post", "邮寄申请")]
HANDLING_FORM_LABELS = dict(HANDLING_FORMS)

SCOPES = [("county", "县域通办"), ("city", "全市通办"), ("province", "全省通办"), ("national", "跨省通办")]

MATERIAL_SOURCES = [("applicant", "申请人自备"), ("government", "政府部门核发")]
MATERIAL_TYPES = [("original", "原件"), ("copy", "复印件"), ("both", "原件和复印件")]
MATERIAL_FORMS = [("paper", "纸质"), ("electronic", "电子"), ("either", "纸质或电子")]
NECESSITIES = [("required", "必要"), ("optional", "非必要"), ("deferrable", "容缺后补")]

RESULT_TYPES = [("licence", "出证办结"), ("document", "出文办结"), ("approval", "审批办结")]
DELIVERY_METHODS = [("window", "窗口领取"), ("post", "邮寄"), ("electronic", "电子送达"), ("notice", "公告")]
DELIVERY_METHOD_LABELS = dict(DELIVERY_METHODS)

# 行政许可法 Art. 45: the procedures whose time is not counted in the limit. Any other special step stops the
# clock only where the guide names its own legal basis (rules.stops_clock).
STATUTORY_SPECIAL_STEPS = ("听证", "招标", "拍卖", "检验", "检测", "检疫", "鉴定", "专家评审")

# How a guide's time limits are counted (行政许可法 Art. 82 working days; other laws calendar days).
LIMIT_UNITS = [("working", "工作日"), ("calendar", "自然日")]
LIMIT_UNIT_LABELS = dict(LIMIT_UNITS)

FORM_FIELD_TYPES = [
    ("text", "单行文本"),
    ("textarea", "多行文本"),
    ("number", "数字"),
    ("date", "日期"),
    ("select", "单选"),
    ("multiselect", "多选"),
    ("boolean", "是/否"),
    ("id_number", "公民身份号码"),
    ("uscc", "统一社会信用代码"),
    ("phone", "手机号码"),
    ("division", "行政区划"),
    ("email", "电子邮箱"),
]
