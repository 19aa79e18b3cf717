"""The demo's 好差评: the dimensions a rating may score, and the ratings of the demo's finished cases (pure data).

A story names its case by item and applicant (case numbers carry the day the demo was loaded), how it was rated,
and what the office did with a bad rating: ("rectify_at_once" | "set_deadline" | "complete" | "explain" |
"call_back" | "appeal", note, extra). 王晓燕's 开具户籍类证明 is left unrated: her journey rates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DIMENSIONS: list[tuple[str, str]] = [
    ("efficiency", "办事效率"),
    ("attitude", "服务态度"),
    ("guide", "办事指南准确性"),
    ("convenience", "便利程度"),
]


@dataclass(frozen=True)
class Story:
    item: str
    applicant: str
    channel: str  # on_site (the window's screen, by the clerk who served) or online (the applicant's account)
    level: int
    comment: str = ""
    scores: dict[str, int] = field(default_factory=dict)
    handling: tuple[tuple[str, str, dict[str, Any]], ...] = ()


STORIES: list[Story] = [
    Story("夫妻投靠户口迁移", "赵雅芳", "on_site", 5, "窗口一次讲清楚，当场办好", {"efficiency": 5, "attitude": 5}),
    Story(
        "普通护照签发",
        "傅振华",
        "on_site",
        2,
        "照片要求没有提前说明，来回跑了两趟",
        {"guide": 2},
        (
            ("rectify_at_once", "已在办事指南和窗口告知单中补充出入境证件照片规格说明", {}),
            ("call_back", "电话回访，申请人认可整改", {"satisfaction_after": 4}),
        ),
    ),
    Story("个体工商户设立登记", "蒋文斌", "on_site", 5, "", {"efficiency": 5}),
    Story("食品经营许可", "蒋文斌", "on_site", 4),
    Story(
        "户外广告及招牌设施设置审批",
        "蒋文斌",
        "on_site",
        1,
        "招牌审批要求现场踏勘，等了很久没人来",
        {"efficiency": 1},
        (("set_deadline", "建立踏勘预约制度，承诺3个工作日内上门", {"days": 15}),),
    ),
    Story("公众聚集场所投入使用、营业前消防安全检查", "蒋文斌", "on_site", 3),
    Story("城镇污水排入排水管网许可", "蒋文斌", "on_site", 4),
    Story("移出严重违法失信名单", "诸暨市暨阳织造有限公司", "online", 4),
    Story(
        "移出经营异常名录",
        "诸暨市暨阳织造有限公司",
        "online",
        2,
        "不予受理",
        {},
        (("appeal", "申请人对不予受理结果不满，属对法定条件的误解，非服务问题", {}),),
    ),
    Story("行政处罚信息信用修复", "诸暨市暨阳织造有限公司", "online", 3),
    Story(
        "户外广告及招牌设施设置审批",
        "诸暨市暨阳织造有限公司",
        "online",
        1,
        "申请被退回，不理解原因",
        {},
        (
            ("explain", "设置地点位于禁设区域，依据《诸暨市户外广告设施设置规划》不予受理，已书面说明", {}),
            ("call_back", "电话回访，申请人表示理解", {"satisfaction_after": 3}),
        ),
    ),
]

# 监督查评 by the county's supervisor, and one anonymous 综合点评 of a department.
SUPERVISION: list[tuple[str, str, int, str]] = [("个体工商户设立登记", "蒋文斌", 4, "材料审查规范，时限符合承诺")]
SOCIAL: list[tuple[str, int, str]] = [("诸暨市公安局", 5, "户籍窗口服务热情")]
