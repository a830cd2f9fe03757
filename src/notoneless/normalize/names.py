"""Personal names (姓名): cleaning, surname split, pinyin, swapped-order flag.

``normalize_name(raw)`` never raises and returns a :class:`NameResult`:

- ``name_norm``: NFKC (full-width → half-width), every whitespace removed, traditional
  → simplified with OpenCC ``t2s``, every middle-dot variant (``. • ・ ‧ ∙ ⋅`` …)
  unified to ``·`` (one dot between parts, none at the ends).
- ``surname`` / ``given_name``: a name with ``·`` (Uyghur, Tibetan and other minority
  names written in transliteration) is split at the first dot: the first part is kept
  as the "surname" slot (it is the person's own name, the rest is the father's name or
  further parts; what matters for linkage is that both sides split the same way).
  Otherwise a known compound surname (欧阳, 司马, 诸葛 …) takes two characters when the
  name has at least three, else the first character is the surname.
- ``name_pinyin``, ``surname_pinyin``, ``given_pinyin``: toneless, syllables joined
  without spaces (``zhangwei``), ü written ``v``. The surname uses its surname reading
  (单 shan, 曾 zeng, 区 ou, 仇 qiu, 解 xie, 查 zha …): pypinyin has no surname mode, so
  :data:`SURNAME_READINGS` is our own table; every other character takes pypinyin's
  default reading, computed once per character (pypinyin costs ~50 µs a call, far
  too slow to call per name on a quarter-million records).
- ``name_swapped``: the name looks written given-name-first: no dot, two to four
  characters, the first character is no known surname and the last one (or the last
  two, for a compound surname) is a common surname (伟张 → 张伟).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

# Middle-dot variants seen in minority names, mapped to U+00B7.
_DOTS = "..•・･‧∙⋅●◦·˙ˑ᛫⸱ꞏ・．。-－—–"
_DOT_RE = re.compile("[" + re.escape(_DOTS) + "]+")
_SPACE_RE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_PLACEHOLDERS = frozenset({"", "无", "空", "NULL", "NONE", "NAN", "N/A", "-", "--", "/", "未知", "不详"})

COMPOUND_SURNAMES = frozenset(
    """欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 令狐 端木 澹台 轩辕 呼延 独孤
    南宫 西门 百里 东郭 万俟 闻人 赫连 申屠 公羊 太史 仲孙 濮阳 淳于 单于 钟离 宗政 公冶 拓跋 纳兰 第五
    左丘 谷梁 梁丘 闾丘 东门 司寇 亓官 羊舌 微生 公良 乐正 漆雕 壤驷 公西 巫马 段干""".split()
)

# Surname readings where pypinyin's default single-character reading is wrong.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "区": "ou", "仇": "qiu", "解": "xie", "查": "zha", "盖": "ge",
    "朴": "piao", "燕": "yan", "繁": "po", "缪": "miao", "乐": "yue", "员": "yun", "秘": "bi",
    "种": "chong", "折": "she", "句": "gou", "阚": "kan", "黑": "he", "覃": "qin", "翟": "zhai",
    "祭": "zhai", "召": "shao", "薄": "bo", "卜": "bu", "藏": "zang", "都": "du", "角": "jue",
    "隗": "wei", "洗": "xian", "重": "chong", "蕃": "pi", "能": "nai", "乜": "nie", "牟": "mu",
    "粘": "nian", "佴": "nai", "要": "yao", "逄": "pang", "郇": "huan", "圈": "juan", "宿": "su",
    "华": "hua", "纪": "ji", "任": "ren", "沈": "shen", "曲": "qu", "柏": "bai", "谌": "chen",
    "尉迟": "yuchi", "万俟": "moqi", "澹台": "tantai", "长孙": "zhangsun", "单于": "chanyu",
    "令狐": "linghu", "亓官": "qiguan", "乐正": "yuezheng",
}

# Common single-character surnames (the top of 百家姓 by population, ~250).
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆"
    "朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫"
    "杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧"
    "闭由".replace(" ", "")
)
# The broader set used to decide that a first character is *not* a surname.
ANY_SURNAME = COMMON_SURNAMES | frozenset(SURNAME_READINGS) | frozenset(s[0] for s in COMPOUND_SURNAMES)

_T2S = opencc.OpenCC("t2s")


@dataclass(frozen=True, slots=True)
class NameResult:
    name_norm: str | None
    surname: str | None = None
    given_name: str | None = None
    name_pinyin: str | None = None
    surname_pinyin: str | None = None
    given_pinyin: str | None = None
    name_swapped: bool = False


_PLAIN_HAN_RE = re.compile(r"[\u4e00-\u9fff]{1,8}")  # used with fullmatch ("$" would pass a trailing line break)


def _is_plain(raw: str) -> bool:
    return bool(_PLAIN_HAN_RE.fullmatch(raw)) and raw not in _PLACEHOLDERS


def _plain_converted(raw: str, s: str) -> bool:
    """True when ``s``, the t2s conversion of the plain Han name ``raw``, is its clean
    form: still plain Han and no placeholder (無 converts to 无)."""
    return (s == raw or bool(_PLAIN_HAN_RE.fullmatch(s))) and s not in _PLACEHOLDERS


def clean_name(raw: object) -> str | None:
    """The normalised spelling of a name, or None when there is none. Idempotent."""
    if raw is None:
        return None
    if type(raw) is str and _is_plain(raw):
        # the common case: only Han characters, nothing to clean but t2s
        s = _T2S.convert(raw)
        if _plain_converted(raw, s):
            return s
    s = unicodedata.normalize("NFKC", str(raw))
    s = _SPACE_RE.sub("", s)
    if s.upper() in _PLACEHOLDERS:
        return None
    # t2s, dot unification and space removal can each create a sequence that the
    # others (or NFKC) would change again; repeat until stable so that cleaning is
    # idempotent (at most a few passes in practice)
    for _ in range(4):
        before = s
        s = _T2S.convert(s)
        s = _DOT_RE.sub("·", s).strip("·")
        s = _SPACE_RE.sub("", unicodedata.normalize("NFKC", s))
        if s == before:
            break
    if s.upper() in _PLACEHOLDERS:  # what cleaning leaves can be one ("/." → "/", "無" → "无")
        return None
    return s or None


_CHAR_PINYIN: dict[str, str] = {}


def char_pinyin(ch: str) -> str:
    """Toneless default pinyin of one character (a non-Han character maps to itself,
    lower-cased, keeping only letters and digits). Memoised per character."""
    py = _CHAR_PINYIN.get(ch)
    if py is None:
        out = lazy_pinyin(ch, style=Style.NORMAL, errors="default", v_to_u=False)
        s = "".join(out).lower()
        py = _CHAR_PINYIN[ch] = "".join(c for c in s if c.isascii() and c.isalnum())
    return py


def pinyin(text: str) -> str:
    get = _CHAR_PINYIN.get
    return "".join([get(c) or char_pinyin(c) for c in text])


def surname_pinyin(surname: str) -> str:
    if surname in SURNAME_READINGS:
        return SURNAME_READINGS[surname]
    return "".join(SURNAME_READINGS.get(c) or char_pinyin(c) for c in surname) if len(surname) > 1 else pinyin(surname)


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name) of a normalised name."""
    if "·" in name:
        first, _, rest = name.partition("·")
        return first, rest
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def looks_swapped(name: str) -> bool:
    """True when the name looks written given-name-first (see module doc)."""
    if "·" in name or not 2 <= len(name) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in name):
        return False
    if name[0] in ANY_SURNAME or name[:2] in COMPOUND_SURNAMES:
        return False
    if len(name) >= 4 and name[-2:] in COMPOUND_SURNAMES:
        return True
    return name[-1] in COMMON_SURNAMES


