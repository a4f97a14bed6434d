"""Names for the demo data: people (Tibetan, Han, Hui) and villages, as they sound in Gannan."""

import random
from collections.abc import Callable

TIBETAN_MALE = [
    "扎西",
    "才让",
    "多杰",
    "旦正",
    "尕藏",
    "桑杰",
    "贡保",
    "洛藏",
    "完玛",
    "索南",
    "丹珠",
    "更登",
    "华旦",
    "加措",
    "东主",
    "仁青",
    "久美",
    "道吉",
    "尼玛",
    "班玛",
    "周太",
    "当周",
    "拉旦",
    "才旦",
    "昂青",
    "万德",
    "公保",
    "南杰",
    "嘉样",
    "切排",
    "卓巴",
    "桑吉",
    "闹吾",
    "多吉",
    "俄日",
    "夏吾",
    "羊本",
    "贡布",
    "拉加",
    "吉合",
]
TIBETAN_FEMALE = [
    "卓玛",
    "拉毛",
    "德吉",
    "措毛",
    "吉毛",
    "才让措",
    "央金",
    "拉姆",
    "娘吉",
    "完么",
    "三知",
    "东知",
    "李毛",
    "道吉草",
    "当知草",
    "卓玛草",
    "仁青措",
    "桑吉措",
    "尕藏草",
    "扎西草",
    "才让草",
    "周毛",
    "拉毛措",
    "贡毛",
    "更藏吉",
    "旦知",
    "德吉草",
    "索南措",
    "完玛措",
    "拉吉",
]
# Tibetan names take one or two parts; a woman's often ends in 卓玛/措/草/吉.
TIBETAN_FEMALE_ENDINGS = ["卓玛", "措", "草", "吉", "拉毛"]

HAN_SURNAMES = [
    "王",
    "李",
    "杨",
    "张",
    "刘",
    "陈",
    "赵",
    "石",
    "何",
    "后",
    "苏",
    "周",
    "牛",
    "朱",
    "高",
    "郭",
    "田",
    "罗",
    "魏",
    "董",
    "丁",
    "薛",
    "孙",
    "吴",
    "侯",
    "常",
    "卢",
    "宋",
    "冯",
    "范",
]
HAN_SURNAME_WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
HUI_SURNAMES = ["马", "丁", "敏", "冶", "穆", "韩", "杨", "马", "马", "丁"]
MALE_GIVEN_OLD = [
    "建国",
    "国强",
    "德福",
    "有福",
    "成林",
    "学文",
    "进才",
    "福生",
    "宝山",
    "占奎",
    "海军",
    "永福",
    "长青",
    "明德",
    "玉林",
    "守仁",
    "正义",
    "全忠",
    "万林",
    "发祥",
    "富贵",
    "忠",
    "林",
    "军",
    "明",
    "平",
]
FEMALE_GIVEN_OLD = [
    "秀兰",
    "桂英",
    "玉梅",
    "兰芳",
    "淑珍",
    "春梅",
    "玉兰",
    "秀英",
    "桂花",
    "菊花",
    "凤英",
    "翠兰",
    "金花",
    "改莲",
    "引弟",
    "存弟",
    "梅",
    "霞",
    "英",
    "兰",
]
MALE_GIVEN_YOUNG = [
    "志强",
    "海龙",
    "文斌",
    "小平",
    "俊杰",
    "浩然",
    "子轩",
    "宇航",
    "鹏",
    "强",
    "涛",
    "磊",
    "伟",
    "斌",
    "军辉",
    "晓东",
    "建军",
    "国栋",
    "嘉豪",
    "博文",
    "天佑",
    "宏伟",
    "继龙",
    "永强",
]
FEMALE_GIVEN_YOUNG = [
    "丽",
    "芳",
    "娟",
    "海燕",
    "艳",
    "晓燕",
    "小红",
    "欣怡",
    "雨涵",
    "梓涵",
    "佳琪",
    "婷",
    "静",
    "倩",
    "丽娟",
    "红霞",
    "玉婷",
    "思雨",
    "文静",
    "雅琪",
    "春燕",
    "亚楠",
]

