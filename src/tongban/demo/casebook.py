"""The demo's cases: what happened at 诸暨市's service centre and in its departments over the last weeks, so that
every queue, board and result desk has work and every state of a case and a bundle case can be seen.

Each scenario is told in working days before the day the demo is loaded ("``ago=4``": four working days ago),
and played through the services by ``replay.Play`` as the demo account whose work it is. Between them they hold
a case in every state (submitted, correction, refused, in progress at its review steps, returned, suspended,
decided granted and denied, closed at the window, by post and electronically, withdrawn, a draft), bundle
cases in every phase, some due soon and some late, one awaiting acceptance beyond 5 working days, one past
its special step's maximum, an overdue 容缺 promise, an extension, a deemed acceptance and a 督办 notice; and,
last, an application in the hands of every other department of 诸暨市, so every demo approver has work.
"""

from __future__ import annotations

import datetime as dt

from .answers import company_of, walk_in
from .data.accounts import demo_mobile, demo_name
from .replay import Play, Scenario

# People who come to the window without an account.
LOU = walk_in(1, "楼海燕", dt.date(1990, 4, 12), "13905751201", "浙江省诸暨市浣东街道东旺路16号")
XUAN = walk_in(2, "宣志强", dt.date(1985, 9, 30), "13905751202", "浙江省诸暨市枫桥镇枫源路22号")
SHOU = walk_in(3, "寿丽娟", dt.date(1978, 1, 5), "13905751203", "浙江省诸暨市暨阳街道大桥路77号")
HE = walk_in(4, "何俊杰", dt.date(1996, 12, 20), "13905751204", "浙江省诸暨市陶朱街道艮塔西路138号")
BIAN = walk_in(5, "边国庆", dt.date(1969, 10, 1), "13905751205", "浙江省诸暨市店口镇中央路9号")
ZHAO = walk_in(6, "赵雅芳", dt.date(1983, 7, 7), "13905751206", "浙江省诸暨市浣东街道东旺路5号")
FU = walk_in(7, "傅振华", dt.date(1972, 3, 15), "13905751207", "浙江省诸暨市暨阳街道望云路19号")
JIANG = walk_in(8, "蒋文斌", dt.date(1991, 2, 28), "13905751208", "浙江省诸暨市暨阳街道西施大街56号")
TAO = walk_in(9, "陶红梅", dt.date(1966, 5, 21), "13905751209", "浙江省诸暨市陶朱街道望云路101号")
GUO = walk_in(10, "郭明辉", dt.date(1988, 8, 8), "13905751210", "浙江省平湖市当湖街道新华北路100号")
XU = walk_in(11, "许春燕", dt.date(1975, 11, 11), "13905751211", "河南省济源市济水大街中段88号")

# Enterprises without an account, at the window through their 经办人.
HARDWARE = company_of(BIAN, "诸暨市店口精工五金有限公司", "MA2KD5F1", "浙江省诸暨市店口镇工业区湄池路8号")
DYEING = company_of(FU, "诸暨市枫溪印染有限公司", "MA2FQ8R2", "浙江省诸暨市枫桥镇工业功能区枫溪路66号")

TRADING = company_of(
    walk_in(29, "金晓峰", dt.date(1980, 10, 18), "13905751229", "浙江省诸暨市暨阳街道苎萝东路26号"),
    "诸暨市晓峰商贸有限公司",
    "MA2JY7T3",
    "浙江省诸暨市暨阳街道苎萝东路26号",
)

POLLUTION = {"industry": "纺织业", "management_class": "简化管理"}
SHOP = {"enterprise_name": "诸暨市禾香小吃店", "legal_representative": "蒋文斌"}
COMPANY = {"enterprise_name": "诸暨市新芽科技有限公司", "legal_representative": "何俊杰"}


# ---- the front desk ------------------------------------------------------------------------------------------


def new_online_application(p: Play) -> None:
    p.online("residence_permit", "zj_citizen_chen", ago=1, at="20:40")


def acceptance_due_soon(p: Play) -> None:
    p.window("spouse_move", LOU, ago=4, at="10:05")


