"""Chinese personal names: a family name from the common-surname list plus one or two
given-name characters, found where the text says it is a person.

A bare two- or three-character run starting with a common surname is far too often an
ordinary word (高新区, 任务, 方案), so a name is taken only in a person context:
after a role word (姓名, 联系人, 申请人…), before an honorific (先生, 女士…), or
before a person predicate (来电, 反映, 的身份证, ，男…). Whole cells of a 姓名 column
are classified by shape instead (see ``cell_regex``).
"""
from __future__ import annotations

import bisect
import re

from presidio_analyzer import Pattern

from .base import ChineseRecognizer

SINGLE_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    "明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "夏侯", "令狐", "宇文", "司徒", "端木", "南宫", "西门", "百里", "呼延", "轩辕",
)
_SURNAME = "(?:" + "|".join(COMPOUND_SURNAMES) + f"|[{SINGLE_SURNAMES}])"
_HAN = "[\u4e00-\u9fa5]"
NAME_REGEX = _SURNAME + _HAN + "{1,2}"

ROLE_WORDS = (
    "姓名", "联系人", "申请人", "投诉人", "举报人", "户主", "患者", "经办人", "当事人", "收件人",
    "寄件人", "办理人", "法定代表人", "负责人", "业主", "租户", "监护人", "代理人", "签收人",
    "家属", "报案人", "来访人", "借款人", "驾驶人", "车主", "持卡人", "受理人", "求助人", "居民",
    "来访人员", "工作人员", "经办", "复核", "审核人", "审批人", "填报人", "记录人", "签字人",
)
HONORIFICS = ("先生", "女士", "同志", "老师", "医生", "师傅", "阿姨", "老人", "同学", "大爷")
PREDICATES = (
    "来电", "来访", "反映", "称", "表示", "申请", "投诉", "咨询", "办理", "签字", "报称",
    "的身份证", "的手机", "的电话", "的联系电话", "的住址", "家住", "住在", "现住", "户籍",
    "，男", "，女", ",男", ",女", "（男", "（女", "(男", "(女",
)
# Characters that open a clause and are also surnames (和, 向, 于…): "和王芳女士" is "和" + a name.
_CLAUSE_SURNAMES = "和向于与同及对被把由给让请"


def _alternation(words) -> str:
    return "|".join(re.escape(word) for word in words)


_PREDICATE = _alternation(PREDICATES) + r"|于\d"  # "王芳于2024年…", not "任务于…"
_ROLE_PREFIX = "(?:" + _alternation(ROLE_WORDS) + r")[:：为是]?\s?"
# after a role word the name may run straight into the next field ("联系人张伟电话…")
FIELD_WORDS = ("电话", "手机", "身份证", "住址", "地址", "联系", "年龄", "性别", "出生", "籍贯", "户籍", "现住", "证件")
_STOP = (
    r"(?=$|[^\u4e00-\u9fa5]|"
    + _alternation(HONORIFICS + FIELD_WORDS)
    + "|"
    + _PREDICATE
    + ")"
)


class PersonNameRecognizer(ChineseRecognizer):
    ENTITY = "CN_PERSON_NAME"
    HEADER_HINTS = ("姓名", "名字", "联系人", "申请人", "户主", "name")
    prefilter = _alternation(ROLE_WORDS + HONORIFICS) + "|" + _PREDICATE
    cell_regex = NAME_REGEX
    score = 0.7

    def __init__(self):
        not_clause = f"(?![{_CLAUSE_SURNAMES}]{_SURNAME}{_HAN})"
        super().__init__(
            [
                Pattern("name_after_role", _ROLE_PREFIX + "(?P<pii>" + NAME_REGEX + ")" + _STOP, 0.8),
                # after a role word, a three-character name may run into any next word
                # ("当事人谷春敏持护照"); tried only where the pattern above found nothing
                Pattern("name_after_role_3", _ROLE_PREFIX + "(?P<pii>" + _SURNAME + _HAN + "{2})", 0.6),
                Pattern(
                    "name_before_honorific",
                    not_clause + NAME_REGEX + "(?=" + _alternation(HONORIFICS) + ")",
                    0.7,
                ),
                Pattern(
                    "name_before_predicate",
                    not_clause + NAME_REGEX + "(?=" + _PREDICATE + ")",
                    0.6,
                ),
            ]
        )

    def validate_result(self, pattern_text: str) -> bool:
        # the given name must not repeat the surname's clause characters only
        return len(pattern_text) >= 2

    # what a cell must contain for each pattern to match in it (RE2; \\p{Nd} is what
    # Python's \\d matches): the table path runs each pattern on those cells only
    _ANCHORS = (_alternation(ROLE_WORDS),) * 2 + (
        _alternation(HONORIFICS), _alternation(PREDICATES) + r"|于\p{Nd}")

    def find(self, text):
        return self._merge(self._spans_of(compiled, text) for compiled in self._compiled)

    def find_joined(self, text):
        """``find`` over cells joined by NUL, each pattern run only on the cells that
        hold its anchor (role word, honorific, predicate; no pattern reaches over a
        NUL), its matches mapped back to positions in ``text``: the same spans."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        cells = text.split("\x00")
        if len(cells) < 64:
            return self.find(text)
        starts = np.zeros(len(cells), dtype=np.int64)
        np.cumsum([len(c) + 1 for c in cells[:-1]], out=starts[1:])
        array = pa.array(cells, type=pa.large_string())

        def spans(compiled, anchor):
            positions = np.flatnonzero(pc.match_substring_regex(array, anchor).to_numpy(zero_copy_only=False))
            if not len(positions):
                return []
            found = self._spans_of(compiled, "\x00".join([cells[p] for p in positions.tolist()]))
            if not found:
                return []
            local = np.zeros(len(positions), dtype=np.int64)
            np.cumsum([len(cells[p]) + 1 for p in positions[:-1].tolist()], out=local[1:])
            begin = np.array([s for s, _ in found], dtype=np.int64)
            cell = np.searchsorted(local, begin, side="right") - 1
            shift = (starts[positions[cell]] - local[cell]).tolist()
            return [(s + d, e + d) for (s, e), d in zip(found, shift)]

        return self._merge(spans(compiled, anchor) for compiled, anchor in zip(self._compiled, self._ANCHORS))

    @staticmethod
    def _spans_of(compiled, text):
        if "pii" in compiled.groupindex:
            return [m.span("pii") for m in compiled.finditer(text)]
        return [m.span() for m in compiled.finditer(text)]

    def _merge(self, per_pattern):
        # patterns are in order of trust: a later one only adds names where no
        # earlier one found an overlapping name. Matches of one pattern never overlap
        # each other, so each pattern's names are checked (by bisection) against the
        # names kept so far and merged in afterwards: linear in the names, since the
        # table path runs this over many cells joined together.
        starts: list = []
        ends: list = []
        for found in per_pattern:
            new_starts, new_ends = [], []
            for start, end in found:
                if starts:
                    i = bisect.bisect_left(starts, start)
                    if (i < len(starts) and starts[i] < end) or (i > 0 and ends[i - 1] > start):
                        continue
                new_starts.append(start)
                new_ends.append(end)
            if new_starts:
                if starts:
                    merged = sorted(zip(starts + new_starts, ends + new_ends))
                    starts, ends = [m[0] for m in merged], [m[1] for m in merged]
                else:
                    starts, ends = new_starts, new_ends
        return [(s, e, self.ENTITY, 1.0) for s, e in zip(starts, ends)]
