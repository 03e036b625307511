"""Torget's default comment rules, written for Torget in Danish, Swedish and English.

An authority starts with these as rule-set version 1 and publishes its own versions later.
Codes are stable: decisions, statistics and exports refer to rules by code.
"""

from __future__ import annotations

from typing import TypedDict


class DefaultRule(TypedDict):
    code: str
    priority_offence: bool
    title_da: str
    title_sv: str
    title_en: str
    text_da: str
    text_sv: str
    text_en: str


DEFAULT_MAX_LENGTH = 2000

DEFAULT_RULES: list[DefaultRule] = [
    {
        "code": "ON_TOPIC",
        "priority_offence": False,
        "title_da": "Hold dig til emnet",
        "title_sv": "Håll dig till ämnet",
        "title_en": "Stay on topic",
        "text_da": "Indlæg skal handle om den dialog, de er skrevet i. Andre emner hører "
        "hjemme i en anden dialog eller hos kommunen direkte.",
        "text_sv": "Inlägg ska handla om den dialog de skrivs i. Andra frågor hör hemma i en "
        "annan dialog eller hos kommunen direkt.",
        "text_en": "Posts must be about the dialogue they are written in. Other subjects "
        "belong in another dialogue or with the authority directly.",
    },
    {
        "code": "RESPECT",
        "priority_offence": False,
        "title_da": "Vis respekt",
        "title_sv": "Visa respekt",
        "title_en": "Be respectful",
        "text_da": "Skriv i en ordentlig tone. Du må gerne være uenig og kritisere – også "
        "skarpt – men ikke med skældsord, hån eller personangreb.",
        "text_sv": "Skriv i en vänlig ton. Du får gärna vara oenig och kritisera – även "
        "skarpt – men inte med skällsord, hån eller personangrepp.",
        "text_en": "Keep a decent tone. You are welcome to disagree and criticise, even "
        "sharply, but not with slurs, mockery or personal attacks.",
    },
    {
        "code": "CONCISE",
        "priority_offence": False,
        "title_da": "Fat dig i korthed",
        "title_sv": "Fatta dig kort",
        "title_en": "Keep it concise",
        "text_da": "Et indlæg må højst fylde det antal tegn, der står under skrivefeltet. "
        "Gentag ikke det samme indlæg flere gange.",
        "text_sv": "Ett inlägg får högst innehålla det antal tecken som anges under "
        "skrivfältet. Upprepa inte samma inlägg flera gånger.",
        "text_en": "A post may not exceed the number of characters shown below the text "
        "box. Do not post the same text several times.",
    },
    {
        "code": "NO_SHOUTING",
        "priority_offence": False,
        "title_da": "Undgå at råbe",
        "title_sv": "Undvik att skrika",
        "title_en": "No shouting",
        "text_da": "Skriv ikke hele indlæg eller lange passager med store bogstaver.",
        "text_sv": "Skriv inte hela inlägg eller långa stycken med versaler.",
        "text_en": "Do not write whole posts or long passages in capital letters.",
    },
    {
        "code": "IRRELEVANT_PERSONAL",
        "priority_offence": False,
        "title_da": "Ingen uvedkommende bemærkninger om personer",
        "title_sv": "Inga ovidkommande kommentarer om personer",
        "title_en": "No irrelevant remarks about people",
        "text_da": "Kommentér ikke andres etnicitet, køn, seksualitet, politiske holdning "
        "eller religion, når det ikke har betydning for sagen.",
        "text_sv": "Kommentera inte andras etnicitet, kön, sexualitet, politiska åsikter "
        "eller religion när det saknar betydelse för frågan.",
        "text_en": "Do not comment on other people's ethnicity, gender, sexuality, political "
        "views or religion where it has no bearing on the matter.",
    },
    {
        "code": "DISCRIMINATION",
        "priority_offence": True,
        "title_da": "Ingen racisme, fremmedhad eller sexisme",
        "title_sv": "Ingen rasism, främlingsfientlighet eller sexism",
        "title_en": "No racism, xenophobia or sexism",
        "text_da": "Indlæg, der nedgør mennesker på grund af hudfarve, herkomst, tro, køn "
        "eller seksualitet, offentliggøres ikke.",
        "text_sv": "Inlägg som nedvärderar människor på grund av hudfärg, ursprung, tro, kön "
        "eller sexualitet publiceras inte.",
        "text_en": "Posts that demean people because of colour, origin, faith, gender or "
        "sexuality are not published.",
    },
    {
        "code": "COMMERCIAL",
        "priority_offence": False,
        "title_da": "Ingen reklame",
        "title_sv": "Ingen reklam",
        "title_en": "No advertising",
        "text_da": "Brug ikke dialogen til at sælge, reklamere eller samle kunder.",
        "text_sv": "Använd inte dialogen för att sälja, göra reklam eller värva kunder.",
        "text_en": "Do not use the dialogue to sell, advertise or recruit customers.",
    },
    {
        "code": "RIGHTS",
        "priority_offence": True,
        "title_da": "Respektér andres rettigheder",
        "title_sv": "Respektera andras rättigheter",
        "title_en": "Respect other people's rights",
        "text_da": "Del kun tekst, billeder og andet materiale, som du selv har rettighederne "
        "til eller må bruge.",
        "text_sv": "Dela bara text, bilder och annat material som du själv har rätt till "
        "eller får använda.",
        "text_en": "Share only text, images and other material you own or are allowed to use.",
    },
    {
        "code": "INCITEMENT",
        "priority_offence": True,
        "title_da": "Ingen opfordring til ulovligheder",
        "title_sv": "Ingen uppmaning till brott",
        "title_en": "No incitement to crime",
        "text_da": "Indlæg, der opfordrer til eller hylder kriminalitet eller vold, "
        "offentliggøres ikke.",
        "text_sv": "Inlägg som uppmanar till eller hyllar brott eller våld publiceras inte.",
        "text_en": "Posts that urge or glorify crime or violence are not published.",
    },
    {
        "code": "THREATS",
        "priority_offence": True,
        "title_da": "Ingen trusler, chikane eller sladder",
        "title_sv": "Inga hot, trakasserier eller skvaller",
        "title_en": "No threats, harassment or gossip",
        "text_da": "Trusler mod nogen – politikere, medarbejdere eller borgere – "
        "offentliggøres aldrig og kan blive politianmeldt. Det samme gælder chikane og "
        "rygter om enkeltpersoner.",
        "text_sv": "Hot mot någon – politiker, anställda eller invånare – publiceras aldrig "
        "och kan polisanmälas. Detsamma gäller trakasserier och rykten om enskilda.",
        "text_en": "Threats against anyone, whether politicians, staff or citizens, are never "
        "published and may be reported to the police. The same goes for harassment and "
        "rumours about individuals.",
    },
    {
        "code": "IMPERSONATION",
        "priority_offence": False,
        "title_da": "Udgiv dig ikke for at være en anden",
        "title_sv": "Utge dig inte för att vara någon annan",
        "title_en": "No impersonation",
        "text_da": "Brug et navn, der ikke vildleder om, hvem du er. Skriv ikke i andres navn.",
        "text_sv": "Använd ett namn som inte vilseleder om vem du är. Skriv inte i någon "
        "annans namn.",
        "text_en": "Use a name that does not mislead about who you are. Do not write in "
        "someone else's name.",
    },
    {
        "code": "PERSONAL_DATA",
        "priority_offence": False,
        "title_da": "Ingen personoplysninger om andre",
        "title_sv": "Inga personuppgifter om andra",
        "title_en": "No personal data about others",
        "text_da": "Skriv ikke CPR-numre, adresser, telefonnumre, helbredsoplysninger eller "
        "andre private oplysninger om dig selv eller andre. Har du en personlig sag, "
        "så kontakt kommunen direkte.",
        "text_sv": "Skriv inte personnummer, adresser, telefonnummer, hälsouppgifter eller "
        "andra privata uppgifter om dig själv eller andra. Har du ett personligt ärende, "
        "kontakta kommunen direkt.",
        "text_en": "Do not post national ID numbers, addresses, phone numbers, health details "
        "or other private information about yourself or others. For a personal matter, "
        "contact the authority directly.",
    },
]
