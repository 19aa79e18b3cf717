"""Demo catalogue: business registration and licences, tax, real estate, environment, transport, credit
repair and the utilities' connection and transfer services."""

from __future__ import annotations

from .common import (
    ADDRESS,
    Item,
    applicant,
    application,
    business_licence,
    commitment,
    enterprise,
    f,
    id_card,
    marriage_certificate,
    mat,
    proxy_letter,
    special,
    std_steps,
    step,
)
from .items_people import CROSS_REGION_BASIS
from .themes import legal, n

REG_LAW = (
    "《中华人民共和国市场主体登记管理条例》第三条：市场主体应当依照本条例办理登记。未经登记，不得以市场主体名义从事"
    "经营活动。法律、行政法规规定无需办理登记的除外。\n《中华人民共和国市场主体登记管理条例》第十九条：登记机关应当对"
    "申请材料进行形式审查。对申请材料齐全、符合法定形式的予以确认并当场登记。不能当场登记的，应当在3个工作日内予以"
    "登记；情形复杂的，经登记机关负责人批准，可以再延长3个工作日。"
)
REAL_ESTATE_LAW_20 = "《不动产登记暂行条例》第二十条：不动产登记机构应当自受理登记申请之日起30个工作日内办结不动产登记手续，法律另有规定的除外。"
REAL_ESTATE_FEE_BASIS = (
    "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）：住宅类不动产"
    "登记收费标准为每件80元；非住宅类不动产登记收费标准为每件550元。"
)
BANKRUPTCY_LAW = (
    "《中华人民共和国企业破产法》第二十五条：管理人履行下列职责：（一）接管债务人的财产、印章和账簿、文书等资料；"
    "（二）调查债务人财产状况，制作财产状况报告；……"
)
CREDIT_REPAIR_LAW = (
    "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展改革委令2023年第58号）：失信主体在规定期限内纠正"
    "失信行为、消除不良影响的，可以申请信用修复；符合条件的，认定单位或者归集机构应当及时予以修复。"
)
GAS_LAW = "《城镇燃气管理条例》第十七条：燃气经营者应当向燃气用户持续、稳定、安全供应符合国家质量标准的燃气，指导燃气用户安全用气、节约用气，并对燃气设施定期进行安全检查。"
POWER_LAW = "《电力供应与使用条例》第二十二条：用户申请新装用电、临时用电、增加用电容量、变更用电和终止用电，应当依照规定的程序办理手续。"
UTILITY_POLICY = (
    "《国务院办公厅转发国家发展改革委等部门关于清理规范城镇供水供电供气供暖行业收费促进行业高质量发展意见的通知》"
    "（国办函〔2020〕129号）：压减办理时限，推行线上办理，实行“一站式”服务。"
)
WATER_LAW = "《城市供水条例》：城市自来水供水企业和自建设施对外供水的企业，应当按照国家有关规定设置管网测压点，做好水压监测工作，确保供水管网的压力符合国家规定的标准。"
TELECOM_LAW = "《中华人民共和国电信条例》：电信业务经营者应当为电信用户提供迅速、准确、安全、方便和价格合理的电信服务。"

PROPERTY_CERT = mat(
    "不动产权证书", licence="不动产权证书", instructions="可通过不动产登记信息共享核验，免于提交纸质证书。"
)
TAX_RECEIPT = mat("完税凭证", source="government", instructions="税务部门出具；办理“二手房转移登记一件事”的自动共享。")


def _business_form(extra: list | None = None) -> list:
    return [
        f("enterprise_name", "企业（字号）名称", max_length=100),
        f(
            "enterprise_type",
            "市场主体类型",
            "select",
            options=[
                "有限责任公司（自然人投资或控股）",
                "有限责任公司（自然人独资）",
                "股份有限公司",
                "个人独资企业",
                "合伙企业",
                "分公司",
                "个体工商户",
            ],
        ),
        f("legal_representative", "法定代表人（负责人、经营者）", max_length=50),
        f("legal_representative_id_number", "法定代表人公民身份号码", "id_number"),
        f("registered_address", "住所（经营场所）", max_length=200),
        f("registered_capital", "注册资本（万元）", "number", required=False, min=0),
        f("business_scope", "经营范围", "textarea", max_length=2000),
        f("applicant_name", "经办人姓名", max_length=50),
        f("applicant_id_number", "经办人公民身份号码", "id_number"),
        f("applicant_phone", "经办人联系电话", "phone"),
        *(extra or []),
    ]


def _transfer(key: str, dept: str, name: str, law: str, what: str, keywords: str) -> Item:
    return Item(
        key=key,
        name=name,
        item_type="20",
        dept=dept,
        serial=2,
        objects=("natural", "legal"),
        themes=[*n("公用事业"), *legal("公用事业")],
        legal_basis=f"{law}\n{UTILITY_POLICY}",
        statutory=5,
        promised=0,
        conditions=f"房屋产权转移后，新产权人申请将{what}户名变更为本人。",
        description=f"二手房过户后，{what}户名随不动产转移登记联动变更，无需另跑营业厅。",
        depth=4,
        result_name=f"{what}过户结果",
        result_type="document",
        delivery=("electronic",),
        materials=[PROPERTY_CERT, id_card("新产权人")],
        faq=[
            (
                f"买了二手房，{what}怎么过户？",
                "办理“二手房转移登记及水电气网联动过户一件事”的，不动产登记完成后自动联动过户。",
            ),
            ("过户前的欠费怎么处理？", "原户主需结清过户前的费用，可在申请时一并查询。"),
        ],
        form=[
            *applicant("新产权人"),
            f("property_address", "房屋坐落", max_length=200),
            f("account_number", "原户号", max_length=30, required=False),
        ],
        keywords=keywords,
        aliases=f"{name} {what}更名",
    )


def _connect(
    key: str,
    dept: str,
    name: str,
    law: str,
    what: str,
    statutory: int,
    promised: int,
    keywords: str,
    extra_materials: list | None = None,
) -> Item:
    return Item(
        key=key,
        name=name,
        item_type="20",
        dept=dept,
        serial=1,
        objects=("legal", "natural"),
        themes=[*legal("公用事业", "城建住房"), *n("公用事业")],
        legal_basis=f"{law}\n{UTILITY_POLICY}",
        statutory=statutory,
        promised=promised,
        conditions=f"新建、改建项目或新开办经营场所需要新装{what}的用户。",
        description=f"新装{what}报装申请，可与其他公用事业报装及占用挖掘道路审批一次申请、联合办理。",
        depth=4,
        result_name=f"{what}接入（装表通气/通水/通电/开通）",
        result_type="approval",
        delivery=("electronic",),
        materials=[
            business_licence(necessity="optional"),
            id_card("申请人或经办人"),
            mat("用地或房屋权属证明", instructions="不动产权证书、租赁合同或项目用地批准文件。"),
            *(extra_materials or []),
            application(f"{name}申请表"),
        ],
        steps=[
            step("受理", 0, "营业厅（线上）", "受理报装申请。"),
            step("现场勘查", 1, "客户经理", "确定接入方案。"),
            step("工程实施", promised - 2 if promised > 2 else 0, "施工单位", "外线工程施工。"),
            step("装表接入", 1 if promised >= 2 else 0, "客户经理", "装表接入并开通。"),
        ],
        faq=[
            (f"{what}报装要跑几次？", "全程网办，工作人员上门勘查，申请人无需到营业厅。"),
            ("小微企业报装要收费吗？", "按规定对小微企业实行投资界面延伸，接入工程费用由供应企业承担。"),
        ],
        form=[
            *enterprise("报装单位"),
            f("install_address", "用电/用水/用气地址", max_length=200),
            f("expected_date", "期望接入日期", "date", required=False),
        ],
        keywords=keywords,
        aliases=f"{what}报装 新装{what}",
    )


