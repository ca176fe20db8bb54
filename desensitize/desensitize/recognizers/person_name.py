"""Chinese personal names: a family name plus one or two given-name characters, found
where the text says it is a person, or where the characters read as a name alone.

A bare two- or three-character run starting with a surname is far too often an
ordinary word (高新区, 任务, 方案), so a name is taken:

* after a role or relation word (the genres' own: 当事人, 申请人, 被申请人, 法定代表人,
  原告, 被告, 委托诉讼代理人, 审判长, 收件人, 户主, 配偶, 长子, 其母…), with any surname
  of the complete list (rare ones too);
* before a title (先生, 女士, 警官, 主任, 医生…) or a person predicate (来电, 反映,
  签收, 于 + date, ，男…), with a common surname, if the candidate is a plausible name;
* after an English label (Name:, Contact:, Applicant:, Recipient:…);
* alone in a cell (spaces around it or a bracketed note after it allowed);
* next to a name already found, in a list or pair (张三、李四和王五; 张三与李四).

"Plausible" (``name_data.plausible_name``): not an ordinary dictionary word, place or
thing, and every given character seen in names in jieba's HMM statistics. Where two or
three given characters are possible, a dictionary word straddling the end ("李娜出示")
or the start ("感谢程林医生") decides. Whole cells of a 姓名 column are classified by
shape instead (see ``cell_regex``).
"""
from __future__ import annotations

import bisect
import functools
import re

from presidio_analyzer import Pattern

from .base import ChineseRecognizer
from .name_data import (
    SURNAMES_ALL, SURNAMES_COMMON, SURNAMES_COMPOUND, not_a_name, ordinary_words, plausible_name, surname_of,
)

SINGLE_SURNAMES = SURNAMES_COMMON
COMPOUND_SURNAMES = SURNAMES_COMPOUND
_SURNAME = "(?:" + "|".join(COMPOUND_SURNAMES) + f"|[{SINGLE_SURNAMES}])"
_ANY_SURNAME = "(?:" + "|".join(COMPOUND_SURNAMES) + f"|[{SURNAMES_ALL}])"
_HAN = "[\u4e00-\u9fa5]"
NAME_REGEX = _SURNAME + _HAN + "{1,2}"
_ANY_NAME = _ANY_SURNAME + _HAN + "{1,2}"

