"""Demo jurisdictions: GB/T 2260 divisions, their departments (with valid USCCs) and service centres.

Pure data and pure helpers (no Django). Codes are the real ones; township codes are the statistical
12-digit codes (国家统计局 统计用区划代码). Departments' USCCs are generated deterministically from the
division and the department kind, so a reload always produces the same code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from tongban.core.identifiers import division_level, make_uscc

# (code, name, parent code or None). Six-digit codes are stored in their 12-digit form by the loader.
DIVISIONS: list[tuple[str, str, str | None]] = [
    ("330000", "浙江省", None),
    ("330600", "绍兴市", "330000"),
    ("330681", "诸暨市", "330600"),
    ("330681001", "暨阳街道", "330681"),
    ("330681002", "浣东街道", "330681"),
    ("330681003", "陶朱街道", "330681"),
    ("330681104", "店口镇", "330681"),
    ("330681109", "枫桥镇", "330681"),
    ("330400", "嘉兴市", "330000"),
    ("330482", "平湖市", "330400"),
    ("331100", "丽水市", "330000"),
    ("331102", "莲都区", "331100"),
    ("330800", "衢州市", "330000"),
    ("330300", "温州市", "330000"),
    ("330324", "永嘉县", "330300"),
    ("410000", "河南省", None),
    ("419001", "济源市", "410000"),
    ("370000", "山东省", None),
    ("370400", "枣庄市", "370000"),
    ("370402", "市中区", "370400"),
    ("150000", "内蒙古自治区", None),
    ("150800", "巴彦淖尔市", "150000"),
]

# Telephone area code and the usual first two digits of local numbers, per division (6-digit code).
PHONE_PREFIX: dict[str, tuple[str, str]] = {
    "330000": ("0571", "87"),
    "330600": ("0575", "85"),
    "330681": ("0575", "87"),
    "330400": ("0573", "82"),
    "330482": ("0573", "85"),
    "331100": ("0578", "21"),
    "331102": ("0578", "22"),
    "330800": ("0570", "30"),
    "330300": ("0577", "88"),
    "330324": ("0577", "67"),
    "410000": ("0371", "65"),
    "419001": ("0391", "66"),
    "370000": ("0531", "86"),
    "370400": ("0632", "31"),
    "370402": ("0632", "30"),
    "150000": ("0471", "69"),
    "150800": ("0478", "86"),
}


def code12(code: str) -> str:
    return code.ljust(12, "0")


def level_of(code: str) -> int:
    return division_level(code)


def _digits(seed: str, n: int) -> str:
    return str(int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 10**n).zfill(n)


def demo_phone(division6: str, seed: str) -> str:
    area, lead = PHONE_PREFIX[division6]
    return f"{area}-{lead}{_digits('phone:' + division6 + seed, 6)}"


# Registration authority and institution kind (USCC positions 1-2) by department kind:
# 11 机关, 12 事业单位, 13 群团组织 (registered by 机构编制), 91 企业 (registered by 市场监管).
USCC_KIND = {
    "housing_fund": ("1", "2"),
    "real_estate": ("1", "2"),
    "notary": ("1", "2"),
    "disabled": ("1", "3"),
    "utility_power": ("9", "1"),
    "utility_water": ("9", "1"),
    "utility_gas": ("9", "1"),
    "utility_telecom": ("9", "1"),
}


def department_uscc(division6: str, kind: str) -> str:
    authority, inst = USCC_KIND.get(kind, ("1", "1"))
    org8 = _digits(f"org:{division6}:{kind}", 8)
    return make_uscc(authority, inst, division6, org8)


@dataclass(frozen=True)
class DepartmentSpec:
    division: str  # 6-digit code (departments sit at county level and above)
    kind: str
    name: str
    short_name: str
    address: str = ""

    @property
    def uscc(self) -> str:
        return department_uscc(self.division, self.kind)

    @property
    def phone(self) -> str:
        return demo_phone(self.division, self.kind)


# Stable department kinds: the code used in catalogue entry codes, and the national competent body.
DEPARTMENT_KINDS: dict[str, tuple[str, str]] = {
    "police": ("001", "公安部"),
    "hrss": ("002", "人力资源社会保障部"),
    "medical_insurance": ("003", "国家医疗保障局"),
    "housing_fund": ("004", "住房城乡建设部"),
    "market": ("005", "国家市场监督管理总局"),
    "civil_affairs": ("006", "民政部"),
    "health": ("007", "国家卫生健康委员会"),
    "natural_resources": ("008", "自然资源部"),
    "justice": ("009", "司法部"),
    "environment": ("010", "生态环境部"),
    "tax": ("011", "国家税务总局"),
    "education": ("012", "教育部"),
    "disabled": ("013", "中国残疾人联合会"),
    "real_estate": ("014", "自然资源部"),
    "transport": ("015", "交通运输部"),
    "urban_management": ("016", "住房城乡建设部"),
    "housing_construction": ("017", "住房城乡建设部"),
    "fire": ("018", "应急管理部"),
    "development_reform": ("019", "国家发展改革委"),
    "notary": ("020", "司法部"),
    "utility_power": ("021", "国家能源局"),
    "utility_water": ("022", "住房城乡建设部"),
    "utility_gas": ("023", "住房城乡建设部"),
    "utility_telecom": ("024", "工业和信息化部"),
    "government_services": ("025", "国务院办公厅"),
}

ZJ = "330681"  # 诸暨市, the main demo jurisdiction

# How a demo region starts the usernames of its staff (``<prefix>_<department kind>_approver`` …).
REGION_PREFIXES: dict[str, str] = {
    ZJ: "zj",
    "330000": "zhejiang",
    "330482": "pinghu",
    "419001": "jiyuan",
    "370402": "shizhong",
    "370400": "zaozhuang",
    "331102": "liandu",
    "330800": "quzhou",
    "330324": "yongjia",
    "150800": "bayannur",
}
ZJ_CENTRE_ADDRESS = "浙江省诸暨市暨阳街道东二路59号"

_ZHUJI = [
    ("government_services", "诸暨市政务服务办公室", "市政务服务办"),
    ("police", "诸暨市公安局", "市公安局"),
    ("hrss", "诸暨市人力资源和社会保障局", "市人力社保局"),
    ("medical_insurance", "诸暨市医疗保障局", "市医保局"),
    ("housing_fund", "绍兴市住房公积金管理中心诸暨分中心", "公积金诸暨分中心"),
    ("market", "诸暨市市场监督管理局", "市市场监管局"),
    ("civil_affairs", "诸暨市民政局", "市民政局"),
    ("health", "诸暨市卫生健康局", "市卫健局"),
    ("natural_resources", "诸暨市自然资源和规划局", "市自然资源规划局"),
    ("real_estate", "诸暨市不动产登记服务中心", "市不动产登记中心"),
    ("justice", "诸暨市司法局", "市司法局"),
    ("notary", "浙江省诸暨市公证处", "市公证处"),
    ("environment", "绍兴市生态环境局诸暨分局", "生态环境诸暨分局"),
    ("tax", "国家税务总局诸暨市税务局", "市税务局"),
    ("education", "诸暨市教育体育局", "市教体局"),
    ("disabled", "诸暨市残疾人联合会", "市残联"),
    ("transport", "诸暨市交通运输局", "市交通运输局"),
    ("urban_management", "诸暨市综合行政执法局", "市综合执法局"),
    ("housing_construction", "诸暨市住房和城乡建设局", "市住建局"),
    ("fire", "诸暨市消防救援大队", "市消防救援大队"),
    ("development_reform", "诸暨市发展和改革局", "市发改局"),
    ("utility_power", "国网浙江诸暨市供电有限公司", "诸暨供电公司"),
    ("utility_water", "诸暨市水务集团有限公司", "诸暨水务集团"),
    ("utility_gas", "诸暨市燃气有限公司", "诸暨燃气公司"),
    ("utility_telecom", "中国电信股份有限公司诸暨分公司", "诸暨电信"),
]

_SHAOXING = [
    ("police", "绍兴市公安局", "市公安局"),
    ("hrss", "绍兴市人力资源和社会保障局", "市人力社保局"),
    ("medical_insurance", "绍兴市医疗保障局", "市医保局"),
    ("housing_fund", "绍兴市住房公积金管理中心", "市公积金中心"),
    ("market", "绍兴市市场监督管理局", "市市场监管局"),
    ("civil_affairs", "绍兴市民政局", "市民政局"),
    ("health", "绍兴市卫生健康委员会", "市卫健委"),
    ("natural_resources", "绍兴市自然资源和规划局", "市自然资源规划局"),
    ("justice", "绍兴市司法局", "市司法局"),
    ("environment", "绍兴市生态环境局", "市生态环境局"),
    ("tax", "国家税务总局绍兴市税务局", "市税务局"),
    ("education", "绍兴市教育局", "市教育局"),
    ("disabled", "绍兴市残疾人联合会", "市残联"),
    ("transport", "绍兴市交通运输局", "市交通运输局"),
]

_ZHEJIANG = [
    ("police", "浙江省公安厅", "省公安厅"),
    ("hrss", "浙江省人力资源和社会保障厅", "省人力社保厅"),
    ("medical_insurance", "浙江省医疗保障局", "省医保局"),
    ("market", "浙江省市场监督管理局", "省市场监管局"),
    ("civil_affairs", "浙江省民政厅", "省民政厅"),
    ("health", "浙江省卫生健康委员会", "省卫健委"),
    ("natural_resources", "浙江省自然资源厅", "省自然资源厅"),
    ("justice", "浙江省司法厅", "省司法厅"),
    ("environment", "浙江省生态环境厅", "省生态环境厅"),
    ("tax", "国家税务总局浙江省税务局", "省税务局"),
    ("education", "浙江省教育厅", "省教育厅"),
    ("disabled", "浙江省残疾人联合会", "省残联"),
    ("transport", "浙江省交通运输厅", "省交通运输厅"),
    ("housing_construction", "浙江省住房和城乡建设厅", "省住建厅"),
]

# The other demo regions: enough departments for the cross-province items implemented there.
_OTHERS: dict[str, list[tuple[str, str, str]]] = {
    "330482": [
        ("police", "平湖市公安局", "市公安局"),
        ("hrss", "平湖市人力资源和社会保障局", "市人力社保局"),
        ("medical_insurance", "平湖市医疗保障局", "市医保局"),
        ("housing_fund", "嘉兴市住房公积金管理服务中心平湖分中心", "公积金平湖分中心"),
        ("market", "平湖市市场监督管理局", "市市场监管局"),
        ("civil_affairs", "平湖市民政局", "市民政局"),
        ("notary", "浙江省平湖市公证处", "市公证处"),
    ],
    "419001": [
        ("police", "济源市公安局", "市公安局"),
        ("hrss", "济源市人力资源和社会保障局", "市人社局"),
        ("medical_insurance", "济源市医疗保障局", "市医保局"),
        ("housing_fund", "济源市住房公积金管理中心", "市公积金中心"),
        ("market", "济源市市场监督管理局", "市市场监管局"),
        ("civil_affairs", "济源市民政局", "市民政局"),
    ],
    "370402": [
        ("police", "枣庄市公安局市中分局", "市中公安分局"),
        ("hrss", "枣庄市市中区人力资源和社会保障局", "区人社局"),
        ("medical_insurance", "枣庄市市中区医疗保障局", "区医保局"),
        ("market", "枣庄市市中区市场监督管理局", "区市场监管局"),
        ("civil_affairs", "枣庄市市中区民政局", "区民政局"),
    ],
    "370400": [
        ("housing_fund", "枣庄市住房公积金管理中心", "市公积金中心"),
    ],
    "331102": [
        ("police", "丽水市公安局莲都区分局", "莲都公安分局"),
        ("hrss", "丽水市莲都区人力资源和社会保障局", "区人力社保局"),
        ("medical_insurance", "丽水市莲都区医疗保障局", "区医保局"),
    ],
    "330800": [
        ("police", "衢州市公安局", "市公安局"),
        ("hrss", "衢州市人力资源和社会保障局", "市人力社保局"),
        ("medical_insurance", "衢州市医疗保障局", "市医保局"),
        ("housing_fund", "衢州市住房公积金中心", "市公积金中心"),
    ],
    "330324": [
        ("police", "永嘉县公安局", "县公安局"),
        ("hrss", "永嘉县人力资源和社会保障局", "县人力社保局"),
        ("medical_insurance", "永嘉县医疗保障局", "县医保局"),
    ],
    "150800": [
        ("police", "巴彦淖尔市公安局", "市公安局"),
        ("hrss", "巴彦淖尔市人力资源和社会保障局", "市人社局"),
        ("medical_insurance", "巴彦淖尔市医疗保障局", "市医保局"),
        ("housing_fund", "巴彦淖尔市住房公积金管理中心", "市公积金中心"),
    ],
}

SEAT_ADDRESS: dict[str, str] = {
    "330000": "浙江省杭州市西湖区省府路8号",
    "330600": "浙江省绍兴市越城区凤林西路300号",
    "330681": ZJ_CENTRE_ADDRESS,
    "330482": "浙江省平湖市当湖街道胜利路505号",
    "419001": "河南省济源市济水大街中段568号",
    "370402": "山东省枣庄市市中区文化西路72号",
    "370400": "山东省枣庄市薛城区光明大道699号",
    "331102": "浙江省丽水市莲都区万象街道解放街316号",
    "330800": "浙江省衢州市柯城区花园东大道218号",
    "330324": "浙江省永嘉县北城街道县前路99号",
    "150800": "内蒙古自治区巴彦淖尔市临河区胜利北路6号",
}


def _specs() -> list[DepartmentSpec]:
    out = [DepartmentSpec(ZJ, k, n, s, SEAT_ADDRESS[ZJ]) for k, n, s in _ZHUJI]
    out += [DepartmentSpec("330600", k, n, s, SEAT_ADDRESS["330600"]) for k, n, s in _SHAOXING]
    out += [DepartmentSpec("330000", k, n, s, SEAT_ADDRESS["330000"]) for k, n, s in _ZHEJIANG]
    for division, rows in _OTHERS.items():
        out += [DepartmentSpec(division, k, n, s, SEAT_ADDRESS[division]) for k, n, s in rows]
    return out


DEPARTMENTS: list[DepartmentSpec] = _specs()


def department(division6: str, kind: str) -> DepartmentSpec:
    for spec in DEPARTMENTS:
        if spec.division == division6 and spec.kind == kind:
            return spec
    raise KeyError(f"no demo department of kind {kind!r} in {division6}")


# ---------------------------------------------------------------------------------------------------------
# Service centres and windows

WEEKDAY_HOURS = "周一至周五 8:30-12:00，13:30-17:00（法定节假日除外）"
SUMMER_HOURS = "周一至周五 8:30-12:00，14:00-17:30（7月至9月）；其余月份 8:30-12:00，13:30-17:00"
WEEKEND_HOURS = "周一至周五 8:30-12:00，13:30-17:00；周六 9:00-12:00（仅受理户籍、社保、医保业务）；法定节假日除外"


@dataclass(frozen=True)
class WindowSpec:
    number: str
    name: str
    kind: str  # general / dedicated / cross_region / result
    departments: tuple[str, ...] = ()  # department kinds; empty for a general window = all of the centre


@dataclass(frozen=True)
class CentreSpec:
    division: str  # 6-, 9- or 12-digit code
    name: str
    kind: str  # government / convenience / station
    address: str
    opening_hours: str
    department_division: str  # the county whose departments are stationed here
    departments: tuple[str, ...]  # department kinds stationed in the centre
    windows: tuple[WindowSpec, ...] = field(default_factory=tuple)
    # How its window clerk's username names it after the region's prefix: "" for the region's government
    # centre (``pinghu_window``), the place for another (``zj_diankou_window``).
    short: str = ""

    @property
    def phone(self) -> str:
        return demo_phone(self.department_division, "centre:" + self.name)


_ZJ_STATIONED = tuple(k for k, _, _ in _ZHUJI)

CENTRES: list[CentreSpec] = [
    CentreSpec(
        ZJ,
        "诸暨市政务服务中心",
        "government",
        ZJ_CENTRE_ADDRESS,
        WEEKEND_HOURS,
        ZJ,
        _ZJ_STATIONED,
        tuple(
            [WindowSpec(f"{n:02d}", f"综合窗口{n}", "general") for n in range(1, 7)]
            + [
                WindowSpec("07", "跨区域通办专窗", "cross_region"),
                WindowSpec("08", "统一出件窗口", "result"),
                WindowSpec("09", "公安服务专窗（户籍）", "dedicated", ("police",)),
                WindowSpec("10", "公安服务专窗（出入境、车驾管）", "dedicated", ("police",)),
                WindowSpec("11", "不动产登记专窗", "dedicated", ("real_estate", "tax")),
                WindowSpec("12", "不动产登记专窗（抵押）", "dedicated", ("real_estate",)),
                WindowSpec(
                    "13",
                    "水电气网联合报装窗口",
                    "dedicated",
                    ("utility_power", "utility_water", "utility_gas", "utility_telecom"),
                ),
            ]
        ),
    ),
    CentreSpec(
        "330681104",
        "诸暨市店口镇便民服务中心",
        "convenience",
        "浙江省诸暨市店口镇解放路318号",
        WEEKDAY_HOURS,
        ZJ,
        ("police", "hrss", "medical_insurance", "civil_affairs", "disabled", "housing_fund"),
        (
            WindowSpec("01", "综合窗口1", "general"),
            WindowSpec("02", "综合窗口2", "general"),
            WindowSpec("03", "社保医保窗口", "dedicated", ("hrss", "medical_insurance")),
            WindowSpec("04", "跨区域通办窗口", "cross_region"),
        ),
        short="diankou",
    ),
    CentreSpec(
        "330482",
        "平湖市政务服务中心",
        "government",
        "浙江省平湖市当湖街道新华北路368号",
        SUMMER_HOURS,
        "330482",
        tuple(k for k, _, _ in _OTHERS["330482"]),
        (
            WindowSpec("01", "综合窗口1", "general"),
            WindowSpec("02", "综合窗口2", "general"),
            WindowSpec("03", "综合窗口3", "general"),
            WindowSpec("04", "跨省通办专窗", "cross_region"),
            WindowSpec("05", "统一出件窗口", "result"),
        ),
    ),
    CentreSpec(
        "419001",
        "济源市政务服务中心",
        "government",
        "河南省济源市宣化街与黄河路交叉口东北角市民之家",
        WEEKDAY_HOURS,
        "419001",
        tuple(k for k, _, _ in _OTHERS["419001"]),
        (
            WindowSpec("01", "综合受理窗口1", "general"),
            WindowSpec("02", "综合受理窗口2", "general"),
            WindowSpec("03", "跨省通办专窗", "cross_region"),
            WindowSpec("04", "出件窗口", "result"),
        ),
    ),
    CentreSpec(
        "370402",
        "枣庄市市中区政务服务中心",
        "government",
        "山东省枣庄市市中区光明西路1号",
        WEEKDAY_HOURS,
        "370402",
        tuple(k for k, _, _ in _OTHERS["370402"]),
        (
            WindowSpec("01", "综合受理窗口1", "general"),
            WindowSpec("02", "综合受理窗口2", "general"),
            WindowSpec("03", "跨省通办专窗", "cross_region"),
            WindowSpec("04", "出件窗口", "result"),
        ),
    ),
]


def centre_for(division6: str) -> CentreSpec | None:
    """The main (government) service centre of a county or city, if the demo has one."""
    for centre in CENTRES:
        if centre.division == division6 and centre.kind == "government":
            return centre
    return None
