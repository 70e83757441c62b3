"""Evidence selection and short-answer extraction for questions answered from article text (pure).

The small local LLM cannot be trusted to write facts, so the answer is taken from the
text: score the retrieved articles' sentences against the question, then pull the
number, place or date the question asks for out of the best sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import jieba

from qa.answer.english import english_asks
from qa.answer.tuning import DEFAULT_TUNING, AnswerTuning

Asks = Literal["number", "place", "date", "who", "other"]

_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_STOP = set(
    "的 了 是 在 和 与 及 有 为 对 由 被 把 从 将 等 也 都 就 还 又 并 之 其 这 那 哪 哪些 哪个 哪里 哪天 什么 多少 几 谁 吗 呢 "
    "是否 怎么 如何 何时 哪一天 什么时候 一个 我区 即墨 即墨区 约 共 已 年 月 日 上 下 中 时 后 前 "
    "照片 图片 图中 照片里 图片里 之后 以后 之前 以前 然后 随后 接着 后来 当时 那时 "
    # words about the paper itself, not about what it reports (「那期报纸里…照片说明写了什么」)
    "报纸 报上 这期 那期 文章 稿子 说明 写 写了".split()
)
# Words that ask rather than name: 「几个」「多少」「哪些」, and counting adverbs around them.
_ASK_HEADS = ("哪", "什么", "多少", "几", "多长", "多大", "多远", "多高", "多重", "多久")
_ASK_WORDS = {"一共", "总共", "分别", "请问", "他们", "她们", "它们", "我们", "大家", "那张", "这张", "那次", "这次",
              "那场", "这场", "那个", "这个", "那位", "这位", "那项", "这项", "那期", "这期"}
# 「会场设在哪儿」「时间定在哪天」: a plain noun just before where/when is asked names the kind of answer
_SLOT_LINK = {"是", "设在", "定在", "放在", "选在", "位于", "为"}  # not a bare 在: 「项目落户在哪里」 asks where it settled
_SLOT_ASK = re.compile(r"^(哪里|哪儿|哪|何处|何地|哪天|哪一天|几号|何时|什么时候|什么|啥)$")
# 「哪几个」「哪份」 cut as one word: the noun after it is the kind of answer too
_WHICH_COUNTED = re.compile(r"哪[几两一二三四五六七八九十]*[个些所家座处项条种场次份部件批类]")
# Question words whose next word names the kind of answer (什么地方, 哪个部门, 何种方式); 多少/几 are not
# here: what they count (多少个项目) is matched in the sentence.
_ASKS_TYPE = {"什么", "哪个", "哪些", "哪", "何", "哪家", "哪种", "何种", "啥"}
_COUNT_WORD = re.compile(r"[两几一二三四五六七八九十]*[个些所家位座处名项条种场次]")
_EN_STOP = set("the a an of in on at to for was is were are who what when where which how much many did does do by and with".split())
_UNITS = ["亿美元", "万美元", "美元", "亿元", "万元", "元", "吨", "平方公里", "公里", "千米", "万平方米", "件", "个", "名", "人次", "人", "支", "座", "户", "亩", "平方米", "%", "次", "家", "处", "立方米", "所", "场"]
_NUM = r"\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Passage:
    """A retrieved article as the answer engine sees it."""

    article_id: str
    title: str
    body: str
    issue_no: int | None
    issue_date: dt.date | None
    source: str
    rank: int  # 0 = best fused rank


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    sentence: str
    score: float


def asks(question: str) -> Asks:
    """What kind of short answer the question wants."""
    if kind := english_asks(question):
        return kind
    q = question.lower()
    # 「哪几个人」「哪几名」 ask who, 「几个人」 how many
    if re.search(r"多少|(?<!哪)(?:几个|几名|几支)|多长|多大|多远|多高|多重|增速|比例|how much|how many|how long|growth rate|investment|amount", q):
        return "number"
    # the day before the place: 「在哪一天举行」 asks when, though it says 在哪
    if re.search(r"哪天|哪一天|哪一?年|什么时候|何时|日期|几月几[日号]|when|what date|\bdate\b|what day", q):
        return "date"
    # 「到哪家企业调研」 asks where; 「见的是哪家企业的人」 asks which company, not a place
    if re.search(r"哪里|在哪|何地|地点|什么地方|哪儿|哪[两几]?[个些所家座处]?(?:街道|镇|村|地方|学校|场所|会场|社区)|"
                 r"(?:到|去|在|走访了?|考察了?|调研了?|看了)哪[两几]?[个些所家座处]?(?:企业|公司)|where", q):
        return "place"
    if re.search(r"是谁|谁|哪位|哪几位|哪几名|哪[几些]?个?(?:人|领导|干部|同志)|什么人|\bwho\b", q):
        return "who"
    return "other"


def content_terms(question: str, guess_words: bool = True) -> list[str]:
    """The question's searchable words (jieba tokens and Latin words), without question words.

    `guess_words=False`: dictionary words only, no words jieba's HMM guesses from unknown runs.
    """
    terms = []
    previous = before = ""
    tokens = [t.strip() for t in jieba.lcut(question, HMM=guess_words)]
    slots = set()
    for i, tok in enumerate(tokens):
        if _SLOT_ASK.match(tok):
            j = i - 1
            while j >= 0 and tokens[j] in _SLOT_LINK:
                j -= 1
            if j >= 0 and j < i - 1 and _plain_noun(tokens[j]):
                slots.add(j)
    for i, tok in enumerate(tokens):
        if i in slots:
            continue
        # 「哪两所学校」: a count word may stand between the question word and the kind of answer
        asked_type = (previous in _ASKS_TYPE or _WHICH_COUNTED.fullmatch(previous) is not None
                      or (before in _ASKS_TYPE and _COUNT_WORD.fullmatch(previous) is not None))
        before, previous = previous, tok
        # 「在什么地方」「任什么职位」: the noun after the question word is the kind of answer wanted, not
        # what the question is about (the report says 即墨宾馆, not 地方)
        if asked_type:
            continue
        if not tok or tok.lower() in _EN_STOP or tok in _STOP or tok in _ASK_WORDS or tok.startswith(_ASK_HEADS):
            continue
        if re.fullmatch(r"[\u4e00-\u9fff]+", tok) or re.fullmatch(r"[A-Za-z0-9.%]+", tok):
            if len(tok) >= 2 or tok.isdigit():
                terms.append(tok)
    return terms


def asked_noun(question: str) -> str | None:
    """The noun that names the kind of answer: 决定 in 「作出了什么决定」, 项目 in 「聊的是哪个项目」,
    产品 in 「主要产品有哪些」. The answering sentence often prints it (会议决定，…); None if no noun."""
    tokens = [t.strip() for t in jieba.lcut(question) if t.strip()]
    for i, tok in enumerate(tokens[:-1]):
        after = tokens[i + 1]
        # 「主要产品有哪些」「签约项目是什么」: the noun just before 有/是 + question word
        if tok in ("有", "是", "包括") and after.startswith(_ASK_HEADS) and i > 0 \
                and len(tokens[i - 1]) >= 2 and _plain_noun(tokens[i - 1]):
            return tokens[i - 1]
        # the word after 什么/哪个 stands as a noun there (什么决定), whatever else it can be; 哪/份文件: the
        # measure word goes (项目 keeps its 项)
        if tok in _ASKS_TYPE or _WHICH_COUNTED.fullmatch(tok):
            for word in (after[1:] if after[0] in _MEASURES and (jieba.get_FREQ(after) or 0) < 100 else "", after):
                if len(word) >= 2 and _noun_like(word):
                    return word
    return None


def measured_noun(question: str) -> str | None:
    """What a figure is asked of: 税 in 「每年能交多少税」, 产值 in 「年产值能有多少」. None when it counts people
    or things by a measure word (多少人, 几个项目: the unit is matched by the extractor, and reports write 名 for 人)."""
    tokens = [t.strip() for t in jieba.lcut(question) if t.strip()]
    for i, tok in enumerate(tokens):
        if tok not in ("多少", "几"):
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if after and after[0] not in _MEASURES + "人元吨亩钱" and _noun_like(after):
            return after
        # 「年产值能有多少」「总投资是多少」: the noun before the verb that leads to 多少
        j = i - 1
        while j >= 0 and tokens[j] in ("是", "有", "能", "能有", "可", "可达", "达", "为", "约", "大约", "一共", "共", "总共"):
            j -= 1
        if j >= 0 and len(tokens[j]) >= 2 and _noun_like(tokens[j]) and tokens[j] not in ("每年", "全年", "一年", "今年"):
            return tokens[j]
    return None


def mentions_measure(noun: str, text: str) -> bool:
    """Whether a sentence speaks of what a figure is asked of: 税 as a word of its own (税收, 纳税; not in
    保税区), a longer noun by half its characters at least (增速 is said 增长)."""
    if len(noun) == 1:
        return any(noun in tok and len(tok) <= 2 for tok in jieba.lcut(text))
    return sum(c in text for c in noun) * 2 >= len(noun)


_MEASURES = "个些所家座处项条种场次份部件批类位名"


def _noun_like(tok: str) -> bool:
    import jieba.posseg as pseg

    flags = [p.flag for p in pseg.lcut(tok)]
    return len(flags) == 1 and flags[0][0] in "nv"


def _plain_noun(tok: str) -> bool:
    """A common noun (会场, 时间), not a name (孙杰, 蓝谷) nor a verb."""
    import jieba.posseg as pseg

    flags = [p.flag for p in pseg.lcut(tok)]
    return len(flags) == 1 and flags[0] == "n"


def coverage(terms: list[str], text: str) -> float:
    """Share of the question's terms (weighted by length) that a text contains."""
    if not terms:
        return 0.0
    total = sum(len(t) for t in terms)
    return sum(len(t) for t in terms if t.lower() in text.lower()) / total