ROLE_WORDS = (
    # forms, registers, hotline orders
    "姓名", "名字", "联系人", "联络人", "对接人", "申请人", "申报人", "投诉人", "被投诉人", "举报人", "被举报人",
    "户主", "患者", "病人", "经办人", "当事人", "收件人", "收货人", "寄件人", "发件人", "代收人", "办理人",
    "法定代表人", "法人代表", "负责人", "责任人", "业主", "租户", "房东", "承租人", "出租人", "监护人",
    "被监护人", "代理人", "委托代理人", "签收人", "家属", "报案人", "报警人", "来访人", "来电人", "诉求人",
    "反映人", "求助人", "借款人", "贷款人", "担保人", "保证人", "驾驶人", "驾驶员", "车主", "持卡人",
    "持有人", "受理人", "承办人", "居民", "村民", "市民", "来访人员", "工作人员", "执法人员", "值班人员",
    "迁入人员", "经办", "复核", "审核人", "复核人", "审批人", "批准人", "签发人", "填报人", "填表人",
    "记录人", "签字人", "检查人", "询问人", "被询问人", "见证人", "陈述人", "录入人", "操作员", "管理员",
    "快递员", "配送员", "网格员", "受益人", "投保人", "被保险人", "继承人", "委托人", "受托人", "收款人",
    "付款人", "开户人", "户名", "旅客", "乘客", "学生", "职工", "员工", "带班领导", "获奖名单", "名单",
    "参会人员", "随行人员", "人员", "成员", "同意", "批准", "任命", "推荐",
    # court judgments
    "原告", "被告", "被告人", "上诉人", "被上诉人", "申诉人", "被申诉人", "再审申请人", "被申请人",
    "第三人", "证人", "被害人", "犯罪嫌疑人", "罪犯", "被执行人", "申请执行人", "委托诉讼代理人",
    "诉讼代理人", "法定代理人", "辩护人", "审判长", "审判员", "人民陪审员", "陪审员", "书记员",
    "法官助理", "执行员",
    # relations (household registers, judgments)
    "配偶", "丈夫", "妻子", "之夫", "之妻", "长子", "次子", "三子", "长女", "次女", "三女", "儿子", "女儿",
    "之子", "之女", "之母", "之父", "其子", "其女", "其母", "其父", "其妻", "其夫", "父亲", "母亲", "祖父",
    "祖母", "外祖父", "外祖母", "孙子", "孙女", "外孙", "哥哥", "姐姐", "弟弟", "妹妹", "儿媳", "女婿",
    "随母亲", "随父亲",
    # issue #13, second pass: 信访 / 网格 / 村务公开 / clinic / contract / register genres
    "信访人", "上访人", "来信人", "来访群众", "群众", "接访领导", "接访人员", "接待人", "接访人", "接线员",
    "话务员", "回访人", "走访对象", "帮扶对象", "帮扶人", "帮扶责任人", "结对帮扶人", "包村干部", "驻村干部",
    "第一书记", "村支书", "支书", "村主任", "村委会主任", "楼栋长", "单元长", "网格长", "网格员", "信息员",
    "低保户", "五保户", "特困户", "困难户", "贫困户", "脱贫户", "监测户", "边缘户", "补助对象", "救助对象",
    "资助对象", "慰问对象", "发放对象", "领取人", "领款人", "经手人", "缴款人", "交款人", "报销人", "制表人",
    "制单人", "核对人", "审查人", "主办人", "协办人", "拟稿人", "核稿人", "签批人", "报送人", "出席", "列席",
    "缺席", "主持", "主持人", "记录", "制表", "审核", "审批", "核稿", "拟稿", "校对", "出票人",
    "就诊人", "陪同人", "陪同人员", "主治医师", "主治医生", "接诊医生", "医师", "护士长", "护师", "药师",
    "主管医生", "床位医生", "大夫", "家长", "学生家长", "班主任", "辅导员",
    "甲方", "乙方", "丙方", "出卖人", "买受人", "卖方", "买方", "转让人", "受让人", "转让方", "受让方",
    "赠与人", "受赠人", "债权人", "债务人", "抵押人", "抵押权人", "出质人", "质权人", "发包方", "承包方",
    "发包人", "承包人", "出租方", "承租方", "雇主", "雇员", "劳动者", "调解员", "调解人", "仲裁员", "鉴定人",
    "公证员", "签约人", "签署人", "授权人", "被授权人", "代表人", "股东", "监事", "董事", "执行董事", "出纳",
    "店主", "经营者", "业户", "摊主", "房主", "产权人", "权利人", "义务人", "共有人", "被征收人", "被拆迁人",
    "死者", "伤者", "受害人", "肇事者", "肇事司机", "违法行为人", "违法嫌疑人", "嫌疑人", "涉案人员",
    "被处罚人", "被检查人", "被调查人", "调查人", "主办民警", "值班民警", "接警员", "客户", "用户", "会员",
    "住户", "住客", "入住人", "预订人", "订票人", "购票人", "购买人", "购房人", "乘车人", "取件人", "派件员",
    "揽件员", "骑手", "司机", "推荐人", "介绍人", "邀请人", "联络员", "通讯员", "分管领导", "主要负责人",
    "独居老人", "老人", "本人", "亲属", "近亲属", "邻居", "同事", "朋友",
    "公公", "婆婆", "岳父", "岳母", "叔叔", "舅舅", "侄子", "侄女", "外甥", "外甥女", "前妻", "前夫", "爱人",
    "继父", "继母", "养父", "养母", "四子", "幼子", "养子", "继子", "之孙", "之兄", "之弟", "之姐", "之妹",
    "其妻子", "其丈夫", "其儿子", "其女儿", "其兄", "其弟", "其姐", "其妹", "其孙", "其孙子", "其孙女",
    # posts before a name
    "主任", "局长", "科长", "处长", "所长", "队长", "站长", "院长", "校长", "书记", "经理", "董事长",
    "总经理", "厂长", "村长", "组长", "社长", "医生", "护士", "民警", "辅警", "警官", "法官", "检察官",
    "律师", "教师", "老师", "记者", "专员", "社工", "联络员", "安全员", "信息员", "驾驶员",
)
ROLE_WORDS = tuple(dict.fromkeys(ROLE_WORDS))
HONORIFICS = (
    "先生", "女士", "同志", "老师", "医生", "警官", "主任", "律师", "法官", "护士", "师傅", "阿姨", "老人",
    "同学", "大爷", "大妈", "局长", "科长", "处长", "所长", "队长", "站长", "院长", "校长", "书记", "经理",
    "董事长", "总经理", "厂长", "村长", "组长", "教授", "博士", "工程师", "会计", "小朋友", "老先生",
    "老太太", "夫妇", "一家",
    "大夫", "小姐", "太太", "夫人", "老板", "主席", "副主任", "副局长", "副书记", "部长", "厅长", "市长", "县长",
    "区长", "镇长", "乡长", "副镇长", "干事", "科员", "专干", "教练", "会长", "秘书长", "主管", "总监", "园长",
    "医师", "主治医师", "护士长", "大姐", "大哥", "大叔", "大娘", "奶奶", "爷爷", "婆婆", "伯伯", "叔叔",
    "户主", "家属", "等户", "户，", "户 ", "一户", "夫妻", "母子", "母女", "父子", "父女", "二人", "两人", "三人",
)
PREDICATES = (
    "来电", "来访", "反映", "称", "表示", "申请", "投诉", "咨询", "办理", "签字", "报称", "签收", "出示",
    "出庭", "作证", "到庭", "驾车", "驾驶", "持有", "持", "因", "诉称", "辩称", "现年", "系", "与", "等人",
    "批示", "登录", "修改", "参加", "走失", "经本院", "未到庭", "长期", "对违法", "之子", "之女", "之妻",
    "之夫", "之母", "之父", "为被监护人", "为其", "代为", "本人",
    "的身份证", "的手机", "的电话", "的联系电话", "的住址", "家住", "住在", "现住", "户籍",
    "，男", "，女", ",男", ",女", "（男", "（女", "(男", "(女",
    " 男", " 女", "\t男", "\t女", "家中", "家里", "名下", "的丈夫", "的妻子", "的儿子", "的女儿", "的父亲", "的母亲",
    "的家属", "的房屋", "的账户", "签名", "按手印", "到场", "在场", "拨打", "致电", "来信", "上访", "自述", "主诉",
    "就诊", "入院", "出院", "报警", "报案", "名下", "居住", "现居", "出生", "生于", "担任", "负责", "等户",
)
VERBS = (
    "告知", "通知", "约谈", "询问", "走访", "慰问", "答复", "回复", "转告", "联系上", "电话联系", "致电", "面见",
    "会见", "接待", "陪同", "协助", "委托", "授权", "指派", "安排", "交由", "移交", "送达", "传唤", "拘留", "处罚",
    "看望", "探望", "护送", "资助", "帮扶", "救助", "表彰", "奖励", "批评", "警告", "任命", "聘任", "聘请", "选举",
    "推选", "提名", "免去", "撤销", "开除", "录用", "招聘", "雇佣", "雇用", "收养", "抚养", "赡养", "照顾", "照料",
    "嫁给", "起诉", "控告", "举报", "投诉", "殴打", "打伤", "辱骂", "威胁", "欺骗", "诈骗", "拖欠",
    "借给", "转账给", "支付给", "交给", "告诉", "找到",
)
# Characters that open a clause and are also surnames (和, 向, 于…): "和王芳女士" is "和" + a name.
_CLAUSE_SURNAMES = "和向于与同及对被把由给让请经代随将"
ENGLISH_LABELS = (
    "name", "full name", "contact person", "contact", "applicant", "recipient", "consignee", "sender",
    "attn", "holder", "owner", "patient", "legal representative", "representative", "complainant",
    "guardian", "driver", "passenger", "user", "operator", "reviewer", "approver", "handled by",
    "customer", "client", "guest", "visitor", "caller", "reporter", "employee", "staff", "officer", "doctor",
    "dr.", "mr.", "mrs.", "ms.", "miss", "mr", "mrs", "ms", "dr", "student", "tenant", "landlord", "buyer", "seller",
    "payer", "payee", "beneficiary", "account name", "account holder", "cardholder", "insured", "policyholder",
    "signed by", "received by", "prepared by", "checked by", "approved by", "submitted by", "reported by",
    "assigned to", "emergency contact", "next of kin", "spouse", "father", "mother", "husband", "wife", "son",
    "daughter", "person in charge", "legal person", "inspector", "handler", "agent", "witness", "plaintiff",
    "defendant", "judge", "clerk", "nurse", "teacher", "interviewee", "respondent", "resident", "householder",
    "head of household", "member", "participant", "attendee", "username", "real name", "realname", "nickname",
    "contact name", "applicant name", "name of applicant", "surname", "given name", "first name", "last name",
)