def awaiting_acceptance_too_long(p: Play) -> None:
    """Received 8 working days ago and not acted on: 5 working days to accept ran out (Art. 32)."""
    p.online("work_transfer_move", "zj_citizen_wang", ago=8, at="19:15")


def correction_requested(p: Play) -> None:
    case = p.online("food_business_licence", "zj_enterprise", ago=6, at="16:45")
    p.correction(
        case,
        ["经营场所平面布局图及设备设施布局、操作流程文件（未标明加工制作区与就餐区，请补充功能分区后重新提交）"],
        ago=5,
        note="一次性告知",
    )


def corrected_and_accepted(p: Play) -> None:
    case = p.online("spouse_move", "zj_citizen_chen", ago=9, at="21:05")
    p.correction(case, ["合法稳定住所证明（租赁合同未经登记备案，请提供房屋租赁登记备案证明）"], ago=8)
    p.resubmit(case, "zj_citizen_chen", ago=7, files=["合法稳定住所证明"])
    case = p.accept(case, ago=6)
    p.review(case, ago=2)


def refused_at_the_desk(p: Play) -> None:
    case = p.online(
        "outdoor_sign",
        "zj_enterprise",
        ago=12,
        at="11:20",
        answers={"sign_address": "绍兴市柯桥区柯桥街道笛扬路1号"},
    )
    p.refuse(
        case,
        "设置地点位于绍兴市柯桥区，不属于本机关职权范围，请向柯桥区综合行政执法局申请（《中华人民共和国行政许可法》"
        "第三十二条第一款第二项）",
        ago=11,
    )


def deemed_accepted(p: Play) -> None:
    """Accepted after the 5 working days: its clock runs from the day it was received, and it is now late."""
    case = p.online("residence_permit", "zj_citizen_wang", ago=12, at="08:55")
    p.accept(case, ago=4, at="09:05")


def deferred_in_progress(p: Play) -> None:
    """容缺受理: the photo promised within a week; the card waits in the disabled persons' federation."""
    case = p.window("disability_card", BIAN, ago=3, leave_out=["2寸近期免冠彩色照片"])
    p.accept(case, ago=3, at="09:40", defer={"2寸近期免冠彩色照片": 7})


# ---- the back office ---------------------------------------------------------------------------------------


def handling_due_soon(p: Play) -> None:
    case = p.window("residence_permit", HE, ago=5, at="14:20")
    p.accept(case, ago=4, at="09:15")


def handling_late_and_supervised(p: Play) -> None:
    case = p.window("passport", SHOU, ago=12, at="09:35", answers={"receive_method": "邮寄送达"})
    case = p.accept(case, ago=11, at="09:50")
    p.review(case, ago=6, opinion="申请人身份核验一致，出入境记录无异常")
    p.supervise(case, "该件已超过承诺办结日期，请于2个工作日内作出决定并反馈。", ago=2)


def returned_for_correction(p: Play) -> None:
    case = p.online("pension_claim", "zj_citizen_chen", ago=8, at="10:00")
    case = p.accept(case, ago=7)
    p.return_for_correction(
        case,
        ["基本养老金申领表（银行账号与社会保障卡金融账户不一致）"],
        "核定待遇时发现收款账户与社会保障卡金融账户不一致",
        ago=3,
    )


def to_decide(p: Play) -> None:
    case = p.online("social_security_card", "zj_citizen_wang", ago=5, at="12:30")
    case = p.accept(case, ago=4)
    p.review(case, ago=1, opinion="制卡信息核对无误")


def special_step_past_its_maximum(p: Play) -> None:
    """专家评审 of a pollution permit, 10 working days at most, started 30 working days ago."""
    case = p.online("pollution_permit", "zj_enterprise", ago=40, answers=POLLUTION)
    case = p.accept(case, ago=39)
    p.suspend(case, "专家评审", "自行监测方案涉及印染废水特征污染物，组织专家技术评审", ago=30)
    p.supervise(
        case,
        "专家评审已超过办事指南规定的最长10个工作日，请说明原因并尽快恢复办理。",
        ago=5,
        answer="评审专家组已完成现场踏勘，评审意见将于本周内出具。",
    )