def sentences(text: str) -> list[str]:
    """Chinese sentences of a body, ending punctuation kept."""
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) > 1]


# What an English "how many …" counts, as the paper's measure word.
_EN_COUNTED = {"team": "支", "people": "人", "person": "人", "member": "名", "resident": "名", "participant": "名",
               "student": "名", "volunteer": "名", "project": "个", "village": "个", "enterprise": "家", "company": "家",
               "firm": "家", "school": "所", "household": "户", "ton": "吨", "tonne": "吨", "mu": "亩", "time": "次",
               "visitor": "人次", "event": "场", "activity": "场"}


def _asked_unit(question: str) -> str | None:
    en = re.search(r"how many\s+((?:[a-z-]+\s*){1,4})", question, re.I)
    for word in (en.group(1).lower().split() if en else []):
        for stem in (word, word[:-1], word[:-2]):  # teams, companies → compani… (company below), tonnes
            if stem in _EN_COUNTED:
                return _EN_COUNTED[stem]
        if word.endswith("ies") and word[:-3] + "y" in _EN_COUNTED:
            return _EN_COUNTED[word[:-3] + "y"]
    m = re.search(r"多少\s*(亿元|万元|元|吨|件|个|名|人|支|座|户|亩|平方米|立方米|家|处|所)", question)
    if m:
        return m.group(1)
    if re.search(r"增速|增长|增幅|比例|百分|growth|grow|rate", question, re.I):
        return "%"
    if re.search(r"多长|多远|how long|how far", question, re.I):
        return "公里"
    if re.search(r"投资|投了|投入|多少钱|花了|花费|产值|增加值|税收|金额|外资|资金|收入|营收|销售额|利润|"
                 r"investment|invest|output|value|revenue|cost|spend|spent|money|tax|budget|price|fund|salary|income",
                 question, re.I):
        return "元"
    m = re.search(r"多少(?:[\u4e00-\u9fff])?(件|个|名|人|支|吨)", question)
    return m.group(1) if m else None


