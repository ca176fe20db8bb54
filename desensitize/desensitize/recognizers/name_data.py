"""Data behind the name detectors: surnames, given-name character statistics and the
words that are not names. Everything comes from installed packages or this folder
(nothing is downloaded):

* surnames: the single and compound surnames of 百家姓 and the common modern ones
  (``SURNAMES_COMMON`` are the ~300 that cover nearly the whole population; the rest,
  in ``SURNAMES_RARE``, count only where the text says a person is meant);
* given-name character statistics: the emission probabilities of jieba's part-of-speech
  HMM (``jieba/posseg/prob_emit.py``, trained on the People's Daily corpus) for the
  middle and end characters of person names (states M-nr, E-nr);
* ordinary words: jieba's dictionary (``jieba/dict.txt``, word, frequency, tag): a
  two-character word right after a candidate's last character ("感谢" in
  "感谢程林医生", "出示" in "李娜出示") tells where the name ends or starts, and a
  candidate that is itself a common non-name word (高速, 方案) is not a name;
* place names: the administrative divisions shipped in ``data/admin_divisions.csv``
  with and without their suffix (张家界, 高新区 are not people).

Loaded lazily once per process (~0.7 s), before the table workers fork.
"""
from __future__ import annotations

import functools
import os

# common surnames (about 300: nearly all of the population)
SURNAMES_COMMON = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    "明佘池查麻苑迟邝萧傅阎赖洪官封谈匡鞠惠荆乐冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼闻厉伊仝郜阚权帅屠朴"
    "练廉禹祖漆巴丰支卿狄计索宣晋初扈晁芮阙戈伏鹿薄邸雍辜羊乌裘亓修邰赫杭况宿鲜逯隆茹诸慕危亢嵇湛宾戎"
    "勾茅揭尉冶檀昝幸奉植衡富尧闭蓝"
    # the same surnames in traditional characters (Taiwan, Hong Kong and Macau residents' papers)
    "張陳劉黃趙吳孫馬鄭謝韓馮鄧蕭葉蘇呂盧鍾鐘譚陸範賈韋鄒賀顧龔萬錢嚴湯賴許楊羅龍聶鄔龐蔣閆莊簡顏藍連紀溫齊喬"
    "鄔廖滕薛閻關華傅蔡貝費淩歐盧鮑陽邱鄺邵蘇溫葉鄒"
)
# rare or word-like single surnames (百家姓 and others): only after a role word
SURNAMES_RARE = (
    "南原盘满位区海花强豆盖井平国相门云容敬来都普浦阿母那印战玉银公哈利呼居干但斯元束衣信展阴智由"
    "伯赏墨哈谯笪年爱仉督岳帅缑亢况后有琴商牟佘佴伯赏南宫墨哈谯笪年爱阳佟第五言福"
    # the rest of 百家姓 (but characters that are mostly function words: 於 能 经 家 通…)
    "水昌凤酆贝贲钮滑荀羿汲邴糜松弓牧隗山宓蓬郗仰秋钭韶蓟怀鄂咸籍鬱苍莘贡逄扶堵宰郦卻璩濮寿郏习宦鱼慎庾暨弘禄东殳沃蔚越夔厍融訾毋乜巢蒯红竺桓"
)
SURNAMES_COMPOUND = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "夏侯", "令狐", "宇文",
    "司徒", "端木", "南宫", "西门", "百里", "呼延", "轩辕", "澹台", "申屠", "万俟", "闻人", "太史", "濮阳",
    "淳于", "单于", "公冶", "宗政", "仲孙", "钟离", "鲜于", "闾丘", "司空", "亓官", "司寇", "子车", "颛孙",
    "壤驷", "公良", "漆雕", "乐正", "宰父", "谷梁", "拓跋", "夹谷", "轩辕", "段干", "百里", "东郭", "南门",
    "羊舌", "微生", "梁丘", "左丘", "东门", "西门", "第五", "公西", "巫马", "公羊", "赫连", "独孤", "完颜",
    "歐陽", "司馬", "諸葛", "東方", "尉遲", "長孫", "軒轅", "鍾離", "鮮于", "閭丘", "南宮", "司徒", "上官", "皇甫",
)
SURNAMES_COMPOUND = tuple(dict.fromkeys(SURNAMES_COMPOUND))
SURNAMES_ALL = "".join(dict.fromkeys(SURNAMES_COMMON + SURNAMES_RARE))

