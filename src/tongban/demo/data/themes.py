"""自然人 and 法人 themes (主题分类) as the national government-services platform lists them."""

from __future__ import annotations

NATURAL_THEMES = [
    "生育收养",
    "户籍办理",
    "民族宗教",
    "教育科研",
    "入伍服役",
    "就业创业",
    "设立变更",
    "准营准办",
    "抵押质押",
    "职业资格",
    "行政缴费",
    "婚姻登记",
    "优待抚恤",
    "规划建设",
    "住房保障",
    "社会保障",
    "证件办理",
    "交通出行",
    "旅游观光",
    "出境入境",
    "消费维权",
    "公共安全",
    "司法公证",
    "知识产权",
    "环境保护",
    "文化体育",
    "公用事业",
    "医疗卫生",
    "离职退休",
    "死亡殡葬",
    "残疾人",
    "其他",
]

LEGAL_THEMES = [
    "设立变更",
    "准营准办",
    "资质认证",
    "年检年审",
    "税收财务",
    "人力资源",
    "社会保障",
    "投资审批",
    "融资信贷",
    "抵押质押",
    "商务贸易",
    "招标拍卖",
    "海关口岸",
    "涉外服务",
    "农林牧渔",
    "国有资产",
    "城建住房",
    "环保绿化",
    "交通运输",
    "信用服务",
    "医疗卫生",
    "司法公证",
    "知识产权",
    "科技创新",
    "文体教育",
    "矿产能源",
    "应急救援",
    "公用事业",
    "破产注销",
    "其他",
]

# (code, name, audience, order). Codes: N (自然人) / L (法人) + two-digit position in the national list.
THEMES: list[tuple[str, str, str, int]] = [
    *((f"N{i:02d}", name, "natural", i) for i, name in enumerate(NATURAL_THEMES, start=1)),
    *((f"L{i:02d}", name, "legal", i) for i, name in enumerate(LEGAL_THEMES, start=1)),
]

_BY_NAME = {(audience, name): code for code, name, audience, _ in THEMES}


def theme_code(audience: str, name: str) -> str:
    return _BY_NAME[(audience, name)]


def n(*names: str) -> list[str]:
    """Codes of 自然人 themes by name."""
    return [theme_code("natural", x) for x in names]


def legal(*names: str) -> list[str]:
    """Codes of 法人 themes by name."""
    return [theme_code("legal", x) for x in names]
