"""Telling titles from names in report phrases like `区委副书记、区长孙杰`.

A name is accepted on evidence, not from a whitelist of people:
- right after a title (`副区长綦建国`, `市长郗振华`): the position says it is a name, so any
  two or three characters that can stand in a name will do (four with a compound surname);
- standing alone in a list (`欧阳振邦、矫玉芬、逄锦涛`): its first character must be a surname
  known to the recogniser (jieba's lexicon tags single-character surnames `nr`; the common
  surname table below backs it up), or the name is already known from the article or archive;
- a compound surname (欧阳, 司马, 上官, 东方…) allows a four-character name.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

# Surnames that begin names in officials' lists. 区 is left out on purpose: it is a rare
# surname but begins every 区委/区长 title, and letting it in splits titles into names.
_SINGLE_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
) - {"区"}



@functools.cache
def _lexicon_surnames() -> frozenset[str]:
    """Single characters jieba's dictionary tags as person names (`nr`): rare surnames like 綦 逄 仉 隗 冼."""
    try:
        import jieba

        path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
        out = set()
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 3 and len(parts[0]) == 1 and parts[2] == "nr" and int(parts[1]) >= 5:
                    out.add(parts[0])
        return frozenset(out - {"区", "府"})
    except (ImportError, OSError, ValueError):  # pragma: no cover - jieba is a dependency
        return frozenset()


def is_surname(ch: str) -> bool:
    return ch in _SINGLE_SURNAMES or ch in _lexicon_surnames()


# The compound surnames of the 百家姓 (and 独孤), less those that read as ordinary words in a report
# (第五, 百里, 东门, 南门: "the fifth", "a hundred li", gates) and the pairs of single surnames the rhyme runs together.
COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "南宫", "西门", "独孤",
    "万俟", "闻人", "赫连", "公羊", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠", "仲孙", "轩辕", "钟离", "鲜于",
    "闾丘", "司空", "亓官", "司寇", "子车", "颛孙", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "拓跋", "夹谷", "宰父", "谷梁",
    "段干", "东郭", "呼延", "归海", "羊舌", "微生", "梁丘", "左丘",
}

# Characters that practically never appear inside a personal name but often follow or
# precede one in reports; they stop `全区`, `我市`, `会议` being read as names.
_NOT_IN_GIVEN_NAME = set("区市局委部省县府厅们的了是各该此等及与对在到把被会议组处室办")

# Title endings, longest first so `副总指挥` wins over `指挥`. `长` covers 区长/局长/部长/司长…,
# `员` covers 委员/成员/研究员….
_TITLE_SUFFIXES = sorted(
    {
        "书记", "主任", "主席", "常委", "总指挥", "指挥", "长", "员", "负责人", "代表", "经理", "总裁", "总监", "主管",
        "专家", "院士", "教授", "顾问", "参事", "督学", "政委", "主编", "记者", "医生", "医师", "护士", "教师", "老师",
        "工程师", "会计", "董事", "理事", "监事", "干事", "秘书", "传承人", "村民", "市民", "居民", "党员", "志愿者",
        "选手", "同学", "民警", "律师", "法官", "检察官", "专职副主席", "领导",
    },
    key=len,
    reverse=True,
)
# Words that end like a title but are not one (`同比增长`, `生长`).
_FALSE_TITLE_ENDINGS = ("增长", "成长", "延长", "擅长", "生长", "助长", "专长", "见长", "人员", "动员")

# Two-character words that begin with a surname character and can stand alone between
# commas (`明确，…`); never names in a list of officials.
_COMMON_WORDS = {"明确", "全面", "高度", "安全", "成功", "方面", "常态", "严格", "强化", "积极", "和谐", "文明", "平安", "经济", "社会", "时间", "同志", "万人", "华为", "江山", "金融", "能源", "于是", "于此", "应当", "应急", "计划", "许多", "周边", "邮政", "乐观", "宁静", "简洁", "严肃", "高效", "左右", "前后", "上下", "尚未", "向前", "还是", "而且", "谷物", "宋体"}
_TRAILING_HONORIFIC = re.compile(r"(同志|先生|女士)$")


@dataclass
class PersonPart:
    """A piece of a name list: titles only, a name with titles, or a bare name."""

    titles: list[str] = field(default_factory=list)
    name: str | None = None
    also: list[str] = field(default_factory=list)

    @property
    def is_title_only(self) -> bool:
        return self.name is None


_NOT_AFTER_TITLE = set("区市局委部省县府厅们的了是各该此等及与对在到把被")
# Characters that never begin a name, even right after a title (`区长在…`, `主任和…`).
_NEVER_FIRST = set("的了是在和与及等各全本该我其这那每此有无不也都又还就被把对向从以为并将已曾均共同分别到赴")