TIBETAN_SYLLABLES = [
    "尕",
    "加",
    "拉",
    "卡",
    "达",
    "吉",
    "多",
    "扎",
    "曲",
    "玛",
    "贡",
    "秀",
    "唐",
    "阿",
    "哇",
    "那",
    "才",
    "旦",
    "郎",
    "尼",
    "科",
    "合",
    "木",
    "巴",
    "藏",
    "格",
    "日",
    "麻",
    "娘",
    "完",
    "措",
    "江",
    "迈",
    "久",
    "仓",
    "当",
    "果",
    "然",
    "德",
    "茂",
    "沙",
    "赛",
    "桑",
    "吾",
    "知",
    "洛",
    "欧",
    "则",
    "岔",
    "昂",
]
HAN_PLACE_HEADS = [
    "上",
    "下",
    "中",
    "东",
    "西",
    "南",
    "北",
    "前",
    "后",
    "新",
    "大",
    "小",
    "红",
    "石",
    "青",
    "白",
    "黑",
    "高",
]
HAN_PLACE_TAILS = [
    "寨",
    "庄",
    "河",
    "沟",
    "坪",
    "山",
    "湾",
    "台",
    "堡",
    "川",
    "岭",
    "坡",
    "崖",
    "滩",
    "门",
    "坝",
    "峪",
    "岔",
    "路",
    "街",
]


def person_name(rng: random.Random, ethnicity: str, male: bool, birth_year: int, surname: str | None = None) -> str:
    """A name fitting the ethnicity (Tu in Gannan carry Tibetan names), sex and generation."""
    if ethnicity in ("tibetan", "tu"):
        if male:
            if rng.random() < 0.55:
                return rng.choice(TIBETAN_MALE) + rng.choice(TIBETAN_MALE)
            return rng.choice(TIBETAN_MALE)
        r = rng.random()
        if r < 0.4:
            return rng.choice(TIBETAN_FEMALE)
        if r < 0.8:
            return rng.choice(TIBETAN_MALE) + rng.choice(TIBETAN_FEMALE_ENDINGS)
        return rng.choice(TIBETAN_MALE[:20]) + rng.choice(["卓玛", "措", "草"])
    if surname is None:
        surname = han_surname(rng, ethnicity)
    young = birth_year >= 1985
    if male:
        given = rng.choice(MALE_GIVEN_YOUNG if young else MALE_GIVEN_OLD)
    else:
        given = rng.choice(FEMALE_GIVEN_YOUNG if young else FEMALE_GIVEN_OLD)
    return surname + given


# Fresh draws before a name grows longer; a name still taken after the last is a bug, not an endless loop.
FRESH_DRAWS = 20
LAST_DRAW = 2000


def unique_name(
    rng: random.Random,
    taken: Callable[[str], bool],
    ethnicity: str,
    male: bool,
    birth_year: int,
    surname: str | None = None,
) -> str:
    """A name fitting like `person_name` that is not `taken`: fresh draws first, then longer names.

    Longer as people name themselves apart: two Tibetan names joined (扎西才让), a Han given name of
    two characters drawn apart (建林), so even a scale-100 demo finds one.
    """
    for draw in range(LAST_DRAW):
        if draw < FRESH_DRAWS:
            name = person_name(rng, ethnicity, male, birth_year, surname)
        elif ethnicity in ("tibetan", "tu"):
            name = person_name(rng, ethnicity, True, birth_year) + person_name(rng, ethnicity, male, birth_year)
        else:
            given = MALE_GIVEN_OLD + MALE_GIVEN_YOUNG if male else FEMALE_GIVEN_OLD + FEMALE_GIVEN_YOUNG
            name = (surname or han_surname(rng, ethnicity)) + rng.choice(given)[0] + rng.choice(given)[-1]
        if not taken(name):
            return name
    raise RuntimeError(f"no free name after {LAST_DRAW} draws ({ethnicity}, {birth_year})")


def han_surname(rng: random.Random, ethnicity: str) -> str:
    if ethnicity == "hui":
        return rng.choice(HUI_SURNAMES)
    return rng.choices(HAN_SURNAMES, weights=HAN_SURNAME_WEIGHTS)[0]


def village_name(rng: random.Random, tibetan: bool) -> str:
    """A village name without the 村 suffix."""
    if tibetan:
        n = 2 if rng.random() < 0.8 else 3
        return "".join(rng.sample(TIBETAN_SYLLABLES, n))
    r = rng.random()
    if r < 0.4:
        return rng.choices(HAN_SURNAMES, weights=HAN_SURNAME_WEIGHTS)[0] + "家" + rng.choice(HAN_PLACE_TAILS)
    if r < 0.8:
        return rng.choice(HAN_PLACE_HEADS) + rng.choice(HAN_PLACE_TAILS)
    return rng.choice(HAN_PLACE_HEADS) + rng.choice(HAN_PLACE_TAILS) + rng.choice(["子", "头", "口", "里"])