def measure_terms(question: str, terms: list[str]) -> list[str]:
    """The words naming what is counted: those just before 多少 (「…项目预计年产值约多少」 → 年产值)."""
    m = re.search(r"(是|约|为|有|共|达|一共)*(多少|几)", question)
    if not m:
        return []
    before = question[max(0, m.start() - 8) : m.start()]
    inside = sorted((t for t in terms if t in before), key=lambda t: before.rfind(t))[-1:]  # the word right before 多少
    doing = _DOING.search(before[before.rfind(inside[0]) + len(inside[0]):] if inside else before)
    if doing:
        # 「那个基地要投多少钱」: 基地 does the investing; what is counted is what the verb says (投 → 投资)
        return [_DOING_MEASURE[doing.group(0)]] if doing.group(0) in _DOING_MEASURE else []
    return inside


# verbs whose object is what a figure counts (投多少钱, 干出了多少产值, 花了多少)
_DOING = re.compile(r"投|花|用了|挣|赚|卖|交|干出|做成|搞了")
_DOING_MEASURE = {"投": "投资"}
_MEASURE_SYNONYMS = {"投资": ("投入",), "增速": ("增长", "增幅"), "增幅": ("增长", "增速"), "参赛": ("参加比赛",)}


def _names_measure(sentence: str, measure: str) -> bool:
    return any(w in sentence for w in (measure[:2], *_MEASURE_SYNONYMS.get(measure, ())))


