"""Threat phrasing in Danish, Swedish and English.

What is flagged (after folding case, look-alike letters, leet digits and invisible characters):

* knowing where someone lives: "jeg ved hvor du bor", "vi vet var dina barn går i skolan",
  "I know where you live";
* hunting someone down: "vi finder dig", "vi hittar dig", "we will find you", "vi kommer efter
  dig", "we're coming for you" — only when the phrase ends there ("vi finder dig en ny tid"
  is service, not a threat);
* death: "du skal dø", "du ska dö", "you will die" (not "… af grin", "… av skratt",
  "… laughing"); killing with a first-person subject or as an order and a person as object
  ("jeg slår dig ihjel", "vi dræber borgmesteren", "skjut honom", "I'll kill you");
  wishes that someone be shot/hanged/executed ("han burde skydes"); "en kugle for panden";
* promised violence with a first-person subject and a person as object ("jeg vil tæve dig",
  "jag ska knivhugga dig", "I'm going to stab you"), "du får bank", "you'll get hurt";
* arson and bombs aimed at a home or the town hall ("brænde dit hus ned", "sätta eld på
  kommunhuset", "blow up the town hall"), "molotov".

Deliberately NOT flagged:

* everyday warnings: "pas på med at skære i ældreplejen", "be careful about cutting elderly
  care", "det får konsekvenser ved valget";
* figurative killing with a thing as object: "det här kommer att slå ihjäl landsbygden",
  "besparelserne dræber lokalsamfundet" — the object is not a person, so no flag (a
  moderator still reads every post);
* defeat in elections or sport: "vi skal slå dem", "vi smadrer dem ved valget",
  "we will beat you" — "slå", "smadre", "spöa", "beat" alone are not violence words here.
"""

from __future__ import annotations

import re

from torget.screening.flags import THREAT, Flag
from torget.screening.normalise import Prepared, anchor_prefixes

VERSION = "1"

_W = r"[\s,]+"  # between words; commas are common before Danish/Swedish clauses
_A = "['’]"  # apostrophe, straight or typographic
_ANY = r"(?:[^\W_]+[\s,]+)"  # one filler word with its separator
# Filler words that are not a negation ("jeg vil ALDRIG slå dig ihjel" is not a threat).
_FILL = r"(?:(?!ikke\b|aldrig\b|inte\b|not\b|never\b|don\b|won\b)[^\W_]+[\s,]+)"
# The threat phrase ends there (punctuation, end of text or a closing word): "vi finder dig."
# and "vi finder dig nok" are threats, "vi finder dig en ny tid" is service.
_END = (
    r"(?=\s*(?:[.!?,;:)\"'…]|$)|\s+(?:nok|snart|og|skal|før|når|igen|bara|nu|and|soon|now"
    r"|one\s+day|en\s+dag)\b)"
)
# Start of a sentence, for orders ("Skyd ham!"): not inside a clause.
_SENTENCE = r"(?:(?<![\w\s,;:])|(?<=[.!?]\s)|(?<=\n))"

# People, as objects: pronouns and the elected roles Torget protects.
_ROLES_DA = (
    r"(?:borgmester\w*|politiker\w*|rådmand\w*|rådmænd\w*|byrådsmedlem\w*"
    r"|kommunalpolitiker\w*|ordfører\w*|minister\w*|regionsråd\w*)"
)
_ROLES_SV = (
    r"(?:kommunalråd\w*|politiker\w*|ledamot\w*|ledamöter\w*|ordförande\w*|minister\w*"
    r"|borgmästare\w*)"
)
_ROLES_EN = r"(?:(?:the|that|this|your|our) )?(?:mayor|councillor|councilor|politician|minister)s?"
_TARGET_DA = rf"(?:dig|dej|jer|ham|hende|dem|{_ROLES_DA})"
_TARGET_SV = rf"(?:dig|dej|er|honom|henne|dem|{_ROLES_SV})"
_TARGET_EN = rf"(?:you|u|ya|him|her|them|{_ROLES_EN})"
_SUBJECT_DA = rf"(?:han|hun|de|du|i|{_ROLES_DA})"
_SUBJECT_SV = rf"(?:han|hon|de|dom|du|ni|{_ROLES_SV})"
_SUBJECT_EN = rf"(?:he|she|they|you|{_ROLES_EN})"
_HOME_DA = r"(?:hus|hjem|lejlighed|bil|kontor|butik|villa|sommerhus|rækkehus|gård)\w*"
_HOME_SV = r"(?:hus|hem|lägenhet|bil|kontor|butik|villa|sommarstuga|radhus|gård)\w*"
_HOME_EN = r"(?:house|home|car|office|shop|place|flat|apartment)"
_POSS_DA = r"(?:dit|din|dine|jeres|hans|hendes|deres)"
_POSS_SV = r"(?:ditt|din|dina|ert|er|era|hans|hennes|deras)"
_POSS_EN = r"(?:your|his|her|their)"
_TOWN_HALL_DA = r"(?:rådhus\w*|borgmesterkontor\w*|byråd\w*|kommunekontor\w*)"
_TOWN_HALL_SV = r"(?:kommunhus\w*|stadshus\w*|rådhus\w*|kommunkontor\w*)"
_TOWN_HALL_EN = r"(?:(?:the|your) )?(?:town hall|city hall|council offices?)"

