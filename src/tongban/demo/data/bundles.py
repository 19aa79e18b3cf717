"""Bundle definitions (一件事) of 诸暨市: the 13 of 国发〔2024〕3号's first batch plus 企业开办."""

from __future__ import annotations

from dataclasses import dataclass

from .regions import ZJ

FIRST_BATCH = "国发〔2024〕3号 第一批“高效办成一件事”重点事项清单"

APPLICANT = ["applicant_name", "applicant_id_number", "applicant_phone"]
ENTERPRISE = ["enterprise_name", "legal_representative", *APPLICANT]


@dataclass(frozen=True)
class BundleItemSpec:
    item: str  # item key (implemented in the bundle's division)
    required: bool = False
    depends_on: tuple[str, ...] = ()
    result_as_material: str = ""


@dataclass(frozen=True)
class BundleSpec:
    number: int
    name: str
    lead: str  # department kind
    audience: str
    life_stage: str
    description: str
    promised_days: int
    items: tuple[BundleItemSpec, ...]
    shared_fields: tuple[str, ...]
    keywords: str
    aliases: str
    policy_basis: str = FIRST_BATCH
    statutory_days: int = 45
    division: str = ZJ

    @property
    def code(self) -> str:
        return f"YJS-{self.division}-{self.number:02d}"


def _after(prerequisite: str, material: str, *items: str) -> tuple[BundleItemSpec, ...]:
    return tuple(BundleItemSpec(i, depends_on=(prerequisite,), result_as_material=material) for i in items)


