"""The five-level scale and the four channels of 好差评 (国办发〔2019〕51号; GB/T 39734-2020, GB/T 39735-2020).

The levels and channels are fixed by the rules; the dimensions a rating may score (办事效率, 服务态度 …) are
data an administrator keeps (``Dimension``), since the standards leave the list to the deployment.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Level(IntEnum):
    VERY_SATISFIED = 5
    SATISFIED = 4
    BASICALLY_SATISFIED = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1


LEVEL_LABELS: dict[Level, str] = {
    Level.VERY_SATISFIED: "非常满意",
    Level.SATISFIED: "满意",
    Level.BASICALLY_SATISFIED: "基本满意",
    Level.DISSATISFIED: "不满意",
    Level.VERY_DISSATISFIED: "非常不满意",
}

# Best first, as every form and table shows them.
LEVELS: tuple[Level, ...] = tuple(sorted(Level, reverse=True))


def is_bad(level: int) -> bool:
    """差评: 不满意 or 非常不满意; it goes to the office that handled the service."""
    return int(level) <= Level.DISSATISFIED


def parse_level(value: object) -> Level | None:
    try:
        return Level(int(str(value)))
    except (TypeError, ValueError):
        return None


class Channel(StrEnum):
    ON_SITE = "on_site"  # 现场服务“一次一评”: at the window, right after the service
    ONLINE = "online"  # 网上服务“一事一评”: after the case ended
    SOCIAL = "social"  # 社会各界“综合点评”: of a department's services in general
    SUPERVISION = "supervision"  # 政府部门“监督查评”: a supervisor's rating of a finished case


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.ON_SITE: "现场服务“一次一评”",
    Channel.ONLINE: "网上服务“一事一评”",
    Channel.SOCIAL: "社会各界“综合点评”",
    Channel.SUPERVISION: "政府部门“监督查评”",
}