# Each pattern with the words it cannot match without (a post containing none of them skips
# the regular expression). Anchors are matched on their first four letters.
_DA = [
    # knowing where someone lives
    ("bor skole arbejder sover",
     rf"(?:jeg|vi){_W}(?:ved|kender){_W}{_ANY}{{0,2}}hvor{_W}(?:du|i|han|hun|din{_W}\w+|dine"
     rf"{_W}\w+|jeres{_W}\w+){_W}(?:bor|går{_W}i{_W}skole|arbejder|sover)"),
    ("adresse", rf"(?:jeg|vi){_W}(?:ved|kender|har){_W}(?:godt{_W})?(?:din|jeres){_W}adresse"),
    # hunting someone down
    ("finder", rf"(?:jeg|vi){_W}(?:skal{_W}nok{_W}|vil{_W}|kommer{_W}og{_W})?(?:finder|finde)"
     rf"{_W}(?:dig|jer|ham|hende){_END}"),
    ("efter", rf"(?:jeg|vi){_W}kommer{_W}efter{_W}(?:dig|jer|ham|hende){_END}"),
    # death
    ("dø",
     rf"du{_W}(?:skal|vil|kommer{_W}til{_W}at|burde|fortjener{_W}at){_W}{_FILL}?dø(?!\w)"
     rf"(?!{_W}(?:af{_W}(?:grin|skam|kedsomhed|latter|alderdom)|alene|lykkelig|gammel|rig))"),
    ("ihjel", rf"(?:jeg|vi){_W}{_FILL}{{0,4}}?(?:slår|slå){_W}{_TARGET_DA}{_W}ihjel"),
    ("ihjel", rf"og{_W}(?:slår|slå){_W}(?:dig|jer){_W}ihjel"),
    ("dræbe myrde skyde likvidere henrette hænge kvæle",
     rf"(?:jeg|vi){_W}{_FILL}{{0,4}}?(?:dræbe|dræber|myrde|myrder|skyde|skyder|likvidere"
     rf"|likviderer|henrette|henretter|hænge|hænger|kvæle|kvæler){_W}{_TARGET_DA}(?!\w)"),
    ("dræbe skyde myrde",
     rf"og{_W}(?:dræber|dræbe|skyder|skyde|myrder|myrde){_W}(?:dig|jer)(?!\w)"),
    ("dræb skyd myrd hæng likvider henret",
     rf"{_SENTENCE}(?:dræb|skyd|myrd|hæng|likvider|henret){_W}{_TARGET_DA}(?!\w)"),
    ("skydes hænges dræbes henrettes likvideres stenes",
     rf"{_SUBJECT_DA}{_W}(?:burde|skulle|skal|bør){_W}{_FILL}?(?:skydes(?!{_W}ned)|hænges"
     rf"|dræbes|henrettes|likvideres|stenes)"),
    ("kugle", rf"kugle{_W}(?:for{_W}panden|i{_W}hovedet|i{_W}nakken|i{_W}skallen)"),
    # promised violence
    ("tæve banke knivstikke stikke sparke brække voldtage partere kvæle pløkke mishandle "
     "torturere",
     rf"(?:jeg|vi){_W}(?:vil|skal|kommer{_W}til{_W}at|kommer{_W}og){_W}{_FILL}?(?:tæve|banke"
     rf"|knivstikke|stikke|sparke|brække|voldtage|partere|kvæle|pløkke|mishandle|torturere)"
     rf"{_W}{_TARGET_DA}(?!\w)"),
    ("bank tæsk øretæver kniven kugle",
     rf"du{_W}(?:får|skal{_W}få|kommer{_W}til{_W}at{_W}få){_W}{_FILL}?(?:bank|tæsk"
     rf"|øretæver|kniven|en{_W}kugle|en{_W}kniv){_END}"),
    # arson and bombs
    ("brænde", rf"(?:brænde|brænder|brænd){_W}{_POSS_DA}{_W}{_FILL}?{_HOME_DA}"),
    ("ild",
     rf"(?:sætte|sætter|sæt|tænde|tænder|tænd){_W}ild{_W}(?:til|på|i){_W}(?:{_POSS_DA}{_W}"
     rf"{_FILL}?{_HOME_DA}|{_TOWN_HALL_DA})"),
    ("bombe sprænge",
     rf"(?:bombe|bomber|sprænge|sprænger|spræng){_W}(?:{_TOWN_HALL_DA}|{_POSS_DA}{_W}"
     rf"{_HOME_DA}|dig|jer|ham|hende)(?!\w)"),
]  # fmt: skip