def _alternation(words) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_PREDICATE = (_alternation(PREDICATES) + r"|于\d"  # "王芳于2024年…", not "任务于…"
              + r"|等\d{1,3}人|等[二两三四五六七八九十]人")
_ROLE_PREFIX = ("(?:" + _alternation(ROLE_WORDS) + r")(?:[（(][\u4e00-\u9fa5]{1,4}[）)])?"
                r"(?:[:：]\s{0,2}|[为是]|\s{1,3}|)")
# after a role word the name may run straight into the next field ("联系人张伟电话…")
FIELD_WORDS = ("电话", "手机", "身份证", "住址", "地址", "联系", "年龄", "性别", "出生", "籍贯", "户籍", "现住",
               "证件", "职务", "服务", "工作", "住所")
_STOP = (
    r"(?=$|[^\u4e00-\u9fa5]|"
    + _alternation(HONORIFICS + FIELD_WORDS + ROLE_WORDS)
    + "|"
    + _PREDICATE
    + ")"
)
_ENGLISH = (r"(?i:(?<![A-Za-z])(?:" + _alternation(ENGLISH_LABELS) + r"))(?![A-Za-z])[\"']?\s*"
            r"(?:[:：=]|-{1,2}|No\.?)?\s*[\"'“‘]?\s*")
