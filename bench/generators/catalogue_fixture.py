"""A small real-named catalogue for search tests and for ``bench/relevance.py --fixture`` (not part of the
installed package).

Items of domain.md §3 and the items the 14 bundles of §4 need, plus look-alike distractors, written the way
a catalogue states them (official names, short official descriptions, no citizen phrasing and no search
keywords), so that relevance measured on it is what the engine and the thesaurus achieve on their own.

``fixture_documents()`` gives pure ``engine.Document`` objects (no database); ``load_fixture_catalogue()``
writes the same catalogue, with its bundles, into the database through the ORM for Django-side tests and
benches.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.search.engine import Document

# (division code, name, parent code)
DIVISIONS = [
    ("330000000000", "浙江省", None),
    ("330600000000", "绍兴市", "330000000000"),
    ("330681000000", "诸暨市", "330600000000"),
    ("330400000000", "嘉兴市", "330000000000"),
    ("330482000000", "平湖市", "330400000000"),
    ("410000000000", "河南省", None),
    ("419001000000", "济源市", "410000000000"),
]

DEPARTMENT_NAMES = {
    "公安": "公安局",
    "人社": "人力资源和社会保障局",
    "医保": "医疗保障局",
    "公积金": "住房公积金管理中心",
    "市场监管": "市场监督管理局",
    "民政": "民政局",
    "卫健": "卫生健康局",
    "自然资源": "自然资源和规划局",
    "司法": "司法局",
    "生态环境": "生态环境局",
    "税务": "税务局",
    "教育": "教育局",
    "残联": "残疾人联合会",
    "交通": "交通运输局",
    "发改": "发展和改革局",
    "建设": "住房和城乡建设局",
}


@dataclass(frozen=True)
class FixtureItem:
    name: str
    department: str  # key of DEPARTMENT_NAMES
    item_type: str
    result: str
    materials: tuple[str, ...]
    description: str
    themes: tuple[str, ...] = ()


ITEMS: list[FixtureItem] = [
    # 住房公积金 (§3)
    FixtureItem(
        "个人住房公积金缴存贷款等信息查询",
        "公积金",
        "20",
        "查询结果",
        ("居民身份证",),
        "缴存职工查询本人住房公积金账户缴存、提取、贷款等信息。",
        ("住房保障",),
    ),
    FixtureItem(
        "正常退休提取住房公积金",
        "公积金",
        "05",
        "提取审批结果",
        ("居民身份证", "退休证明", "银行卡"),
        "职工达到法定退休年龄办理退休手续后，提取本人住房公积金账户余额并销户。",
        ("住房保障", "退休"),
    ),
    FixtureItem(
        "出具贷款职工住房公积金缴存使用证明",
        "公积金",
        "20",
        "缴存使用证明",
        ("居民身份证",),
        "为申请住房贷款的缴存职工出具住房公积金缴存和使用情况证明。",
        ("住房保障",),
    ),
    FixtureItem(
        "住房公积金单位登记开户",
        "公积金",
        "20",
        "单位登记开户回执",
        ("营业执照", "单位经办人身份证明", "住房公积金单位登记表"),
        "新设立的单位为本单位职工办理住房公积金缴存登记，设立单位账户。",
        ("准营",),
    ),
    FixtureItem(
        "住房公积金单位及个人缴存信息变更",
        "公积金",
        "20",
        "变更回执",
        ("缴存信息变更清册",),
        "单位名称、地址或职工个人缴存基数、账户信息发生变化时办理变更。",
        ("住房保障",),
    ),
    FixtureItem(
        "提前还清住房公积金贷款",
        "公积金",
        "20",
        "还款凭证",
        ("居民身份证", "借款合同"),
        "借款人在贷款期限届满前一次性偿还住房公积金贷款本息。",
        ("住房保障",),
    ),
    FixtureItem(
        "开具住房公积金个人住房贷款全部还清证明",
        "公积金",
        "20",
        "贷款结清证明",
        ("居民身份证", "借款合同"),
        "住房公积金个人住房贷款结清后出具结清证明，用于办理抵押注销。",
        ("住房保障",),
    ),
    FixtureItem(
        "购房提取住房公积金",
        "公积金",
        "05",
        "提取审批结果",
        ("居民身份证", "购房合同", "购房发票", "银行卡"),
        "职工购买、建造、翻建、大修自住住房时提取本人及配偶住房公积金账户余额。",
        ("住房保障",),
    ),
    # 公安 (§3)
    FixtureItem(
        "开具户籍类证明",
        "公安",
        "07",
        "户籍证明",
        ("居民身份证", "居民户口簿"),
        "为户籍居民出具亲属关系、户籍注销、曾用名等户籍类证明。",
        ("户籍办理",),
    ),
    FixtureItem(
        "无犯罪记录证明",
        "公安",
        "07",
        "无犯罪记录证明",
        ("居民身份证", "申请表"),
        "为申请人出具在本地户籍或居住期间有无犯罪记录的证明，用于就业、出国等。",
        ("户籍办理",),
    ),
    FixtureItem(
        "工作调动户口迁移",
        "公安",
        "07",
        "准予迁入证明",
        ("居民户口簿", "调动审批材料"),
        "因工作调动需要迁移户口的，由迁入地公安机关办理迁入手续。",
        ("户籍办理",),
    ),
    FixtureItem(
        "大中专院校录取学生户口迁移",
        "公安",
        "07",
        "户口迁移证",
        ("录取通知书", "居民户口簿"),
        "被大中专院校录取的新生将户口迁往学校集体户。",
        ("户籍办理", "教育"),
    ),
    FixtureItem(
        "大中专学生毕业户口迁移",
        "公安",
        "07",
        "户口迁移证",
        ("毕业证书", "报到证"),
        "大中专院校毕业生将户口从学校迁往就业地或原籍。",
        ("户籍办理",),
    ),
    FixtureItem(
        "夫妻投靠户口迁移",
        "公安",
        "07",
        "准予迁入证明",
        ("结婚证", "居民户口簿", "住房证明"),
        "夫妻一方投靠另一方，将户口迁入配偶户籍所在地。",
        ("户籍办理",),
    ),
    FixtureItem(
        "父母投靠子女户口迁移",
        "公安",
        "07",
        "准予迁入证明",
        ("亲属关系证明", "居民户口簿"),
        "父母投靠在本地落户的子女，将户口迁入子女户籍所在地。",
        ("户籍办理", "养老"),
    ),
    FixtureItem(
        "新生儿入户",
        "公安",
        "07",
        "居民户口簿",
        ("出生医学证明", "父母居民户口簿", "结婚证"),
        "为新出生的婴儿申报出生登记。",
        ("户籍办理", "生育"),
    ),
    FixtureItem(
        "首次申领居民身份证",
        "公安",
        "07",
        "居民身份证",
        ("居民户口簿", "照片"),
        "年满十六周岁或未满十六周岁自愿申请的公民首次申请领取居民身份证。",
        ("户籍办理",),
    ),
    FixtureItem(
        "居民身份证换领",
        "公安",
        "07",
        "居民身份证",
        ("原居民身份证",),
        "居民身份证有效期满或信息变更时换领新证。",
        ("户籍办理",),
    ),
    FixtureItem("居民身份证补领", "公安", "07", "居民身份证", ("居民户口簿",), "居民身份证丢失后补领。", ("户籍办理",)),
    FixtureItem(
        "户口登记",
        "公安",
        "07",
        "居民户口簿",
        ("出生医学证明", "居民户口簿"),
        "办理出生、迁入等户口登记。",
        ("户籍办理", "生育"),
    ),
    FixtureItem(
        "户口注销",
        "公安",
        "07",
        "户口注销证明",
        ("死亡医学证明", "居民户口簿"),
        "公民死亡后注销其户口。",
        ("户籍办理", "身后"),
    ),
    FixtureItem(
        "机动车驾驶证补证",
        "公安",
        "07",
        "机动车驾驶证",
        ("居民身份证",),
        "机动车驾驶证遗失或损毁后补领。",
        ("交通出行",),
    ),
    # 人社 (§3)
    FixtureItem(
        "企业职工基本养老保险关系转移接续",
        "人社",
        "20",
        "参保缴费凭证及联系函",
        ("居民身份证", "参保缴费凭证"),
        "参保人员跨统筹地区流动就业时，转移接续其企业职工基本养老保险关系。",
        ("社会保障",),
    ),
    FixtureItem(
        "城乡居民基本养老保险关系转移接续",
        "人社",
        "20",
        "转移接续联系函",
        ("居民身份证",),
        "城乡居民基本养老保险参保人员迁移户籍时转移其养老保险关系。",
        ("社会保障",),
    ),
    FixtureItem(
        "失业登记",
        "人社",
        "07",
        "就业失业登记证",
        ("居民身份证",),
        "劳动年龄内有劳动能力和就业要求、处于无业状态的人员办理失业登记。",
        ("就业创业",),
    ),
    FixtureItem(
        "失业保险金申领",
        "人社",
        "05",
        "失业保险金核定",
        ("居民身份证", "解除劳动合同证明"),
        "符合条件的失业人员申领失业保险金。",
        ("就业创业",),
    ),
    FixtureItem(
        "职业资格证书核验",
        "人社",
        "20",
        "核验结果",
        ("职业资格证书",),
        "对职业资格证书信息进行查询核验。",
        ("就业创业",),
    ),
    FixtureItem(
        "社会保障卡申领",
        "人社",
        "20",
        "社会保障卡",
        ("居民身份证", "照片"),
        "参保人员申请领取社会保障卡。",
        ("社会保障",),
    ),
    FixtureItem(
        "社会保障卡补换",
        "人社",
        "20",
        "社会保障卡",
        ("居民身份证",),
        "社会保障卡遗失、损坏后补领或换领。",
        ("社会保障",),
    ),
    FixtureItem(
        "社保参保缴费查询",
        "人社",
        "20",
        "参保缴费证明",
        ("居民身份证",),
        "查询个人社会保险参保和缴费记录。",
        ("社会保障",),
    ),
    FixtureItem(
        "员工参保登记",
        "人社",
        "20",
        "参保登记回执",
        ("劳动合同", "职工名册"),
        "用人单位为新招用职工办理社会保险参保登记。",
        ("招聘用工",),
    ),
    FixtureItem(
        "养老金待遇申领",
        "人社",
        "05",
        "养老保险待遇核定表",
        ("居民身份证", "银行卡"),
        "参保人员达到退休年龄后申领基本养老金。",
        ("社会保障", "退休"),
    ),
    FixtureItem(
        "丧葬补助金和抚恤金",
        "人社",
        "05",
        "待遇核定",
        ("死亡医学证明", "亲属关系证明"),
        "参保人员因病或非因工死亡后，其遗属申领丧葬补助金和抚恤金。",
        ("社会保障", "身后"),
    ),
    FixtureItem(
        "社会保险和医疗保险注销",
        "人社",
        "20",
        "注销回执",
        ("死亡医学证明",),
        "参保人员死亡后终止社会保险关系。",
        ("社会保障", "身后"),
    ),
    # 医保
    FixtureItem(
        "就医结算备案",
        "医保",
        "20",
        "备案回执",
        ("居民身份证", "医保电子凭证"),
        "参保人员到参保地以外就医前办理异地就医直接结算备案。",
        ("医疗卫生",),
    ),
    FixtureItem(
        "门诊费用跨省直接结算",
        "医保",
        "20",
        "结算单",
        ("医保电子凭证",),
        "已备案人员在就医地定点医疗机构门诊就医时直接结算医疗费用。",
        ("医疗卫生",),
    ),
    FixtureItem(
        "城乡居民医保参保登记",
        "医保",
        "20",
        "参保登记回执",
        ("居民户口簿",),
        "城乡居民（含新生儿）参加城乡居民基本医疗保险。",
        ("医疗卫生", "生育"),
    ),
    FixtureItem(
        "医保退休待遇核定",
        "医保",
        "07",
        "退休医保待遇核定",
        ("居民身份证",),
        "参保职工退休时核定其退休后享受的基本医疗保险待遇。",
        ("医疗卫生", "退休"),
    ),
    FixtureItem(
        "职工医保参保登记",
        "医保",
        "20",
        "参保登记回执",
        ("劳动合同",),
        "用人单位为职工办理职工基本医疗保险参保登记。",
        ("医疗卫生",),
    ),
    # 卫健
    FixtureItem(
        "出生医学证明",
        "卫健",
        "07",
        "出生医学证明",
        ("父母居民身份证", "住院分娩记录"),
        "为在医疗机构内出生的新生儿签发出生医学证明。",
        ("生育",),
    ),
    FixtureItem(
        "预防接种证",
        "卫健",
        "20",
        "预防接种证",
        ("出生医学证明",),
        "为儿童建立预防接种档案并发放预防接种证。",
        ("生育", "医疗卫生"),
    ),
    FixtureItem(
        "死亡医学证明",
        "卫健",
        "07",
        "居民死亡医学证明书",
        ("死者居民身份证",),
        "医疗机构为死亡人员出具居民死亡医学证明书。",
        ("身后",),
    ),
    # 司法
    FixtureItem(
        "学历公证",
        "司法",
        "07",
        "公证书",
        ("毕业证书", "居民身份证"),
        "对毕业证书、学位证书等学历证明办理公证。",
        ("公证",),
    ),
    FixtureItem(
        "驾驶证公证",
        "司法",
        "07",
        "公证书",
        ("机动车驾驶证", "居民身份证"),
        "对机动车驾驶证办理公证，用于境外使用。",
        ("公证",),
    ),
    # 市场监管 / 税务 / 公安 for enterprises
    FixtureItem(
        "内资企业及分支机构设立登记",
        "市场监管",
        "01",
        "营业执照",
        ("设立登记申请书", "公司章程", "住所使用证明"),
        "内资公司、非公司企业法人及其分支机构的设立登记。",
        ("准入准营",),
    ),
    FixtureItem(
        "营业执照变更登记",
        "市场监管",
        "01",
        "营业执照",
        ("变更登记申请书", "股东会决议"),
        "企业名称、住所、法定代表人等登记事项变更。",
        ("经营发展",),
    ),
    FixtureItem(
        "企业注销登记",
        "市场监管",
        "01",
        "准予注销登记通知书",
        ("注销登记申请书", "清算报告"),
        "企业解散后办理注销登记。",
        ("注销退出",),
    ),
    FixtureItem(
        "工业产品生产许可证",
        "市场监管",
        "01",
        "工业产品生产许可证",
        ("申请书", "产品检验报告"),
        "对列入目录的重要工业产品生产企业实施生产许可。",
        ("准入准营",),
    ),
    FixtureItem(
        "食品经营许可",
        "市场监管",
        "01",
        "食品经营许可证",
        ("申请书", "营业执照", "经营场所平面图"),
        "从事食品销售和餐饮服务活动的经营者取得食品经营许可。",
        ("准入准营",),
    ),
    FixtureItem(
        "公共场所卫生许可",
        "卫健",
        "01",
        "公共场所卫生许可证",
        ("申请书", "卫生检测报告"),
        "住宿、洗浴、美容美发等公共场所的卫生许可。",
        ("准入准营",),
    ),
    FixtureItem(
        "公章刻制",
        "公安",
        "11",
        "印章备案",
        ("营业执照", "法定代表人身份证明"),
        "新设立企业刻制公章并备案。",
        ("准入准营",),
    ),
    FixtureItem(
        "发票申领",
        "税务",
        "20",
        "发票",
        ("税务登记信息", "经办人身份证明"),
        "纳税人首次申领发票及增量。",
        ("纳税缴费",),
    ),
    FixtureItem(
        "道路货物运输经营许可",
        "交通",
        "01",
        "道路运输经营许可证",
        ("申请书", "车辆行驶证"),
        "从事道路货物运输经营的许可。",
        ("准入准营",),
    ),
    FixtureItem(
        "行政处罚信息信用修复",
        "发改",
        "20",
        "信用修复决定",
        ("信用修复申请书", "履行处罚证明"),
        "对已履行行政处罚义务的经营主体修复信用。",
        ("经营发展",),
    ),
    FixtureItem(
        "企业破产信息核查",
        "市场监管",
        "20",
        "核查结果",
        ("管理人证明",),
        "破产管理人查询核查企业财产、登记等信息。",
        ("注销退出",),
    ),
    # 生态环境 / 自然资源 / 民政 / 教育 / 残联 / 建设
    FixtureItem(
        "排污许可",
        "生态环境",
        "01",
        "排污许可证",
        ("排污许可申请表", "环评批复"),
        "排放污染物的企业事业单位取得排污许可证。",
        ("准入准营",),
    ),
    FixtureItem(
        "不动产抵押登记",
        "自然资源",
        "07",
        "不动产登记证明",
        ("不动产权证书", "抵押合同"),
        "以不动产设定抵押权的登记。",
        ("住房保障",),
    ),
    FixtureItem(
        "不动产转移登记",
        "自然资源",
        "07",
        "不动产权证书",
        ("不动产权证书", "买卖合同", "完税凭证"),
        "房屋买卖、赠与、继承等原因导致权利转移的登记。",
        ("住房保障",),
    ),
    FixtureItem(
        "婚姻登记",
        "民政",
        "07",
        "结婚证",
        ("居民身份证", "居民户口簿", "照片"),
        "内地居民办理结婚登记、离婚登记及补领婚姻登记证。",
        ("婚育收养",),
    ),
    FixtureItem(
        "义务教育入学登记",
        "教育",
        "20",
        "入学通知",
        ("居民户口簿", "房产证明"),
        "适龄儿童少年进入小学、初中的入学登记。",
        ("教育",),
    ),
    FixtureItem(
        "残疾人证办理",
        "残联",
        "07",
        "残疾人证",
        ("居民身份证", "残疾评定表"),
        "为残疾人核发中华人民共和国残疾人证。",
        ("残疾人",),
    ),
    FixtureItem(
        "困难残疾人生活补贴",
        "民政",
        "05",
        "补贴发放",
        ("残疾人证", "低保证明"),
        "对困难残疾人发放生活补贴。",
        ("残疾人", "社会救助"),
    ),
    FixtureItem("供水报装", "建设", "20", "接水通知", ("不动产权证书",), "新建房屋用水报装接入。", ("住房保障",)),
    FixtureItem(
        "最低生活保障",
        "民政",
        "05",
        "低保证",
        ("居民身份证", "家庭收入证明"),
        "对家庭人均收入低于当地标准的家庭给予最低生活保障。",
        ("社会救助",),
    ),
]

# code, name, audience, life stage, description, item names
BUNDLES = [
    (
        "B-XSECS",
        "新生儿出生一件事",
        "natural",
        "出生",
        "新生儿出生后，一次申请出生医学证明、预防接种证、户口登记、医保参保和社会保障卡。",
        ("出生医学证明", "预防接种证", "户口登记", "城乡居民医保参保登记", "社会保障卡申领"),
    ),
    (
        "B-JYRX",
        "教育入学一件事",
        "natural",
        "教育",
        "适龄儿童义务教育入学，一次提交户籍、居住等信息完成入学登记。",
        ("义务教育入学登记", "开具户籍类证明"),
    ),
    (
        "B-SBK",
        "社会保障卡居民服务一件事",
        "natural",
        "生活",
        "社会保障卡申领、补换及居民服务一卡通应用。",
        ("社会保障卡申领", "社会保障卡补换"),
    ),
    (
        "B-CJR",
        "残疾人服务一件事",
        "natural",
        "救助",
        "残疾人证办理与残疾人补贴申请一次办理。",
        ("残疾人证办理", "困难残疾人生活补贴"),
    ),
    (
        "B-TX",
        "退休一件事",
        "natural",
        "养老",
        "职工退休时一次办理养老金待遇申领、医保退休待遇核定和退休提取住房公积金。",
        ("养老金待遇申领", "医保退休待遇核定", "正常退休提取住房公积金"),
    ),
    (
        "B-SHS",
        "身后事一件事",
        "natural",
        "身后",
        "公民身故后，家属一次办理死亡医学证明、户口注销、社保医保注销、丧葬补助金和住房公积金提取。",
        ("死亡医学证明", "户口注销", "社会保险和医疗保险注销", "丧葬补助金和抚恤金", "正常退休提取住房公积金"),
    ),
    (
        "B-ESF",
        "二手房转移登记及水电气网联动过户一件事",
        "natural",
        "置业",
        "存量房买卖办理不动产转移登记，同时办理水、电、气、网过户。",
        ("不动产转移登记", "供水报装"),
    ),
    (
        "B-QYKB",
        "企业开办一件事",
        "legal",
        "准入准营",
        "新办企业一次办理设立登记、公章刻制、发票申领、员工参保登记和住房公积金单位登记开户。",
        ("内资企业及分支机构设立登记", "公章刻制", "发票申领", "员工参保登记", "住房公积金单位登记开户"),
    ),
    (
        "B-QYBG",
        "企业信息变更一件事",
        "legal",
        "经营发展",
        "企业登记信息变更后，相关部门信息同步变更。",
        ("营业执照变更登记", "住房公积金单位及个人缴存信息变更"),
    ),
    (
        "B-YSQY",
        "开办运输企业一件事",
        "legal",
        "准入准营",
        "设立道路运输企业，一次办理设立登记和道路运输经营许可。",
        ("内资企业及分支机构设立登记", "道路货物运输经营许可"),
    ),
    (
        "B-CYD",
        "开办餐饮店一件事",
        "legal",
        "准入准营",
        "开办餐饮店一次办理设立登记、食品经营许可和公共场所卫生许可。",
        ("内资企业及分支机构设立登记", "食品经营许可", "公共场所卫生许可"),
    ),
    (
        "B-SDQW",
        "水电气网联合报装一件事",
        "legal",
        "工程建设",
        "用水、用电、用气、宽带网络一次申请联合报装。",
        ("供水报装", "不动产转移登记"),
    ),
    (
        "B-XYXF",
        "信用修复一件事",
        "legal",
        "经营发展",
        "经营主体一次申请修复多部门信用记录。",
        ("行政处罚信息信用修复", "营业执照变更登记"),
    ),
    (
        "B-PCHC",
        "企业破产信息核查一件事",
        "legal",
        "注销退出",
        "破产管理人一次申请核查破产企业的登记、财产、纳税等信息。",
        ("企业破产信息核查", "企业注销登记"),
    ),
]

# Items implemented by the province rather than by the county (to exercise region inheritance).
PROVINCE_ITEMS = {"工业产品生产许可证"}


def _path(code: str) -> tuple[str, ...]:
    parents = {c: p for c, _n, p in DIVISIONS}
    chain: list[str] = []
    node: str | None = code
    while node:
        chain.append(node)
        node = parents[node]
    return tuple(reversed(chain))


def _division_name(code: str) -> str:
    return next(n for c, n, _p in DIVISIONS if c == code)


def fixture_documents(divisions: tuple[str, ...] = ("330681000000", "330482000000")) -> list[Document]:
    """The fixture catalogue as engine documents: every item in each county, bundles in the first."""
    docs: list[Document] = []
    by_name = {item.name: item for item in ITEMS}
    for division in divisions:
        region = _division_name(division)
        for i, item in enumerate(ITEMS):
            home = "330000000000" if item.name in PROVINCE_ITEMS else division
            if home != division and division != divisions[0]:
                continue
            dept = ("浙江省" if home == "330000000000" else region) + DEPARTMENT_NAMES[item.department]
            docs.append(
                Document(
                    kind="item",
                    code=f"{home[:6]}-{i:03d}",
                    name=item.name,
                    department=dept,
                    region=_division_name(home),
                    division_path=_path(home),
                    fields={
                        "entry_name": item.name,
                        "department": dept,
                        "themes": " ".join(item.themes),
                        "description": item.description,
                        "result": item.result,
                        "materials": "\n".join(item.materials),
                    },
                )
            )
    first = divisions[0]
    for code, name, _aud, stage, description, items in BUNDLES:
        lead = by_name[items[0]].department
        docs.append(
            Document(
                kind="bundle",
                code=code,
                name=name,
                department=_division_name(first) + DEPARTMENT_NAMES[lead],
                region=_division_name(first),
                division_path=_path(first),
                fields={"description": description, "themes": stage, "items": "\n".join(items)},
            )
        )
    return docs


def load_fixture_catalogue(divisions: tuple[str, ...] = ("330681000000", "330482000000")) -> dict[str, int]:
    """Write the fixture catalogue into the database (published versions and bundles). Django needed."""
    from django.db import transaction

    from tongban.bundles.models import Bundle, BundleItem
    from tongban.catalogue.models import (
        CatalogueEntry,
        ImplementationVersion,
        ItemImplementation,
        MaterialRequirement,
        Theme,
    )
    from tongban.core.identifiers import make_uscc
    from tongban.jurisdictions.models import Department, Division

    with transaction.atomic():
        division_objs: dict[str, Division] = {}
        for code, name, parent in DIVISIONS:
            level = 1 if code[2:] == "0" * 10 else 2 if code[4:] == "0" * 8 else 3
            obj, _ = Division.objects.get_or_create(
                code=code,
                defaults={"name": name, "level": level, "parent": division_objs.get(parent) if parent else None},
            )
            division_objs[code] = obj
        departments: dict[tuple[str, str], Department] = {}

        def department(division_code: str, kind: str) -> Department:
            key = (division_code, kind)
            if key not in departments:
                div = division_objs[division_code]
                serial = f"{(list(DEPARTMENT_NAMES).index(kind) + 1):02d}{division_code[:6]}"
                departments[key], _ = Department.objects.get_or_create(
                    division=div,
                    name=div.name + DEPARTMENT_NAMES[kind],
                    defaults={"kind": kind, "uscc": make_uscc("1", "1", division_code[:6], serial)},
                )
            return departments[key]

        themes: dict[str, Theme] = {}
        implementations: dict[tuple[str, str], ItemImplementation] = {}
        for i, item in enumerate(ITEMS):
            theme_objs = []
            for t in item.themes:
                if t not in themes:
                    themes[t], _ = Theme.objects.get_or_create(
                        code=f"T{len(themes) + 1:03d}", defaults={"name": t, "audience": "natural"}
                    )
                theme_objs.append(themes[t])
            entry, _ = CatalogueEntry.objects.get_or_create(
                code=f"FX{i:04d}",
                defaults={
                    "name": item.name,
                    "item_type": item.item_type,
                    "competent_department": item.department,
                    "department_kind": item.department,
                    "service_objects": ["natural"],
                    "legal_basis": "《中华人民共和国行政许可法》",
                    "statutory_days": 20,
                    "description": item.description,
                },
            )
            entry.themes.set(theme_objs)
            homes = ["330000000000"] if item.name in PROVINCE_ITEMS else list(divisions)
            for home in homes:
                dept = department(home, item.department)
                impl, created = ItemImplementation.objects.get_or_create(
                    code=f"FX{i:04d}-{home}",
                    defaults={"entry": entry, "division": division_objs[home], "department": dept},
                )
                if created:
                    version = ImplementationVersion.objects.create(
                        implementation=impl,
                        number=1,
                        status="published",
                        name=item.name,
                        legal_basis="《中华人民共和国行政许可法》",
                        exercise_level="county",
                        service_objects=["natural"],
                        review_type="review",
                        handling_type="promised",
                        statutory_days=20,
                        promised_days=5,
                        result_name=item.result,
                        result_type="document",
                        delivery_methods=["window"],
                        location="政务服务中心",
                        office_hours="工作日 9:00-17:00",
                        phone="0575-12345",
                        complaint_phone="12345",
                    )
                    MaterialRequirement.objects.bulk_create(
                        [MaterialRequirement(version=version, order=n, name=m) for n, m in enumerate(item.materials)]
                    )
                    impl.published_version = version
                    impl.save(update_fields=["published_version"])
                implementations[(item.name, home)] = impl
        first = divisions[0]
        for code, name, audience, stage, description, items in BUNDLES:
            lead = department(first, next(it.department for it in ITEMS if it.name == items[0]))
            bundle, created = Bundle.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "division": division_objs[first],
                    "lead_department": lead,
                    "audience": audience,
                    "life_stage": stage,
                    "description": description,
                    "promised_days": 5,
                    "status": Bundle.Status.PUBLISHED,
                },
            )
            if created:
                for n, item_name in enumerate(items):
                    impl = implementations.get((item_name, first)) or implementations[(item_name, "330000000000")]
                    BundleItem.objects.create(bundle=bundle, implementation=impl, order=n)
    return {"items": len(implementations), "bundles": len(BUNDLES)}