def extended(p: Play) -> None:
    """Extended by the head before the promised date, then reviewed: waiting for the decision."""
    case = p.online("pollution_permit", "zj_enterprise", ago=18, at="15:10", answers=POLLUTION)
    case = p.accept(case, ago=17)
    case = p.extend(case, "排放口位于两个水功能区交界处，需与上级生态环境部门会商排放限值", ago=3)
    p.review(case, ago=2)


def review_late(p: Play) -> None:
    case = p.window(
        "disabled_pension_contribution", TAO, ago=13, answers={"disability_card_number": "33068119660521432244"}
    )
    p.accept(case, ago=12, at="09:20")


def police_returned(p: Play) -> None:
    case = p.window("college_admission_move", HE, ago=7, at="15:40")
    case = p.accept(case, ago=7, at="16:10")
    p.return_for_correction(
        case, ["录取通知书（复印件字迹不清，请提供原件扫描件）"], "录取通知书复印件无法辨认录取院校名称", ago=2
    )


def licence_review_late(p: Play) -> None:
    """A pollution permit accepted 16 working days ago and not reviewed yet: past its 15 promised days."""
    case = p.window("pollution_permit", DYEING, ago=17, at="10:45", answers=POLLUTION)
    p.accept(case, ago=16, at="11:05")


def licence_due_soon(p: Play) -> None:
    """Accepted 14 working days ago: its 15 promised days end within two working days. The approver's journey
    (expert review, the head's extension) starts here."""
    case = p.window("pollution_permit", HARDWARE, ago=15, at="14:00", answers={**POLLUTION, "industry": "金属制品业"})
    p.accept(case, ago=14, at="09:30")


def calendar_not_yet_known(p: Play) -> None:
    """30 promised working days: near the year's end its deadline reaches a year the calendar may not know yet
    (期限待定 until an administrator enters that year's holidays)."""
    case = p.online("pension_transfer", "zj_citizen_chen", ago=3, at="21:30", answers={"from_region": "330482"})
    p.accept(case, ago=2)


def special_step_running(p: Play) -> None:
    case = p.online("drainage_permit", "zj_enterprise", ago=5, at="09:25")
    case = p.accept(case, ago=4)
    p.suspend(case, "检测", "委托检测机构对隔油池出水水质进行检测", ago=2)


# ---- decided, at the result desk, and closed ------------------------------------------------------------------


def decided_with_a_promise_overdue(p: Play) -> None:
    """容缺: the management rules promised within 5 days never came; the licence is decided and the result desk
    is warned."""
    case = p.window(
        "food_business_licence",
        p.person("zj_enterprise"),
        ago=14,
        at="10:10",
        answers={"business_address": "浙江省诸暨市陶朱街道望云路288号食堂楼"},
        leave_out=["食品安全管理制度文本"],
    )
    case = p.accept(case, ago=14, at="11:00", defer={"食品安全管理制度文本": 5})
    case = p.suspend(case, "现场核查", "对经营场所的功能分区和设施进行现场核查", ago=12)
    case = p.resume(case, ago=11, note="现场核查符合要求")
    case = p.review(case, ago=10)
    p.decide(case, ago=8)


def decided_denied(p: Play) -> None:
    case = p.window(
        "disabled_pension_contribution",
        TAO,
        ago=9,
        answers={"disability_card_number": "33068119660521432244"},
    )
    case = p.accept(case, ago=9, at="09:45")
    case = p.review(case, ago=6)
    p.decide(case, ago=2, grant=False, reason="经核查，申请人残疾等级为四级，不属于重度残疾人，不符合代缴条件")


def result_late(p: Play) -> None:
    """Granted 14 working days ago and not yet handed over: later than Art. 44's 10 working days."""
    case = p.window("work_transfer_move", XUAN, ago=20)
    case = p.accept(case, ago=19)
    case = p.review(case, ago=17)
    p.decide(case, ago=14)