_SPACE = "[ \t\u3000]"
# list and pair continuation after a name: 、 ， / 和 与 及 跟 同 or spaces
_CONTINUE = re.compile(r"(?:[、，,/;；]|[和与及跟同]|" + _SPACE + "{1,3})" + _SPACE + "?(?P<pii>" + _ANY_NAME + ")")

# pattern order = trust order (see _merge); per pattern: how a match is validated
#   role: after a role word: any surname; trimmed; refused only if it is an ordinary word
#   plain: plausible with a common surname
_ALONE = re.compile(
    r"(?<![^\x00\n])" + _SPACE + "*(?P<pii>" + _ANY_NAME + ")(?:" + _SPACE
    + r"*(?:[（(][\u4e00-\u9fa5]{1,6}[）)])?" + _SPACE + r"*(?![^\x00\n])|(?=[，,、；;：:]))")


# a name between delimiters (spaces, list separators, a label's colon, a bracketed note
# after it): "一组 许霞 二组 樊英", "宋梓 1200元", "出席：曲轩曦、殷宁"; strict plausibility
_DELIM_BEFORE = r"\s\x00/、，,；;：:|"
_TOKEN = re.compile(
    r"(?:(?<=[" + _DELIM_BEFORE + r"])|^)(?P<pii>" + _ANY_NAME + r")(?=[\s\x00/、，,；;|（(]|$)")
