"""Fixed vocabularies of the demo province: which real counties are poverty counties, and name parts.

These lists are data, not Chinese UI text: they become region, person and unit names in the demo database.
"""

# Liaoning's 15 provincial poverty counties (省级扶贫开发重点县) by GB/T 2260 code, with the year their
# exit is planned: four exited before the three-year action, then 6 in 2018 and 5 in 2019 (§2 targets).
POVERTY_COUNTY_EXIT_YEAR = {
    "210123": 2017,  # 康平县
    "210726": 2017,  # 黑山县
    "210422": 2017,  # 新宾满族自治县
    "210423": 2017,  # 清原满族自治县
    "210323": 2018,  # 岫岩满族自治县
    "210624": 2018,  # 宽甸满族自治县
    "210727": 2018,  # 义县
    "211223": 2018,  # 西丰县
    "211224": 2018,  # 昌图县
    "211321": 2018,  # 朝阳县
    "210921": 2019,  # 阜新蒙古族自治县
    "210922": 2019,  # 彰武县
    "211322": 2019,  # 建平县
    "211324": 2019,  # 喀喇沁左翼蒙古族自治县
    "211422": 2019,  # 建昌县
}
# The western sandy and hilly counties, the last to exit, are the demo's deep-poverty counties.
DEEP_POVERTY_COUNTIES = {"210921", "210922", "211322", "211324", "211422"}
# Counties on the Yalu river border with a share of border villages (抵边村).
BORDER_COUNTIES = {"210624", "210681"}
# The county whose first village hosts the demo users' households (the tests' 昌图县 as well).
SHOWCASE_COUNTY = "211224"

# Ethnic mix by autonomous county (Ethnicity codes of households.choices): Manchu 11, Mongol 02.
MANCHU_COUNTIES = {"210323", "210422", "210423", "210521", "210522", "210624"}
MONGOL_COUNTIES = {"210921", "211324"}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎常武乔贺关佟那付"
)
MALE_GIVEN = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"  # noqa: E501
FEMALE_GIVEN = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"  # noqa: E501

PLACE_FIRST = "大小东西南北前后上下新老黄红白青石杨柳榆松李王张刘马高双三五八长太平安永富兴和丰泉沙"
PLACE_SECOND = (
    "山",
    "河",
    "台",
    "屯",
    "堡",
    "沟",
    "岭",
    "营",
    "甸",
    "泉",
    "家",
    "岗",
    "庄",
    "树",
    "湾",
    "房",
    "窝棚",
    "城子",
    "窑",
    "井",
    "岔",
    "峪",
    "坎",
    "水",
)

BANKS = ("中国农业银行", "中国邮政储蓄银行", "辽宁农村信用社", "中国建设银行", "中国工商银行")
HELPER_POSTS = ("科员", "副主任科员", "主任科员", "副科长", "科长", "副局长", "干部", "技术员")
# (unit template, unit level) — "{county}" and "{city}" are filled with the helper's county and city.
HELPER_UNITS = (
    ("{county}农业农村局", "county"),
    ("{county}财政局", "county"),
    ("{county}教育局", "county"),
    ("{county}卫生健康局", "county"),
    ("{county}人民法院", "county"),
    ("{county}自然资源局", "county"),
    ("{city}财政局", "city"),
    ("{city}交通运输局", "city"),
    ("{city}住房和城乡建设局", "city"),
    ("辽宁省交通运输厅", "province"),
    ("辽宁省农业农村厅", "province"),
    ("国家电网辽宁省电力有限公司", "central"),
    ("中国石油辽河油田分公司", "central"),
    ("驻辽某部", "military"),
    ("{township}人民政府", "township"),
)
WORK_TEAM_UNITS = ("省直机关", "市直机关", "县直机关", "省属企业", "高等院校")
RETURN_REASONS = ("因病返贫", "因灾返贫", "因学返贫", "务工收入下降")