ITEMS = [
    # ---- 市场监管 ----------------------------------------------------------------------------------------
    Item(
        key="company_registration",
        name="内资企业及分支机构设立登记",
        item_type="01",
        dept="market",
        serial=1,
        business_type="new",
        objects=("legal", "natural"),
        themes=[*legal("设立变更"), *n("设立变更", "就业创业")],
        cross_region=True,
        legal_basis=f"{REG_LAW}\n{CROSS_REGION_BASIS}",
        statutory=3,
        promised=1,
        conditions="申请设立有限责任公司、股份有限公司、非公司企业法人、合伙企业、个人独资企业及其分支机构的。",
        description="申请设立内资企业（公司）或分支机构，核发营业执照（含电子营业执照）；可同步办理公章刻制、发票申领、"
        "员工参保登记和住房公积金开户（企业开办一件事）。",
        depth=4,
        result_name="营业执照",
        result_type="licence",
        result_licence="营业执照",
        delivery=("electronic", "post", "window"),
        materials=[
            application("公司登记（备案）申请书", who="法定代表人"),
            mat("公司章程", instructions="由全体股东签署；可使用标准化章程模板在线生成。"),
            mat(
                "股东主体资格证明或自然人身份证件",
                licence="居民身份证",
                instructions="自然人股东的身份证件可通过实名认证在线核验。",
            ),
            mat("法定代表人、董事、监事和经理的任职文件及身份证件"),
            commitment("住所（经营场所）申报承诺书"),
        ],
        steps=[
            step("受理", 0, "登记窗口（网上）", "申请材料齐全、符合法定形式的予以受理。"),
            step("审核", 0, "登记人员", "对申请材料进行形式审查。"),
            step("核准", 1, "登记机关", "作出准予登记决定，生成营业执照。"),
            step("办结", 0, "登记机关", "发放电子营业执照，纸质执照邮寄或窗口领取。"),
        ],
        faq=[
            ("开公司要多久能拿到营业执照？", "材料齐全的1个工作日内办结，电子营业执照即时生成。"),
            ("注册公司需要去现场吗？", "不需要，通过企业开办“一网通办”平台全程网办，执照可免费邮寄。"),
            ("没有办公场所能注册吗？", "实行住所申报承诺制，如实申报住所即可；也可使用政府认定的集中登记地。"),
        ],
        form=_business_form(),
        keywords="开公司 注册公司 办营业执照 成立公司 开分公司 创业开公司 公司注册",
        aliases="内资企业设立登记 公司设立登记 企业注册",
    ),
    Item(
        key="company_change",
        name="内资企业变更登记",
        item_type="01",
        dept="market",
        serial=2,
        business_type="change",
        objects=("legal",),
        themes=legal("设立变更"),
        legal_basis=(
            "《中华人民共和国市场主体登记管理条例》第二十四条：市场主体变更登记事项，应当自作出变更决议、决定或者法定变更"
            "事项发生之日起30日内向登记机关申请变更登记。\n" + REG_LAW
        ),
        statutory=3,
        promised=1,
        conditions="企业名称、住所、法定代表人、注册资本、经营范围、股东等登记事项发生变更的。",
        description="企业登记事项变更，换发营业执照；可同步推送税务、社保、医保、公积金等部门变更（企业信息变更一件事）。",
        depth=4,
        result_name="营业执照（变更后）",
        result_type="licence",
        result_licence="营业执照",
        delivery=("electronic", "post", "window"),
        materials=[
            application("公司变更登记申请书", who="法定代表人"),
            business_licence(),
            mat("股东会决议或股东决定", instructions="载明变更事项，由股东签署。"),
            mat("公司章程修正案", necessity="optional", instructions="变更事项涉及章程的提供。"),
        ],
        steps=[
            step("受理", 0, "登记窗口（网上）", "申请材料齐全、符合法定形式的予以受理。"),
            step("审核", 0, "登记人员", "形式审查。"),
            step("核准", 1, "登记机关", "作出准予变更登记决定。"),
            step("办结", 0, "登记机关", "换发营业执照。"),
        ],
        faq=[
            (
                "公司改名要去哪些部门？",
                "在“企业信息变更一件事”中一次申请，变更信息自动推送税务、社保、医保、公积金等部门。",
            ),
            ("变更后营业执照要换吗？", "登记事项变更的换发营业执照，电子营业执照同步更新。"),
        ],
        form=[
            *enterprise(),
            f(
                "change_items",
                "变更事项",
                "multiselect",
                options=["名称", "住所", "法定代表人", "注册资本", "经营范围", "股东"],
            ),
            f("change_description", "变更内容说明", "textarea"),
        ],
        keywords="公司改名 换法人 变更地址 增资 改经营范围 公司变更",
        aliases="企业变更登记 公司变更登记 营业执照变更",
    ),
    Item(
        key="individual_business_registration",
        name="个体工商户设立登记",
        item_type="01",
        dept="market",
        serial=3,
        business_type="new",
        objects=("natural",),
        themes=n("设立变更", "就业创业"),
        legal_basis=(
            "《促进个体工商户发展条例》：有经营能力的公民在中华人民共和国境内从事工商业经营，依法登记为个体工商户的，"
            "适用本条例。\n" + REG_LAW
        ),
        statutory=3,
        promised=0,
        conditions="有经营能力的公民申请从事个体工商业经营的。",
        description="个人开店（如餐饮店、便利店）办理个体工商户营业执照，当场登记。",
        depth=4,
        result_name="营业执照（个体工商户）",
        result_type="licence",
        result_licence="营业执照",
        delivery=("electronic", "post", "window"),
        materials=[
            application("个体工商户登记（备案）申请书", who="经营者"),
            id_card("经营者"),
            commitment("经营场所申报承诺书"),
        ],
        faq=[
            ("开个小饭店要办什么证？", "先办个体工商户营业执照，再办食品经营许可；可在“开办餐饮店一件事”中一次申请。"),
            ("个体户营业执照要钱吗？", "不收费。"),
        ],
        form=_business_form([f("operator_count", "从业人数", "number", min=1, max=100, required=False)]),
        keywords="开店 个体户 开小店 开饭店 摆摊办执照 个体营业执照",
        aliases="个体工商户登记 个体户注册",
    ),
    Item(
        key="food_business_licence",
        name="食品经营许可",
        item_type="01",
        dept="market",
        serial=4,
        business_type="new",
        objects=("legal", "natural"),
        themes=[*legal("准营准办"), *n("准营准办")],
        legal_basis=(
            "《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。从事食品生产、食品销售、餐饮服务，"
            "应当依法取得许可。但是，销售食用农产品和仅销售预包装食品的，不需要取得许可。……县级以上地方人民政府食品安全"
            "监督管理部门应当依照《中华人民共和国行政许可法》的规定，审核申请人提交的本法第三十三条第一款第一项至第四项"
            "规定要求的相关资料，必要时对申请人的生产经营场所进行现场核查；对符合规定条件的，准予许可；对不符合规定条件"
            "的，不予许可并书面说明理由。\n《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）：县级以上地方"
            "市场监督管理部门应当自受理申请之日起10个工作日内作出是否准予行政许可的决定。"
        ),
        statutory=10,
        promised=5,
        conditions="从事食品销售（除仅销售预包装食品）和餐饮服务的经营者，具有与经营的食品品种、数量相适应的经营场所、设备设施、"
        "食品安全管理人员和管理制度。",
        description="开办餐饮店、食品店需取得食品经营许可证；需要核查的由市场监管部门进行现场核查。",
        depth=3,
        visits=0,
        result_name="食品经营许可证",
        result_type="licence",
        result_licence="食品经营许可证",
        delivery=("electronic", "post", "window"),
        materials=[
            application("食品经营许可申请书", who="经营者"),
            business_licence(),
            mat(
                "经营场所平面布局图及设备设施布局、操作流程文件",
                instructions="标明加工制作区、就餐区、库房等功能分区。",
            ),
            mat(
                "食品安全管理制度文本",
                necessity="deferrable",  # 容缺后补: may be promised at acceptance
                instructions="含从业人员健康管理、进货查验记录、食品安全自查等制度。可容缺受理，按承诺日期补交。",
            ),
            mat("食品安全管理人员及从业人员健康证明", instructions="从业人员健康证明信息可在线核验。"),
            proxy_letter(),
        ],
        steps=[
            step("受理", 0, "市场监管窗口", "申请材料齐全、符合法定形式的予以受理。"),
            step("审查", 2, "食品经营许可审查人员", "审查申请材料的实质内容。"),
            step("决定", 1, "食品经营许可审批负责人", "作出准予或不予许可的决定。"),
            step("办结", 0, "市场监管窗口", "发放食品经营许可证（电子证照同步生成）。"),
        ],
        special_steps=[
            special(
                "现场核查",
                2,
                "需要对申请材料的实质内容进行核实的，由两名以上核查人员对经营场所进行现场核查；核查时间计入办理时限。",
                counted=True,
            )
        ],
        faq=[
            ("开饭店要办食品经营许可证吗？", "从事餐饮服务的必须取得食品经营许可证；仅销售预包装食品的只需备案。"),
            ("食品经营许可证要多久？", "法定10个工作日，本地承诺5个工作日内办结；需现场核查的，核查时间计入时限。"),
            ("许可证有效期多久？", "食品经营许可证有效期为5年，到期前30个工作日申请延续。"),
        ],
        form=[
            *enterprise("经营者"),
            f("business_address", "经营场所", max_length=200),
            f(
                "business_items",
                "经营项目",
                "multiselect",
                options=[
                    "预包装食品销售",
                    "散装食品销售",
                    "热食类食品制售",
                    "冷食类食品制售",
                    "生食类食品制售",
                    "糕点类食品制售",
                    "自制饮品制售",
                ],
            ),
            f("operating_area", "经营场所面积（平方米）", "number", min=1, max=100000),
        ],
        keywords="开饭店 开餐馆 开餐饮店 餐饮许可证 食品许可证 卖吃的 开奶茶店",
        aliases="食品经营许可证核发 餐饮服务许可",
    ),
    Item(
        key="industrial_product_licence",
        name="工业产品生产许可证",
        item_type="01",
        dept="market",
        serial=5,
        business_type="new",
        objects=("legal",),
        themes=legal("准营准办", "资质认证"),
        cross_region=True,
        legal_basis=(
            "《中华人民共和国工业产品生产许可证管理条例》第二条：国家对生产下列重要工业产品的企业实行生产许可证制度："
            "（一）乳制品、肉制品、饮料、米、面、食用油、酒类等直接关系人体健康的加工食品；（二）电热毯、压力锅、燃气"
            "热水器等可能危及人身、财产安全的产品；……\n" + CROSS_REGION_BASIS
        ),
        statutory=20,
        promised=10,
        defining_level="province",
        conditions="生产列入工业产品生产许可证目录产品的企业，具备相应的生产条件、检验检测手段和质量管理制度。",
        description="生产列入目录的重要工业产品（如危险化学品、建筑用钢筋、电线电缆等）须取得生产许可证；实行告知承诺，"
        "发证后组织实地核查。",
        depth=3,
        visits=0,
        result_name="全国工业产品生产许可证",
        result_type="licence",
        result_licence="工业产品生产许可证",
        delivery=("electronic", "post"),
        materials=[
            application("工业产品生产许可证申请书", who="企业"),
            business_licence(),
            commitment("工业产品生产许可告知承诺书"),
            mat("产品检验报告", instructions="由具有资质的检验机构出具的产品检验合格报告。"),
        ],
        steps=[
            step("受理", 1, "省市场监管局行政审批窗口", "受理申请。"),
            step("审查", 6, "审查部", "审查申请材料及承诺。"),
            step("决定", 2, "省市场监管局", "作出准予许可的决定。"),
            step("办结", 0, "省市场监管局", "核发生产许可证（电子证照同步生成）。"),
        ],
        special_steps=[
            special("检验", 30, "产品检验由企业委托具有资质的检验机构进行，检验时间不计入办理时限。"),
        ],
        faq=[
            (
                "哪些产品需要生产许可证？",
                "列入国家工业产品生产许可证目录的产品，如危险化学品、建筑用钢筋、电线电缆、人民币鉴别仪等。",
            ),
            ("外省企业能申请吗？", "向企业所在地省级市场监管部门申请；该事项已纳入“跨省通办”。"),
        ],
        form=[
            *enterprise(),
            f("product_name", "申请许可产品", max_length=100),
            f("production_address", "生产地址", max_length=200),
        ],
        keywords="生产许可证 工业产品许可 产品生产许可",
        aliases="工业产品生产许可证核发 QS证",
    ),
    Item(
        key="enterprise_archive_query",
        name="企业登记档案资料查询",
        item_type="20",
        dept="market",
        serial=1,
        objects=("legal", "natural"),
        themes=legal("破产注销", "信用服务"),
        legal_basis=f"{BANKRUPTCY_LAW}\n《企业登记档案资料查询办法》：公安机关、检察机关、审判机关、纪检监察机关、律师、破产管理人等可以依法查询企业登记档案资料。",
        statutory=5,
        promised=0,
        conditions="企业本身、破产管理人、律师及其他依法有权查询的单位和个人。",
        description="查询企业设立、变更登记档案资料（章程、股东、历次变更等），破产管理人可在线申请。",
        depth=4,
        result_name="企业登记档案资料（电子）",
        result_type="document",
        delivery=("electronic",),
        materials=[
            id_card("查询人"),
            mat(
                "查询依据文件",
                necessity="optional",
                instructions="破产管理人提供法院指定管理人决定书；律师提供律师证和所函。",
            ),
        ],
        faq=[
            ("怎么查公司的注册档案？", "企业本身及依法有权查询的人员可在线申请，电子档案加盖电子印章。"),
            ("破产管理人能查哪些档案？", "可查询破产企业的设立、变更登记档案，包括章程、股东出资和历次变更材料。"),
        ],
        form=[*enterprise("被查询企业"), f("query_purpose", "查询事由", "textarea")],
        keywords="查公司档案 企业档案 工商档案 查企业股东",
        aliases="企业档案查询 工商档案查询",
    ),
    Item(
        key="abnormal_list_removal",
        name="移出经营异常名录",
        item_type="10",
        dept="market",
        serial=1,
        objects=("legal",),
        themes=legal("信用服务"),
        legal_basis=(
            "《企业信息公示暂行条例》：企业未按照规定期限公示年度报告或者通过登记的住所无法联系的，由市场监督管理部门列入"
            "经营异常名录；企业依照规定履行公示义务的，可以向市场监督管理部门申请移出经营异常名录。\n"
            + CREDIT_REPAIR_LAW
        ),
        statutory=15,
        promised=3,
        conditions="因未按期年报、公示信息隐瞒真实情况、通过住所无法联系等被列入经营异常名录，已改正的企业。",
        description="企业补报年报、更正公示信息或恢复住所联系后，申请移出经营异常名录，修复信用。",
        depth=4,
        result_name="移出经营异常名录决定书",
        result_type="document",
        delivery=("electronic",),
        materials=[
            application("移出经营异常名录申请书", who="企业"),
            mat("已履行义务的证明材料", instructions="补报年报、更正公示信息或住所证明等。"),
        ],
        faq=[
            (
                "公司被列入经营异常名录怎么办？",
                "补报年报或改正问题后在线申请移出，审核通过后在国家企业信用信息公示系统同步更新。",
            ),
            ("移出要多久？", "本地承诺3个工作日内作出移出决定。"),
        ],
        form=[
            *enterprise(),
            f(
                "abnormal_reason",
                "列入原因",
                "select",
                options=["未按期公示年度报告", "公示信息隐瞒真实情况", "通过登记住所无法联系", "未按期公示即时信息"],
            ),
        ],
        keywords="经营异常 异常名录 公司异常 移出异常",
        aliases="经营异常名录移出 信用修复（经营异常）",
    ),
    Item(
        key="serious_list_removal",
        name="移出严重违法失信名单",
        item_type="10",
        dept="market",
        serial=2,
        objects=("legal",),
        themes=legal("信用服务"),
        legal_basis=(
            "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）：当事人被列入严重违法失信名单满一年，"
            "且已经自觉履行行政处罚决定中规定的义务、已经主动消除危害后果和不良影响、未再受到市场监督管理部门较重行政处罚的，"
            "可以申请提前移出。\n" + CREDIT_REPAIR_LAW
        ),
        statutory=15,
        promised=10,
        conditions="被列入严重违法失信名单满一年，已履行义务、消除不良影响的当事人。",
        description="符合条件的当事人申请提前移出严重违法失信名单。",
        depth=3,
        visits=0,
        result_name="移出严重违法失信名单决定书",
        result_type="document",
        delivery=("electronic", "post"),
        materials=[
            application("移出严重违法失信名单申请书", who="当事人"),
            mat("履行行政处罚决定及消除不良影响的证明材料"),
            commitment("信用承诺书"),
        ],
        faq=[
            ("严重违法失信名单多久能移出？", "列入满一年且符合条件的可申请提前移出，未申请的满三年自动移出。"),
            ("申请移出后还会公示吗？", "拟移出的先行公示，公示期满无异议的作出移出决定。"),
        ],
        form=[*enterprise(), f("decision_number", "列入决定书文号", max_length=60)],
        keywords="失信名单 黑名单移出 严重违法",
        aliases="严重违法失信名单移出",
    ),
    # ---- 税务 ------------------------------------------------------------------------------------------
    Item(
        key="invoice_application",
        name="发票申领",
        item_type="20",
        dept="tax",
        serial=1,
        objects=("legal", "natural"),
        themes=[*legal("税收财务", "设立变更")],
        legal_basis=(
            "《中华人民共和国发票管理办法》第十五条：需要领用发票的单位和个人，应当持设立登记证件或者税务登记证件，以及经办"
            "人身份证明，向主管税务机关办理发票领用手续。领用纸质发票的，还应当提供按照国务院税务主管部门规定式样制作的发票"
            "专用章的印模。主管税务机关根据领用单位和个人的经营范围、规模和风险等级，在5个工作日内确认领用发票的种类、数量"
            "以及领用方式。"
        ),
        statutory=5,
        promised=0,
        conditions="已办理设立登记并完成税务信息确认的纳税人。",
        description="新办纳税人首次申领发票，开通全面数字化的电子发票（数电发票）开票额度。",
        depth=4,
        result_name="发票领用结果（数电发票开票额度）",
        result_type="document",
        delivery=("electronic",),
        materials=[business_licence(), id_card("经办人"), application("发票领用申请表", who="纳税人")],
        faq=[
            (
                "新公司怎么领发票？",
                "在电子税务局或“企业开办一件事”中申请，即时开通数电发票开票额度，无需领用税控设备。",
            ),
            ("领发票要去税务局吗？", "不需要，全程网办。"),
        ],
        form=[
            *enterprise(),
            f(
                "invoice_kinds",
                "发票种类",
                "multiselect",
                options=["数电发票（增值税专用发票）", "数电发票（普通发票）"],
            ),
        ],
        keywords="领发票 开发票 发票领用 首次申领发票 数电发票 税控",
        aliases="发票领用 首次申领发票",
    ),
    Item(
        key="taxpayer_info_change",
        name="一照一码户信息变更",
        item_type="20",
        dept="tax",
        serial=2,
        objects=("legal",),
        business_type="change",
        themes=legal("税收财务", "设立变更"),
        legal_basis=(
            "《中华人民共和国税收征收管理法》第十六条：从事生产、经营的纳税人，税务登记内容发生变化的，自工商行政管理机关"
            "办理变更登记之日起三十日内或者在向工商行政管理机关申请办理注销登记之前，持有关证件向税务机关申报办理变更或者"
            "注销税务登记。"
        ),
        statutory=5,
        promised=0,
        conditions="已实行“多证合一、一照一码”登记的纳税人，登记信息发生变更的。",
        description="营业执照登记信息变更后，税务登记信息通过数据共享自动同步；非登记信息变更由纳税人在线确认。",
        depth=4,
        result_name="税务登记信息变更结果",
        result_type="document",
        delivery=("electronic",),
        materials=[business_licence(), id_card("经办人")],
        faq=[
            (
                "公司变更了要去税务局变更吗？",
                "营业执照登记信息变更后自动同步税务，财务负责人等其他信息在电子税务局在线变更。",
            ),
            ("变更后发票要重新领吗？", "名称变更后数电发票信息自动更新，无需重新申领。"),
        ],
        form=[
            *enterprise(),
            f(
                "change_items",
                "变更事项",
                "multiselect",
                options=["财务负责人", "办税人员", "生产经营地址", "核算方式", "登记信息同步确认"],
            ),
        ],
        keywords="税务变更 公司变更税务 税务信息修改",
        aliases="税务登记信息变更 变更税务登记",
    ),
    Item(
        key="second_hand_house_tax",
        name="存量房交易税费申报",
        item_type="04",
        dept="tax",
        serial=1,
        objects=("natural", "legal"),
        themes=[*n("住房保障", "行政缴费"), *legal("税收财务")],
        legal_basis=(
            "《中华人民共和国契税法》第九条：契税的纳税义务发生时间，为纳税人签订土地、房屋权属转移合同的当日，或者纳税人"
            "取得其他具有土地、房屋权属转移合同性质凭证的当日。\n《中华人民共和国契税法》第十条：纳税人应当在依法办理土地、"
            "房屋权属登记手续前申报缴纳契税。"
        ),
        statutory=1,
        promised=0,
        conditions="存量房（二手房）买卖双方在办理不动产转移登记前申报缴纳契税、个人所得税等税费。",
        description="二手房交易时，买卖双方在不动产登记“一窗受理”窗口一并申报缴纳契税、个人所得税、增值税等税费，取得完税凭证。",
        depth=3,
        visits=1,
        onsite_reason="买卖双方需到场核验身份并确认申报信息（已开通网上面签的除外）。",
        result_name="完税凭证",
        result_type="document",
        delivery=("electronic", "window"),
        materials=[
            mat("存量房买卖合同", instructions="经网签备案的买卖合同，系统自动调取。"),
            id_card("买卖双方"),
            PROPERTY_CERT,
            mat(
                "家庭住房情况查询结果",
                source="government",
                necessity="optional",
                instructions="申请契税优惠时由系统查询，无需提交。",
            ),
            application("房屋交易税费申报表", who="买卖双方"),
        ],
        faq=[
            ("买二手房要交哪些税？", "买方缴纳契税，卖方视情况缴纳增值税、个人所得税等，符合条件的可享受减免。"),
            ("税和过户能一起办吗？", "可以，在不动产登记大厅“一窗受理”，缴税与过户同时办理。"),
        ],
        form=[
            *applicant("买方"),
            f("seller_name", "卖方姓名（名称）", max_length=100),
            f("seller_id_number", "卖方公民身份号码", "id_number", required=False),
            f("property_address", "房屋坐落", max_length=200),
            f("property_certificate_number", "不动产权证号", max_length=50),
            f("transaction_price", "成交价格（元）", "number", min=1),
        ],
        keywords="二手房交税 买房交契税 卖房个税 过户交税 契税",
        aliases="二手房税费申报 契税申报",
    ),
    Item(
        key="tax_info_query",
        name="涉税信息查询",
        item_type="20",
        dept="tax",
        serial=3,
        objects=("legal", "natural"),
        themes=legal("税收财务", "破产注销"),
        legal_basis=(
            "《中华人民共和国税收征收管理法》第八条：纳税人有权向税务机关了解国家税收法律、行政法规的规定以及与纳税程序"
            "有关的情况。……\n" + BANKRUPTCY_LAW
        ),
        statutory=5,
        promised=3,
        conditions="纳税人本人，或经人民法院指定的破产管理人查询破产企业涉税信息。",
        description="查询纳税人的纳税申报、欠税、发票等涉税信息；破产管理人可查询破产企业的欠税和税收债权。",
        depth=3,
        visits=0,
        result_name="涉税信息查询结果",
        result_type="document",
        delivery=("electronic",),
        materials=[
            id_card("查询人"),
            mat(
                "人民法院指定管理人决定书",
                source="government",
                necessity="optional",
                instructions="破产管理人查询时提供。",
            ),
        ],
        faq=[
            ("破产管理人怎么查企业欠税？", "凭法院指定管理人决定书在线申请，税务机关3个工作日内反馈。"),
            ("纳税人能查自己的完税记录吗？", "可以，登录电子税务局即时查询和开具完税证明。"),
        ],
        form=[*enterprise("被查询纳税人"), f("query_purpose", "查询事由", "textarea")],
        keywords="查欠税 企业纳税记录 完税证明 纳税查询",
        aliases="纳税信息查询",
    ),
    # ---- 不动产登记 --------------------------------------------------------------------------------------
    Item(
        key="mortgage_registration",
        name="不动产抵押登记",
        item_type="07",
        dept="real_estate",
        serial=1,
        objects=("natural", "legal"),
        themes=[*n("抵押质押", "住房保障"), *legal("抵押质押", "融资信贷")],
        cross_region=True,
        legal_basis=(
            "《中华人民共和国民法典》第四百零二条：以本法第三百九十五条第一款第一项至第三项规定的财产或者第五项规定的正在"
            "建造的建筑物抵押的，应当办理抵押登记。抵押权自登记时设立。\n《不动产登记暂行条例》第十四条：因买卖、设定抵押权"
            "等申请不动产登记的，应当由当事人双方共同申请。\n" + REAL_ESTATE_LAW_20 + "\n" + CROSS_REGION_BASIS
        ),
        statutory=30,
        promised=1,
        conditions="以不动产设定抵押，由抵押人和抵押权人共同申请。",
        description="以房屋等不动产办理抵押贷款时设立抵押权；银行端可全程网办，“跨省通办”可异地申请。",
        depth=4,
        result_name="不动产登记证明（抵押权）",
        result_type="licence",
        result_licence="不动产登记证明",
        delivery=("electronic", "post", "window"),
        fees=[
            {"item": "不动产登记费（住宅）", "amount": "80.00"},
            {"item": "不动产登记费（非住宅）", "amount": "550.00"},
        ],
        fee_basis=REAL_ESTATE_FEE_BASIS,
        materials=[
            application("不动产登记申请书", who="抵押人和抵押权人"),
            id_card("抵押人"),
            mat("抵押权人主体资格证明", licence="营业执照", instructions="银行等金融机构的营业执照及授权委托书。"),
            PROPERTY_CERT,
            mat("主债权合同及抵押合同", instructions="借款合同和抵押合同，可由银行在线推送。"),
        ],
        steps=[
            step("受理", 0, "不动产登记窗口", "受理申请。"),
            step("审核", 0, "登记审核人员", "审核抵押合同和权属状况。"),
            step("登簿", 1, "登记机构", "记载于不动产登记簿。"),
            step("缮证发证", 0, "登记机构", "发放不动产登记证明（电子证照同步生成）。"),
        ],
        faq=[
            ("房子抵押贷款要去登记中心吗？", "在合作银行网点或线上即可申请，银行端全程网办，无需到登记中心。"),
            ("抵押登记收多少钱？", "住宅每件80元，非住宅每件550元。"),
        ],
        form=[
            *applicant("抵押人"),
            f("mortgagee_name", "抵押权人（银行）名称", max_length=100),
            f("property_address", "房屋坐落", max_length=200),
            f("property_certificate_number", "不动产权证号", max_length=50),
            f("secured_amount", "被担保主债权数额（元）", "number", min=1),
        ],
        keywords="房子抵押 抵押贷款登记 房产抵押 办抵押",
        aliases="抵押权登记 房屋抵押登记",
    ),
    Item(
        key="second_hand_house_transfer",
        name="二手房转移登记",
        item_type="07",
        dept="real_estate",
        serial=2,
        business_type="change",
        objects=("natural", "legal"),
        themes=[*n("住房保障"), *legal("城建住房")],
        legal_basis=(
            "《中华人民共和国民法典》第二百零九条：不动产物权的设立、变更、转让和消灭，经依法登记，发生效力；未经登记，"
            "不发生效力，但是法律另有规定的除外。\n《不动产登记暂行条例》第十四条：因买卖、设定抵押权等申请不动产登记的，"
            "应当由当事人双方共同申请。\n" + REAL_ESTATE_LAW_20
        ),
        statutory=30,
        promised=1,
        conditions="存量房（二手房）买卖，买卖双方共同申请办理房屋所有权及土地使用权转移登记。",
        description="二手房买卖过户登记，税费申报、转移登记一窗受理，水电气网过户联动办理，新证可邮寄或电子送达。",
        depth=3,
        visits=1,
        onsite_reason="买卖双方需到场核验身份并签署登记申请（已开通网上面签的除外）。",
        result_name="不动产权证书",
        result_type="licence",
        result_licence="不动产权证书",
        delivery=("window", "post", "electronic"),
        fees=[
            {"item": "不动产登记费（住宅）", "amount": "80.00"},
            {"item": "不动产登记费（非住宅）", "amount": "550.00"},
        ],
        fee_basis=REAL_ESTATE_FEE_BASIS,
        materials=[
            application("不动产登记申请书", who="买卖双方"),
            id_card("买卖双方"),
            PROPERTY_CERT,
            mat("存量房买卖合同", instructions="经网签备案的买卖合同，系统自动调取。"),
            TAX_RECEIPT,
            marriage_certificate(necessity="optional"),
        ],
        steps=[
            step("受理", 0, "不动产登记窗口", "一窗受理登记和税费申报。"),
            step("审核", 0, "登记审核人员", "审核权属、查封、抵押状况及完税情况。"),
            step("登簿", 1, "登记机构", "记载于不动产登记簿。"),
            step("缮证发证", 0, "登记机构", "缮制并发放不动产权证书。"),
        ],
        faq=[
            ("二手房过户要多久？", "税费缴纳后1个工作日内办结，很多地方可当天领证。"),
            (
                "过户后水电气要自己去改名吗？",
                "在“二手房转移登记及水电气网联动过户一件事”中勾选，登记完成后自动联动过户。",
            ),
            ("房子有贷款能过户吗？", "有抵押的需先解押，或办理带押过户，由买卖双方和银行协商。"),
        ],
        form=[
            *applicant("买方"),
            f("seller_name", "卖方姓名（名称）", max_length=100),
            f("seller_id_number", "卖方公民身份号码", "id_number", required=False),
            f("property_address", "房屋坐落", max_length=200),
            f("property_certificate_number", "不动产权证号", max_length=50),
            f("transaction_price", "成交价格（元）", "number", min=1),
            ADDRESS,
        ],
        keywords="二手房过户 买房过户 房产过户 卖房过户 房子过户",
        aliases="存量房转移登记 房屋过户 二手房过户",
    ),
    Item(
        key="real_estate_record_query",
        name="不动产登记资料查询",
        item_type="20",
        dept="real_estate",
        serial=1,
        objects=("natural", "legal"),
        themes=[*n("住房保障"), *legal("破产注销", "城建住房")],
        legal_basis=(
            "《不动产登记暂行条例》第二十七条：权利人、利害关系人可以依法查询、复制不动产登记资料，不动产登记机构应当"
            "提供。……\n《不动产登记资料查询暂行办法》（国土资源部令第80号）：不动产权利人、利害关系人可以依照本办法的规定，"
            "查询、复制不动产登记资料。"
        ),
        statutory=5,
        promised=0,
        conditions="不动产权利人、利害关系人及破产管理人等依法有权查询的单位和个人。",
        description="查询名下不动产登记信息（有无房产证明），破产管理人可查询破产企业名下不动产。",
        depth=4,
        result_name="不动产登记资料查询结果证明",
        result_type="document",
        delivery=("electronic",),
        materials=[
            id_card("查询人"),
            mat("查询依据文件", necessity="optional", instructions="利害关系人、破产管理人查询时提供相关证明。"),
        ],
        faq=[
            ("孩子上学要的房产证明怎么开？", "通过“{app}”在线查询打印不动产登记信息查询结果证明，带电子签章。"),
            ("能查别人名下有没有房子吗？", "不能，仅权利人本人及依法有权的利害关系人可以查询。"),
        ],
        form=[
            *applicant("查询人"),
            f("query_scope", "查询对象", "select", options=["本人名下", "企业名下（破产管理人）"]),
            f("uscc", "企业统一社会信用代码", "uscc", required=False),
        ],
        keywords="查房产 有无房产证明 房产证明 名下房子查询 无房证明",
        aliases="不动产查询 房产查询",
    ),
    # ---- 生态环境 ----------------------------------------------------------------------------------------
    Item(
        key="pollution_permit",
        name="排污许可",
        item_type="01",
        dept="environment",
        serial=1,
        business_type="new",
        objects=("legal",),
        themes=legal("环保绿化", "准营准办"),
        cross_region=True,
        legal_basis=(
            "《中华人民共和国环境保护法》第四十五条：国家依照法律规定实行排污许可管理制度。实行排污许可管理的企业事业单位"
            "和其他生产经营者应当按照排污许可证的要求排放污染物；未取得排污许可证的，不得排放污染物。\n"
            "《排污许可管理条例》第二条：依照法律规定实行排污许可管理的企业事业单位和其他生产经营者（以下称排污单位），应当"
            "依照本条例规定申请取得排污许可证；未取得排污许可证的，不得排放污染物。\n" + CROSS_REGION_BASIS
        ),
        statutory=20,
        promised=15,
        conditions="纳入固定污染源排污许可分类管理名录、实行排污许可重点管理或简化管理的排污单位。",
        description="排污单位在全国排污许可证管理信息平台申请排污许可证，申请前公开基本信息；生态环境部门审查后核发。",
        depth=3,
        visits=0,
        result_name="排污许可证",
        result_type="licence",
        result_licence="排污许可证",
        delivery=("electronic", "post", "window"),
        materials=[
            application("排污许可证申请表", who="排污单位"),
            business_licence(),
            mat("自行监测方案"),
            commitment("守法承诺书"),
            mat(
                "排污口和监测孔规范化设置情况说明",
                necessity="deferrable",
                instructions="可容缺受理：申请人书面承诺后，于承诺日期前补交。",
            ),
            mat(
                "建设项目环境影响评价审批文件",
                source="government",
                necessity="optional",
                instructions="新建项目提供环评批复文号，系统可核验。",
            ),
        ],
        steps=[
            step("受理", 1, "生态环境窗口", "受理申请。"),
            step("技术审查", 8, "审查人员", "审查申请材料及许可排放量。"),
            step("审核", 3, "业务科室", "审核技术审查意见。"),
            step("决定", 2, "审批负责人", "作出准予许可的决定。"),
            step("办结", 0, "生态环境窗口", "核发排污许可证。"),
        ],
        special_steps=[
            special("专家评审", 10, "需要技术评估的，组织技术机构或专家评审，评审时间不计入办理时限。"),
        ],
        faq=[
            (
                "哪些企业要办排污许可证？",
                "纳入《固定污染源排污许可分类管理名录》重点管理和简化管理的排污单位；登记管理的只需填报排污登记表。",
            ),
            ("排污许可证有效期多久？", "有效期为5年，届满前60日申请延续。"),
        ],
        form=[
            *enterprise("排污单位"),
            f("industry", "行业类别", max_length=100),
            f("production_address", "生产经营场所地址", max_length=200),
            f("management_class", "管理类别", "select", options=["重点管理", "简化管理"]),
        ],
        keywords="排污证 排污许可证 环保许可 工厂排污",
        aliases="排污许可证核发",
    ),
    # ---- 交通运输 ----------------------------------------------------------------------------------------
    Item(
        key="road_freight_licence",
        name="道路货物运输经营许可",
        item_type="01",
        dept="transport",
        serial=1,
        business_type="new",
        objects=("legal", "natural"),
        themes=legal("交通运输", "准营准办"),
        legal_basis=(
            "《中华人民共和国道路运输条例》第二十一条：申请从事货运经营的，应当具备下列条件：（一）有与其经营业务相适应并"
            "经检测合格的车辆；（二）有符合本条例第二十二条规定条件的驾驶人员；（三）有健全的安全生产管理制度。\n"
            "《中华人民共和国道路运输条例》第二十四条：申请从事危险货物运输经营以外的货运经营的，向县级人民政府交通运输主管"
            "部门提出申请；……收到申请的交通运输主管部门，应当自受理申请之日起20日内审查完毕，作出许可或者不予许可的决定。"
        ),
        statutory=20,
        promised=5,
        conditions="使用总质量4500千克以上普通货运车辆从事道路货物运输经营的经营者（总质量4500千克及以下的无需许可）。",
        description="开办运输企业从事普通道路货物运输，核发道路运输经营许可证，并为投入运输的车辆配发道路运输证。",
        depth=3,
        visits=0,
        result_name="道路运输经营许可证",
        result_type="licence",
        result_licence="道路运输经营许可证",
        delivery=("electronic", "post", "window"),
        materials=[
            application("道路货物运输经营申请表", who="申请人"),
            business_licence(),
            id_card("负责人"),
            mat("机动车行驶证", licence="机动车行驶证", instructions="拟投入运输车辆的行驶证，可在线核验。"),
            mat("驾驶人员从业资格证", licence="道路运输从业人员从业资格证"),
            mat(
                "安全生产管理制度文本",
                necessity="deferrable",
                instructions="可容缺受理：申请人书面承诺后，于承诺日期前补交。",
            ),
        ],
        steps=std_steps(5, review="审查车辆、驾驶人员和安全生产管理制度。"),
        faq=[
            (
                "开货运公司要办什么证？",
                "先办营业执照，再申请道路运输经营许可证和车辆道路运输证；可在“开办运输企业一件事”中一次申请。",
            ),
            (
                "小货车拉货要办许可吗？",
                "总质量4.5吨及以下普通货运车辆从事经营的，无需办理道路运输经营许可和道路运输证。",
            ),
        ],
        form=[
            *enterprise("经营者"),
            f("vehicle_count", "拟投入车辆数", "number", min=1, max=10000),
            f("business_kind", "经营范围", "multiselect", options=["道路普通货物运输", "货物专用运输", "大型物件运输"]),
        ],
        keywords="开运输公司 货运许可证 道路运输许可 开物流公司",
        aliases="道路运输经营许可证核发 货运经营许可",
    ),
    Item(
        key="vehicle_transport_certificate",
        name="道路运输证配发",
        item_type="10",
        dept="transport",
        serial=1,
        objects=("legal", "natural"),
        themes=legal("交通运输"),
        legal_basis=(
            "《中华人民共和国道路运输条例》第二十四条：……予以许可的，向申请人颁发道路运输经营许可证，并向申请人投入运输的"
            "车辆配发车辆营运证；……"
        ),
        statutory=20,
        promised=0,
        conditions="已取得道路运输经营许可，投入运输的车辆经检测合格。",
        description="为取得道路运输经营许可的经营者投入运输的车辆配发道路运输证（电子证照）。",
        depth=4,
        result_name="道路运输证",
        result_type="licence",
        result_licence="道路运输证",
        delivery=("electronic",),
        materials=[
            mat("道路运输经营许可证", licence="道路运输经营许可证"),
            mat("机动车行驶证", licence="机动车行驶证"),
            mat("车辆技术等级评定或综合性能检测报告", necessity="optional", instructions="检测信息已联网的免交。"),
        ],
        faq=[
            ("道路运输证要去窗口领吗？", "已全面推行电子证照，配发后在手机上亮证即可，无需领取纸质证。"),
            ("车辆还要年审吗？", "道路运输证年审已与机动车检验合并，按规定进行车辆技术等级评定即可。"),
        ],
        form=[*enterprise("经营者"), f("plate_numbers", "车辆号牌", "textarea", help="多辆车每行一个号牌")],
        keywords="营运证 车辆营运证 道路运输证 货车营运证",
        aliases="车辆营运证配发 道路运输证核发",
    ),
    # ---- 城市管理、住建、消防 --------------------------------------------------------------------------------
    Item(
        key="outdoor_sign",
        name="户外广告及招牌设施设置审批",
        item_type="01",
        dept="urban_management",
        serial=1,
        business_type="new",
        objects=("legal", "natural"),
        themes=legal("准营准办", "城建住房"),
        legal_basis=(
            "《城市市容和环境卫生管理条例》第十一条：在城市中设置户外广告、标语牌、画廊、橱窗等，应当内容健康、外型美观，"
            "并定期维修、油饰或者拆除。大型户外广告的设置必须征得城市人民政府市容环境卫生行政主管部门同意后，按照有关规定"
            "办理审批手续。"
        ),
        statutory=20,
        promised=5,
        conditions="在城市建筑物、构筑物外立面设置户外广告或店招店牌的单位和个人。",
        description="开店设置门头招牌、户外广告设施的审批；符合设置规范的店招实行告知承诺。",
        depth=3,
        visits=0,
        result_name="户外广告（招牌）设置许可决定书",
        result_type="document",
        delivery=("electronic", "post"),
        materials=[
            application("户外广告（招牌）设置申请表", who="申请人"),
            business_licence(),
            mat("设置效果图及设计图", instructions="标明设置位置、尺寸、材质，附实景效果图。"),
            mat("场地使用权证明", instructions="不动产权证书或租赁合同。"),
            commitment("安全责任承诺书"),
        ],
        steps=std_steps(5, review="审查设置位置、规格是否符合户外广告设置规划。"),
        special_steps=[
            special(
                "听证",
                20,
                "大型户外广告设置直接关系他人重大利益的，告知申请人、利害关系人享有听证的权利；申请听证的，在20日内组织"
                "听证，听证时间不计入办理时限。",
            )
        ],
        faq=[
            ("开店挂招牌要审批吗？", "需要；符合本地店招设置规范的可告知承诺当场办理。"),
            ("招牌可以做多大？", "按本地户外广告和店招店牌设置规划执行，一般不超过门面宽度。"),
        ],
        form=[
            *enterprise("申请人"),
            f("sign_address", "设置地点", max_length=200),
            f("sign_size", "规格（长×宽，米）", max_length=30),
        ],
        keywords="店招 招牌 门头 户外广告 挂招牌 广告牌",
        aliases="店招店牌设置 户外招牌设置",
    ),
    Item(
        key="fire_safety_inspection",
        name="公众聚集场所投入使用、营业前消防安全检查",
        item_type="01",
        dept="fire",
        serial=1,
        business_type="new",
        objects=("legal", "natural"),
        themes=legal("准营准办", "应急救援"),
        legal_basis=(
            "《中华人民共和国消防法》第十五条：公众聚集场所投入使用、营业前消防安全检查实行告知承诺管理。公众聚集场所在投入"
            "使用、营业前，建设单位或者使用单位应当向场所所在地的县级以上地方人民政府消防救援机构申请消防安全检查，作出场所"
            "符合消防技术标准和管理规定的承诺，提交规定的材料，并对其承诺和材料的真实性负责。……申请人选择不采用告知承诺"
            "方式办理的，消防救援机构应当自受理申请之日起十个工作日内，根据消防技术标准和管理规定，对该场所进行检查。"
            "经检查符合消防安全要求的，应当予以许可。"
        ),
        statutory=10,
        promised=3,
        conditions="宾馆、饭店、商场、集贸市场、客运车站候车室、体育场馆、公共娱乐场所等公众聚集场所投入使用、营业前。",
        description="公众聚集场所（如较大的餐饮店）营业前申请消防安全检查；选择告知承诺的当场许可、事后核查。",
        depth=3,
        visits=0,
        result_name="公众聚集场所投入使用、营业前消防安全检查合格证",
        result_type="licence",
        result_licence="公众聚集场所投入使用营业前消防安全检查合格证",
        delivery=("electronic", "window"),
        materials=[
            application("公众聚集场所投入使用、营业前消防安全检查申报表", who="申请人"),
            business_licence(),
            mat("场所平面布置图及消防设施平面图"),
            mat("消防安全制度、灭火和应急疏散预案"),
            commitment("公众聚集场所消防安全告知承诺书"),
        ],
        steps=std_steps(3, review="审查申请材料，对选择告知承诺的场所当场许可、事后核查。"),
        faq=[
            (
                "开饭店一定要办消防许可吗？",
                "属于公众聚集场所的（如营业面积较大的餐饮场所）须办理；小微场所按当地规定执行。",
            ),
            ("告知承诺是什么意思？", "申请人承诺场所符合消防要求并提交材料，消防救援机构当场许可，之后进行核查。"),
        ],
        form=[
            *enterprise("申请人"),
            f("venue_address", "场所地址", max_length=200),
            f("venue_area", "建筑面积（平方米）", "number", min=1, max=1000000),
            f("apply_mode", "办理方式", "select", options=["告知承诺", "检查后许可"]),
        ],
        keywords="消防检查 消防许可 开业消防 消防验收 饭店消防",
        aliases="消防安全检查 营业前消防检查",
    ),
    Item(
        key="drainage_permit",
        name="城镇污水排入排水管网许可",
        item_type="01",
        dept="housing_construction",
        serial=1,
        business_type="new",
        objects=("legal", "natural"),
        themes=legal("准营准办", "环保绿化"),
        legal_basis=(
            "《城镇排水与污水处理条例》第二十一条：从事工业、建筑、餐饮、医疗等活动的企业事业单位、个体工商户（以下称排水户）"
            "向城镇排水设施排放污水的，应当向城镇排水主管部门申请领取污水排入排水管网许可证。城镇排水主管部门应当按照国家"
            "有关标准，重点对影响城镇排水与污水处理设施安全运行的事项进行审查。"
        ),
        statutory=15,
        promised=3,
        conditions="从事工业、建筑、餐饮、医疗等活动向城镇排水设施排放污水的排水户。",
        description="餐饮店等排水户向市政管网排放污水前申领排水许可证；实行告知承诺的可当场办理。",
        depth=3,
        visits=0,
        result_name="城镇污水排入排水管网许可证",
        result_type="licence",
        result_licence="城镇污水排入排水管网许可证",
        delivery=("electronic", "post"),
        materials=[
            application("城镇污水排入排水管网许可申请表", who="排水户"),
            business_licence(),
            mat("排水管网、检测井和排放口位置图纸及说明"),
            mat(
                "预处理设施说明",
                necessity="deferrable",
                instructions="餐饮排水户提供隔油设施说明；可容缺受理，按承诺日期补交。",
            ),
            commitment("排水水质达标承诺书"),
        ],
        steps=std_steps(3, review="审查排水管网接驳和预处理设施。"),
        special_steps=[
            special(
                "检测",
                10,
                "需要核实排水水质的，委托具有资质的检测机构对排水水质进行检测，检测时间不计入办理时限。",
            )
        ],
        faq=[
            ("开饭店为什么要办排水许可？", "餐饮污水含油脂，须经隔油处理后排入市政管网，依法应取得排水许可。"),
            (
                "排水许可证有效期多久？",
                "排水许可证有效期为5年，因施工作业需要向城镇排水设施排水的，有效期按施工期限确定。",
            ),
        ],
        form=[
            *enterprise("排水户"),
            f("drain_address", "排水地址", max_length=200),
            f("daily_discharge", "日排水量（立方米）", "number", min=0, max=1000000),
        ],
        keywords="排水许可 排水证 餐饮排水 污水排放许可",
        aliases="排水许可证核发 污水排入管网许可",
    ),
    Item(
        key="road_excavation",
        name="占用、挖掘城市道路审批",
        item_type="01",
        dept="housing_construction",
        serial=2,
        business_type="new",
        objects=("legal",),
        themes=legal("城建住房", "公用事业"),
        legal_basis=(
            "《城市道路管理条例》第三十条：未经市政工程行政主管部门和公安交通管理部门批准，任何单位或者个人不得占用或者"
            "挖掘城市道路。"
        ),
        statutory=20,
        promised=3,
        conditions="因工程建设、管线接入等需要临时占用或挖掘城市道路的单位。",
        description="水电气网接入等工程需临时占用、挖掘城市道路的审批，与公用事业报装联合办理。",
        depth=3,
        visits=0,
        result_name="占用、挖掘城市道路许可决定书",
        result_type="document",
        delivery=("electronic",),
        materials=[
            application("占用、挖掘城市道路申请表", who="建设单位"),
            business_licence(),
            mat("施工方案及施工图"),
            mat("交通组织方案", instructions="由公安交警部门联合审查。"),
            commitment("道路修复承诺书"),
        ],
        steps=std_steps(3, review="会同公安交警部门审查施工和交通组织方案。"),
        faq=[
            ("水电气接入要挖路，谁来申请？", "在“水电气网联合报装一件事”中由供应企业一并申请，申请人无需单独办理。"),
            ("挖路后要负责修复吗？", "由建设单位按承诺恢复路面，或缴纳道路挖掘修复费由市政部门统一修复。"),
        ],
        form=[
            *enterprise("建设单位"),
            f("road_section", "占用（挖掘）路段", max_length=200),
            f("work_start", "施工开始日期", "date"),
            f("work_end", "施工结束日期", "date"),
        ],
        keywords="挖路审批 占道施工 道路开挖",
        aliases="城市道路占用挖掘许可 掘路审批",
    ),
    # ---- 发展改革（信用） ----------------------------------------------------------------------------------
    Item(
        key="penalty_credit_repair",
        name="行政处罚信息信用修复",
        item_type="10",
        dept="development_reform",
        serial=1,
        objects=("legal", "natural"),
        themes=legal("信用服务"),
        legal_basis=CREDIT_REPAIR_LAW,
        statutory=7,
        promised=3,
        conditions="行政处罚信息公示期间，已履行行政处罚决定、纠正失信行为、消除不良影响，且最短公示期已满的经营主体。",
        description="申请提前停止公示行政处罚信息，“信用中国”网站和地方信用平台同步修复。",
        depth=4,
        result_name="信用修复决定",
        result_type="document",
        delivery=("electronic",),
        materials=[
            application("信用修复申请书", who="经营主体"),
            mat("已履行行政处罚决定的证明材料"),
            commitment("信用修复承诺书"),
        ],
        faq=[
            ("行政处罚记录能撤下来吗？", "最短公示期满且已履行处罚、纠正失信行为的，可申请信用修复提前停止公示。"),
            ("信用修复要跑几个部门？", "在“信用修复一件事”中一次申请，发改、市场监管等部门协同修复，结果互认。"),
        ],
        form=[*enterprise(), f("decision_number", "行政处罚决定书文号", max_length=60)],
        keywords="信用修复 撤销处罚记录 信用中国 失信修复 征信修复",
        aliases="信用修复 行政处罚信息修复",
    ),
    # ---- 公用事业 ----------------------------------------------------------------------------------------
    _connect(
        "power_connection",
        "utility_power",
        "用电报装",
        POWER_LAW,
        "用电",
        15,
        5,
        "接电 装电表 新装电 用电申请 开店接电 工厂通电",
    ),
    _connect(
        "water_connection",
        "utility_water",
        "用水报装",
        WATER_LAW,
        "用水",
        15,
        5,
        "接水 装水表 新装自来水 用水申请 通水",
    ),
    _connect(
        "gas_connection", "utility_gas", "用气报装", GAS_LAW, "用气", 15, 5, "接燃气 装燃气 开通天然气 通气 燃气开户"
    ),
    _connect(
        "broadband_connection",
        "utility_telecom",
        "宽带网络报装",
        TELECOM_LAW,
        "宽带网络",
        10,
        3,
        "装宽带 接网络 光纤入户 企业专线",
    ),
    _transfer("power_transfer", "utility_power", "用电过户", POWER_LAW, "用电", "电费户名 电表过户 电改名"),
    _transfer("water_transfer", "utility_water", "用水过户", WATER_LAW, "用水", "水费户名 水表过户 水改名"),
    _transfer("gas_transfer", "utility_gas", "用气过户", GAS_LAW, "用气", "燃气过户 燃气改名 天然气过户"),
    _transfer(
        "broadband_transfer", "utility_telecom", "宽带网络过户", TELECOM_LAW, "宽带网络", "宽带过户 网络过户 宽带改名"
    ),
]