# transliterated names (Uyghur, Tibetan, foreign) joined by a middle dot: 阿依古丽·买买提
_DOT_NAME = re.compile(r"(?<![\u4e00-\u9fa5])(?P<pii>[\u4e00-\u9fa5]{1,6}[·•・．][\u4e00-\u9fa5]{1,8})")
# pinyin names after an English label: "Name: ZHANG Wei", "Guest: Jianhua Wang"
PINYIN_SURNAMES = frozenset((
    "zhang wang li liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin luo zheng liang xie song tang han "
    "feng deng cao peng zeng xiao tian dong pan yuan jiang cai du ye cheng su wei lv lu ding ren shen yao cui zhong "
    "tan fan jin shi liao jia xia fu fang bai zou meng xiong qin qiu yin xue yan duan lei hou long tao li gu mao "
    "hao gong shao qian wan dai mo kong xiang chang kang shi wen niu ge xing an qi qiao wu pang ni zhuang nie zhang "
    "lu yue zhai yin zhan shen ou geng guan lan jiao yu zuo liu gan zhu bao ning shang fu shu ruan ke ji mei tong "
    "ling bi shan ji pei huo tu cheng miao gu sheng qu weng ran luo lan lu you xin jin guan chai meng bao hua yu qi "
    "pu fang teng qu rao jie mu ai you yang shi mou nong si zhuo gu ji miao jian che xiang lian lu mai chu lou dou "
    "qi cen jing dang gong fei bu leng yan xi wei mi bo zong qu gui quan tong ying zang min gou wu bian bian ji shi "
    "he qiu luan sui shang diao sha rong wu kou sang lang zhen cong zhong yu ao gong ming she chi cha ma yuan chi "
    "kuang xiao fu yan lai hong guan feng tan kuang ju hui jing le ji yu xu ban chu li yan lao chen xi pi su xian "
    "lin lou wen li yi tong gao kan quan shuai tu piao lian lian yu zu qi ba feng zhi qing di ji suo xuan jin chao "
    "ouyang sima shangguan zhuge dongfang huangfu situ murong gongsun ximen xiahou linghu yuwen".split()))
_PINYIN_WORD = r"(?:[A-Z][a-z]{1,9}|[A-Z]{2,9})"
_PINYIN = re.compile(r"(?i:(?<![A-Za-z])(?:" + _alternation(ENGLISH_LABELS) + r"))(?![A-Za-z])[\"']?[ \t]*"
                     r"(?:[:：=]|-{1,2})?[ \t]*[\"']?[ \t]*(?P<pii>" + _PINYIN_WORD + r"(?:[ \t]" + _PINYIN_WORD
                     + r"){1,2})(?![A-Za-z])")


def _pinyin_name(candidate: str) -> bool:
    words = candidate.split()
    if not 2 <= len(words) <= 3 or not any(w.lower() in PINYIN_SURNAMES for w in (words[0], words[-1])):
        return False
    # every word a pinyin syllable run: consonant-vowel shapes only (no English words such as "Room")
    return all(re.fullmatch(r"(?:(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?[aeiouv]{1,3}(?:ng|n|r)?)+", w.lower())
               for w in words)


