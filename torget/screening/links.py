"""Links and commercial spam (sales, loans, crypto, casinos, "click here", link shorteners).

A link on its own is only a ``link`` flag: citizens link to sources all the time. Commercial
cues add up (noisy-or of their weights) and a ``commercial`` flag is raised on each cue once the
combined score reaches 0.6: one strong cue ("klik her", "kviklån", "bitcoin", a link shortener)
is enough, weak ones ("gratis", "tilbud", "lån" — words a municipality uses too) need company.
"""

from __future__ import annotations

import re

from torget.screening.flags import COMMERCIAL, LINK, Flag
from torget.screening.normalise import Prepared, anchor_prefixes

VERSION = "1"

SHORTENERS = frozenset(
    {
        "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "cutt.ly",
        "rb.gy", "shorturl.at", "tiny.cc", "rebrand.ly", "t.ly", "s.id", "linktr.ee", "bl.ink",
        "lnkd.in", "shorte.st", "adf.ly", "bit.do", "v.gd", "qr.ae", "tr.im", "t.me", "wa.me",
    }
)  # fmt: skip
# Top-level domains accepted for a bare "name.tld" without scheme. Two-letter TLDs that are
# also everyday words (is, it, at, to, be, in, us, as) are left out: "slut.Det" is a typo.
_TLDS = (
    "com|net|org|info|biz|io|co|dk|se|no|fi|de|eu|uk|nu|me|ly|gl|fo|ax|ee|lt|lv|pl|nl|fr|es"
    "|ch|ru|cn|tv|app|dev|xyz|online|site|shop|store|top|click|link|live|news|blog|club|vip"
    "|win|bet|cc|ws|gg|ai|ly|gd|ae"
)
_SHORTENER_ALTERNATIVES = "|".join(re.escape(host) for host in sorted(SHORTENERS, key=len)[::-1])
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'`]+"
    rf"|(?<![\w@.\-])(?:{_SHORTENER_ALTERNATIVES})(?![\w-])(?:/[^\s<>\"'`]*)?"
    rf"|(?<![\w@.\-/])(?:[^\W_][\w-]{{0,62}}\.){{1,8}}(?:{_TLDS})(?![\w-])(?:/[^\s<>\"'`]*)?"
)
_TRAILING = ".,;:!?)]}'\""
# Every link has a dot before a letter or digit (or "://"): most posts have neither.
_LINK_GATE_RE = re.compile(r"\.(?=[^\W_])|://")


def _host(url: str) -> str:
    host = url.split("://", 1)[-1]
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return host.removeprefix("www.")


def find_links(prepared: Prepared) -> tuple[list[Flag], list[tuple[int, int, bool]]]:
    """Link flags, and the links as ``(start, end, is_shortener)`` in normalised offsets."""
    folded = prepared.folded
    if _LINK_GATE_RE.search(folded) is None:
        return [], []
    text = prepared.text
    flags: list[Flag] = []
    links: list[tuple[int, int, bool]] = []
    for match in _URL_RE.finditer(folded):
        start, end = match.span()
        while end > start and folded[end - 1] in _TRAILING:
            end -= 1
        url = folded[start:end]
        if "://" not in url and not url.startswith("www."):
            # A bare domain written with capitals is a sentence missing its space ("slut.Se").
            host_end = start + len(url.split("/", 1)[0])
            if not text[start:host_end].islower():
                continue
        shortener = _host(url) in SHORTENERS
        links.append((start, end, shortener))
        original_start, original_end = prepared.span(start, end)
        flags.append(
            Flag(
                code=LINK,
                score=0.9 if shortener else 0.7,
                start=original_start,
                end=original_end,
                detector="links.link",
                version=VERSION,
            )
        )
    return flags, links


STRONG, MEDIUM, WEAK = 0.8, 0.5, 0.3
LINK_WEIGHT = 0.35
COMMERCIAL_THRESHOLD = 0.6