def _cjk(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


# Words of the report that a title can stand before but that are never names (`委员参加`).
_REPORT_WORDS = re.compile(r"参加|出席|主持|陪同|列席|视察|调研|检查|会见|接见|讲话|参会|召开|举行|代表|同志|领导|人员|一行")


@functools.cache
def _common_word(text: str) -> bool:
    """A word jieba's dictionary knows with a tag other than a person name (`参加` v, `会议` n)."""
    try:
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        tagged = jieba.posseg.dt.word_tag_tab.get(text) if hasattr(jieba, "posseg") else None
        if tagged is None:
            import jieba.posseg

            tagged = jieba.posseg.dt.word_tag_tab.get(text)
        return bool(tagged) and not tagged.startswith("nr") and jieba.dt.FREQ.get(text, 0) >= 50
    except ImportError:  # pragma: no cover
        return False


# A name ending like a place (墨水河、龙泉河; 东障水厂) is where someone went, not a person
_PLACE_ENDING = re.compile(r"[河湖港湾库渠街路厂站]$")


def is_name(text: str, after_title: bool = False) -> bool:
    """A plausible Chinese personal name: a surname and one or two given-name characters.

    `after_title`: the text follows a title, which is evidence enough for the surname.
    """
    if not _cjk(text) or text in _COMMON_WORDS or _REPORT_WORDS.search(text):
        return False
    if not after_title and _PLACE_ENDING.search(text):
        return False  # 龙泉河, 东港站: a place where someone went
    for surname in COMPOUND_SURNAMES:
        if text.startswith(surname) and 3 <= len(text) <= 4:
            return not (set(text[2:]) & _NOT_IN_GIVEN_NAME)
    if not 2 <= len(text) <= 3:
        return False
    # After a title the position vouches for the name: only particles and place words rule it out.
    if set(text[1:]) & (_NOT_AFTER_TITLE if after_title else _NOT_IN_GIVEN_NAME):
        return False
    if is_surname(text[0]):
        return True
    return after_title and text[0] not in _NEVER_FIRST and text[0] not in _NOT_IN_GIVEN_NAME and not _common_word(text)


def name_shaped(text: str) -> bool:
    """Two to four characters that could be a name the recogniser does not know (kept inside a list)."""
    return (
        2 <= len(text) <= 4
        and _cjk(text)
        and text not in _COMMON_WORDS
        and not _REPORT_WORDS.search(text)
        and not _common_word(text)
        and text[0] not in _NEVER_FIRST
        and not (set(text) & _NOT_IN_GIVEN_NAME)
        and not is_title(text)
        and not _PLACE_ENDING.search(text)
    )


def is_title(text: str) -> bool:
    """Text that ends like a job title (`区委副书记`, `副区长`, `宣讲团成员`)."""
    if not 2 <= len(text) <= 30 or text.endswith(_FALSE_TITLE_ENDINGS):
        return False
    if not all("\u4e00" <= ch <= "\u9fff" or ch in "（）()·" for ch in text):
        return False
    return any(text.endswith(suffix) for suffix in _TITLE_SUFFIXES)


def split_title_name(text: str) -> tuple[str, str] | None:
    """`副区长马明强` → (`副区长`, `马明强`); None when no title+name split fits."""
    for name_len in (3, 2, 4):
        if len(text) <= name_len:
            continue
        title, name = text[:-name_len], text[-name_len:]
        if name_len == 4 and not name.startswith(tuple(COMPOUND_SURNAMES)):
            continue
        if is_title(title) and is_name(name, after_title=True):
            return title, name
    return None


def split_run_together(text: str, known: frozenset[str]) -> list[str] | None:
    """`赵豪志孟庆斌` → [`赵豪志`, `孟庆斌`] when every piece is a name already known from the article.

    OCR repair joins names that a printed list separated by spaces; only names read
    elsewhere in the same article are trusted to cut such a run.
    """
    if not known or len(text) < 4:
        return None
    names = _split_known(text, sorted(known, key=len, reverse=True))
    return names if names and len(names) >= 2 else None


def _split_known(text: str, known: list[str]) -> list[str] | None:
    if not text:
        return []
    for name in known:
        if text.startswith(name):
            rest = _split_known(text[len(name) :], known)
            if rest is not None:
                return [name, *rest]
    return None


def parse_person_part(text: str, known: frozenset[str] = frozenset()) -> PersonPart | None:
    """Read one list item: `区长` (title), `区长孙杰` (title+name), `闫丕云` (name), else None.

    `王宝善等领导` drops what follows 等; names run together need `known` (extras go to `also`).
    """
    text = text.strip()
    if not text:
        return None
    if "等" in text:
        head = text[: text.index("等")]
        part = parse_person_part(head, known)
        return part if part is not None and part.name else None
    text = _TRAILING_HONORIFIC.sub("", text)
    split = split_title_name(text)
    if split is not None:
        return PersonPart(titles=[split[0]], name=split[1])
    if is_name(text) and not is_title(text):
        return PersonPart(name=text)
    if is_title(text):
        return PersonPart(titles=[text])
    for cut in range(len(text) - 4, -1, -1):
        names = split_run_together(text[cut:], known)
        if names and (cut == 0 or is_title(text[:cut])):
            return PersonPart(titles=[text[:cut]] if cut else [], name=names[0], also=names[1:])
    return None


def warm_up() -> None:
    """Load the recogniser's lexicon now (≈1 s once per process) rather than inside the first extraction."""
    _lexicon_surnames()
    _common_word("参加")
