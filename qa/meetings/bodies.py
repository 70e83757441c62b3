"""Which body a title belongs to: 即墨区 or another district/city, 青岛市, 山东省.

`胶州市委副书记、市长上官立新`: the place printed before the first title carries to the titles
after it in the same chain; a title printed without a place (`区委书记`, `副区长`) belongs to
the district the report is about (the paper's own, 即墨区, unless the event is another
district's), a bare `市…` title to the city (青岛市, or the county-level city the report is
about), `省…` to 山东省. Titles of companies, institutes and schools carry no body.
"""

from __future__ import annotations

import re

from qa.meetings.models import HOME_BODY, HOME_CITY

HOME_PROVINCE = "山东省"

# What follows a place in a government title: 委 (胶州市委), 政府, 人大, 政协, a post (副市长).
_ORGAN = r"(?:委|[区市县](?:委|人民政府|政府|人大|政协)|人民政府|政府|人大|政协|纪委|监委|副|常务副|区长|市长|县长|省长|镇长|法院|人民法院|检察院|人民检察院|公安|" \
         r"[\u4e00-\u9fff]{0,10}?(?:局|部|办公室|办|中心|委员会|管委会|管委|管理局|街道|工委))"
_PLACE = re.compile(r"^(?:青岛市|山东省)?(?P<place>[\u4e00-\u9fff]{2,3}?(?:新区|区|县|市|省))(?=" + _ORGAN + ")")
_HOME_FULL = re.compile(r"^(?:山东省)?(?:青岛市)?即墨区")
# A government title with no place: it belongs to the level its first character names.
_DISTRICT_LEVEL = re.compile(r"^(?:区|全区|我区)|^(?:常务)?副?区长$|^区")
_CITY_LEVEL = re.compile(r"^(?:市|全市|我市)|^(?:常务)?副?市长$")
_PROVINCE_LEVEL = re.compile(r"^(?:省|全省|我省)|^(?:常务)?副?省长$")
# A town or subdistrict post (温泉街道党工委书记, 龙山街道办事处主任, 移风店镇镇长): the district's own level.
_TOWN_LEVEL = re.compile(r"^[\u4e00-\u9fff]{1,6}(?:街道|镇|乡)(?:党工委|党委|办事处|人民政府|政府|人大|镇长|乡长|[副]?主任|[副]?书记)")
_NOT_GOVERNMENT = re.compile(r"(公司|集团|企业|研究院|研究所|大学|学院|学校|中学|小学|医院|协会|商会|银行|剧团)")
# Posts that exist in every district government, printed bare after a placed title.
_BARE_POST = re.compile(r"^(?:常务)?副?(?:区长|市长|县长|省长)$|^(?:党组|党委|党工委)?(?:副)?书记$")
_CITY_SUFFIX = "市"
# An office printed with no organisation at all, shared down a list (副主任, 副主席, 秘书长).
_BARE_OFFICE = re.compile(r"^(?:常务)?副?(?:主任|主席|秘书长)$")


def place_of(title: str) -> str | None:
    """The place printed at the start of a title: 胶州市委副书记 → 胶州市, 区委书记 → None."""
    if _HOME_FULL.match(title):
        return HOME_BODY
    if title.startswith(("青岛市委", "青岛市人", "青岛市政", "青岛市副", "青岛市纪")):
        return HOME_CITY
    if title.startswith(("山东省委", "山东省人", "山东省政", "山东省副")):
        return HOME_PROVINCE
    m = _PLACE.match(title)
    if m and not m.group("place").startswith(("全", "我", "各", "部分", "本", "该", "区", "市")):
        return m.group("place")
    return None


