"""Demo data of the 12345 hotline: its classification tree (GB/T 39666 style), its staff and the orders that
show every state and the published figures."""

from __future__ import annotations

CENTRE = "诸暨市政务服务中心"  # where the call-taker is bound (a window clerk has a centre)

# code, name, parent code, limit (value, unit) or None, department kind, keywords
CATEGORIES: list[tuple[str, str, str, tuple[int, str] | None, str, str]] = [
    ("01", "城乡建设", "", None, "housing_construction", "小区 物业 房屋"),
    ("0101", "供水", "01", (24, "hours"), "utility_water", "停水 水压 自来水 水管 漏水"),
    ("0102", "供电", "01", (24, "hours"), "utility_power", "停电 断电 电压 电表"),
    ("0103", "燃气", "01", (24, "hours"), "utility_gas", "燃气 煤气 天然气 漏气"),
    ("0104", "供热", "01", (24, "hours"), "housing_construction", "暖气 供暖 供热"),
    ("0105", "物业管理", "01", None, "housing_construction", "物业 电梯 业委会"),
    ("02", "城市管理", "", None, "urban_management", "城管"),
    ("0201", "噪声扰民", "02", None, "urban_management", "噪音 噪声 施工 扰民 夜间"),
    ("0202", "占道经营", "02", None, "urban_management", "占道 摊贩 摆摊"),
    ("0203", "违章建筑", "02", (15, "working_days"), "urban_management", "违建 违章 搭建"),
    ("03", "市场监管", "", None, "market", "商家 消费"),
    ("0301", "消费维权", "03", None, "market", "退款 欺诈 质量 消费 商家 退货"),
    ("0302", "食品安全", "03", None, "market", "食品 过期 餐馆 变质"),
    ("04", "生态环境", "", None, "environment", "环境"),
    ("0401", "环境污染", "04", (15, "working_days"), "environment", "污染 排污 异味 废气 污水"),
    ("05", "社会保障", "", None, "hrss", "社保 养老 就业"),
    ("0501", "工资拖欠", "05", None, "hrss", "欠薪 拖欠 工资 讨薪"),
    ("0502", "社保政策", "05", None, "hrss", "社保 参保 养老保险 失业"),
    ("06", "公安服务", "", None, "police", "户口 身份证"),
    ("0601", "户籍证件", "06", None, "police", "户口 身份证 落户 迁移"),
]

# The hotline's staff: (username, name, role, department kind, phone). data/accounts.py makes them accounts of
# 诸暨市; the call-taker and the dispatcher work for the 政务服务办 (the 12345 centre). Departments handle their
# orders with the approvers the demo already has (``zj_<kind>_approver``).
STAFF: list[tuple[str, str, str, str, str]] = [
    ("zj_hotline", "沈丽娜", "window_clerk", "government_services", "13957500121"),
    ("zj_dispatch", "钱宏伟", "supervisor", "government_services", "13957500122"),
]

SEATS = [("zj_hotline", "operator"), ("zj_dispatch", "dispatcher")]

OPEN311_DEMO_KEY = "demo-open311-key"  # published, like the demo passwords: demo mode only

