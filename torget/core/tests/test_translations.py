"""The Danish and Swedish catalogues are complete, well-formed, and compiled as committed.

Every string a citizen or an official can meet must exist in Danish and Swedish (DESIGN §2.6).
These tests read the .po files with a small parser of our own (the standard library has none),
check each translation against its source text, and compare the committed .mo files with the
.po files entry by entry, so a catalogue that was edited but not recompiled fails here rather
than silently showing English or stale text on a municipality's site.
"""

from __future__ import annotations

import functools
import gettext
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from torget.dialogues.models import DialogueState, ParticipationLevel

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
TRANSLATED = ("da", "sv")
ALL_LANGUAGES = ("da", "sv", "en")
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


# --- a small .po reader ------------------------------------------------------------------------

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def forms(self) -> list[str]:
        return [self.msgstr[index] for index in sorted(self.msgstr)]

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(literal: str, where: str) -> str:
    if len(literal) < 2 or not (literal.startswith('"') and literal.endswith('"')):
        raise ValueError(f"{where}: not a quoted string: {literal}")

    def replace(match: re.Match[str]) -> str:
        char = match.group(1)
        if char not in _ESCAPES:
            raise ValueError(f"{where}: unknown escape \\{char}")
        return _ESCAPES[char]

    return re.sub(r"\\(.)", replace, literal[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries in file order, the header first. Obsolete (#~) entries are kept, marked."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None  # which string a continuation line extends
    started = False

    def finish() -> None:
        nonlocal current, target, started
        if started:
            entries.append(current)
        current, target, started = Entry(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):
                continue  # the previous text of an obsolete fuzzy entry
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if started and target is not None and target[0] == "msgstr":
                finish()  # a comment after a msgstr starts the next entry
            if line.startswith("#,"):
                current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            text = _unquote(literal, where)
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()  # the next entry began without a blank line
            if not started:
                current.line, started = number, True
            current.obsolete = current.obsolete or obsolete
            if keyword == "msgctxt":
                current.msgctxt, target = text, ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid, target = text, ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = text, ("msgid_plural", 0)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot], target = text, ("msgstr", slot)
            continue
        if line.startswith('"') and target is not None:
            text = _unquote(line, where)
            name, slot = target
            if name == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + text
            elif name == "msgid":
                current.msgid += text
            elif name == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + text
            else:
                current.msgstr[slot] += text
            continue
        raise ValueError(f"{where}: cannot read {raw!r}")
    finish()
    return entries


@functools.cache
def catalogue(language: str) -> tuple[Entry, ...]:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    return tuple(entry for entry in parse_po(path) if not entry.obsolete)


def header(language: str) -> dict[str, str]:
    first = catalogue(language)[0]
    assert first.is_header, f"{language}: the catalogue must start with its header"
    fields: dict[str, str] = {}
    for line in first.msgstr[0].splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


def messages(language: str) -> list[Entry]:
    return [entry for entry in catalogue(language) if not entry.is_header]


# --- a small .mo reader ------------------------------------------------------------------------


def read_mo(path: Path) -> dict[str, str]:
    """Every (key, value) in a compiled catalogue, exactly as msgfmt stored it."""
    data = path.read_bytes()
    (magic,) = struct.unpack("<I", data[:4])
    order = {0x950412DE: "<", 0xDE120495: ">"}.get(magic)
    assert order is not None, f"{path} is not a gettext .mo file"
    _revision, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    result: dict[str, str] = {}
    for index in range(count):
        key_length, key_offset = struct.unpack(order + "2I", data[originals + 8 * index :][:8])
        value_length, value_offset = struct.unpack(
            order + "2I", data[translations + 8 * index :][:8]
        )
        key = data[key_offset : key_offset + key_length].decode("utf-8")
        result[key] = data[value_offset : value_offset + value_length].decode("utf-8")
    return result


def expected_mo(language: str) -> dict[str, str]:
    """What msgfmt writes for a .po: the header and every translated, non-fuzzy entry."""
    expected: dict[str, str] = {}
    for entry in catalogue(language):
        if "fuzzy" in entry.flags or not entry.forms or not all(entry.forms):
            continue
        key = entry.msgid
        if entry.msgid_plural is not None:
            key += "\0" + entry.msgid_plural
        if entry.msgctxt is not None:
            key = entry.msgctxt + "\x04" + key
        expected[key] = "\0".join(entry.forms)
    return expected


def _without_creation_date(catalogue: dict[str, str]) -> dict[str, str]:
    # Recent msgfmt leaves POT-Creation-Date out of the compiled header (reproducible builds);
    # older versions keep it. It says nothing about the translations, so neither side keeps it.
    result = dict(catalogue)
    if "" in result:
        lines = result[""].splitlines(keepends=True)
        result[""] = "".join(line for line in lines if not line.startswith("POT-Creation-Date:"))
    return result


# --- placeholders ------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?"  # %(name)
    r"[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision, length
    r"(?P<kind>[diouxXeEfFgGcrsa%])"
)


def placeholders(text: str) -> tuple[set[str], list[str]]:
    """Named placeholders (as a set) and positional ones (in order); "%%" is not one."""
    named: set[str] = set()
    positional: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        if match.group("kind") == "%":
            continue
        if match.group("name") is not None:
            named.add(f"%({match.group('name')}){match.group('kind')}")
        else:
            positional.append(match.group(0))
    return named, positional


def stray_percent(text: str) -> bool:
    return "%" in _PLACEHOLDER.sub("", text)


def _leading(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _trailing(text: str) -> str:
    return text[len(text.rstrip()) :]


# --- the catalogues ----------------------------------------------------------------------------


def test_settings_load_catalogues_from_this_folder() -> None:
    assert LOCALE_DIR in [Path(path).resolve() for path in settings.LOCALE_PATHS]
    assert {code for code, _name in settings.LANGUAGES} == set(ALL_LANGUAGES)


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_header_names_language_plurals_and_charset(language: str) -> None:
    fields = header(language)
    assert "fuzzy" not in catalogue(language)[0].flags
    assert fields["Language"] == language
    assert fields["Plural-Forms"] == PLURAL_FORMS
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_nothing_is_fuzzy(language: str) -> None:
    fuzzy = [entry.label for entry in messages(language) if "fuzzy" in entry.flags]
    assert fuzzy == []


@pytest.mark.parametrize("language", ["sv", "en"])
def test_all_catalogues_hold_the_same_messages(language: str) -> None:
    def keys(code: str) -> list[tuple[str | None, str, str | None]]:
        return [(e.msgctxt, e.msgid, e.msgid_plural) for e in messages(code)]

    assert keys(language) == keys("da"), "run makemessages for every language at once"
    assert len(keys(language)) > 0


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    missing = []
    for entry in messages(language):
        wanted = 2 if entry.msgid_plural is not None else 1
        if sorted(entry.msgstr) != list(range(wanted)) or not all(entry.forms):
            missing.append(entry.label)
    assert missing == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_match_the_source(language: str) -> None:
    wrong = []
    for entry in messages(language):
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        source_named: set[str] = set()
        for source in sources:
            source_named |= placeholders(source)[0]
        source_positional = placeholders(entry.msgid)[1]
        for form in entry.forms:
            named, positional = placeholders(form)
            if named != source_named or positional != source_positional:
                wrong.append(f"{entry.label} -> {form!r}")
            elif "python-format" in entry.flags and stray_percent(form):
                wrong.append(f"{entry.label} -> stray % in {form!r}")
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_line_breaks_surrounding_space_and_the_name_torget_are_kept(language: str) -> None:
    wrong = []
    for entry in messages(language):
        for form in entry.forms:
            if (
                _leading(form) != _leading(entry.msgid)
                or _trailing(form) != _trailing(entry.msgid)
                or form.count("\n") != entry.msgid.count("\n")
                or ("Torget" in entry.msgid and "Torget" not in form)
            ):
                wrong.append(f"{entry.label} -> {form!r}")
    assert wrong == []


def test_english_keeps_the_source_text() -> None:
    translated = [entry.label for entry in messages("en") if any(entry.forms)]
    assert translated == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_msgfmt_accepts_the_catalogue(language: str) -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt is not None
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(  # noqa: S603 - GNU msgfmt on our own file
        [msgfmt, "--check", "--output-file=/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- the compiled catalogues -------------------------------------------------------------------


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language: str) -> None:
    mo = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo} is missing: run `torget compilemessages`"
    compiled = _without_creation_date(read_mo(mo))
    expected = _without_creation_date(expected_mo(language))
    stale = sorted(key for key in expected if compiled.get(key) != expected[key])
    extra = sorted(key for key in compiled if key not in expected)
    assert (stale, extra) == ([], []), "the .mo is out of date: run `torget compilemessages`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_gettext_reads_every_translation_from_the_mo_file(language: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info()["plural-forms"] == PLURAL_FORMS
    for entry in messages(language):
        if entry.msgid_plural is None:
            got = compiled.gettext(entry.msgid)
            assert got == entry.msgstr[0], entry.label
        else:
            one = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
            many = compiled.ngettext(entry.msgid, entry.msgid_plural, 5)
            assert (one, many) == (entry.msgstr[0], entry.msgstr[1]), entry.label


# --- Django really serves them -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "sign_out", "co_decide", "archived"),
    [
        ("da", "Log ud", "Medbestemme", "Arkiveret"),
        ("sv", "Logga ut", "Medbestämma", "Arkiverad"),
        ("en", "Sign out", "Co-decide", "Archived"),
    ],
)
def test_django_translates_with_the_catalogue(
    language: str, sign_out: str, co_decide: str, archived: str
) -> None:
    message = "Sign out"  # a variable, so makemessages does not list this file as a source
    with translation.override(language):
        assert translation.gettext(message) == sign_out
        assert str(ParticipationLevel.CO_DECIDE.label) == co_decide
        assert str(DialogueState.ARCHIVED.label) == archived


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("da", "1 publiceret indlæg", "3 publicerede indlæg"),
        ("sv", "1 publicerat inlägg", "3 publicerade inlägg"),
        ("en", "1 published contribution", "3 published contributions"),
    ],
)
def test_templates_pick_the_right_plural(language: str, one: str, many: str) -> None:
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} published contribution"
        "{% plural %}{{ counter }} published contributions{% endblocktranslate %}"
    )
    with translation.override(language):
        assert template.render(Context({"n": 1})) == one
        assert template.render(Context({"n": 3})) == many
