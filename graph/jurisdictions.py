"""Which government a document or an agency belongs to.

The jurisdiction of a plan comes from its issuer (国务院 → ``cn``, 广西壮族自治区人民政府办公厅
→ ``gx``, 广州市人民政府 → the key of 广州市 in the gazetteer). Agencies are scoped by
it: the 发展改革委 of a State Council document and of a Guangxi document are two
agencies.

>>> from fengong.places import default_gazetteer
>>> jurisdiction_of("国务院办公厅", default_gazetteer())
'cn'
>>> jurisdiction_of("广西壮族自治区人民政府办公厅", default_gazetteer())
'gx'
"""

from __future__ import annotations

import re

__all__ = ["jurisdiction_of", "NATIONAL_ISSUERS"]

#: Issuers whose documents are national (central government and Party centre).
NATIONAL_ISSUERS = re.compile(r"^(国务院|中共中央|中央|国家|全国)")


def jurisdiction_of(name: str, gazetteer, default: str = "cn") -> str:
    """The key of the place whose government issued *name*, or *default*."""
    if NATIONAL_ISSUERS.match(name):
        return "cn"
    best = None
    for place, start, end in gazetteer.find(name):
        if start == 0 and (best is None or end > best[1]):
            best = (place.key, end)
    if best:
        return best[0]
    place = gazetteer.lookup(re.sub(r"(人民政府|政府).*$", "", name))
    return place.key if place else default