_SV = [
    ("bor skolan jobbar arbetar sover",
     rf"(?:jag|vi){_W}vet{_W}{_ANY}{{0,2}}var{_W}(?:du|ni|han|hon|din{_W}\w+|dina{_W}\w+"
     rf"|era{_W}\w+){_W}(?:bor|går{_W}i{_W}skolan|jobbar|arbetar|sover)"),
    ("adress", rf"(?:jag|vi){_W}(?:vet|har){_W}(?:din|er){_W}adress"),
    ("hittar", rf"(?:jag|vi){_W}(?:ska{_W}|kommer{_W}att{_W})?(?:hittar|hitta){_W}(?:dig|dej"
     rf"|er|honom|henne){_END}"),
    ("efter tar",
     rf"(?:jag|vi){_W}kommer{_W}(?:efter|och{_W}tar){_W}(?:dig|dej|er|honom|henne){_END}"),
    ("dö",
     rf"du{_W}(?:ska|kommer{_W}att|borde|förtjänar{_W}att){_W}{_FILL}?dö(?!\w)"
     rf"(?!{_W}(?:av{_W}(?:skratt|skam|tristess|ålder)|ensam|lycklig|gammal|rik))"),
    ("ihjäl", rf"(?:jag|vi){_W}{_FILL}{{0,4}}?(?:slår|slå){_W}ihjäl{_W}{_TARGET_SV}(?!\w)"),
    ("döda mörda skjuta avrätta hänga strypa",
     rf"(?:jag|vi){_W}{_FILL}{{0,4}}?(?:döda|dödar|mörda|mördar|skjuta|skjuter|avrätta"
     rf"|hänga|strypa|stryper){_W}{_TARGET_SV}(?!\w)"),
    ("ihjäl", rf"och{_W}(?:slår|slå){_W}ihjäl{_W}(?:dig|dej|er)(?!\w)"),
    ("döda skjut mörda häng avrätta",
     rf"{_SENTENCE}(?:döda|skjut|mörda|häng|avrätta){_W}{_TARGET_SV}(?!\w)"),
    ("skjutas hängas dödas avrättas stenas",
     rf"{_SUBJECT_SV}{_W}(?:borde|ska|bör){_W}{_FILL}?(?:skjutas|hängas|dödas|avrättas"
     rf"|stenas)"),
    ("kula", rf"kula{_W}i{_W}(?:huvudet|skallen|pannan|nacken)"),
    ("misshandla knivhugga hugga sparka strypa våldta tortera sönder skiten",
     rf"(?:jag|vi){_W}(?:ska|kommer{_W}att|tänker){_W}{_FILL}?(?:misshandla|knivhugga"
     rf"|hugga|sparka{_W}ihjäl|strypa|våldta|tortera|slå{_W}sönder|spöa{_W}skiten{_W}ur)"
     rf"{_W}{_TARGET_SV}(?!\w)"),
    ("stryk spö kula kniven",
     rf"du{_W}(?:får|ska{_W}få|kommer{_W}att{_W}få){_W}{_FILL}?(?:stryk|spö|en{_W}kula"
     rf"|kniven){_END}"),
    ("bränna", rf"(?:bränna|bränner|bränn){_W}(?:ner{_W})?{_POSS_SV}{_W}{_FILL}?{_HOME_SV}"),
    ("eld",
     rf"(?:sätta|sätter|sätt|tända|tänder|tänd){_W}eld{_W}på{_W}(?:{_POSS_SV}{_W}"
     rf"{_FILL}?{_HOME_SV}|{_TOWN_HALL_SV})"),
    ("spränga bomba",
     rf"(?:spränga|spränger|spräng|bomba|bombar){_W}(?:{_TOWN_HALL_SV}|{_POSS_SV}{_W}"
     rf"{_HOME_SV}|dig|er|honom|henne)(?!\w)"),
]  # fmt: skip