def number_answer(question: str, sentence: str, terms: list[str], topic: str = "") -> str | None:
    """The number with its unit that the question asks for, as written in the sentence (Chinese numerals read as digits)."""
    from qa.answer.ground import numerals_as_digits

    found = _number_answer(question, numerals_as_digits(sentence), terms, topic)
    return as_printed(found, sentence) if found else found


def as_printed(figure: str, sentence: str) -> str:
    """The figure as the report prints it (「二十五公里」 for 25公里 read from it), else as read."""
    from qa.answer.ground import numerals_as_digits

    unit = re.sub(r"^[\d.\s]+(?:余|多)?", "", figure)
    numeral = r"[\d.零〇一二两三四五六七八九十百千万亿]+"
    for m in re.finditer(rf"(?:约)?{numeral}\s*(?:余|多)?\s*{re.escape(unit)}" if unit else numeral, sentence):
        span = m.group(0).removeprefix("约")
        if numerals_as_digits(span).replace(" ", "") == figure.replace(" ", ""):
            return span
    return figure


def _number_answer(question: str, sentence: str, terms: list[str], topic: str = "") -> str | None:
    """The number with its unit that the question asks for, as written in the sentence.

    When the question names a measure (年产值, 投资额) the sentence must name it too, and the
    number taken is the one printed after it.
    """
    # a word of the headline (大赛) names the topic, not the measure
    from qa.answer.relevance import names_a_thing

    # a measure is a thing (年产值, 投资额); a verb before 多少 (建成, 接待) is how the user put it
    measures = [t for t in measure_terms(question, terms) if t not in topic and names_a_thing(t, verbal_nouns=True)]
    if measures:
        if not any(_names_measure(sentence, t) for t in measures):
            return None
        terms = [w for t in measures for w in (t, *_MEASURE_SYNONYMS.get(t, ()))]
    unit = _asked_unit(question)
    units = [unit] if unit and unit != "元" else ([u for u in _UNITS if u.endswith("元")] if unit == "元" else _UNITS)
    pattern = re.compile(rf"(约)?({_NUM}\s*(?:余|多)?\s*(?:万|亿)?\s*(?:{'|'.join(map(re.escape, units))}))")
    # 「多少个重点制造业项目」: the figure stands right before what it counts (16个重点制造业项目)
    after = re.search(r"(?:多少|几)\s*[个件名位支家项座所条户]?(.{0,10})", question)
    counted = [t for t in terms if after and after.group(1).startswith(t)] if after else []
    for m in pattern.finditer(sentence):
        if counted and sentence[m.end() : m.end() + len(counted[0])] == counted[0]:
            return m.group(2)
    for m in pattern.finditer(sentence):
        # 「年产碳纤维复合材料3000吨」: the figure right after the thing counted
        if counted and counted[0] in sentence[max(0, m.start() - 12) : m.start()]:
            return m.group(2)
    best, best_dist = None, None
    for m in pattern.finditer(sentence):
        # nearest to where the question's own words stand in the sentence
        positions = [sentence.find(t[:2]) for t in terms if t[:2] in sentence]
        # a figure is printed after what it measures: 「年产值约30亿元」
        dist = min((m.start() - p if m.start() >= p else 100 + p - m.start() for p in positions), default=0)
        if best_dist is None or dist < best_dist:
            best, best_dist = m.group(2), dist
    return best