def split_body(title: str) -> tuple[str | None, str]:
    """`城阳区区长` → (`城阳区`, `区长`); `即墨区副区长` → (`即墨区`, `副区长`); `区长` → (None, `区长`)."""
    title = "".join(title.split())
    place = place_of(title)
    if place is None:
        return None, title
    printed = title[: title.index(place) + len(place)]
    rest = title[len(printed) :]
    # `胶州市委副书记` keeps its 市委 level word; `城阳区区长` drops the repeated place.
    if rest.startswith(("委", "人大", "政协", "政府", "人民政府", "纪委")):
        rest = place[-1] + rest
    return place, rest or title


def body_of(title: str, context: str | None = None) -> str | None:
    """The body of one title, given the body of the title before it in the chain (or the event's place)."""
    place = place_of(title)
    if place:
        return place
    if _BARE_POST.match(title) and context:
        return context
    if _BARE_OFFICE.match(title):
        # 「区人大常委会主任王宝善主持会议，副主任阎少卿、巩向荣出席」: the post of the body the report is about
        return context or HOME_BODY
    if _PROVINCE_LEVEL.match(title):
        return HOME_PROVINCE
    if _CITY_LEVEL.match(title):
        return context if context and context.endswith(_CITY_SUFFIX) and context != HOME_CITY else HOME_CITY
    if _DISTRICT_LEVEL.match(title) or _TOWN_LEVEL.match(title):
        if context and context.endswith(("区", "县")) and context != HOME_BODY:
            return context
        return HOME_BODY
    return None if _NOT_GOVERNMENT.search(title) else None


def person_body(titles: list[str], context: str | None = None) -> str | None:
    """One body for a person's printed titles: the first title that names one, carried along the chain."""
    found: str | None = None
    carry = context
    for title in titles:
        body = body_of(title, carry if found is None else found)
        if body and found is None:
            found = body
        if body:
            carry = body
    return found


def default_body(title: str) -> str | None:
    """The body a bare title in a question means: 区长 → 即墨区, 市委书记 → 青岛市, 董事长 → None."""
    place, rest = split_body(title)
    if place:
        return place
    return body_of(rest, None)


def event_place(name: str) -> str | None:
    """The district or city an event belongs to when it is not the paper's own: `胶州市召开…` → 胶州市."""
    m = re.match(r"^(?:青岛市)?(?P<place>[\u4e00-\u9fff]{2,3}?(?:新区|区|县|市))(?:召开|举行|举办|重点|.{0,20}?(?:会议|会|仪式))", name)
    if not m:
        return None
    place = m.group("place")
    if place in ("全区", "全市", "我区", "我市") or place.startswith(("区", "市")):
        return None
    return place


# The body a title opens with, and the office and post it ends with (局局长, 委员会主任, 办公室主任).
_TITLE_BODY = re.compile(r"^(?:即墨区|区|市)")
_OFFICE_POST = re.compile(r"(?:局|委员会|委|办公室|办|中心)(?:党组书记|局长|主任|书记|部长)$")


def same_post(a: str, b: str) -> bool:
    """Whether two printed titles are one office's post, one written short: 区住建局局长 and
    区住房城乡建设局局长, 区发改局局长 and 区发展和改革局局长, 区科技局局长 and 区科学技术局局长.

    The paper shortens an office by keeping the first character of its words, so the shorter one's own
    part (between its body and its office) starts like the longer one's and is spelled, in order, inside it.
    """
    a, b = "".join(a.split()), "".join(b.split())
    if a == b:
        return True
    ends_a, ends_b = _OFFICE_POST.search(a), _OFFICE_POST.search(b)
    if not ends_a or not ends_b or ends_a.group() != ends_b.group():
        return False
    body_a, body_b = _TITLE_BODY.match(a), _TITLE_BODY.match(b)
    if (body_a.group() if body_a else "") != (body_b.group() if body_b else ""):
        return False
    own_a = a[body_a.end() if body_a else 0 : ends_a.start()]
    own_b = b[body_b.end() if body_b else 0 : ends_b.start()]
    short, full = sorted((own_a, own_b), key=len)
    if len(short) < 2 or len(short) == len(full) or short[0] != full[0]:
        return False
    rest = iter(full)
    return all(c in rest for c in short)