# (weight, words the cue cannot match without, pattern); anchors match on their first four
# letters and let posts without any of them skip the regular expression.
_CUES: list[tuple[float, str, str]] = [
    # click here / go to my profile
    (STRONG, "klik klikke", r"klik(?:ke)? (?:her|på linket)"),
    (STRONG, "tryk", r"tryk her"),
    (STRONG, "klicka", r"klicka (?:här|på länken)"),
    (STRONG, "click", r"click (?:here|the link|on the link)"),
    (STRONG, "link länk", r"(?:link|länk(?:en)?) (?:i|in) (?:bio|profilen)"),
    (STRONG, "profil profile",
     r"(?:besøg|tjek|se|besök|kolla in|kolla|visit|check out|check) (?:min|my) profil(?:e)?"),
    # loans
    (STRONG, "kviklån sms smslån snabblån forbrugslån blancolån",
     r"(?:kvik|sms-? ?|snabb|forbrugs|blanco)lån\w*"),
    (STRONG, "lån", r"lån (?:uden|utan) (?:sikkerhed|säkerhet|kreditvurdering|kreditupplysning)"),
    (STRONG, "loan loans", r"(?:payday|quick|instant|fast) loans?|loans? without credit"),
    # crypto, investment and get-rich schemes
    (STRONG, "bitcoin btc ethereum crypto krypto forex",
     r"bitcoins?|btc|ethereum|crypto\w*|krypto\w*|forex"),
    (STRONG, "passiv passive", r"passiv(?:e)? (?:indkomst|inkomst|income)"),
    (STRONG, "tjen tjene", r"tjen(?:e)? (?:nemme |hurtige )?penge (?:hjemmefra|online|hurtigt)"),
    (STRONG, "tjäna", r"tjäna (?:snabba |enkla )?pengar (?:hemifrån|online|snabbt)"),
    (STRONG, "money", r"make money (?:fast|online|from home)"),
    (STRONG, "earn", r"earn \$\s?\d+"),
    (STRONG, "garanteret garanterad guaranteed",
     r"garanter(?:et|ad) (?:afkast|avkastning|gevinst|vinst)"
     r"|guaranteed (?:profit|returns|income)"),
    # casinos and betting
    (STRONG, "casino kasino spins freespins betting",
     r"(?:casino|kasino)\w*|(?:free|gratis) ?spins?|freespins?|betting"),
    # sales
    (STRONG, "køb köp buy order bestil beställ shop",
     r"(?:køb|köp|bestil|beställ) nu|(?:buy|order|shop) now"),
    (STRONG, "limited begrænset begränsat",
     r"limited (?:time )?offer|begrænset tilbud|begränsat erbjudande"),
    (STRONG, "rabatkode rabattkod discount promo coupon koden code",
     r"rabat(?:t)?kod(?:e|en)?|(?:discount|promo|coupon) code|(?:brug|använd|use) (?:koden|code)"),
    (STRONG, "onlyfans singles", r"onlyfans|hot singles"),
    (MEDIUM, "whatsapp telegram", r"whatsapp|telegram"),
    (MEDIUM, "dm pm inbox", r"(?:dm|pm|inbox) me"),
    (MEDIUM, "skriv send besked", r"(?:skriv|send) (?:til mig|mig en besked)"),
    (MEDIUM, "skicka", r"skicka (?:ett )?(?:meddelande|dm)"),
    (MEDIUM, "kontakt kontakta contact",
     r"kontakt(?:a)? mig (?:på|for|för)|contact me (?:on|for|at)"),
    (MEDIUM, "rabat rabatt off discount", r"\d+ ?% (?:rabat|rabatt|off|discount)"),
    (MEDIUM, "vind vinn win", r"(?:vind|vinn|win) (?:en|ett|a|an)\b"),
    (MEDIUM, "invest trading", r"invest\w*|trading"),
    (WEAK, "gratis free tilbud erbjudande offer rabat rabatt discount",
     r"gratis|free|tilbud(?:det)?|erbjudande(?:t)?|offer|rabat(?:t)?|discount"),
    (WEAK, "billig cheap lån låna loan loans profit afkast avkastning penge pengar money",
     r"billig(?:e|t|a|aste|ste)?|cheap(?:est)?|lån|låna|loans?|profit|afkast|avkastning|penge"
     r"|pengar|money"),
]  # fmt: skip
_WEIGHTS = (STRONG, MEDIUM, WEAK)
_CUE_RE = re.compile(
    "|".join(
        f"(?P<w{index}>\\b(?:{'|'.join(pattern for w, _, pattern in _CUES if w == weight)})\\b)"
        for index, weight in enumerate(_WEIGHTS)
    )
)
_WEIGHT_BY_GROUP = {f"w{index}": weight for index, weight in enumerate(_WEIGHTS)}
_CUE_ANCHORS = anchor_prefixes(" ".join(anchors for _, anchors, _ in _CUES))


def find_commercial(prepared: Prepared, links: list[tuple[int, int, bool]]) -> list[Flag]:
    cues: list[tuple[int, int]] = []
    seen: set[str] = set()
    keep_not = 1.0  # probability that no cue is commercial (noisy-or)
    matches = _CUE_RE.finditer(prepared.words) if prepared.has_word_starting(_CUE_ANCHORS) else ()
    for match in matches:
        group = match.lastgroup
        if group is None:
            continue
        cues.append(match.span())
        cue = match.group()
        if cue not in seen:
            seen.add(cue)
            keep_not *= 1.0 - _WEIGHT_BY_GROUP[group]
    if links:
        keep_not *= 1.0 - LINK_WEIGHT
    for start, end, shortener in links:
        if shortener:
            cues.append((start, end))
            keep_not *= 1.0 - STRONG
    score = 1.0 - keep_not
    if score < COMMERCIAL_THRESHOLD or not cues:
        return []
    flags = []
    for start, end in sorted(cues):
        original_start, original_end = prepared.span(start, end)
        flags.append(
            Flag(
                code=COMMERCIAL,
                score=score,
                start=original_start,
                end=original_end,
                detector="links.commercial",
                version=VERSION,
            )
        )
    return flags
