"""Names as duplicates are found: `Hj. Siti Aminah, S.Pd.` and `siti  aminah` are the same key.

The key is lower case, without titles and punctuation, with old spellings (oe → u, dj → j, tj → c …)
and common variants (Muhamad, Moh., Mochammad → muhammad) brought to one form, and doubled letters
collapsed. It is stored on the beneficiary (`name_key`) and indexed for search (trigram on PostgreSQL).
"""

from __future__ import annotations

import re
import unicodedata

# Titles and honorifics before or after a name (academic degrees included); compared without dots.
_TITLES = frozenset(
    [
        "h",
        "hj",
        "haji",
        "hajjah",
        "ust",
        "ustadz",
        "ustazah",
        "kh",
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "tn",
        "ny",
        "nn",
        "bpk",
        "bapak",
        "ibu",
        "mbah",
        "nenek",
        "kakek",
        "almarhum",
        "alm",
        "sh",
        "se",
        "spd",
        "sag",
        "sag",
        "spdi",
        "sip",
        "skom",
        "st",
        "sth",
        "mm",
        "mpd",
        "mh",
        "msi",
        "mkes",
        "amd",
        "amk",
        "skm",
        "skep",
        "ssos",
        "ssi",
    ]
)
# Old (pre-1972) spellings still common in names.
_OLD_SPELLINGS = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("nj", "ny"), ("sj", "sy"), ("ch", "kh"))
# Whole-word variants, after the spellings above and the doubled letters are collapsed.
_VARIANTS = {
    "muhamad": "muhammad",
    "mohamad": "muhammad",
    "mohamed": "muhammad",
    "muhamed": "muhammad",
    "mukhamad": "muhammad",
    "mokhamad": "muhammad",
    "mohd": "muhammad",
    "moh": "muhammad",
    "muh": "muhammad",
    "mhd": "muhammad",
    "mhmd": "muhammad",
    "m": "muhammad",
    "akhmad": "ahmad",
    "ahmat": "ahmad",
    "akhmat": "ahmad",
    "abd": "abdul",
    "abdl": "abdul",
}


def name_key(name: str) -> str:
    """The comparison key of a person's name (see the module docstring)."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = text.split(",", 1)[0]  # "Siti Aminah, S.Pd., M.M.": academic degrees follow the first comma
    words = []
    for token in re.split(r"[\s\-/]+", text):
        word = re.sub(r"[^a-z]", "", token)  # "S.Pd." → "spd", "Ma'ruf" → "maruf"
        if not word or word in _TITLES:
            continue
        for old, new in _OLD_SPELLINGS:
            word = word.replace(old, new)
        word = re.sub(r"(.)\1+", r"\1", word)  # Sitti → siti, Muhammad → muhamad
        words.append(_VARIANTS.get(word, word))
    return " ".join(words)


def search_key(term: str) -> str:
    """A search term brought to the same form as stored keys (titles kept: a user may search 'haji')."""
    return name_key(term) or re.sub(r"\s+", " ", (term or "").lower()).strip()
