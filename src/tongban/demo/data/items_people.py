"""Demo catalogue: household registration, identity, marriage, birth and death certificates, notarisation,
school enrolment and disability services. ``{app}`` and ``{portal}`` are replaced per province."""

from __future__ import annotations

from .common import (
    ADDRESS,
    GENDER,
    Item,
    MainItem,
    applicant,
    application,
    birth_certificate,
    business_licence,
    child,
    deceased,
    enterprise,
    f,
    hukou,
    id_card,
    instant_steps,
    marriage_certificate,
    mat,
    photo,
    proxy_letter,
    special,
    step,
)
from .themes import legal, n

HUKOU_LAW_3 = (
    "《中华人民共和国户口登记条例》第三条：户口登记工作，由各级公安机关主管。城市和设有公安派出所的镇，"
    "以公安派出所管辖区为户口管辖区；乡和不设公安派出所的镇，以乡、镇管辖区为户口管辖区。"
)
HUKOU_LAW_10 = (
    "《中华人民共和国户口登记条例》第十条：公民迁出本户口管辖区，由本人或者户主在迁出前向户口登记机关申报迁出登记，"
    "领取迁移证件，注销户口。"
)
HUKOU_LAW_13 = (
    "《中华人民共和国户口登记条例》第十三条：公民迁移，从到达迁入地的时候起，城市在三日以内，农村在十日以内，"
    "由本人或者户主持迁移证件向户口登记机关申报迁入登记，缴销迁移证件。"
)
CROSS_REGION_BASIS = "《国务院办公厅关于加快推进政务服务“跨省通办”的指导意见》（国办发〔2020〕35号）附件：全国高频政务服务“跨省通办”事项清单。"
NOTARY_LAW = (
    "《中华人民共和国公证法》第二十五条：自然人、法人或者其他组织申请办理公证，可以向住所地、经常居住地、行为地或者"
    "事实发生地的公证机构提出。\n《中华人民共和国公证法》第三十条：公证机构经审查，认为申请提供的证明材料真实、合法、"
    "充分，申请公证的事项真实、合法的，应当自受理公证申请之日起十五个工作日内向当事人出具公证书。但是，因不可抗力、"
    "补充证明材料或者需要核实有关情况的，所需时间不计算在期限内。"
)
NOTARY_FEE_BASIS = (
    "《中华人民共和国公证法》第三十四条：当事人应当按照规定支付公证费。对符合法律援助条件的当事人，公证机构应当按照"
    "规定减免公证费。收费标准按省发展改革委、省司法厅核定的公证服务收费标准执行。"
)

ID_CARD_LAW_11 = (
    "《中华人民共和国居民身份证法》第十一条：居民身份证有效期满、公民姓名变更或者证件严重损坏不能辨认的，公民应当"
    "换领新证；居民身份证登记项目出现错误的，公安机关应当及时更正，换发新证；领取新证时，必须交回原证。居民身份证"
    "丢失的，应当申请补领。"
)
ID_CARD_LAW_12 = (
    "《中华人民共和国居民身份证法》第十二条：公安机关应当自公民提交《居民身份证申领登记表》之日起六十日内发放居民身份证；"
    "交通不便的地区，办理时间可以适当延长，但延长的时间不得超过三十日。"
)
ID_CARD_FEE_BASIS = (
    "《中华人民共和国居民身份证法》第二十条：公民申请领取、换领、补领居民身份证，应当缴纳证件工本费。"
    "收费标准：申领、到期换领每证20元，丢失补领、损坏换领每证40元。"
)

MOVE_FAQ = [
    (
        "户口迁移还需要先回原籍开迁移证吗？",
        "不需要。户口迁移已实行“一站式”办理，申请人只需在迁入地公安机关提出申请，迁入地与迁出地公安机关通过网上流转办理，"
        "无需往返两地。",
    ),
    (
        "迁户口后身份证要换吗？",
        "户口迁移后身份证号码不变，原居民身份证在有效期内可继续使用；如需变更住址信息可申请换领。",
    ),
]


def move_form() -> list[dict]:
    """The form of a 户口迁移 leg, the same at the 迁出地 and the 迁入地 (one set of answers for both)."""
    return [
        *applicant("迁移人"),
        f("household_address", "迁出地户籍地址", max_length=200),
        f("move_to_address", "迁入地详细地址", max_length=200),
        f("move_reason", "迁移原因", "textarea", required=False),
        ADDRESS,
    ]


def _move_item(
    key: str, sub: int, name: str, conditions: str, extra: list, keywords: str, aliases: str, faq: list[tuple[str, str]]
) -> Item:
    return Item(
        key=key,
        name=name,
        item_type="07",
        dept="police",
        serial=2,
        sub=sub,
        parent="hukou_move",
        business_type="change",
        themes=n("户籍办理"),
        cross_region=True,
        joint_handling=True,
        legal_basis=f"{HUKOU_LAW_10}\n{HUKOU_LAW_13}\n{CROSS_REGION_BASIS}",
        statutory=20,
        promised=5,
        conditions=conditions,
        description=f"{name}实行“一站式”办理：在迁入地公安机关一地申请，迁入地和迁出地网上协同办理，申请人无需往返两地。",
        depth=3,
        visits=1,
        onsite_reason="办理迁入登记需本人到场核验身份并签字确认。",
        result_name="居民户口簿（迁入登记）",
        result_type="licence",
        result_licence="居民户口簿",
        delivery=("window", "post"),
        delivery_days=3,
        materials=[id_card(), hukou("迁出地"), *extra, application("户口迁移申请表"), proxy_letter()],
        steps=[
            step("受理", 1, "户籍窗口民警", "核验身份及材料，材料齐全的予以受理。"),
            step("迁入地审核", 2, "派出所户籍内勤", "审核迁入条件。"),
            step("迁出地协同", 1, "迁出地户籍民警", "通过网上流转办理迁出，注销原户口。"),
            step("审批", 1, "公安机关户政部门", "作出准予迁入的决定。"),
            step("办结", 0, "户籍窗口民警", "办理迁入登记，签发户口簿。"),
        ],
        faq=[*faq, *MOVE_FAQ],
        form=move_form(),
        keywords=keywords,
        aliases=aliases,
    )


def id_card_steps(accept_check: str) -> list[dict]:
    """受理 (with the photo and fingerprints taken) → 审核 → 制证 at the province → 签发: 15 working days."""
    return [
        step("受理", 0, "户籍窗口民警", accept_check),
        step("审核", 3, "县级公安机关户政部门", "审核申领信息。"),
        step("制证", 11, "省公安厅制证中心", "制作居民身份证。"),
        step("签发", 1, "县级公安机关", "签发并发放。"),
    ]


def _id_card_item(
    *,
    key: str,
    name: str,
    serial: int,
    conditions: str,
    description: str,
    onsite_reason: str,
    fee: tuple[str, str],
    first_materials: list[dict],
    accept_check: str,
    faq: list[tuple[str, str]],
    reason: dict,
    keywords: str,
    aliases: str,
    business_type: str = "",
) -> Item:
    """换领 and 补领 of the resident ID card: the same law, process, fees basis and form but for what differs."""
    return Item(
        key=key,
        name=name,
        item_type="10",
        dept="police",
        serial=serial,
        business_type=business_type,
        themes=n("证件办理"),
        legal_basis=ID_CARD_LAW_11 + "\n" + ID_CARD_LAW_12,
        statutory=60,
        promised=15,
        conditions=conditions,
        description=description,
        depth=2,
        visits=1,
        onsite_reason=onsite_reason,
        result_name="中华人民共和国居民身份证",
        result_type="licence",
        result_licence="居民身份证",
        delivery=("window", "post"),
        delivery_days=2,
        fees=[{"item": fee[0], "amount": fee[1]}],
        fee_basis=ID_CARD_FEE_BASIS,
        materials=[
            *first_materials,
            hukou(),
            photo("居民身份证照片（窗口现场采集）", necessity="optional"),
            application("居民身份证申领登记表"),
        ],
        steps=id_card_steps(accept_check),
        faq=faq,
        form=[
            *applicant(),
            reason,
            f("receive_method", "领取方式", "select", options=["窗口领取", "邮寄送达"]),
            ADDRESS,
        ],
        keywords=keywords,
        aliases=aliases,
    )