# The report's role verbs: what a "who" question asks someone to have done.
_NAMES_MEETING = re.compile(r"(?:座谈)?会(?!议)")  # 观摩会 names a meeting; 列席会议 is a verb and its object
ROLE_VERBS = re.compile(
    r"主持|出席|参加|参与|列席|陪同|带队|率队|率领|带领|讲话|致辞|发言|作[^，。]{0,8}报告|会见|接见|见证|调研|视察|检查|督导|考察|观摩|收看|走访|看望|慰问"
)


# A verb the question puts before its 谁: it asks for the one the verb is done to (会见了谁, 看望了哪些人), not
# for who did it
ASKS_OTHER_PARTY = re.compile(r"(会见|接见|会晤|看望|慰问|宴请|邀请|约见|拜访|接待|陪同)(?:了|的是|的)?(?:谁|哪一?位|哪些人|哪几位|什么人)")
# "Whom did the district head receive": the other party, asked in English
ASKS_OTHER_PARTY_EN = re.compile(r"\bwhom\s+did\b", re.I)


def who_answer(question: str, sentence: str, people: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The people a sentence says did what the question asks about: the names in the clause right before
    the question's own role verb (「副区长毕安传陪同」 → 毕安传). [] when the sentence does not say."""
    # a role verb naming a meeting (观摩会, 调研座谈会) is no verb: who 观摩'd is not who chaired it
    verbs = {m.group(0)[:2] for m in ROLE_VERBS.finditer(question) if not _NAMES_MEETING.match(question, m.end())}
    found: list[str] = []
    if (after := ASKS_OTHER_PARTY.search(question)) and after.group(1) in sentence:
        # 「孙杰会见了谁」 asks whom he met: the names after the verb (会见了…董事长钟离嘉禾一行)
        clause = re.split(r"[，。；：]", sentence[sentence.index(after.group(1)) + len(after.group(1)):])[0]
        names = [n for n in sorted(people, key=len, reverse=True) if n in clause]
        names += [n for n in person_names(clause) if not any(n in k or k in n for k in names)]
        return sorted(set(names), key=clause.find)
    for verb in verbs:
        for m in re.finditer(re.escape(verb), sentence):
            if _NAMES_MEETING.match(sentence, m.end()):
                continue
            clause = re.split(r"[，。；：]", sentence[: m.start()])[-1]
            names = [n for n in sorted(people, key=len, reverse=True) if n in clause]
            names += [n for n in person_names(clause) if not any(n in k or k in n for k in names)
                      and not _opens_a_body(n, clause)]
            # in the order printed
            found += sorted(set(names) - set(found), key=clause.find)
    return found


# What follows the start of a body's name, never a person's (青岛蓝谷管理局: 蓝谷 is no one)
_BODY_AFTER = re.compile(r"(?:管理局|管委|新区|集团|公司|大学|学院|医院|街道|社区|[局区市县镇村所院])")


def _opens_a_body(name: str, clause: str) -> bool:
    at = clause.find(name)
    return at >= 0 and _BODY_AFTER.match(clause, at + len(name)) is not None


_AFTER_WHO = re.compile(r"谁(?:为|担任|出任|接任)([\u4e00-\u9fff]{2,14}?(?:长|主任|书记|主席|部长))(?:一职)?(?:[？?，,。]|$)")
_BEFORE_WHO = re.compile(r"([\u4e00-\u9fff]{2,12}?)的?(?:是谁|是哪位|是哪一位|由谁担任|由谁来担任)")


def appointed_post(question: str) -> str | None:
    """The post named in full after the asking: 「任命谁为区民政局局长」 → 区民政局局长."""
    m = _AFTER_WHO.search(question)
    return m.group(1) if m else None


def asked_post(question: str) -> str | None:
    """The post a who-question asks the holder of: 「区住建局的局长是谁」 → 局长; None for 「谁主持」."""
    import jieba.posseg as pseg

    # 「区发改局的局长，2022年年中是谁」: the time between the post and the asking is not part of the post
    if post := appointed_post(question):
        return post
    m = _BEFORE_WHO.search(re.sub(r"(?:19|20)\d{2}年(?:年初|年中|年底|上半年|下半年)?|\d{1,2}月(?:上旬|中旬|下旬|初|底)?|[，,]", "", question))
    if not m:
        return None
    words = [p for p in pseg.lcut(m.group(1)) if p.word.strip()]
    last = words[-1] if words else None
    if last is None or len(last.word) < 2 or not last.flag.startswith("n") or last.flag == "nr":
        return None
    return last.word


# Characters every body's name may share (区, 局, 公司, 有限…): they tell no body from another
_GENERIC_BODY = set("区市县镇局委部办公司有限责任集团股份中心院")


def post_holder(post: str, sentence: str, people: set[str] | frozenset[str] = frozenset(), asked: str = "") -> str | None:
    """The person a sentence gives a post: printed right after it (「局长仉淑华陪同」 → 仉淑华) or appointed to it
    (「任命上官雪濛为区科学技术局局长」 → 上官雪濛). Among several, the one whose post reads most like `asked`,
    the question's own words for it (科学技术局局长, not 商务局局长)."""
    from qa.meetings.names import is_name

    found: list[tuple[str, str]] = []  # (person, the post as printed)
    for m in re.finditer(re.escape(post), sentence):
        printed = re.split(r"[，。、；：,]", sentence[:m.end()])[-1]
        after = sentence[m.end():m.end() + 4]
        known = [p for p in sorted(people, key=len, reverse=True) if after.startswith(p)]
        named = person_names(sentence[m.end():m.end() + 6])
        if known:
            found.append((known[0], printed))
        elif named and sentence[m.end():].startswith(named[0]):
            found.append((named[0], printed))
    for m in re.finditer(r"(?:任命|提名|选举|推选)([\u4e00-\u9fff]{2,4}?)(?:为|担任)([^，。；]{0,20}?" + re.escape(post) + ")", sentence):
        if m.group(1) in people or person_names(m.group(1)) or is_name(m.group(1), after_title=True):
            found.append((m.group(1), m.group(2)))
    # 「上海卓丰公司的董事长」 is not answered by another company's 董事长: the body the question puts before
    # the post must show in the printed post (科学技术局 in 区科技局 enough, 上海卓丰 in 深圳澜途 not)
    if asked and post in asked:
        body = set(re.sub(r"(?:19|20)\d{2}年|\d+月|[的之]|" + re.escape(post), "", asked[: asked.index(post)])) - _GENERIC_BODY
        body = {c for c in body if "\u4e00" <= c <= "\u9fff"}
        if len(body) >= 2:
            found = [f for f in found if len(body & set(f[1])) / len(body) >= 0.34]
    if not found:
        return None
    return max(found, key=lambda f: len(set(f[1]) & set(asked)))[0]


def person_names(sentence: str) -> list[str]:
    """People a sentence names, as jieba's tagger recognises them (`nr`): names outside any registry."""
    import jieba.posseg as pseg

    from qa.meetings.names import COMPOUND_SURNAMES

    words = [(p.word, p.flag) for p in pseg.lcut(sentence)]
    out = []
    for i, (word, flag) in enumerate(words):
        if word in COMPOUND_SURNAMES and i + 1 < len(words) and 1 <= len(words[i + 1][0]) <= 2:
            out.append(word + words[i + 1][0])  # 慕容/嘉伟: the tagger cuts a compound surname off its given name
        elif flag == "nr" and len(word) >= 2 and not (i and words[i - 1][0] in COMPOUND_SURNAMES):
            out.append(word)
    return out


# 在区行政中心设分会场, 在即墨宾馆召开; OCR breaks (「在区行政中心 设分会场」) are read through
_PLACE = re.compile(r"在\s*([^，。、；在\s][^，。、；在]{1,24}?)\s*(?:召开|举行|举办|设立?分会场|进行|开幕|启动|开工)")
# 到蓝村街道调研, 赴上海开展招商: where someone went to do something
_WENT_TO = re.compile(r"(?:到|来到|赴|前往|深入)\s*([^，。、；到赴\s][^，。；到赴]{1,30}?)\s*(?:调研|视察|检查|考察|督导|走访|看望|慰问|开展|参加|出席|指导)")


# 「项目落户在哪里」「基地建在哪儿」: the question's own verb before where, whose place the report prints after it
_VERB_BEFORE_WHERE = re.compile(r"([\u4e00-\u9fff]{2})(?:在|于|到)?(?:哪里|哪儿|哪个地方|什么地方|何处|何地|哪)")


def place_answer(sentence: str, question: str = "") -> str | None:
    """`在即墨宾馆召开` → 即墨宾馆; `到蓝村街道调研` → 蓝村街道; for 「…落户在哪里」, `项目落户即墨经济开发区` → 即墨经济开发区."""
    m = _PLACE.search(sentence) or _WENT_TO.search(sentence)
    if m:
        return re.sub(r"\s+", "", m.group(1))
    verb = _VERB_BEFORE_WHERE.search(question)
    if verb and verb.group(1) not in ("是在", "设在"):
        after = re.search(re.escape(verb.group(1)) + r"(?:在|于|到)?\s*([^，。、；\s][^，。、；]{1,20})", sentence)
        if after and names_a_place(after.group(1) + "，"):
            return re.sub(r"\s+", "", after.group(1))
    return None


_PLACE_WORD = re.compile(r"[\u4e00-\u9fff]{1,12}(?:(?:街道|社区|宾馆|酒店|中心|学校|中学|小学|公园|广场|体育场|会场|会议室|大厦|市场|码头|开发区|园区|产业园|新城|度假区)"
                         r"|(?:镇|村)(?=[，。、；的和及]))"  # 移风店镇、… but not 乡村振兴
                         r"(?!管委|党工委|工委|办事处|管理委员会|管理局)")  # 汽车产业新城管委 is a body, not a venue


def names_a_place(sentence: str) -> bool:
    """Whether a sentence names a venue (…街道, …宾馆, …中心); jieba's place tags (ns) also fire on 政协."""
    return bool(_PLACE_WORD.search(sentence))


def date_answer(sentence: str, issue_date: dt.date | None) -> tuple[dt.date | None, str]:
    """The event date a sentence states, resolved against the issue date (the project's one date reader,
    qa.meetings.dates: 昨日, 前天, 上周五, 3月2日 …); with the relative expression it came from, or ""
    when the sentence printed the date itself. A vague 日前/近日 is no date."""
    from qa.meetings.dates import resolve_dates

    for found in resolve_dates(re.sub(r"\s+", "", sentence), issue_date):
        if found.date is not None and not found.approximate:
            explicit = re.match(r"\d", found.text) is not None
            return found.date, "" if explicit else re.sub(r"(上午|下午|晚上|晚|早上|中午|凌晨|傍晚)$", "", found.text)
    return None, ""


ASKS_PHOTO = re.compile(r"图片|照片|图中|画面|相片|配图|镜头|拍摄|拍的|摄影|photo|picture|image", re.I)


def _type_bonus(kind: Asks, question: str, sentence: str, issue_date: dt.date | None = None) -> float:
    if ASKS_PHOTO.search(question) and "图为" in sentence:
        return 1.0  # a question about a photo is answered by its caption
    if kind == "number":
        unit = _asked_unit(question)
        if unit and re.search(rf"{_NUM}\s*(?:余|多)?\s*(?:万|亿)?\s*{re.escape(unit)}", sentence):
            return 0.5
        return 0.2 if re.search(r"\d", sentence) else -0.3
    if kind == "place":
        return 0.5 if place_answer(sentence, question) else -0.2
    if kind == "date":
        from qa.meetings.dates import days_stated

        return 0.5 if days_stated(sentence, issue_date) else -0.2
    return 0.0


def rank_sentences(question: str, passages: list[Passage], limit: int = 5, weighted=None) -> list[Candidate]:
    """Sentences of the retrieved articles, best first, scored by term overlap, answer shape and rank.

    `weighted` (qa.answer.relevance): the question's words weighted by rarity; else by length.
    """
    kind, terms = asks(question), content_terms(question)
    if weighted:
        from qa.answer.relevance import coverage as weighted_coverage

        cover = lambda text: weighted_coverage(weighted, text)  # noqa: E731
    else:
        cover = lambda text: coverage(terms, text)  # noqa: E731
    out = []
    for p in passages:
        title_cov = cover(p.title)
        for s in sentences(p.body):
            score = cover(s) + 0.5 * title_cov + _type_bonus(kind, question, s, p.issue_date) - 0.05 * p.rank
            out.append(Candidate(p, s, score))
    out.sort(key=lambda c: c.score, reverse=True)
    return out[:limit]


def with_previous(body: str, sentence: str) -> str:
    """A sentence with the one printed before it, which often names what 「该项目」「会议」 refer to."""
    said = sentences(body)
    i = said.index(sentence) if sentence in said else -1
    return f"{said[i - 1]}{sentence}" if i > 0 else sentence


def supporting(question: str, best: Candidate, candidates: list[Candidate], weighted, asks_photo: bool = False,
               tuning: AnswerTuning = DEFAULT_TUNING) -> list[Candidate]:
    """The best sentence and the other sentences of its article that say more of what is asked, in the order
    printed: 「研究了哪些事项」 is often answered by the sentence after the one naming the meeting. A question
    about a photo also gets the article's caption (图为…)."""
    from qa.answer.relevance import coverage as weighted_coverage

    p = best.passage
    asked = [w for w in (weighted or []) if w.term.lower() not in p.title.lower()]
    chosen = [best]
    for c in candidates:
        if len(chosen) >= tuning.max_support:
            break
        if c.passage.article_id == p.article_id and c not in chosen and asked \
                and weighted_coverage(asked, c.sentence) >= tuning.min_support_coverage:
            chosen.append(c)
    if asks_photo and not any("图为" in re.sub(r"\s+", "", c.sentence) for c in chosen):
        caption = next((s for s in sentences(p.body) if "图为" in re.sub(r"\s+", "", s)), None)
        if caption:
            chosen.append(Candidate(p, caption, 0.0))
    order = sentences(p.body)
    return sorted(chosen, key=lambda c: order.index(c.sentence) if c.sentence in order else len(order))