BUNDLES: list[BundleSpec] = [
    BundleSpec(
        1,
        "新生儿出生一件事",
        "health",
        "natural",
        "出生",
        "孩子出生后，出生医学证明、预防接种证、户口登记（新生儿入户）、城乡居民医保参保登记和社会保障卡申领一次申请、"
        "一表填报、一套材料，父母无需在医院、派出所、医保和社保窗口之间来回跑。",
        5,
        (
            BundleItemSpec("birth_medical_certificate", required=True),
            BundleItemSpec("vaccination_certificate"),
            BundleItemSpec(
                "newborn_hukou",
                required=True,
                depends_on=("birth_medical_certificate",),
                result_as_material="出生医学证明",
            ),
            *_after("newborn_hukou", "居民户口簿", "resident_medical_enrolment", "social_security_card"),
        ),
        (
            *APPLICANT,
            "child_name",
            "child_gender",
            "child_birth_date",
            "birth_place",
            "mother_name",
            "mother_id_number",
            "father_name",
            "father_id_number",
            "address",
        ),
        "孩子刚出生 生娃 宝宝出生 生孩子 新生儿 生了小孩要办什么 孩子出生办证 出生一件事 宝宝落户 新生儿办证",
        "出生一件事 新生儿出生“一件事”",
    ),
    BundleSpec(
        2,
        "企业信息变更一件事",
        "market",
        "legal",
        "经营发展",
        "企业名称、住所、法定代表人等登记事项变更后，营业执照换发与税务、社保、医保、住房公积金的信息变更一次申请、"
        "数据共享、同步办结。",
        1,
        (
            BundleItemSpec("company_change", required=True),
            *_after(
                "company_change",
                "营业执照",
                "taxpayer_info_change",
                "unit_insurance_change",
                "medical_unit_change",
                "hf_deposit_change",
            ),
        ),
        ("enterprise_name", "uscc", "legal_representative", *APPLICANT),
        "公司变更 公司改名 换法人 变更地址 企业信息变更 营业执照变更 公司迁址",
        "企业变更一件事 企业信息变更“一件事”",
    ),
    BundleSpec(
        3,
        "开办运输企业一件事",
        "transport",
        "legal",
        "准入准营",
        "开办道路货物运输企业，营业执照、道路运输经营许可证和车辆道路运输证一次申请、并联审批、证照同发。",
        6,
        (
            BundleItemSpec("company_registration", required=True),
            BundleItemSpec(
                "road_freight_licence",
                required=True,
                depends_on=("company_registration",),
                result_as_material="营业执照",
            ),
            BundleItemSpec(
                "vehicle_transport_certificate",
                depends_on=("road_freight_licence",),
                result_as_material="道路运输经营许可证",
            ),
        ),
        tuple(ENTERPRISE),
        "开运输公司 开物流公司 货运公司 开办运输企业 跑运输 开货运公司",
        "运输企业开办一件事 开办运输企业“一件事”",
    ),
    BundleSpec(
        4,
        "开办餐饮店一件事",
        "market",
        "legal",
        "准入准营",
        "开饭店、开餐馆：营业执照、食品经营许可、户外招牌设置、消防安全检查和排水许可一次申请、联合核查、一次办结。",
        5,
        (
            BundleItemSpec("individual_business_registration", required=True),
            BundleItemSpec(
                "food_business_licence",
                required=True,
                depends_on=("individual_business_registration",),
                result_as_material="营业执照",
            ),
            *_after(
                "individual_business_registration",
                "营业执照",
                "outdoor_sign",
                "fire_safety_inspection",
                "drainage_permit",
            ),
        ),
        tuple(ENTERPRISE),
        "开饭店 开餐馆 开餐饮店 开小吃店 开奶茶店 开店卖吃的 开个饭馆",
        "餐饮店开办一件事 开办餐饮店“一件事”",
    ),
    BundleSpec(
        5,
        "水电气网联合报装一件事",
        "housing_construction",
        "legal",
        "工程建设",
        "用电、用水、用气、宽带网络报装和占用挖掘城市道路审批一次申请、联合踏勘、并联办理。",
        5,
        tuple(
            BundleItemSpec(i)
            for i in (
                "power_connection",
                "water_connection",
                "gas_connection",
                "broadband_connection",
                "road_excavation",
            )
        ),
        ("enterprise_name", "uscc", "legal_representative", *APPLICANT, "install_address"),
        "水电气报装 接水接电 通水通电通气 装宽带 开店接水电 工厂接电 联合报装",
        "水电气网联合报装“一件事” 公用事业联合报装",
    ),
    BundleSpec(
        6,
        "信用修复一件事",
        "development_reform",
        "legal",
        "经营发展",
        "行政处罚信息信用修复、移出经营异常名录和严重违法失信名单一次申请，发改、市场监管协同修复、结果互认。",
        10,
        tuple(BundleItemSpec(i) for i in ("penalty_credit_repair", "abnormal_list_removal", "serious_list_removal")),
        ("enterprise_name", "uscc", "legal_representative", *APPLICANT),
        "信用修复 失信 黑名单 经营异常 信用中国修复 征信修复 企业信用",
        "信用修复“一件事”",
    ),
    BundleSpec(
        7,
        "企业破产信息核查一件事",
        "development_reform",
        "legal",
        "注销退出",
        "破产管理人一次申请，即可查询破产企业的登记档案、不动产、社保缴费、涉税和机动车信息，各部门限时反馈。",
        3,
        tuple(
            BundleItemSpec(i)
            for i in (
                "enterprise_archive_query",
                "real_estate_record_query",
                "ss_payment_query",
                "tax_info_query",
                "vehicle_record_query",
            )
        ),
        (*APPLICANT, "enterprise_name", "uscc", "query_purpose"),
        "破产查询 破产管理人查财产 企业破产 破产核查 公司破产查资产",
        "破产信息核查“一件事”",
    ),
    BundleSpec(
        8,
        "教育入学一件事",
        "education",
        "natural",
        "教育",
        "孩子上小学、初中，入学报名时户籍、房产、居住证和社保信息由部门共享核验，家长一次报名、无需开证明。",
        10,
        (
            BundleItemSpec("school_enrolment", required=True),
            *(
                BundleItemSpec(i)
                for i in ("hukou_certificate", "real_estate_record_query", "residence_permit", "ss_payment_query")
            ),
        ),
        (*APPLICANT, "residence_address"),
        "孩子上学 上小学 入学报名 孩子读书 幼升小 小升初 教育入学 上学要办什么",
        "教育入学“一件事” 入学一件事",
    ),
    BundleSpec(
        9,
        "社会保障卡居民服务一件事",
        "hrss",
        "natural",
        "生活",
        "社会保障卡申领、补换、挂失和信息变更一次办理，社保卡在就医购药、交通出行、文化旅游等场景一卡通用。",
        5,
        tuple(
            BundleItemSpec(i)
            for i in (
                "social_security_card",
                "social_security_card_replace",
                "social_security_card_loss",
                "social_security_card_update",
                "medical_filing",
            )
        ),
        (*APPLICANT, "address"),
        "社保卡 社保卡办理 社保卡补办 社保卡挂失 一卡通 社保卡居民服务",
        "社会保障卡居民服务“一件事” 社保卡一件事",
    ),
    BundleSpec(
        10,
        "残疾人服务一件事",
        "disabled",
        "natural",
        "救助",
        "残疾人证办理与困难残疾人生活补贴、重度残疾人护理补贴和城乡居民养老保险费代缴一次申请，办证后补贴自动联办。",
        20,
        (
            BundleItemSpec("disability_card", required=True),
            *_after(
                "disability_card", "中华人民共和国残疾人证", "disability_subsidies", "disabled_pension_contribution"
            ),
        ),
        (*APPLICANT, "disability_card_number"),
        "残疾人办证 残疾人补贴 残疾人服务 办残疾证 残疾人一件事 残疾补贴",
        "残疾人服务“一件事”",
    ),
    BundleSpec(
        11,
        "退休一件事",
        "hrss",
        "natural",
        "养老",
        "到了退休年龄，养老金待遇申领、医保退休待遇核定和退休提取住房公积金一次申请，信息共享、无需开退休证明。",
        10,
        (
            BundleItemSpec("pension_claim", required=True),
            *_after("pension_claim", "职工退休审批表", "medical_retirement", "hf_retirement_withdrawal"),
        ),
        (*APPLICANT, "retirement_date", "bank_name", "bank_account"),
        "办退休 退休手续 到年龄退休 退休了要办什么 领退休金 退休一件事 退休提取公积金",
        "退休“一件事” 职工退休一件事",
    ),
    BundleSpec(
        12,
        "二手房转移登记及水电气网联动过户一件事",
        "real_estate",
        "natural",
        "置业",
        "二手房买卖税费申报、不动产转移登记一窗受理，登记完成后水、电、气、宽带网络自动联动过户。",
        1,
        (
            BundleItemSpec("second_hand_house_tax", required=True),
            BundleItemSpec(
                "second_hand_house_transfer",
                required=True,
                depends_on=("second_hand_house_tax",),
                result_as_material="完税凭证",
            ),
            *_after(
                "second_hand_house_transfer",
                "不动产权证书",
                "power_transfer",
                "water_transfer",
                "gas_transfer",
                "broadband_transfer",
            ),
        ),
        (
            *APPLICANT,
            "seller_name",
            "seller_id_number",
            "property_address",
            "property_certificate_number",
            "transaction_price",
        ),
        "二手房过户 买二手房 房子过户 水电过户 买房过户 卖房 过户水电气",
        "二手房转移登记一件事 二手房联动过户",
    ),
    BundleSpec(
        13,
        "身后事一件事",
        "civil_affairs",
        "natural",
        "身后",
        "家人去世后，死亡医学证明、户口注销、社保和医保注销、丧葬补助金和抚恤金申领、住房公积金提取一次申请、"
        "部门联办，家属少跑腿、少伤心。",
        5,
        (
            BundleItemSpec("death_medical_certificate", required=True),
            BundleItemSpec(
                "hukou_cancel",
                required=True,
                depends_on=("death_medical_certificate",),
                result_as_material="居民死亡医学证明（推断）书",
            ),
            *_after(
                "hukou_cancel",
                "户口注销证明",
                "social_insurance_cancel",
                "medical_insurance_cancel",
                "funeral_grant",
                "hf_death_withdrawal",
            ),
        ),
        (
            *APPLICANT,
            "deceased_name",
            "deceased_id_number",
            "death_date",
            "relationship_to_deceased",
            "bank_name",
            "bank_account",
        ),
        "人去世了 老人过世后事 家人去世 身后事 去世后要办什么 死亡后事 丧事办手续 老人走了 亲人去世",
        "身后一件事 逝者身后事联办",
    ),
    BundleSpec(
        14,
        "企业开办一件事",
        "market",
        "legal",
        "准入准营",
        "开公司：营业执照、公章刻制、发票申领、员工参保登记和住房公积金单位开户一次申请、一日办结，首套印章免费刻制。",
        1,
        (
            BundleItemSpec("company_registration", required=True),
            *_after(
                "company_registration",
                "营业执照",
                "seal_filing",
                "invoice_application",
                "employee_insurance_registration",
                "hf_unit_registration",
            ),
        ),
        ("enterprise_name", "legal_representative", *APPLICANT),
        "开公司 注册公司 办执照 创业 开办企业 成立公司 办营业执照 新公司要办什么",
        "企业开办“一件事” 开办企业一网通办",
        policy_basis="国办发〔2022〕32号；浙江省企业开办“一件事”",
    ),
]
