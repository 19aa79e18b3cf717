"""Department kinds (部门类别): the code every department of the same kind shares across regions ("police" for
every 公安局) and its Chinese label (pure; no Django). The catalogue browses by kind; the regions and
departments API and the admin show the labels."""

from __future__ import annotations

# Browsing labels for Department.kind. A kind stored in Chinese already is shown as it is.
DEPARTMENT_KIND_LABELS: dict[str, str] = {
    "police": "公安",
    "hrss": "人力社保",
    "human_resources": "人力社保",
    "social_security": "人力社保",
    "medical_insurance": "医保",
    "healthcare_security": "医保",
    "housing_fund": "住房公积金",
    "market_regulation": "市场监管",
    "market": "市场监管",
    "civil_affairs": "民政",
    "health": "卫生健康",
    "natural_resources": "自然资源和规划",
    "justice": "司法",
    "ecology": "生态环境",
    "environment": "生态环境",
    "tax": "税务",
    "taxation": "税务",
    "education": "教育",
    "disabled_persons": "残联",
    "disability": "残联",
    "disabled": "残联",
    "real_estate": "不动产登记",
    "urban_management": "综合行政执法",
    "housing_construction": "住房和城乡建设",
    "fire": "消防救援",
    "development_reform": "发展改革",
    "utility_power": "供电",
    "utility_water": "供水",
    "utility_gas": "燃气",
    "utility_telecom": "通信",
    "housing": "住房和城乡建设",
    "transport": "交通运输",
    "culture": "文化和旅游",
    "agriculture": "农业农村",
    "emergency": "应急管理",
    "veterans": "退役军人事务",
    "government_services": "政务服务",
    "data": "大数据",
    "notary": "公证",
}


def department_kind_label(kind: str, example_name: str = "") -> str:
    """The Chinese label of a department kind; an unknown code falls back on an example department's name."""
    if kind in DEPARTMENT_KIND_LABELS:
        return DEPARTMENT_KIND_LABELS[kind]
    if not kind.isascii():
        return kind
    return example_name or kind