def granted_for_the_post(p: Play) -> None:
    """A passport granted three working days ago: the applicant asked for it by post."""
    traveller = walk_in(15, "孟子涵", dt.date(2001, 4, 4), "13905751215", "浙江省诸暨市浣东街道东旺路88号")
    case = p.window("passport", traveller, ago=9, answers={"receive_method": "邮寄送达", "travel_purpose": "学习"})
    case = p.accept(case, ago=9, at="09:50")
    case = p.review(case, ago=6)
    p.decide(case, ago=3)


def closed_at_the_window(p: Play) -> None:
    case = p.window("spouse_move", ZHAO, ago=25)
    case = p.accept(case, ago=25, at="09:30")
    case = p.review(case, ago=23)
    case = p.decide(case, ago=22)
    p.issue(case, "window", ago=20)


def closed_by_post(p: Play) -> None:
    case = p.window("passport", FU, ago=30, answers={"receive_method": "邮寄送达"})
    case = p.accept(case, ago=30, at="09:30")
    case = p.review(case, ago=26)
    case = p.decide(case, ago=25)
    p.issue(case, "post", ago=22)


def closed_electronically(p: Play) -> None:
    case = p.online("hukou_certificate", "zj_citizen_wang", ago=10, at="08:40")
    case = p.accept(case, ago=9, at="09:00")
    case = p.review(case, ago=9, at="09:20")
    case = p.decide(case, ago=9, at="09:30")
    p.issue(case, "electronic", ago=9, at="09:40")


def withdrawn(p: Play) -> None:
    case = p.online("social_security_card", "zj_citizen_chen", ago=7, at="18:00")
    case = p.accept(case, ago=6)
    p.withdraw(case, "zj_citizen_chen", "已在店口镇便民服务中心办理，撤回本申请", ago=5)


def draft(p: Play) -> None:
    p.online("spouse_move", "zj_citizen_wang", ago=1, at="22:10", submit=False)


# ---- other regions ------------------------------------------------------------------------------------------


def pinghu_submitted(p: Play) -> None:
    p.window("hukou_certificate", GUO, ago=1, clerk="pinghu_window", division="330482")


def jiyuan_in_progress(p: Play) -> None:
    case = p.window(
        "pension_transfer",
        XU,
        ago=6,
        clerk="jiyuan_window",
        division="419001",
        answers={"from_region": "330681", "to_region": "419001"},
    )
    p.accept(case, ago=6, at="11:30")


def every_department_at_work(p: Play) -> None:
    """Each other department of 诸暨市 deciding a demo item: an application for one of its items, taken at the
    window three working days ago and accepted, so every demo approver of 诸暨市 finds work in the queue."""
    taken = []
    for n, (key, objects) in enumerate(p.items_of_idle_departments()):
        seed = f"work:{key}"
        person = walk_in(30 + n, demo_name(seed), dt.date(1960 + n, 3, 1 + n), demo_mobile(seed), LOU.address)
        at = f"{9 + n // 6:02d}:{n % 6 * 10:02d}"  # one every ten minutes from 09:00
        taken.append(p.window(key, TRADING if "legal" in objects else person, ago=3, at=at))
    for n, case in enumerate(taken):
        p.accept(case, ago=2, at=f"{9 + n // 6:02d}:{n % 6 * 10 + 5:02d}")


# ---- bundle cases -------------------------------------------------------------------------------------------


def bundle_newborn_submitted(p: Play) -> None:
    p.bundle_online("新生儿出生一件事", "zj_citizen_wang", ago=1)


def bundle_company_in_progress(p: Play) -> None:
    """The registration granted, the four items that waited for its licence started by themselves; two of them
    done, two in hand."""
    bc = p.bundle_window("企业开办一件事", HE, ago=6, answers=COMPANY, founding=True)
    bc = p.bundle_accept(bc, ago=6, at="10:20")
    p.bundle_items_decided(bc, ago=5, leave=["员工参保登记", "住房公积金单位登记开户"])


def bundle_house_waiting(p: Play) -> None:
    """二手房: the tax declaration in hand; the transfer and the four utility transfers wait for its result."""
    seller = walk_in(14, "郦美华", dt.date(1970, 8, 9), "13905751214", "浙江省诸暨市暨阳街道望云路19号")
    bc = p.bundle_window("二手房转移登记及水电气网联动过户一件事", seller, ago=2, at="13:50")
    p.bundle_accept(bc, ago=2, at="14:30")