# the last character of a place, organization or thing, never of a given name here
NOT_NAME_ENDINGS = set("区县市省镇乡村路街巷局院所厅站馆校厂店司委办处科队部会社园场港湾桥城州号楼室组栋祠庙寺殿塔坡岛证卡")
# surname-initial words that are not names and that the dictionary may not know
EXTRA_NOT_NAMES = {
    "王老吉", "高新区", "高速", "高铁", "张家界", "王府井", "白云", "黄山", "马鞍山", "石家庄", "周口",
    "金华", "常州", "江山", "东方明珠", "李宁", "华为", "林业", "程序", "文化", "明天", "方案", "任务",
    "严格", "于是", "向社会", "杨柳青", "高峰", "万一", "宋体", "钱塘", "史料", "许可", "常住", "段落",
    "鲁菜", "安全", "贺岁", "毛巾", "孔雀", "马上", "龙头", "金融", "张贴", "司法", "诸葛镇", "东方红",
    "公安", "管理", "关于", "经过", "通过", "江南", "武装", "和平", "平安", "全部", "全体", "成都", "包括",
    "应当", "应急", "车辆", "车主", "车牌", "时间", "时候", "路口", "路段", "单位", "单元", "房屋", "房东",
    "黄金", "白天", "傅立叶", "区域", "海关", "国家", "国务院", "都市", "信息", "信访", "元旦", "由于",
    "解放", "解决", "施工", "卫生", "卫健委", "毕业", "商户", "商品", "商铺", "沙发", "项目", "简易",
    "党员", "党委", "宫颈", "席位", "冷库", "宗教", "司机", "师傅", "景区", "邮政", "农村", "农业", "农民",
    "苗木", "谷物", "曲线", "路灯", "游客", "游乐", "柴油", "蒙古", "华北", "喻义", "房产", "房租",
    "许可证", "杨柳", "杨柳青", "宋体字", "钱塘江", "屈服", "艾滋", "尤其", "阳台", "阳光", "时段", "穆斯林", "卓越", "古镇", "吉林", "连续", "麦当劳",
}
ROLE_LIKE = {"人员", "先生", "女士", "同志", "老师", "医生", "警官"}
# the 24 solar terms (谷雨 is a cell of its own in calendars); a whole candidate only:
# 谷雨伟 is a name
SOLAR_TERMS = {
    "立春", "雨水", "惊蛰", "春分", "清明", "谷雨", "立夏", "小满", "芒种", "夏至", "小暑", "大暑", "立秋", "处暑",
    "白露", "秋分", "寒露", "霜降", "立冬", "小雪", "大雪", "冬至", "小寒", "大寒",
}


def _package_file(module, *parts) -> str:
    return os.path.join(os.path.dirname(module.__file__), *parts)


class _JiebaWords:
    """{word: (frequency, tag)} for jieba's words of 2–4 characters, read from the
    tables jieba itself holds once loaded (its prefix dictionary and the tagger's tag
    table) rather than from a third copy of dict.txt: that copy cost ~66 MB in every
    process that publishes a file (the worker's memory bound is a test)."""

    def __init__(self) -> None:
        import logging

        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        self._freq = jieba.dt.FREQ          # words and their prefixes (frequency 0)
        self._tag = jieba.posseg.dt.word_tag_tab

    def get(self, word: str, default=None):
        if 2 <= len(word) <= 4:
            freq = self._freq.get(word)
            if freq:
                return freq, self._tag.get(word, "x")
        return default

    def items(self):
        for word, tag in self._tag.items():
            if 2 <= len(word) <= 4 and self._freq.get(word):
                yield word, (self._freq[word], tag)


@functools.lru_cache(maxsize=1)
def dictionary() -> _JiebaWords:
    """{word: (frequency, tag)} for jieba's words of 2–4 characters (``get``/``items``)."""
    return _JiebaWords()


PERSON_TAGS = ("nr", "nrfg", "nrt")
ORDINARY = 20
STRICT_WORD = 100  # a word seen this often is no name where no context word says so
FUNCTION_TAGS = ("v", "c", "d", "p", "r", "u", "f", "ad", "q", "m", "y", "e", "o")


class _OrdinaryWords:
    """``word in ordinary_words()``: answered from jieba's tables per lookup instead of
    a set built over the whole dictionary (~350,000 entries, 0.25 CPU s per process)."""

    __slots__ = ("_words",)

    def __init__(self, words: _JiebaWords) -> None:
        self._words = words

    def __contains__(self, word) -> bool:
        if not isinstance(word, str) or not 2 <= len(word) <= 3:
            return False
        freq, tag = self._words.get(word, (0, ""))
        return freq >= ORDINARY and tag not in PERSON_TAGS