MAIN_ITEMS = [
    MainItem(
        key="hukou_registration",
        name="户口登记",
        item_type="07",
        dept="police",
        serial=1,
        legal_basis=HUKOU_LAW_3,
        statutory=20,
        themes=n("户籍办理"),
        description="出生登记、死亡注销等常住户口登记，由公安机关户口登记机关办理。",
        keywords="户口 户籍 上户口 销户",
    ),
    MainItem(
        key="hukou_move",
        name="户口迁移",
        item_type="07",
        dept="police",
        serial=2,
        legal_basis=f"{HUKOU_LAW_10}\n{HUKOU_LAW_13}",
        statutory=20,
        themes=n("户籍办理"),
        cross_region=True,
        description="因工作调动、投靠亲属、升学毕业等原因迁移常住户口。",
        keywords="迁户口 户口迁移 落户",
    ),
]

ITEMS = [
    # ---- 公安 ------------------------------------------------------------------------------------------
    Item(
        key="newborn_hukou",
        name="新生儿入户",
        item_type="07",
        dept="police",
        serial=1,
        sub=1,
        parent="hukou_registration",
        business_type="new",
        themes=n("生育收养", "户籍办理"),
        cross_region=True,
        legal_basis=(
            "《中华人民共和国户口登记条例》第七条：婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地"
            "户口登记机关申报出生登记。弃婴，由收养人或者育婴机关向户口登记机关申报出生登记。\n" + CROSS_REGION_BASIS
        ),
        statutory=20,
        promised=0,
        conditions="在中华人民共和国境内出生、父母一方为本地常住户口的新生儿，可随父或随母申报出生登记。",
        description="为新生儿申报出生登记（上户口），签发居民户口簿户口页并编制公民身份号码。",
        depth=3,
        visits=1,
        onsite_reason="首次申报户口需核验父母身份及出生医学证明原件；通过“出生一件事”在线申报且数据核验通过的，可邮寄送达。",
        result_name="居民户口簿（新生儿户口页）",
        result_type="licence",
        result_licence="居民户口簿",
        delivery=("window", "post"),
        materials=[
            birth_certificate(),
            hukou("父亲或母亲"),
            id_card("父母双方"),
            marriage_certificate(necessity="deferrable"),  # 容缺后补: may be promised at the window (容缺受理)
            application("出生登记申报表"),
            proxy_letter(),
        ],
        steps=instant_steps("核验出生医学证明与父母身份信息，编制公民身份号码，当场办理出生登记。"),
        faq=[
            (
                "孩子出生多久内要报户口？",
                "《户口登记条例》规定婴儿出生后一个月以内申报出生登记；超过一个月的仍可申报，需说明未及时申报的原因。",
            ),
            ("父母户口不在一起，孩子随谁落户？", "可以自愿选择随父亲或随母亲落户，由父母协商确定。"),
            (
                "孩子在外省出生，能在户籍地报户口吗？",
                "可以。新生儿入户已纳入“跨省通办”，可以在出生地或户籍地任一公安机关窗口申请，由户籍地公安机关办理。",
            ),
        ],
        form=[
            *applicant("申报人"),
            *child(),
            f("household_of", "随父或随母落户", "select", options=["随父落户", "随母落户"]),
            f("household_address", "落户地址（户籍地址）", max_length=200),
            ADDRESS,
        ],
        keywords="上户口 孩子落户 宝宝户口 报户口 出生登记 新生儿落户 小孩上户口 孩子刚出生",
        aliases="出生登记 户口登记（出生登记） 新生儿落户",
    ),
    Item(
        key="hukou_cancel",
        name="户口注销",
        item_type="07",
        dept="police",
        serial=1,
        sub=2,
        parent="hukou_registration",
        business_type="cancel",
        themes=n("户籍办理", "死亡殡葬"),
        legal_basis=(
            "《中华人民共和国户口登记条例》第八条：公民死亡，城市在葬前，农村在一个月以内，由户主、亲属、抚养人或者"
            "邻居向户口登记机关申报死亡登记，注销户口。公民如果在暂住地死亡，由暂住地户口登记机关通知常住地户口登记"
            "机关注销户口。"
        ),
        statutory=20,
        promised=0,
        conditions="公民死亡后，由户主、亲属、抚养人或者邻居申报死亡登记，注销户口。",
        description="公民死亡后申报死亡登记、注销常住户口，出具户口注销证明。",
        depth=3,
        visits=0,
        post=True,
        result_name="户口注销证明",
        result_type="document",
        delivery=("window", "post", "electronic"),
        materials=[
            mat(
                "居民死亡医学证明（推断）书",
                source="government",
                instructions="医疗卫生机构出具的第四联（公安机关保存联）。",
                standard="由医疗卫生机构签发，逝者信息与户籍信息一致。",
            ),
            hukou("逝者所在户"),
            mat(
                "居民身份证（逝者）",
                necessity="optional",
                instructions="逝者生前的居民身份证，注销户口时交回；遗失的免交。",
            ),
            id_card("申报人"),
            application("死亡注销户口申报表"),
        ],
        steps=instant_steps("核验死亡医学证明与户籍信息，当场注销户口并出具户口注销证明。"),
        faq=[
            ("家人去世后多久要去注销户口？", "城市在火化（安葬）前，农村在一个月以内申报死亡登记、注销户口。"),
            ("注销户口需要本人身份证吗？", "需要交回逝者的居民身份证；身份证遗失的，可不提交，窗口在系统中一并注销。"),
            (
                "注销户口后还要单独去社保、医保销户吗？",
                "办理“身后事一件事”的，户口注销信息会推送给人力社保、医保、公积金等部门，一次申请即可联办。",
            ),
        ],
        form=[*applicant("申报人"), *deceased(), f("death_place", "死亡地点", max_length=100), ADDRESS],
        keywords="人去世了 销户 销户口 户口销掉 死亡销户 去世注销户口 注销户口 家里人去世 老人过世 死亡登记",
        aliases="死亡注销户口 死亡登记 销户",
    ),
    _move_item(
        "work_transfer_move",
        1,
        "工作调动户口迁移",
        "因工作调动到本地就业，在本地有合法稳定住所或单位集体户接收的人员及其随迁家属。",
        [
            mat(
                "工作调动证明",
                instructions="调入单位出具的调动通知、录用（聘用）手续或劳动合同。",
                standard="加盖调入单位公章，载明调入人员姓名和岗位。",
            ),
            mat(
                "迁入地住所证明",
                instructions="不动产权证书，或单位集体户口接收证明。",
                standard="住所位于迁入地户口管辖区内。",
            ),
        ],
        "换城市工作 工作调动 调动落户 单位调动迁户口 人才落户",
        "工作调动迁户口 调动户口",
        [("工作调动后配偶孩子能一起迁吗？", "可以。随迁配偶和未成年子女可在同一申请中一并办理。")],
    ),
    # 户口迁移 between provinces is two offices' acts in turn (domain.md §3): the 迁出地 registers the move-out
    # and clears the local record (no 户口簿), the 迁入地 registers the move-in and issues the 户口簿 — the two
    # legs of a 多地联办 (this one first, then e.g. 工作调动户口迁移 at the 迁入地).
    Item(
        key="hukou_move_out",
        name="户口迁出登记（跨省迁移）",
        item_type="07",
        dept="police",
        serial=2,
        sub=6,
        parent="hukou_move",
        business_type="change",
        themes=n("户籍办理"),
        cross_region=True,
        joint_handling=True,
        legal_basis=f"{HUKOU_LAW_10}\n{CROSS_REGION_BASIS}",
        statutory=20,
        promised=3,
        conditions="常住户口迁往外省（区、市）的公民；与迁入地的户口迁移作为多地联办一并申请，迁出地核验后办理迁出登记。",
        description=(
            "迁出地公安机关核验迁移人的户籍信息，办理迁出登记、注销本地常住户口，迁移信息经网上流转送迁入地。"
            "迁出登记不签发户口簿，户口簿由迁入地办理迁入登记时签发。"
        ),
        depth=3,
        visits=0,
        result_name="户口迁出登记信息（网上流转迁入地）",
        result_type="document",
        delivery=("electronic", "window"),
        materials=[id_card(), hukou("迁出地"), application("户口迁出申请表"), proxy_letter()],
        steps=[
            step("受理", 1, "户籍窗口民警", "核验身份及材料，材料齐全的予以受理。"),
            step("迁出地核验", 1, "派出所户籍内勤", "核验迁移人户籍信息，确认无影响迁出的情形。"),
            step("办理迁出登记", 1, "公安机关户政部门", "办理迁出登记，注销本地常住户口，迁移信息网上推送迁入地。"),
        ],
        faq=[
            ("迁出后户口簿怎么办？", "迁出登记不签发户口簿；新的户口簿由迁入地公安机关在办理迁入登记时签发。"),
            ("还要回迁出地跑一趟吗？", "不用。在迁入地多地联办收件，迁出地网上办理迁出登记，申请人只跑一次。"),
        ],
        form=move_form(),
        keywords="户口迁出 迁出登记 迁走户口 户口迁到外省 户口迁出本地",
        aliases="迁出登记 户口迁出",
    ),
    _move_item(
        "college_admission_move",
        2,
        "大中专院校录取学生户口迁移",
        "被普通高等院校、中等专业学校录取的新生，自愿将户口迁往学校集体户的。",
        [mat("录取通知书", standard="录取院校签发，录取信息可在教育部门学籍系统核验。")],
        "上大学迁户口 考上大学户口 大学新生户口 学生户口迁移",
        "大学生户口迁移 新生入学迁户口",
        [("考上大学户口必须迁吗？", "不是必须的，新生可自愿选择是否将户口迁往学校。")],
    ),
    _move_item(
        "graduate_move",
        3,
        "大中专学生毕业户口迁移",
        "普通高等院校、中等专业学校毕业生，户口在学校集体户，毕业后迁往就业地或原籍的。",
        [
            mat("毕业证书", standard="学历信息可在学信网核验。"),
            mat("就业证明", necessity="optional", instructions="劳动合同或就业协议；迁回原籍的免交。"),
        ],
        "毕业迁户口 毕业生落户 大学毕业户口 户口从学校迁出",
        "毕业生户口迁移 毕业落户",
        [("毕业两年了户口还在学校，还能迁吗？", "可以，凭毕业证书和就业地接收材料办理。")],
    ),
    _move_item(
        "spouse_move",
        4,
        "夫妻投靠户口迁移",
        "夫妻一方在本地有常住户口和合法稳定住所，另一方申请将户口迁入投靠的。",
        [
            marriage_certificate(),
            hukou("被投靠方"),
            mat("合法稳定住所证明", instructions="不动产权证书或经登记备案的房屋租赁合同。"),
        ],
        "老婆户口迁过来 老公户口迁移 夫妻投靠 结婚迁户口 配偶落户",
        "投靠配偶落户 夫妻投靠落户",
        [("刚结婚就能投靠落户吗？", "本地落户政策对婚龄无限制的，凭结婚证即可申请；以当地公安机关政策为准。")],
    ),
    _move_item(
        "parent_move",
        5,
        "父母投靠子女户口迁移",
        "子女在本地有常住户口和合法稳定住所，父母申请将户口迁入投靠的。",
        [
            hukou("被投靠子女"),
            mat("亲属关系证明", instructions="能证明父母子女关系的户口簿、出生医学证明等；户籍信息可查证的免交。"),
            mat("合法稳定住所证明", instructions="子女名下的不动产权证书。"),
        ],
        "父母户口迁过来 爸妈投靠 老人投靠子女 接父母落户",
        "投靠子女落户 老人随迁",
        [("父母投靠有年龄限制吗？", "部分地区要求男方年满60周岁、女方年满55周岁，以当地落户政策为准。")],
    ),
    Item(
        key="hukou_certificate",
        name="开具户籍类证明",
        item_type="20",
        dept="police",
        serial=1,
        themes=n("户籍办理", "证件办理"),
        cross_region=True,
        legal_basis=f"{HUKOU_LAW_3}\n{CROSS_REGION_BASIS}",
        statutory=5,
        promised=0,
        conditions="本人或其委托人需要开具户籍信息类证明（如亲属关系、注销户口、户籍迁移证明）的。",
        description="开具户籍信息证明、亲属关系证明、户口注销证明等户籍类证明，支持在线申请、电子证明。",
        depth=4,
        result_name="户籍证明（电子）",
        result_type="document",
        delivery=("electronic", "window"),
        materials=[id_card(), mat("需证明事项说明", necessity="optional", instructions="说明用途和需证明的内容。")],
        faq=[
            ("户籍证明在哪里开？", "可在“{app}”在线申请电子户籍证明，也可在任一公安派出所或政务服务中心公安窗口办理。"),
            ("外省户口能在本地开户籍证明吗？", "可以，开具户籍类证明已实现“跨省通办”。"),
        ],
        form=[
            *applicant(),
            f(
                "certificate_kind",
                "证明类型",
                "select",
                options=["户籍信息证明", "亲属关系证明", "注销户口证明", "户口迁移证明"],
            ),
            f("purpose", "证明用途", max_length=100),
        ],
        keywords="户籍证明 户口证明 亲属关系证明 开证明 证明我是我爸的孩子",
        aliases="户籍信息证明 户口证明",
    ),
    Item(
        key="no_crime_certificate",
        name="无犯罪记录证明",
        item_type="20",
        dept="police",
        serial=2,
        objects=("natural",),
        themes=n("证件办理", "就业创业"),
        cross_region=True,
        legal_basis=(
            "《公安机关办理犯罪记录查询工作规定》（公通字〔2021〕19号）：个人可以向公安机关申请查询本人犯罪记录；"
            "公安机关应当在受理申请后三个工作日内出具《无犯罪记录证明》或者《犯罪记录查询告知函》。\n"
            + CROSS_REGION_BASIS
        ),
        statutory=3,
        promised=0,
        conditions="中国公民因就业、出国、办理资格证照等需要，申请查询本人犯罪记录的。",
        description="为个人出具《无犯罪记录证明》，支持全程网办和电子证明，全国通用。",
        depth=4,
        result_name="无犯罪记录证明",
        result_type="document",
        result_licence="无犯罪记录证明",
        delivery=("electronic", "window"),
        materials=[id_card(), proxy_letter()],
        faq=[
            ("无犯罪记录证明在哪里开？", "可通过“{app}”或公安机关互联网服务平台在线申请，审核通过后出具电子证明。"),
            ("可以异地开具吗？", "可以，无犯罪记录证明已实现“跨省通办”，在居住地即可申请户籍地公安机关出具。"),
            ("证明有效期多久？", "证明本身不设有效期，用证单位另有要求的从其规定，一般为三个月内出具。"),
        ],
        form=[*applicant(), f("purpose", "开具用途", "select", options=["就业", "出国（境）", "资格证照", "其他"])],
        keywords="无犯罪证明 良民证 无犯罪记录 入职证明 政审 开无犯罪证明",
        aliases="犯罪记录查询 良民证",
    ),
    Item(
        key="first_id_card",
        name="首次申领居民身份证",
        item_type="10",
        dept="police",
        serial=1,
        themes=n("证件办理"),
        cross_region=True,
        legal_basis=(
            "《中华人民共和国居民身份证法》第二条：居住在中华人民共和国境内的年满十六周岁的中国公民，应当依照本法的"
            "规定申请领取居民身份证；未满十六周岁的中国公民，可以依照本法的规定申请领取居民身份证。\n"
            + ID_CARD_LAW_12
            + "\n"
            + CROSS_REGION_BASIS
        ),
        statutory=60,
        promised=20,
        limit_unit="calendar",  # 居民身份证法 Art. 12 counts 60 days, not working days
        conditions="年满十六周岁的公民应当申领；未满十六周岁的公民可以由监护人代为申请领取。",
        description="首次申领第二代居民身份证，采集人像和指纹信息，制证后窗口领取或邮寄送达。",
        depth=2,
        visits=1,
        onsite_reason="需现场采集人像和指纹信息。",
        result_name="中华人民共和国居民身份证",
        result_type="licence",
        result_licence="居民身份证",
        delivery=("window", "post"),
        delivery_days=2,
        fees=[{"item": "居民身份证工本费", "amount": "20.00"}],
        fee_basis=ID_CARD_FEE_BASIS,
        materials=[
            hukou(),
            photo("居民身份证照片（窗口现场采集）", necessity="optional"),
            mat(
                "居民身份证（监护人）",
                licence="居民身份证",
                necessity="optional",
                instructions="未满十六周岁的由监护人陪同并提供监护人身份证件。",
            ),
            application("居民身份证申领登记表"),
        ],
        steps=id_card_steps("核验户籍信息，现场采集人像、指纹。"),
        faq=[
            ("孩子多大可以办身份证？", "任何年龄都可以申领，年满十六周岁必须申领；未满十六周岁的由监护人陪同办理。"),
            ("可以异地办理首次申领吗？", "可以，首次申领居民身份证已实现“跨省通办”，在现居住地公安机关受理即可。"),
            ("办身份证要多少钱？", "工本费20元，可在窗口或网上支付。"),
        ],
        form=[
            *applicant(),
            f("household_address", "户籍地址", max_length=200),
            f("receive_method", "领取方式", "select", options=["窗口领取", "邮寄送达"]),
            ADDRESS,
        ],
        keywords="办身份证 第一次办身份证 孩子办身份证 十六岁办身份证 身份证申领",
        aliases="居民身份证申领 身份证首次申领",
    ),
    _id_card_item(
        key="id_card_renewal",
        name="居民身份证换领",
        serial=3,
        business_type="renew",
        conditions="居民身份证有效期满、姓名等登记项目变更、证件严重损坏不能辨认的，应当换领新证；有效期满前三个月内可以申请。",
        description="居民身份证到期、损坏或登记项目变更的，换领新证；可在全国任一公安机关户政窗口办理，领取时交回原证。",
        onsite_reason="需现场采集人像和指纹信息，领取新证时交回原证。",
        fee=("居民身份证工本费（到期换领）", "20.00"),
        first_materials=[
            mat("原居民身份证", instructions="领取新证时交回；严重损坏的一并交回。", standard="证件为本人所有。"),
        ],
        accept_check="核验户籍信息，现场采集人像、指纹。",
        faq=[
            (
                "身份证快到期了什么时候去换？",
                "有效期满前三个月内即可申请换领，到期后也可以办理，期间原证可正常使用至到期日。",
            ),
            (
                "换身份证要回户口所在地吗？",
                "不需要。居民身份证换领已实现全国异地受理，在现居住地公安机关户政窗口即可办理。",
            ),
            ("换领身份证要多少钱？", "到期换领工本费20元；损坏换领40元。"),
        ],
        reason=f("renewal_reason", "换领原因", "select", options=["有效期满", "证件损坏", "登记项目变更"]),
        keywords="身份证到期 身份证过期 换身份证 身份证快到期 身份证损坏 身份证换证 换领身份证",
        aliases="身份证换领 身份证到期换证 居民身份证到期换领",
    ),
    _id_card_item(
        key="id_card_replacement",
        name="居民身份证补领",
        serial=4,
        conditions="居民身份证丢失的，应当申请补领；补领期间可以申领临时居民身份证。",
        description="居民身份证丢失后补领新证，原证自补领受理之日起作废；可在全国任一公安机关户政窗口办理。",
        onsite_reason="需现场采集人像和指纹信息。",
        fee=("居民身份证工本费（丢失补领）", "40.00"),
        first_materials=[],
        accept_check="核验身份和户籍信息，现场采集人像、指纹，登记原证作废。",
        faq=[
            ("身份证丢了怎么办？", "尽快到任一公安机关户政窗口申请补领，原证自受理之日起作废，可防止被冒用。"),
            ("补办身份证期间要坐火车怎么办？", "可在户政窗口同时申领临时居民身份证，或在车站办理临时乘车身份证明。"),
            ("补办身份证要多少钱？", "丢失补领工本费40元，可在窗口或网上支付。"),
        ],
        reason=f("lost_date", "丢失日期", "date", required=False),
        keywords="身份证丢了 身份证丢失 补办身份证 身份证被偷 身份证掉了 身份证遗失 补身份证",
        aliases="身份证补办 身份证补领 居民身份证丢失补领",
    ),
    Item(
        key="driving_licence_renewal",
        name="机动车驾驶证期满换证",
        item_type="01",
        dept="police",
        serial=1,
        business_type="renew",
        themes=n("证件办理", "交通出行"),
        legal_basis=(
            "《中华人民共和国道路交通安全法》第十九条：驾驶机动车，应当依法取得机动车驾驶证。\n"
            "《机动车驾驶证申领和使用规定》（公安部令第162号）：机动车驾驶人应当于机动车驾驶证有效期满前九十日内，"
            "向机动车驾驶证核发地或者核发地以外的车辆管理所申请换证。"
        ),
        statutory=1,
        promised=0,
        conditions="机动车驾驶证有效期满前九十日内申请；年满70周岁的需提交身体条件证明。",
        description="驾驶证有效期满前九十日内换领新证，可在全国任一车辆管理所或交警服务站办理，符合条件的当场换发。",
        depth=4,
        visits=0,
        result_name="中华人民共和国机动车驾驶证",
        result_type="licence",
        result_licence="机动车驾驶证",
        delivery=("window", "post"),
        fees=[{"item": "机动车驾驶证工本费", "amount": "10.00"}],
        fee_basis="《公安部关于机动车驾驶证工本费标准的规定》及省发展改革委、省财政厅核定的收费标准。",
        materials=[
            id_card(),
            mat(
                "身体条件证明",
                necessity="optional",
                form="electronic",
                instructions="年满70周岁或持大中型客货车驾驶证的提交；医疗机构体检结果联网上传的免于提交纸质件。",
                standard="由具备资质的医疗机构出具，在有效期内。",
            ),
            photo("驾驶证照片（白底证件照）", necessity="optional"),
        ],
        steps=[
            step("受理", 0, "车辆管理所窗口", "核验身份、驾驶证状态和身体条件证明。"),
            step("审核", 0, "车辆管理所窗口", "驾驶证无未处理的违法和事故记录的予以换证。"),
            step("办结", 0, "车辆管理所窗口", "当场制发新证，或邮寄送达。"),
        ],
        faq=[
            ("驾照快到期了怎么换？", "在有效期满前九十日内，通过“交管12123”App或任一车管所申请换证，可以邮寄到家。"),
            ("驾照过期了还能换吗？", "超过有效期一年以内的可以换证；超过一年的驾驶证注销，需重新考试。"),
        ],
        form=[*applicant(), f("licence_number", "驾驶证档案编号", max_length=20), ADDRESS],
        keywords="驾照到期 驾照过期 换驾照 驾驶证到期 驾驶证换证 驾照换证 驾驶证期满",
        aliases="驾照换证 驾驶证到期换证",
    ),
    Item(
        key="passport",
        name="普通护照签发",
        item_type="01",
        dept="police",
        serial=2,
        themes=n("证件办理", "出境入境"),
        legal_basis=(
            "《中华人民共和国护照法》第五条：公民因前往外国定居、探亲、学习、就业、旅行、从事商务活动等非公务原因出国的，"
            "由本人向户籍所在地的县级以上地方人民政府公安机关出入境管理机构申请普通护照。\n"
            "《中华人民共和国护照法》第六条：公安机关出入境管理机构应当自收到申请材料之日起十五日内签发普通护照；"
            "对不符合规定不予签发的，应当书面说明理由，并告知申请人享有依法申请行政复议或者提起行政诉讼的权利。"
        ),
        statutory=15,
        promised=7,
        conditions="中国公民因私出国（境）；在全国任一出入境管理窗口均可申请（异地办理）。",
        description="因私出国（境）旅游、探亲、学习、商务等申请普通护照，全国通办，7个工作日内签发，可邮寄送达。",
        depth=2,
        visits=1,
        onsite_reason="需现场采集人像和指纹信息。",
        result_name="中华人民共和国普通护照",
        result_type="licence",
        result_licence="普通护照",
        delivery=("window", "post"),
        delivery_days=2,
        fees=[{"item": "普通护照", "amount": "120.00"}],
        fee_basis="《国家发展改革委 财政部关于降低因私出入境证件相关收费标准的通知》：普通护照每本120元。",
        materials=[
            id_card(),
            photo("出入境证件照片（窗口现场采集）", necessity="optional"),
            mat(
                "原普通护照",
                necessity="optional",
                instructions="持有未过期护照申请换发的提交；护照遗失的提交报失说明。",
            ),
            application("中国公民出入境证件申请表"),
        ],
        steps=[
            step("受理", 0, "出入境管理窗口", "核验身份，现场采集人像、指纹。"),
            step("审核", 5, "出入境管理部门", "审核申请人是否存在法定不予签发情形。"),
            step("签发", 2, "出入境管理部门", "制作并签发护照。"),
            step("办结", 0, "出入境管理窗口", "窗口领取或邮寄送达。"),
        ],
        faq=[
            ("办护照要多久？", "受理后7个工作日内签发，可选择邮寄送达。"),
            ("可以在外地办护照吗？", "可以，普通护照已实现全国通办，在任一出入境管理窗口都能申请。"),
            ("出国旅游要办什么证？", "出国需办理普通护照；前往港澳台地区另需办理往来港澳或台湾的通行证。"),
        ],
        form=[
            *applicant(),
            f("travel_purpose", "出境事由", "select", options=["旅游", "探亲", "学习", "商务", "就业", "其他"]),
            f("receive_method", "领取方式", "select", options=["窗口领取", "邮寄送达"]),
            ADDRESS,
        ],
        keywords="办护照 出国护照 护照办理 护照过期 出国旅游证件 换护照 护照到期",
        aliases="护照办理 因私护照 护照申请",
    ),
    Item(
        key="residence_permit",
        name="居住证申领",
        item_type="10",
        dept="police",
        serial=2,
        themes=n("证件办理", "户籍办理"),
        legal_basis=(
            "《居住证暂行条例》第二条：公民离开常住户口所在地，到其他城市居住半年以上，符合有合法稳定就业、合法稳定"
            "住所、连续就读条件之一的，可以依照本条例的规定申领居住证。"
        ),
        statutory=15,
        promised=5,
        conditions="在本地居住半年以上，有合法稳定就业、合法稳定住所或连续就读条件之一的非本地户籍人员。",
        description="为符合条件的非本地户籍人员签发居住证，作为享受当地基本公共服务的凭证。",
        depth=3,
        visits=1,
        onsite_reason="首次申领需现场采集人像信息。",
        result_name="居住证",
        result_type="licence",
        result_licence="居住证",
        delivery=("window", "post"),
        materials=[
            id_card(),
            photo(necessity="optional"),
            mat("居住证明", instructions="不动产权证书、登记备案的房屋租赁合同或单位住宿证明。"),
            mat("就业或就读证明", necessity="optional", instructions="劳动合同、营业执照或学校在读证明，三者之一。"),
            application("居住证申领登记表"),
        ],
        faq=[
            ("没有租房合同能办居住证吗？", "可由房东或单位出具住宿证明，经社区核实后办理。"),
            ("居住证有什么用？", "凭居住证可以享受随迁子女入学、公共就业服务、计划生育服务等基本公共服务。"),
        ],
        form=[
            *applicant(),
            f("residence_address", "居住地址", max_length=200),
            f("residence_since", "来本地居住日期", "date"),
            ADDRESS,
        ],
        keywords="办居住证 外地人居住证 暂住证 居住登记",
        aliases="居住证办理 暂住证",
    ),
    Item(
        key="seal_filing",
        name="公章刻制备案",
        item_type="11",
        dept="police",
        serial=1,
        objects=("legal",),
        themes=legal("设立变更"),
        legal_basis=(
            "《国务院关于取消和下放一批行政许可事项的决定》（国发〔2020〕13号）：取消“公章刻制审批”，改为备案管理，"
            "公章刻制企业在刻制公章后将印模等信息报公安机关备案。"
        ),
        statutory=1,
        promised=0,
        intermediary=True,
        conditions="新设立或需要刻制、更换公章的企业、个体工商户及其他组织。",
        description="企业开办时在线选择刻章企业刻制公章，刻章信息报公安机关备案；新开办企业首套印章免费刻制。",
        depth=4,
        result_name="印章备案信息",
        result_type="document",
        delivery=("post", "window"),
        materials=[
            business_licence(),
            id_card("法定代表人"),
            mat("印章印模", necessity="optional", instructions="由刻章企业在线上传，申请人无需提供。"),
        ],
        faq=[
            ("刻公章还要去派出所审批吗？", "不需要，公章刻制已改为备案，刻章企业刻制后在线备案即可。"),
            ("新开公司刻章要钱吗？", "新开办企业首套印章（公章、财务章、发票章等）由政府购买服务免费刻制。"),
        ],
        form=[
            *enterprise(),
            f(
                "seal_types",
                "刻制印章种类",
                "multiselect",
                options=["公章", "财务专用章", "发票专用章", "合同专用章", "法定代表人名章"],
            ),
            f("seal_maker", "刻章企业", max_length=100, required=False),
        ],
        keywords="刻章 刻公章 公章 印章刻制 开公司刻章",
        aliases="公章刻制 印章刻制备案 刻制公章",
    ),
    Item(
        key="vehicle_record_query",
        name="机动车登记信息查询",
        item_type="20",
        dept="police",
        serial=3,
        objects=("legal", "natural"),
        themes=legal("破产注销"),
        legal_basis=(
            "《中华人民共和国企业破产法》第二十五条：管理人履行下列职责：（一）接管债务人的财产、印章和账簿、文书等"
            "资料；（二）调查债务人财产状况，制作财产状况报告；……"
        ),
        statutory=5,
        promised=3,
        conditions="破产管理人、机动车所有人或其委托人依法查询机动车登记信息。",
        description="为破产管理人等依法查询企业名下机动车登记、抵押、查封等信息。",
        depth=3,
        visits=0,
        result_name="机动车登记信息查询结果",
        result_type="document",
        delivery=("electronic", "window"),
        materials=[
            mat("人民法院指定管理人决定书", source="government", instructions="破产管理人查询时提供。"),
            id_card("经办人"),
            application("机动车登记信息查询申请表"),
        ],
        faq=[
            ("破产管理人能查企业名下的车辆吗？", "可以，凭法院指定管理人决定书在线申请，3个工作日内反馈结果。"),
            ("个人能查别人的车辆信息吗？", "不能，除法律规定的情形外只能查询本人或本单位名下车辆。"),
        ],
        form=[*enterprise("被查询企业"), f("query_purpose", "查询事由", "textarea")],
        keywords="查车辆 企业名下车辆 破产查车",
        aliases="车辆登记信息查询",
    ),
    # ---- 民政 ------------------------------------------------------------------------------------------
    Item(
        key="marriage_registration",
        name="婚姻登记",
        item_type="07",
        dept="civil_affairs",
        serial=1,
        themes=n("婚姻登记"),
        cross_region=True,
        proxy=False,
        legal_basis=(
            "《中华人民共和国民法典》第一千零四十九条：要求结婚的男女双方应当亲自到婚姻登记机关申请结婚登记。符合本法"
            "规定的，予以登记，发给结婚证。完成结婚登记，即确立婚姻关系。未办理结婚登记的，应当补办登记。\n"
            "《婚姻登记条例》第七条：婚姻登记机关应当对结婚登记当事人出具的证件、证明材料进行审查并询问相关情况。对当事人"
            "符合结婚条件的，应当当场予以登记，发给结婚证；对当事人不符合结婚条件不予登记的，应当向当事人说明理由。\n"
            + CROSS_REGION_BASIS
        ),
        statutory=1,
        promised=0,
        conditions="男女双方完全自愿，男不早于二十二周岁、女不早于二十周岁，双方均无配偶，且没有直系血亲和三代以内旁系血亲关系。",
        description="内地居民办理结婚登记，当场颁发结婚证；婚姻登记已实现全国通办，可在任一婚姻登记机关办理。",
        depth=2,
        visits=1,
        onsite_reason="法律规定结婚登记须男女双方亲自到场。",
        result_name="结婚证",
        result_type="licence",
        result_licence="结婚证",
        delivery=("window",),
        materials=[
            id_card("男女双方"),
            photo("2寸双方近期半身免冠合影照片", copies=2),
            application("申请结婚登记声明书"),
        ],
        steps=instant_steps("审查双方证件，询问相关情况，符合条件的当场登记、颁发结婚证。"),
        faq=[
            ("结婚登记需要户口本吗？", "内地居民办理结婚登记凭双方居民身份证即可，无需提供户口簿。"),
            ("可以在男女双方户籍地以外的地方领证吗？", "可以，婚姻登记已实现全国通办，在任一婚姻登记机关均可办理。"),
            ("领证需要预约吗？", "建议通过“{app}”提前预约，热门日期名额有限。"),
        ],
        form=[
            f("groom_name", "男方姓名", max_length=50),
            f("groom_id_number", "男方公民身份号码", "id_number"),
            f("bride_name", "女方姓名", max_length=50),
            f("bride_id_number", "女方公民身份号码", "id_number"),
            f("applicant_phone", "联系电话", "phone"),
            f("appointment_date", "预约登记日期", "date"),
        ],
        keywords="领证 结婚登记 登记结婚 领结婚证 扯证",
        aliases="结婚登记 领结婚证",
    ),
    Item(
        key="disability_subsidies",
        name="困难残疾人生活补贴和重度残疾人护理补贴",
        item_type="05",
        dept="civil_affairs",
        serial=1,
        themes=n("残疾人", "社会保障"),
        legal_basis=(
            "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）：困难残疾人"
            "生活补贴主要补助残疾人因残疾产生的额外生活支出，对象为低保家庭中的残疾人；重度残疾人护理补贴主要补助残疾人"
            "因残疾产生的额外长期照护支出，对象为残疾等级被评定为一级、二级且需要长期照护的重度残疾人。"
        ),
        statutory=20,
        promised=10,
        conditions="持有第二代残疾人证，属于低保家庭的残疾人（生活补贴），或残疾等级为一、二级且需长期照护的重度残疾人（护理补贴）。",
        description="符合条件的残疾人申请困难残疾人生活补贴和重度残疾人护理补贴（“两项补贴”），按月发放。",
        depth=3,
        visits=0,
        result_name="两项补贴审核决定",
        result_type="document",
        delivery=("electronic", "window"),
        materials=[
            mat("中华人民共和国残疾人证", licence="残疾人证"),
            hukou(),
            mat(
                "最低生活保障证明",
                source="government",
                necessity="optional",
                instructions="申请生活补贴时提供；民政系统可核验的免交。",
            ),
            mat("银行账户信息", instructions="申请人本人的社会保障卡或银行借记卡账户。"),
            application("残疾人两项补贴申请审批表"),
        ],
        steps=[
            step("受理", 1, "乡镇（街道）便民服务中心", "受理申请并初审。"),
            step("审核", 5, "县级残联", "审核残疾人证及残疾等级。"),
            step("审定", 3, "县级民政部门", "审定补贴对象及标准。"),
            step("公示发放", 1, "县级民政部门", "审定结果告知，次月起按月发放。"),
        ],
        faq=[
            ("两项补贴能同时领吗？", "符合两项补贴条件的残疾人可以同时领取。"),
            ("补贴从什么时候开始发？", "自审核通过的次月起按月发放至本人社会保障卡或银行账户。"),
        ],
        form=[
            *applicant(),
            f("disability_card_number", "残疾人证号", max_length=20),
            f("subsidy_kinds", "申请补贴类型", "multiselect", options=["困难残疾人生活补贴", "重度残疾人护理补贴"]),
            f("bank_name", "收款银行", max_length=60),
            f("bank_account", "银行账号", max_length=30, pattern=r"\d{12,30}"),
        ],
        keywords="残疾人补贴 两项补贴 护理补贴 残疾人生活补贴",
        aliases="残疾人两项补贴",
    ),
    # ---- 卫健 ------------------------------------------------------------------------------------------
    Item(
        key="birth_medical_certificate",
        name="出生医学证明签发",
        item_type="20",
        dept="health",
        serial=1,
        themes=n("生育收养", "医疗卫生"),
        proxy=False,
        legal_basis=(
            "《中华人民共和国母婴保健法》第二十三条：医疗保健机构和从事家庭接生的人员按照国务院卫生行政部门的规定，"
            "出具统一制发的新生儿出生医学证明；有产妇和婴儿死亡以及新生儿出生缺陷情况的，应当向卫生行政部门报告。"
        ),
        statutory=5,
        promised=0,
        conditions="在具有助产技术服务资质的医疗机构出生的新生儿，由其父母（监护人）申领。",
        description="新生儿出生后，由助产机构签发《出生医学证明》，作为申报出生登记的依据；同步生成电子出生医学证明。",
        depth=3,
        visits=1,
        onsite_reason="新生儿父母（监护人）需在出生医院核对新生儿信息并签字领取。",
        result_name="出生医学证明",
        result_type="licence",
        result_licence="出生医学证明",
        delivery=("window",),
        materials=[
            id_card("父母双方"),
            marriage_certificate(necessity="optional"),
            application("出生医学证明首次签发登记表", who="新生儿父母"),
        ],
        steps=instant_steps("核对新生儿及父母信息，当场签发出生医学证明。"),
        faq=[
            ("出生证明在哪里领？", "在孩子出生的医院（助产机构）出生医学证明签发窗口领取，签发后同步生成电子证照。"),
            (
                "出生证明信息填错了怎么办？",
                "可凭相关证明到原签发机构申请变更或补发，出生日期、性别等关键信息更正需提供医学记录。",
            ),
            (
                "孩子名字还没想好可以先领出生证吗？",
                "出生医学证明须填写新生儿姓名，建议确定姓名后再申领，姓名填写后原则上不予变更。",
            ),
        ],
        form=[*applicant("新生儿父亲或母亲"), *child()],
        keywords="出生证 出生证明 孩子刚出生 生娃 宝宝出生证明 新生儿证明",
        aliases="出生医学证明 出生证",
    ),
    Item(
        key="vaccination_certificate",
        name="预防接种证办理",
        item_type="20",
        dept="health",
        serial=2,
        themes=n("生育收养", "医疗卫生"),
        legal_basis=(
            "《中华人民共和国疫苗管理法》第四十七条：国家对儿童实行预防接种证制度。在儿童出生后一个月内，其监护人应当"
            "到儿童居住地承担预防接种工作的接种单位或者出生医院为其办理预防接种证。接种单位或者出生医院不得拒绝办理。"
            "监护人应当妥善保管预防接种证。"
        ),
        statutory=5,
        promised=0,
        conditions="儿童出生后一个月内，由监护人办理。",
        description="为新生儿建立预防接种档案、发放预防接种证，记录疫苗接种情况。",
        depth=2,
        visits=1,
        onsite_reason="首次接种时由监护人带儿童到接种单位建卡建证。",
        result_name="预防接种证",
        result_type="licence",
        result_licence="预防接种证",
        delivery=("window",),
        materials=[id_card("监护人"), application("儿童预防接种信息登记表", who="监护人")],
        steps=instant_steps("核对儿童及监护人信息，建立预防接种档案，当场发放预防接种证。"),
        faq=[
            ("预防接种证在哪里办？", "可在出生医院产科或居住地社区卫生服务中心（乡镇卫生院）预防接种门诊办理。"),
            ("接种证丢了怎么办？", "可到儿童预防接种档案所在的接种单位申请补办。"),
            ("上学为什么要查接种证？", "儿童入托、入学时，托幼机构、学校应当查验预防接种证，未按规定接种的需补种。"),
        ],
        form=[*applicant("监护人"), *child()],
        keywords="打疫苗 接种本 疫苗本 宝宝打针 预防针 接种证",
        aliases="预防接种证 疫苗接种证",
    ),
    Item(
        key="death_medical_certificate",
        name="居民死亡医学证明（推断）书办理",
        item_type="20",
        dept="health",
        serial=3,
        themes=n("死亡殡葬"),
        legal_basis=(
            "《人口死亡医学证明和信息登记管理暂行办法》（国卫规划发〔2013〕57号）：在医疗卫生机构和来院途中死亡者，"
            "由负责救治的执业医师填写《居民死亡医学证明（推断）书》；在家中、养老服务机构、其他场所正常死亡者，由本辖区"
            "社区卫生服务机构或乡镇卫生院负责调查的执业（助理）医师根据死亡申报材料、调查询问结果并进行死因推断后，"
            "填写《居民死亡医学证明（推断）书》。"
        ),
        statutory=5,
        promised=0,
        conditions="公民死亡后，由其家属或单位申报，医疗卫生机构出具。",
        description="公民死亡后，由医疗卫生机构出具《居民死亡医学证明（推断）书》，用于火化、户口注销及后续事项。",
        depth=2,
        visits=1,
        onsite_reason="需由执业医师核实死亡情况并由家属签字确认。",
        result_name="居民死亡医学证明（推断）书",
        result_type="document",
        delivery=("window",),
        materials=[
            mat("居民身份证（逝者）", necessity="optional", instructions="遗失的可凭户口簿核实身份。"),
            id_card("申报人"),
            mat(
                "死亡情况说明",
                necessity="optional",
                instructions="在家中或其他场所死亡的，由村（居）民委员会出具死亡情况说明。",
            ),
        ],
        steps=instant_steps("执业医师核实死亡情况、推断死因，当场出具证明。"),
        faq=[
            (
                "老人在家里去世，死亡证明找谁开？",
                "联系所在辖区的社区卫生服务中心或乡镇卫生院，由执业医师上门调查后出具。",
            ),
            ("死亡证明要开几份？", "证明一式四联，分别用于殡葬、户口注销、档案留存等，无需另行复印。"),
        ],
        form=[*applicant("申报人"), *deceased(), f("death_place", "死亡地点", max_length=100)],
        keywords="死亡证明 开死亡证明 人去世了 老人过世 家人去世 身后事",
        aliases="死亡医学证明 死亡证",
    ),
    # ---- 公证 ------------------------------------------------------------------------------------------
    Item(
        key="diploma_notarisation",
        name="学历公证",
        item_type="20",
        dept="notary",
        serial=1,
        themes=n("司法公证", "教育科研"),
        cross_region=True,
        post=True,
        legal_basis=f"{NOTARY_LAW}\n{CROSS_REGION_BASIS}",
        statutory=15,
        promised=5,
        conditions="需要证明学历、学位真实性的自然人（出国留学、境外就业等）。",
        description="公证机构证明申请人的学历、学位证书真实、有效，可附外文译本。",
        depth=4,
        result_name="公证书",
        result_type="document",
        delivery=("post", "window", "electronic"),
        delivery_days=2,
        fees=[{"item": "学历公证费", "amount": "80.00"}, {"item": "公证书副本", "amount": "10.00"}],
        fee_basis=NOTARY_FEE_BASIS,
        materials=[
            id_card(),
            mat("学历（学位）证书", instructions="提供原件扫描件，公证机构通过学信网核验。"),
            mat("外文译本", necessity="optional", instructions="需要翻译的由公证机构代为翻译，另收翻译费。"),
            application("公证申请表"),
        ],
        steps=[
            step("受理", 1, "公证员助理", "审查身份及证书，受理公证申请。"),
            step("核实", 2, "公证员", "通过学信网等渠道核实学历学位信息。"),
            step("出证", 2, "公证员", "审批并出具公证书。"),
        ],
        faq=[
            ("学历公证可以在网上办吗？", "可以，全程网办，公证书可邮寄送达。"),
            ("学历公证要多久？", "材料齐全的承诺5个工作日内出证。"),
        ],
        form=[
            *applicant(),
            f("degree", "学历（学位）", "select", options=["博士", "硕士", "学士", "大专", "中专", "高中"]),
            f("school_name", "毕业院校", max_length=100),
            f("use_country", "使用国家或地区", max_length=50),
            ADDRESS,
        ],
        keywords="学历证明公证 毕业证公证 出国学历公证 留学公证",
        aliases="毕业证书公证 学位公证",
    ),
    Item(
        key="driving_licence_notarisation",
        name="驾驶证公证",
        item_type="20",
        dept="notary",
        serial=2,
        themes=n("司法公证", "交通出行"),
        cross_region=True,
        post=True,
        legal_basis=f"{NOTARY_LAW}\n{CROSS_REGION_BASIS}",
        statutory=15,
        promised=5,
        conditions="需要在境外使用或换领驾驶证的自然人。",
        description="公证机构证明申请人持有的机动车驾驶证真实、有效，通常附外文译本用于境外。",
        depth=4,
        result_name="公证书",
        result_type="document",
        delivery=("post", "window", "electronic"),
        delivery_days=2,
        fees=[{"item": "驾驶证公证费", "amount": "80.00"}, {"item": "公证书副本", "amount": "10.00"}],
        fee_basis=NOTARY_FEE_BASIS,
        materials=[
            id_card(),
            mat("机动车驾驶证", licence="机动车驾驶证", instructions="可通过交管电子驾驶证核验。"),
            application("公证申请表"),
        ],
        steps=[
            step("受理", 1, "公证员助理", "审查身份及驾驶证，受理公证申请。"),
            step("核实", 2, "公证员", "核实驾驶证信息。"),
            step("出证", 2, "公证员", "审批并出具公证书。"),
        ],
        faq=[
            ("出国开车需要驾驶证公证吗？", "多数国家和地区要求中国驾驶证附经公证的译本，具体以目的地规定为准。"),
            ("驾驶证公证要本人去吗？", "不需要，可全程网办，公证书邮寄送达。"),
        ],
        form=[*applicant(), f("use_country", "使用国家或地区", max_length=50), ADDRESS],
        keywords="驾照公证 出国开车 驾照翻译公证",
        aliases="机动车驾驶证公证 驾照公证",
    ),
    # ---- 教育 ------------------------------------------------------------------------------------------
    Item(
        key="school_enrolment",
        name="义务教育阶段新生入学报名",
        item_type="20",
        dept="education",
        serial=1,
        themes=n("教育科研"),
        legal_basis=(
            "《中华人民共和国义务教育法》第十一条：凡年满六周岁的儿童，其父母或者其他法定监护人应当送其入学接受并完成"
            "义务教育；条件不具备的地区的儿童，可以推迟到七周岁。\n《中华人民共和国义务教育法》第十二条：适龄儿童、少年免试"
            "入学。地方各级人民政府应当保障适龄儿童、少年在户籍所在地学校就近入学。"
        ),
        statutory=20,
        promised=10,
        conditions="当年8月31日前年满六周岁的适龄儿童（小学）或小学毕业生（初中），由监护人报名。",
        description="小学、初中新生网上入学报名，教育部门通过户籍、房产、社保数据核验入学资格并分配学位。",
        depth=4,
        result_name="入学录取通知",
        result_type="document",
        delivery=("electronic",),
        materials=[
            hukou("儿童"),
            mat(
                "不动产权证书",
                licence="不动产权证书",
                necessity="optional",
                instructions="按学区房产报名的提供；可通过不动产登记信息核验。",
            ),
            mat("居住证（随迁子女监护人）", licence="居住证", necessity="optional"),
            mat("预防接种证查验证明", licence="预防接种证", instructions="由接种单位出具查验证明，系统可在线核验。"),
        ],
        steps=[
            step("报名", 0, "监护人", "网上填报报名信息。"),
            step("资格审核", 6, "学校及教育部门", "核验户籍、房产、居住证等信息。"),
            step("学位分配", 4, "教育部门", "按学区和积分分配学位。"),
            step("录取", 0, "学校", "发布录取结果。"),
        ],
        faq=[
            ("孩子几岁可以上小学？", "当年8月31日前年满六周岁的儿童可报名入小学一年级。"),
            ("外地户口的孩子能在本地上学吗？", "持有本地居住证的随迁子女可按积分或条件入学，具体以当年招生政策为准。"),
            (
                "报名需要带材料去学校吗？",
                "无需到现场，网上报名后系统自动核验户籍、房产等信息，需补充材料的会另行通知。",
            ),
        ],
        form=[
            *applicant("监护人"),
            f("child_name", "儿童姓名", max_length=30),
            f("child_id_number", "儿童公民身份号码", "id_number"),
            f("child_gender", "儿童性别", "select", options=GENDER),
            f("child_birth_date", "儿童出生日期", "date"),
            f("school_stage", "报名学段", "select", options=["小学一年级", "初中一年级"]),
            f("household_address", "户籍地址", max_length=200),
            f("residence_address", "实际居住地址", max_length=200),
        ],
        keywords="孩子上学 小学报名 初中报名 入学报名 幼升小 小升初 学位",
        aliases="新生入学 义务教育招生报名",
    ),
    # ---- 残联 ------------------------------------------------------------------------------------------
    Item(
        key="disability_card",
        name="残疾人证新办",
        item_type="20",
        dept="disabled",
        serial=1,
        themes=n("残疾人"),
        legal_basis=(
            "《中华人民共和国残疾人保障法》第二条：残疾人是指在心理、生理、人体结构上，某种组织、功能丧失或者不正常，全部"
            "或者部分丧失以正常方式从事某种活动能力的人。残疾人包括视力残疾、听力残疾、言语残疾、肢体残疾、智力残疾、"
            "精神残疾、多重残疾和其他残疾的人。残疾标准由国务院规定。\n《中华人民共和国残疾人证管理办法》：残疾人证由"
            "县级残疾人联合会审核、发放，申请人应当经具有资质的评定机构进行残疾评定。"
        ),
        statutory=20,
        promised=10,
        conditions="符合残疾标准的本地户籍居民，经指定医疗机构残疾评定后申请。",
        description="申请办理第二代《中华人民共和国残疾人证》，评定残疾类别和等级，作为享受残疾人优惠政策的凭证。",
        depth=3,
        visits=1,
        onsite_reason="残疾评定需本人到指定评定机构接受检查（行动不便的可申请上门评定）。",
        result_name="中华人民共和国残疾人证",
        result_type="licence",
        result_licence="残疾人证",
        delivery=("window", "post"),
        materials=[
            id_card(),
            hukou(),
            photo("2寸近期免冠彩色照片", copies=2, necessity="deferrable"),  # 容缺后补: the card is made later
            application("残疾人证申请表"),
        ],
        steps=[
            step("受理", 1, "残联窗口", "受理申请，开具评定委托。"),
            step("审核", 6, "县级残联", "审核残疾评定结果。"),
            step("发证", 3, "县级残联", "制作并发放残疾人证。"),
        ],
        special_steps=[special("鉴定", 15, "由指定医疗机构进行残疾类别和等级评定，评定时间不计入办理时限。")],
        faq=[
            ("残疾评定去哪里做？", "到县级残联指定的评定医院进行，行动不便的可申请上门评定。"),
            ("残疾人证有效期多久？", "残疾人证有效期一般为十年，到期前可申请换领。"),
        ],
        form=[
            *applicant(),
            f(
                "disability_kind",
                "残疾类别",
                "select",
                options=["视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"],
            ),
            ADDRESS,
        ],
        keywords="办残疾证 残疾人证 残疾评定 残疾证申请",
        aliases="残疾人证办理 第二代残疾人证核发",
    ),
]