def bundle_retirement_correction(p: Play) -> None:
    bc = p.bundle_online("退休一件事", "zj_citizen_chen", ago=3, at="09:05")
    p.bundle_correction(bc, ["基本养老金申领表（缺少申请人签名，请签名后重新上传）"], ago=2)


def bundle_after_death_ready(p: Play) -> None:
    son = walk_in(12, "陈立新", dt.date(1968, 6, 6), "13905751212", "浙江省诸暨市暨阳街道大桥路12号")
    bc = p.bundle_window("身后事一件事", son, ago=4, answers={"deceased_name": "陈阿根"})
    bc = p.bundle_accept(bc, ago=4, at="10:00")
    p.bundle_items_decided(bc, ago=1)


def bundle_restaurant_closed(p: Play) -> None:
    bc = p.bundle_window("开办餐饮店一件事", JIANG, ago=20, answers=SHOP, founding=True)
    bc = p.bundle_accept(bc, ago=20, at="10:30")
    p.bundle_items_decided(bc, ago=16)
    p.bundle_issue(bc, "window", ago=12)


def bundle_disability_denied(p: Play) -> None:
    """The assessment found no disability of a grade the card is issued for: the card denied, the two subsidies
    that needed it ended by themselves; the denial waits at the result desk."""
    visitor = walk_in(13, "周建国", dt.date(1958, 2, 2), "13905751213", "浙江省诸暨市枫桥镇枫源路3号")
    bc = p.bundle_window("残疾人服务一件事", visitor, ago=12)
    bc = p.bundle_accept(bc, ago=12, at="10:10")
    card = bc.children.get(version__name="残疾人证新办")
    card = p.review(card, ago=10)
    p.decide(card, ago=3, grant=False, reason="经指定医疗机构评定，申请人肢体功能障碍未达到残疾标准，不予核发残疾人证")


def bundle_credit_refused(p: Play) -> None:
    bc = p.bundle_window("信用修复一件事", p.person("zj_enterprise"), ago=9, at="15:15")
    p.bundle_accept(
        bc,
        ago=8,
        refuse="经核查，申请修复的行政处罚信息、经营异常名录和严重违法失信名单均不涉及本企业，无需修复，不予受理",
    )


def bundle_school_withdrawn(p: Play) -> None:
    """Withdrawn, item by item, before the window accepted it."""
    bc = p.bundle_online("教育入学一件事", "zj_citizen_wang", ago=5, at="21:50")
    for child in bc.children.order_by("id"):
        p.withdraw(child, "zj_citizen_wang", "孩子将随父母到杭州就读，撤回入学报名", ago=4)


def bundle_ss_card_draft(p: Play) -> None:
    p.bundle_online("社会保障卡居民服务一件事", "zj_citizen_wang", ago=2, submit=False)


SCENARIOS: list[Scenario] = [
    Scenario(f.__name__.replace("_", "-"), f)
    for f in (
        new_online_application,
        acceptance_due_soon,
        awaiting_acceptance_too_long,
        correction_requested,
        corrected_and_accepted,
        refused_at_the_desk,
        deemed_accepted,
        deferred_in_progress,
        handling_due_soon,
        handling_late_and_supervised,
        returned_for_correction,
        to_decide,
        review_late,
        police_returned,
        special_step_past_its_maximum,
        licence_review_late,
        licence_due_soon,
        extended,
        calendar_not_yet_known,
        special_step_running,
        decided_with_a_promise_overdue,
        decided_denied,
        result_late,
        granted_for_the_post,
        closed_at_the_window,
        closed_by_post,
        closed_electronically,
        withdrawn,
        draft,
        pinghu_submitted,
        jiyuan_in_progress,
        bundle_newborn_submitted,
        bundle_company_in_progress,
        bundle_house_waiting,
        bundle_retirement_correction,
        bundle_after_death_ready,
        bundle_restaurant_closed,
        bundle_disability_denied,
        bundle_credit_refused,
        bundle_school_withdrawn,
        bundle_ss_card_draft,
        every_department_at_work,  # last: the departments the stories above leave without work
    )
]