_I_WILL = (
    rf"(?:i|we)(?:{_A}ll|{_A}m|{_A}re|\s+will|\s+shall|\s+am|\s+are)?"
    r"(?:\s+going\s+to|\s+gonna)?"
)
_EN = [
    ("live lives sleep work school",
     rf"(?:i|we){_W}know{_W}{_ANY}{{0,2}}where{_W}(?:you|u|he|she|they|your{_W}\w+){_W}"
     r"(?:live|lives|sleep|sleeps|work|works|go\s+to\s+school|goes\s+to\s+school)"),
    ("address", rf"(?:i|we){_W}know{_W}your{_W}(?:home{_W})?address"),
    ("find hunt track",
     rf"{_I_WILL}{_W}(?:find|hunt{_W}down|track{_W}down|hunt){_W}(?:you|u|ya|him|her|them)"
     rf"(?:{_W}down)?{_END}"),
    ("coming",
     rf"we(?:{_A}re|\s+are){_W}coming{_W}(?:for|after){_W}(?:you|u|ya|him|her|them){_END}"),
    ("die",
     rf"you(?:{_A}re|\s+are|{_A}ll|\s+will|\s+shall|\s+should|\s+must|\s+deserve\s+to)"
     rf"(?:{_W}going{_W}to|{_W}gonna)?{_W}die(?!\w)"
     rf"(?!{_W}(?:laughing|of|from|happy|alone|poor|rich|old|young))"),
    ("dead", rf"you(?:{_A}re|\s+are){_W}(?:so{_W})?dead(?:{_W}(?:meat|man|woman))?{_END}"),
    ("kill murder shoot stab hang strangle behead execute lynch torture rape beat",
     rf"{_I_WILL}{_W}{_FILL}?(?:kill|murder|shoot|stab|hang|strangle|behead|execute"
     rf"|lynch|torture|rape|beat{_W}up|beat{_W}the{_W}shit{_W}out{_W}of){_W}{_TARGET_EN}"
     r"(?!\w)"),
    ("kill shoot hang lynch execute",
     rf"{_SENTENCE}(?:kill|shoot|hang|lynch|execute){_W}{_TARGET_EN}(?!\w)"),
    ("shot hanged hung killed executed lynched burned burnt stoned",
     rf"{_SUBJECT_EN}{_W}(?:should|must|ought{_W}to|deserves?{_W}to|needs?{_W}to){_W}be{_W}"
     r"(?:shot|hanged|hung|killed|executed|lynched|burned|burnt|stoned)(?!\w)"),
    ("bullet",
     rf"bullet{_W}(?:in|through|between){_W}{_POSS_EN}{_W}(?:head|skull|eyes|brain)"),
    ("hurt beaten stabbed shot killed",
     rf"you(?:{_A}ll|\s+will){_W}(?:get|be){_W}(?:hurt|beaten|stabbed|shot|killed)"),
    ("burn torch", rf"(?:burn|torch){_W}(?:down{_W})?{_POSS_EN}{_W}{_FILL}?{_HOME_EN}"),
    ("fire firebomb blow",
     rf"(?:set{_W}fire{_W}to|firebomb|blow{_W}up){_W}(?:{_POSS_EN}{_W}{_FILL}?{_HOME_EN}"
     rf"|{_TOWN_HALL_EN}|you|him|her|them)(?!\w)"),
]  # fmt: skip

_COMMON = [("molotov", r"molotov\w*")]

_PATTERNS = _DA + _SV + _EN + _COMMON
_ANCHORS = anchor_prefixes(" ".join(anchors for anchors, _ in _PATTERNS))
_THREAT_RE = re.compile(r"\b(?:" + "|".join(f"(?:{pattern})" for _, pattern in _PATTERNS) + r")")


def find_threats(prepared: Prepared) -> list[Flag]:
    if not prepared.has_word_starting(_ANCHORS):
        return []
    flags = []
    for match in _THREAT_RE.finditer(prepared.words):
        start, end = match.span()
        original_start, original_end = prepared.span(start, end)
        flags.append(
            Flag(
                code=THREAT,
                score=0.9,
                start=original_start,
                end=original_end,
                detector="threats.phrases",
                version=VERSION,
            )
        )
    return flags