def swap_back(name: str) -> str:
    """The name with its (trailing) surname moved to the front: 伟张 → 张伟."""
    if len(name) >= 4 and name[-2:] in COMPOUND_SURNAMES:
        return name[-2:] + name[:-2]
    return name[-1:] + name[:-1]


def clean_names(raws: list[str]) -> list[str | None]:
    """``clean_name`` of many values at once (the distinct names of a bundle). Plain Han
    names (most of them) are converted to simplified characters in one OpenCC call (one
    line per name; t2s does not convert across a line break), which saves a call per name."""
    plain = [r for r in raws if type(r) is str and _is_plain(r)]
    lines = _T2S.convert("\n".join(plain)).split("\n") if plain else []
    converted = dict(zip(plain, lines)) if len(lines) == len(plain) else {}
    out: list[str | None] = []
    for raw in raws:
        s = converted.get(raw)
        if s is not None and _plain_converted(raw, s):
            out.append(s)
        else:
            out.append(_clean_or_none(raw))
    return out


_EMPTY = (None, None, None, None, None, None, False)


def normalize_name(raw: object) -> NameResult:
    """Normalise one raw name. Never raises (an unexpected failure gives an empty result)."""
    if raw is None:
        return NameResult(None)
    return _normalize_name(raw if isinstance(raw, str) else str(raw))


@lru_cache(maxsize=65536)
def _normalize_name(raw: str) -> NameResult:
    return NameResult(*_name_fields(raw))


def _clean_or_none(raw: str) -> str | None:
    try:
        return clean_name(raw)
    except Exception:  # pragma: no cover - defensive
        return None


def _name_fields(raw: str) -> tuple:
    norm = _clean_or_none(raw)
    if not norm:
        return _EMPTY
    surname, given = split_name(norm)
    if "·" in norm:
        s_py, g_py = pinyin(surname), pinyin(given.replace("·", ""))
    else:
        s_py, g_py = surname_pinyin(surname), pinyin(given)
    return (norm, surname or None, given or None, (s_py + g_py) or None, s_py or None, g_py or None,
            looks_swapped(norm))


def describe_cleaning(raw: object, norm: str | None) -> list[str]:
    """What ``clean_name`` did to ``raw`` to give ``norm``, in Chinese for officers
    (去掉空格, 全角改半角, 繁体改简体, 间隔号统一); [] when nothing changed."""
    if raw is None or norm is None:
        return []
    text = str(raw)
    if text == norm:
        return []
    steps = []
    if _SPACE_RE.search(text):
        steps.append("去掉空格")
    if _SPACE_RE.sub("", unicodedata.normalize("NFKC", text)) != _SPACE_RE.sub("", text):
        steps.append("全角字符改为半角")
    if _T2S.convert(text) != text:
        steps.append("繁体字改为简体")
    if _DOT_RE.search(text) and "·" in norm and _DOT_RE.sub("·", text) != text:
        steps.append("间隔号统一为“·”")
    return steps or ["规范写法"]
