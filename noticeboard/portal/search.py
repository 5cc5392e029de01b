"""Finding one's village (查找村/社区): part of a village or township name, or its pinyin —
initials (dfc → 东风村) or in full (dongfeng).

The villages are read on every search (one indexed query, a few milliseconds for 500
villages), so a village added or renamed is found at once. The pinyin of each name, the
slow part, is computed once per name and cached.
"""

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from itertools import islice, product

from pypinyin import Style, lazy_pinyin, pinyin
from sqlalchemy import select
from sqlalchemy.orm import aliased

from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel

QUERY_MAX = 40
RESULTS_MAX = 50
# Polyphonic characters (长 chang/zhang, 重 chong/zhong) give a name several spellings; past
# this many combinations only the usual reading (pypinyin's phrase-aware one) is kept.
SPELLINGS_MAX = 16
PINYIN_QUERY = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class VillageMatch:
    id: int
    name: str
    township: str
    county: str


@dataclass(frozen=True)
class SearchResult:
    query: str
    matches: list[VillageMatch]  # the best RESULTS_MAX
    total: int


def normalise_query(text: str | None) -> str:
    """What a resident typed, as compared: full-width folded (ｄｆｃ), lower case, no spaces."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(folded.split())[:QUERY_MAX]


@functools.lru_cache(maxsize=20_000)
def spellings(name: str) -> tuple[str, ...]:
    """Every way of typing `name` in pinyin: in full and by initials, for each reading."""
    # Character by character: pypinyin's phrase dictionary would give 长乐 only as chang le.
    readings = [pinyin(char, style=Style.NORMAL, heteronym=True)[0] for char in name]
    combinations = [lazy_pinyin(name)]
    if math.prod(len(options) for options in readings) <= SPELLINGS_MAX:
        combinations += islice(product(*readings), SPELLINGS_MAX)
    keys = set()
    for syllables in combinations:
        keys.add("".join(syllables).lower())
        keys.add("".join(syllable[:1] for syllable in syllables).lower())
    return tuple(sorted(keys))


@functools.lru_cache(maxsize=20_000)
def _pinyin_haystack(name: str) -> str:
    """The spellings of `name`, each after a newline: "\\ndfc\\ndongfengcun". One `in` then
    tests a prefix ("\\n" + query) or a part (query) of any spelling at C speed."""
    return "".join("\n" + key for key in spellings(name))


def _ranker(query: str):
    """rank(name) → 0: a spelling starts with the query, 1: contains it, None: no match."""
    by_pinyin = PINYIN_QUERY.match(query) is not None
    prefix = "\n" + query

    def rank(name: str) -> int | None:
        haystack = _pinyin_haystack(name) if by_pinyin else "\n" + name
        if prefix in haystack:
            return 0
        return 1 if query in haystack else None

    return rank


def find_villages(text: str | None) -> SearchResult:
    """Villages whose name matches first, then the villages of matching townships."""
    query = normalise_query(text)
    if not query:
        return SearchResult(query, [], 0)
    township, county = aliased(Region), aliased(Region)
    rows = db.session.execute(
        select(Region.id, Region.name, township.name, county.name)
        .join(township, Region.parent_id == township.id)
        .join(county, township.parent_id == county.id)
        .where(Region.level == RegionLevel.VILLAGE)
        .order_by(Region.path)
    ).all()
    rank = _ranker(query)
    township_matches: dict[str, bool] = {}
    found = []
    for village_id, village, township_name, county_name in rows:
        village_rank = rank(village)
        if village_rank is None:
            if township_name not in township_matches:
                township_matches[township_name] = rank(township_name) is not None
            village_rank = 2 if township_matches[township_name] else None
        if village_rank is not None:
            match = VillageMatch(village_id, village, township_name, county_name)
            found.append((village_rank, match))
    found.sort(key=lambda item: item[0])  # stable: region order within a rank
    return SearchResult(query, [match for _, match in found[:RESULTS_MAX]], len(found))
