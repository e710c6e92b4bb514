"""Chinese labels of the registry's choices as they appear in import files (§3, §13).

The choice classes in households.choices carry English msgids translated centrally; an import file is
filled in Chinese, so this module keeps its own table of the Chinese words of domain.md §3.1/§3.2.
Reading accepts that word, the code value, and the label as currently translated (zh-hans and en)."""

from django.db import models
from django.utils import translation

from households import choices as c

ZH: dict[type[models.TextChoices], list[str]] = {
    c.Sex: ["男", "女"],
    c.IdentificationStandard: ["国家标准", "省定标准", "市定标准"],
    c.HouseholdType: ["一般贫困户", "低保贫困户", "特困供养贫困户"],
    c.Cause: [
        "因病",
        "因残",
        "因学",
        "因灾",
        "缺土地",
        "缺水",
        "缺技术",
        "缺劳力",
        "缺资金",
        "交通条件落后",
        "自身发展动力不足",
        "其他",
    ],
    c.RoadType: ["泥土路", "砂石路", "水泥路", "沥青路"],
    c.HousingGrade: ["A级", "B级", "C级", "D级"],
    c.Renovation: ["未改造", "正在改造", "已竣工验收"],
    c.Relocation: ["未搬迁", "计划搬迁", "已入住"],
    c.Fuel: ["柴草", "干畜粪", "煤炭", "清洁能源", "其他"],
    c.IdType: ["居民身份证", "其他证件"],
    c.Relationship: (
        "户主 配偶 之子 之女 之儿媳 之女婿 之孙子 之孙女 之外孙子 之外孙女 之父 之母 之岳父 之岳母 之公公 之婆婆 "
        "之祖父 之祖母 之外祖父 之外祖母 之兄弟姐妹 之曾孙子 之曾孙女 之侄儿 之侄女 之兄弟媳妇 之叔伯 其他"
    ).split(),
    c.Ethnicity: (
        "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 "
        "黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 "
        "撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 "
        "京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
    ).split(),
    c.PoliticalStatus: ["中共党员", "中共预备党员", "共青团员", "民主党派", "群众"],
    c.Education: ["文盲或半文盲", "小学", "初中", "高中", "大专", "本科及以上"],
    c.SchoolStatus: [
        "非在校生",
        "学前教育",
        "小学",
        "七年级",
        "八年级",
        "九年级",
        "普通高中一～三年级",
        "中职一～三年级",
        "高职高专一～三年级",
        "本科及以上",
    ],
    c.NoSchoolReason: ["因身体原因不具备学习条件（送教上门）", "其他"],
    c.DisabilityCategory: ["视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"],
    c.DisabilityGrade: ["一级", "二级", "三级", "四级"],
    c.LabourAbility: ["普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"],
    c.WorkStatus: ["乡镇内", "乡镇外县内", "县外省内", "省外", "其他"],
    c.LeftBehind: ["留守儿童", "留守妇女", "留守老人"],
}

YES = "是"
NO = "否"
TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "无", "n", "no", "false", "0", "×"}

for _cls, _labels in ZH.items():
    assert len(_labels) == len(_cls.values), _cls  # a new choice needs its Chinese word here


def norm(text: str) -> str:
    """Compare labels without spaces and with half-width brackets and tildes."""
    return "".join(text.split()).replace("（", "(").replace("）", ")").replace("~", "～").lower()


_lookup: dict[type[models.TextChoices], dict[str, str]] = {}


def lookup(cls: type[models.TextChoices]) -> dict[str, str]:
    """Every accepted spelling of a choice → its code; built once per process."""
    table = _lookup.get(cls)
    if table is None:
        table = {}
        for code, english in cls.choices:
            table[norm(str(code))] = code
            table[norm(str(english))] = code
            for lang in ("zh-hans", "en"):
                with translation.override(lang):
                    table.setdefault(norm(str(cls(code).label)), code)
        for code, zh in zip(cls.values, ZH[cls], strict=True):
            table[norm(zh)] = code
            if cls is c.Ethnicity and zh.endswith("族") and len(zh) > 2:
                table.setdefault(norm(zh[:-1]), code)  # "汉" for "汉族"
        _lookup[cls] = table
    return table


def zh_labels(cls: type[models.TextChoices]) -> list[str]:
    return ZH[cls]