@functools.lru_cache(maxsize=1)
def ordinary_words() -> _OrdinaryWords:
    """Two- and three-character words of the dictionary that are not person names,
    seen often enough (frequency >= ORDINARY) to be ordinary words (jieba's dictionary
    also holds many rare fragments of names: 金程, 许天). Supports ``in`` only."""
    return _OrdinaryWords(dictionary())


@functools.lru_cache(maxsize=1)
def place_names() -> frozenset:
    from .address import division_names

    names = set()
    for level in division_names().values():
        for name in level:
            names.add(name)
            for suffix in ("特别行政区", "自治区", "自治州", "自治县", "地区", "新区", "林区", "省", "市", "区", "县", "盟", "旗"):
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    names.add(name[: -len(suffix)])
                    break
    return frozenset(names)


RARE_CHAR = -10.0  # best log-probability in jieba's word HMM below which a character is rare


@functools.lru_cache(maxsize=1)
def _char_commonness() -> dict:
    """{character: best emission log-probability in jieba's word-segmentation HMM}
    (``jieba/finalseg/prob_emit.py``, trained on a large general corpus): how common a
    character is in running text, whatever word it is part of."""
    from jieba.finalseg import prob_emit

    best: dict = {}
    for table in prob_emit.P.values():
        for ch, logp in table.items():
            if logp > best.get(ch, -99.0):
                best[ch] = logp
    return best


@functools.lru_cache(maxsize=20_000)
def given_char_score(ch: str) -> float:
    """How name-like ``ch`` is as a given-name character: its best log-probability in
    jieba's person-name HMM, or, for a rare character that the HMM barely saw (祎, 玥,
    骁, 熠: modern names are full of them, the People's Daily corpus was not), -9.0 —
    a rare character right after a surname is far more often a name than a word."""
    logp = given_char_logp().get(ch, -99.0)
    if logp > -9.0:
        return logp
    if "\u4e00" <= ch <= "\u9fa5" and _char_commonness().get(ch, -99.0) < RARE_CHAR:
        return -9.0
    return logp


@functools.lru_cache(maxsize=1)
def given_char_logp() -> dict:
    """{character: best log-probability as the middle or last character of a person
    name} from jieba's part-of-speech HMM."""
    from jieba.posseg import prob_emit

    best: dict = {}
    for (state, tag), table in prob_emit.P.items():
        if tag in PERSON_TAGS and state in ("M", "E"):
            for ch, logp in table.items():
                if logp > best.get(ch, -1e9):
                    best[ch] = logp
    return best


def surname_of(candidate: str, rare: bool = True) -> str:
    """The surname a candidate starts with ('' if none): compound first."""
    if candidate[:2] in SURNAMES_COMPOUND:
        return candidate[:2]
    ch = candidate[:1]
    if ch and (ch in SURNAMES_COMMON or (rare and ch in SURNAMES_RARE)):
        return ch
    return ""


@functools.lru_cache(maxsize=200_000)
def not_a_name(candidate: str) -> bool:
    """A word, place or thing rather than a person (whatever the context)."""
    if candidate in EXTRA_NOT_NAMES or candidate in ROLE_LIKE or candidate in SOLAR_TERMS:
        return True
    if candidate[-1] in NOT_NAME_ENDINGS:
        return True
    words = ordinary_words()
    if candidate in words or candidate in place_names():
        return True
    return False


@functools.lru_cache(maxsize=200_000)
def plausible_name(candidate: str, strict: bool = False, rare: bool = False) -> bool:
    """Whether ``candidate`` (surname + 1–2 given characters) reads as a person's name
    with no context word to say so: a known surname, no ordinary word or place, every
    given character seen in names often enough (stricter with ``strict``)."""
    surname = surname_of(candidate, rare)
    given = candidate[len(surname):]
    if not surname or not 1 <= len(given) <= 2:
        return False
    if not_a_name(candidate):
        return False
    if len(given) == 2 and (candidate[:2] in ordinary_words() or candidate[:2] in EXTRA_NOT_NAMES) \
            and len(surname) == 1 and dictionary().get(candidate, (0, ""))[1] not in PERSON_TAGS:
        return False  # 高新区, 张家界: the first two characters are a word
    if len(given) == 2 and given in EXTRA_NOT_NAMES:
        return False
    if strict and dictionary().get(candidate, (0, ""))[0] >= STRICT_WORD:
        return False  # with no context word, a frequent word tagged as a name (陈列, 顾问, 宁静) is a word
    if len(given) == 2:
        freq, tag = dictionary().get(given, (0, ""))
        if freq >= 100 and tag in FUNCTION_TAGS:
            return False  # 代为, 对于: a function word or verb is no given name
    floor = -9.5 if strict else -11.5
    return all(given_char_score(ch) > floor for ch in given)