class PersonNameRecognizer(ChineseRecognizer):
    ENTITY = "CN_PERSON_NAME"
    HEADER_HINTS = ("姓名", "名字", "联系人", "申请人", "户主", "负责人", "经办人", "收件人", "name")
    cell_regex = NAME_REGEX
    score = 0.7

    def __init__(self):
        not_clause = f"(?![{_CLAUSE_SURNAMES}]{_SURNAME}{_HAN})"
        super().__init__(
            [
                Pattern("name_after_role", _ROLE_PREFIX + "(?P<pii>" + _ANY_NAME + ")" + _STOP, 0.8),
                # after a role word, a three-character name may run into any next word
                # ("当事人谷春敏持护照"); tried only where the pattern above found nothing
                Pattern("name_after_role_3", _ROLE_PREFIX + "(?P<pii>" + _ANY_SURNAME + _HAN + "{2})", 0.6),
                Pattern("name_after_english_label", _ENGLISH + "(?P<pii>" + _ANY_NAME + ")", 0.7),
                Pattern(
                    "name_before_honorific",
                    not_clause + "(?P<pii>" + _ANY_NAME + ")(?=" + _alternation(HONORIFICS) + ")",
                    0.7,
                ),
                Pattern(
                    "name_before_predicate",
                    not_clause + "(?P<pii>" + _ANY_NAME + ")(?=" + _PREDICATE + ")",
                    0.6,
                ),
                Pattern("name_alone", _ALONE.pattern, 0.6),
                # "请和燕先生": 和 + Mr. Yan, or Mr. 和燕? Both readings are covered by
                # taking the two characters (the surname operator keeps the first)
                Pattern("clause_surname_before_honorific",
                        f"(?P<pii>[{_CLAUSE_SURNAMES}]{_SURNAME})(?=" + _alternation(HONORIFICS) + ")", 0.5),
                Pattern("name_between_delimiters", _TOKEN.pattern, 0.5),
                # a cell that is only a name with a space inside it (forms align 王  芳)
                Pattern("spaced_name_alone", r"(?<![^\x00\n])" + _SPACE + "*(?P<pii>" + _ANY_SURNAME + _SPACE + "{1,2}"
                        + _HAN + "{1,2})" + _SPACE + r"*(?![^\x00\n])", 0.5),
                # after a verb that takes a person (告知王芳，约谈李强): plausible names only
                Pattern("name_after_verb", "(?:" + _alternation(VERBS) + ")(?P<pii>" + _ANY_NAME + ")" + _STOP, 0.5),
                Pattern("name_with_middle_dot", _DOT_NAME.pattern, 0.6),
                Pattern("pinyin_name_after_english_label", _PINYIN.pattern, 0.6),
            ]
        )
        self._kinds = ("role", "role", "role", "plain", "plain", "alone", "any", "alone", "spaced", "plain", "dot", "pinyin")

    # what a cell must contain for each pattern to match in it (RE2; \\p{Nd} is what
    # Python's \\d matches): the table path runs each pattern on those cells only
    _ANCHORS = (_alternation(ROLE_WORDS),) * 2 + (
        "(?i:" + _alternation(ENGLISH_LABELS) + ")",
        _alternation(HONORIFICS), _alternation(PREDICATES) + r"|于\p{Nd}|等\p{Nd}{1,3}人|等[二两三四五六七八九十]人",
        "(?m)^" + _SPACE + "*" + _ANY_NAME + "(?:" + _SPACE + "*(?:[（(].*[）)])?" + _SPACE + "*$|[，,、；;：:])",
    ) + (_alternation(HONORIFICS),
         "(?m)(?:^|[" + _DELIM_BEFORE + "])" + _ANY_NAME + r"(?:[\s/、，,；;|（(]|$)",
         "(?m)^" + _SPACE + "*" + _ANY_SURNAME + _SPACE + "{1,2}" + _HAN + "{1,2}" + _SPACE + "*$",
         _alternation(VERBS),
         "[·•・．]",
         "(?i:" + _alternation(ENGLISH_LABELS) + ")")
    # a cell can hold a name only where some pattern's anchor is: their union
    prefilter = "|".join("(?m:" + a[4:] + ")" if a.startswith("(?m)") else "(?:" + a + ")" for a in _ANCHORS)

    def validate_result(self, pattern_text: str) -> bool:
        return len(pattern_text) >= 2

    def find(self, text):
        return self._finish(text, self._merge(self._spans_of(i, compiled, text)
                                              for i, compiled in enumerate(self._compiled)))

    def find_joined(self, text):
        """``find`` over cells joined by NUL, each pattern run only on the cells that
        hold its anchor (role word, honorific, predicate, label; no pattern reaches
        over a NUL), its matches mapped back to positions in ``text``: the same spans."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        cells = text.split("\x00")
        if len(cells) < 64:
            return self.find(text)
        starts = np.zeros(len(cells), dtype=np.int64)
        np.cumsum([len(c) + 1 for c in cells[:-1]], out=starts[1:])
        array = pa.array(cells, type=pa.large_string())

        anchored: dict = {}  # patterns sharing an anchor (role words, honorifics, labels): one RE2 pass

        def spans(index, compiled, anchor):
            if anchor not in anchored:
                anchored[anchor] = np.flatnonzero(pc.match_substring_regex(array, anchor).to_numpy(zero_copy_only=False))
            positions = anchored[anchor]
            if not len(positions):
                return []
            sub = "\x00".join([cells[p] for p in positions.tolist()])
            found = self._spans_of(index, compiled, sub)
            if not found:
                return []
            local = np.zeros(len(positions), dtype=np.int64)
            np.cumsum([len(cells[p]) + 1 for p in positions[:-1].tolist()], out=local[1:])
            begin = np.array([s for s, _ in found], dtype=np.int64)
            cell = np.searchsorted(local, begin, side="right") - 1
            shift = (starts[positions[cell]] - local[cell]).tolist()
            return [(s + d, e + d) for (s, e), d in zip(found, shift)]

        return self._finish(text, self._merge(
            spans(i, compiled, anchor) for i, (compiled, anchor) in enumerate(zip(self._compiled, self._ANCHORS))))

    def _spans_of(self, index, compiled, text):
        kind = self._kinds[index]
        out = []
        for match in compiled.finditer(text):
            start, end = match.span("pii")
            if kind == "role":
                start, end = _trim(text, start, end, role=True)
                if end - start < 2 or _word_not_name(text[start:end]):
                    continue
            elif kind == "plain":
                start, end = _trim(text, start, end, role=False)
                if end - start < 2 or not plausible_name(text[start:end], rare=True) or _inside_word(text, start):
                    continue
            elif kind == "alone" and not plausible_name(text[start:end], strict=True, rare=True):
                continue
            elif kind == "spaced":
                if not plausible_name(re.sub(_SPACE, "", text[start:end]), strict=True, rare=True):
                    continue
            elif kind == "dot":
                head = text[start:start + 6]
                role = max((w for w in _ROLE_SET if head.startswith(w)), key=len, default="")
                start += len(role)
                if not _dot_name(text[start:end]):
                    continue
            elif kind == "pinyin":
                if not _pinyin_name(text[start:end]):
                    words = text[start:end].split()
                    if len(words) == 3 and _pinyin_name(" ".join(words[:2])):
                        end = start + text[start:end].index(words[1]) + len(words[1])
                    else:
                        continue
            out.append((start, end))
        return out

    def _finish(self, text, spans):
        """Names in lists and pairs next to the names found: 张三、李四和王五."""
        if not spans:
            return []
        starts = [s for s, _, _, _ in spans]
        result = list(spans)
        queue = [e for _, e, _, _ in spans]
        seen = set(starts)
        while queue:
            end = queue.pop()
            match = _CONTINUE.match(text, end)
            if not match:
                continue
            start, stop = _trim(text, *match.span("pii"), role=False)
            candidate = text[start:stop]
            if stop - start < 2 or start in seen or not plausible_name(candidate, rare=True):
                continue
            # the list goes on only where the name ends at a boundary or another list separator
            if stop < len(text) and "\u4e00" <= text[stop] <= "\u9fa5" and not _ends_at_word(text, stop):
                continue
            seen.add(start)
            result.append((start, stop, self.ENTITY, 1.0))
            queue.append(stop)
        # and backwards: the first names of a list whose last one was found
        # ("简彤强、舒云同志", "同意麻玉珍、杜勇两名同志")
        queue = [s for s, _, _, _ in result]
        while queue:
            start = queue.pop()
            if start < 3 or text[start - 1] not in "、，,和与及/":
                continue
            sep = start - 1
            for length in (3, 2, 4):
                begin = sep - length
                if begin < 0:
                    continue
                candidate = text[begin:sep]
                before = text[begin - 1:begin] if begin else ""
                at_edge = not before or not ("\u4e00" <= before <= "\u9fa5") or \
                    text[max(0, begin - 2):begin] in ordinary_words() or before in _CLAUSE_SURNAMES
                if at_edge and begin not in seen and plausible_name(candidate, rare=True):
                    seen.add(begin)
                    result.append((begin, sep, self.ENTITY, 1.0))
                    queue.append(begin)
                    break
        if len(result) == len(spans):
            return spans
        result.sort()
        kept = []
        for span in result:
            if kept and span[0] < kept[-1][1]:
                continue
            kept.append(span)
        return kept

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


_STOP_RE = re.compile(_STOP)
_ROLE_SET = frozenset(ROLE_WORDS) | {"住", "持", "由", "经", "系", "是", "为", "和", "与", "及"}
_ROLE_STARTS = frozenset(w for w in ROLE_WORDS if len(w) in (2, 3))


@functools.lru_cache(maxsize=200_000)
def _word_not_name(candidate: str) -> bool:
    """After a role word only a common word or thing is refused (not a place: 金东 is
    a district and a name)."""
    from .name_data import EXTRA_NOT_NAMES, ROLE_LIKE, dictionary, PERSON_TAGS

    if candidate in EXTRA_NOT_NAMES or candidate in ROLE_LIKE or candidate[-1] in "区县市省镇乡村路街局院所厅站馆校厂店司之证卡":
        return True
    if candidate[:2] in _ROLE_STARTS or candidate[:3] in _ROLE_STARTS:
        return True
    freq, tag = dictionary().get(candidate, (0, "nr"))
    return tag not in PERSON_TAGS and freq >= 50


_DOT_NOT_NAME = re.compile(r"[0-9年月日号省市区县路街]")


def _dot_name(candidate: str) -> bool:
    """Both sides of the dot are transliterated names, not words (《马克思·列宁主义》 would
    still pass: a person's name either way)."""
    first, _, last = re.split(r"([·•・．])", candidate, maxsplit=1)
    return len(first) + len(last) >= 3 and not _DOT_NOT_NAME.search(candidate) \
        and not (first in ordinary_words() and last in ordinary_words())


def _ends_at_word(text: str, end: int) -> bool:
    """A name may end at ``end``: a stop word follows, a list separator, or a word."""
    if _STOP_RE.match(text, end):
        return True
    return text[end:end + 1] in "和与及等" or text[end:end + 2] in ordinary_words()


def _inside_word(text: str, start: int) -> bool:
    """The candidate's first character ends a word with the one(s) before it
    (律师|代为, 王老吉|凉茶)."""
    if start > 0 and text[start - 1] not in _CLAUSE_SURNAMES and text[start - 1:start + 1] in ordinary_words():
        return True  # (a clause character before it, 请|安然桂, opens the name's clause instead)
    from .name_data import EXTRA_NOT_NAMES

    return any(text[max(0, start - back):start + 1] in EXTRA_NOT_NAMES for back in (1, 2, 3) if start >= back)


def _trim(text: str, start: int, end: int, role: bool):
    """Fix a candidate's edges with the dictionary: drop a last character that starts a
    word with the next one ("李娜出|示" → 李娜), and a first character that ends a word
    with the previous one ("感|谢程林" → 程林)."""
    words = ordinary_words()
    if not role and start > 0 and end - start >= 3 and text[start - 1:start + 1] in words \
            and surname_of(text[start + 1:end]):
        start += 1
    surname = surname_of(text[start:end], rare=True) or text[start:start + 1]
    if end - start - len(surname) == 2 and end < len(text) and not _STOP_RE.match(text, end):
        if text[end - 1:end + 1] in words or (text[end - 1] in "和与及等" and surname_of(text[end:end + 2])):
            end -= 1
    return start, end