# Orders: (key, days ago, type, category, title, content, phone, township, address, steps)
# Each step: (username, action, {department kind | text | satisfaction | target key})
ORDERS: list[tuple[str, int, str, str, str, str, str, str, str, list[tuple[str, str, dict]]]] = [
    (
        "q1",
        12,
        "enquiry",
        "0601",
        "新生儿怎么落户",
        "孩子刚出生，想问一下新生儿落户要带什么材料",
        "13900001001",
        "330681001",
        "",
        [
            (
                "zj_hotline",
                "answer_at_once",
                {
                    "text": "新生儿落户请携带出生医学证明、父母户口簿和身份证，到户籍所在地派出所或政务服务中心公安窗口办理，当场办结。"
                },
            ),
        ],
    ),
    (
        "q2",
        9,
        "enquiry",
        "0502",
        "灵活就业怎么交社保",
        "灵活就业人员怎么参加养老保险，在哪里办",
        "13900001002",
        "330681002",
        "",
        [
            (
                "zj_hotline",
                "answer_at_once",
                {"text": "灵活就业人员可在浙里办或政务服务中心人力社保窗口办理参保登记，按月或按年缴费。"},
            ),
        ],
    ),
    (
        "q3",
        3,
        "enquiry",
        "0502",
        "失业金领取条件",
        "请问失业保险金需要满足什么条件才能领",
        "13900001003",
        "330681003",
        "",
        [
            (
                "zj_hotline",
                "answer_at_once",
                {"text": "缴纳失业保险满一年、非本人意愿中断就业并已办理失业登记的，可申领失业保险金。"},
            ),
        ],
    ),
    (
        "q4",
        1,
        "enquiry",
        "0105",
        "电梯年检咨询",
        "小区电梯年检合格证过期了，想问问该找谁",
        "13900001004",
        "330681001",
        "",
        [],
    ),
    (
        "c1",
        14,
        "complaint",
        "0201",
        "工地夜间施工噪音",
        "暨阳街道某工地每天晚上十一点后还在施工，噪音很大，影响休息",
        "13900002001",
        "330681001",
        "暨阳街道艮塔西路88号",
        [
            ("zj_hotline", "dispatch", {"department": "urban_management"}),
            ("zj_urban_management_approver", "accept", {}),
            (
                "zj_urban_management_approver",
                "reply",
                {"text": "已到现场核查，责令施工单位夜间22点后停止施工，并立案调查。"},
            ),
            ("zj_dispatch", "close", {"text": "回复属实。"}),
            ("zj_hotline", "visit", {"text": "来电人确认夜间已停工。"}),
            ("zj_hotline", "rate", {"satisfaction": "very_satisfied"}),
        ],
    ),
    (
        "c2",
        13,
        "complaint",
        "0201",
        "工地晚上施工太吵",
        "艮塔西路那个工地晚上施工噪声扰民，半夜还在打桩",
        "13900002002",
        "330681001",
        "暨阳街道艮塔西路88号",
        [
            ("zj_hotline", "merge", {"target": "c1"}),
        ],
    ),
    (
        "c3",
        10,
        "complaint",
        "0301",
        "网购退款不退",
        "在本地一家家电商店买的冰箱有质量问题，商家拒绝退货",
        "13900002003",
        "330681002",
        "浣东街道东二路12号",
        [
            ("zj_hotline", "dispatch", {"department": "market"}),
            ("zj_market_approver", "accept", {}),
            ("zj_market_approver", "reply", {"text": "经调解，商家同意退货退款。"}),
            ("zj_dispatch", "close", {"text": "同意办结。"}),
            ("zj_hotline", "visit", {"text": "来电人已收到退款。"}),
            ("zj_hotline", "rate", {"satisfaction": "satisfied"}),
        ],
    ),
    (
        "c4",
        8,
        "help",
        "0101",
        "小区停水",
        "陶朱街道某小区从早上开始停水，没有任何通知",
        "13900002004",
        "330681003",
        "陶朱街道望云路5号",
        [
            ("zj_hotline", "dispatch", {"department": "utility_water"}),
            ("zj_utility_water_approver", "accept", {}),
            ("zj_utility_water_approver", "reply", {"text": "主管破裂已抢修完毕，已恢复供水。"}),
            ("zj_dispatch", "close", {"text": "同意办结。"}),
            ("zj_hotline", "visit", {"text": "来电人表示恢复太慢。"}),
            ("zj_hotline", "rate", {"satisfaction": "dissatisfied"}),
        ],
    ),
    (
        "c5",
        6,
        "report",
        "0302",
        "餐馆使用过期食材",
        "店口镇一家餐馆后厨使用过期食材",
        "13900002005",
        "330681104",
        "店口镇中央路3号",
        [
            ("zj_hotline", "dispatch", {"department": "market"}),
            ("zj_market_approver", "accept", {}),
            ("zj_market_approver", "reply", {"text": "已现场检查，查扣过期食材并立案。"}),
            ("zj_dispatch", "close", {"text": "同意办结。"}),
            ("zj_hotline", "visit", {"text": "已告知来电人处理结果。"}),
        ],
    ),
    (
        "c6",
        5,
        "complaint",
        "0202",
        "菜场门口占道摆摊",
        "枫桥镇菜场门口每天早上摊贩占道，车辆无法通行",
        "13900002006",
        "330681109",
        "枫桥镇和平路菜场",
        [
            ("zj_hotline", "dispatch", {"department": "urban_management"}),
            ("zj_urban_management_approver", "accept", {}),
            ("zj_urban_management_approver", "reply", {"text": "已安排早间巡查，引导摊贩入场经营。"}),
            ("zj_dispatch", "close", {"text": "同意办结。"}),
        ],
    ),
    (
        "c7",
        4,
        "complaint",
        "0105",
        "物业不修电梯",
        "小区电梯坏了一个月物业一直不修",
        "13900002007",
        "330681001",
        "暨阳街道江东小区",
        [
            ("zj_hotline", "dispatch", {"department": "housing_construction"}),
            ("zj_housing_construction_approver", "accept", {}),
            ("zj_housing_construction_approver", "reply", {"text": "已约谈物业公司，限期一周内修复。"}),
        ],
    ),
    (
        "c8",
        3,
        "complaint",
        "0203",
        "楼顶违章搭建",
        "邻居在楼顶搭建彩钢房",
        "13900002008",
        "330681002",
        "浣东街道城东小区6幢",
        [
            ("zj_hotline", "dispatch", {"department": "market"}),
            ("zj_market_approver", "request_return", {"text": "违章建筑不属于市场监管职责，请改派综合执法部门。"}),
        ],
    ),
    (
        "c9",
        2,
        "complaint",
        "0401",
        "工厂排放异味",
        "店口镇工业区有工厂夜间排放刺鼻异味",
        "13900002009",
        "330681104",
        "店口镇工业区",
        [
            ("zj_hotline", "dispatch", {"department": "urban_management"}),
            ("zj_urban_management_approver", "accept", {}),
            ("zj_dispatch", "supervise", {"text": "请加快处理，今天内反馈进展。"}),
        ],
    ),
    (
        "c10",
        1,
        "help",
        "0103",
        "楼道有煤气味",
        "单元楼道里有明显煤气味，担心漏气",
        "13900002010",
        "330681003",
        "陶朱街道暨东路20号",
        [
            ("zj_hotline", "dispatch", {"department": "housing_construction"}),
        ],
    ),
    (
        "c11",
        0,
        "suggestion",
        "0202",
        "建议增设临时摊位",
        "建议在菜场旁边设置临时摊位区，方便农户卖菜",
        "13900002011",
        "330681109",
        "枫桥镇",
        [],
    ),
]
