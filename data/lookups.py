"""Lookup tables and macros the loader's SQL uses to read coded values.

Built from `core.vocab` inside the loader's connection as temp objects, so the contract's
accepted forms are written once, in Python lists, and matched set-based in SQL by a join on a
normalised key (lower case, trimmed, runs of spaces, hyphens and underscores as one space).
"""

from __future__ import annotations

import re

import duckdb

from core import vocab

# The longest child_id the contract accepts: pseudonymous IDs are short, and a long one is a
# column mix-up (a note or an address in the ID column) more often than an ID.
CHILD_ID_MAX = 64
# The characters a child_id may hold (a regular-expression class): printable ASCII.
ID_ALPHABET = " -~"
ID_PROBLEM = (
    "child_id holds a character outside the ID alphabet (plain ASCII letters, digits, "
    "punctuation and spaces): a control, invisible, look-alike or unusual space character"
)
# Dates in a case (out of school since, plan issued, last review) before this are not real.
EARLIEST_CASE_DATE = "1990-01-01"

# The Python twin of the SQL macro `oos_key`: both must normalise a value the same way.
_SEPARATORS = re.compile(r"[\s_\-]+")


def key(text: str) -> str:
    return _SEPARATORS.sub(" ", text.strip().lower())


def _need_pairs() -> list[tuple[str, str]]:
    pairs = []
    for code, label, _ in vocab.NEEDS:
        pairs += [(key(code), code), (key(label), code)]
    pairs += [(key(alias), code) for alias, code in vocab.NEED_ALIASES.items()]
    return pairs


def _district_pairs() -> list[tuple[str, str]]:
    names = vocab.DISTRICT_NAMES + [vocab.OUT_OF_COUNTY]
    pairs = [(key(name.replace("&", " and ")), name) for name in names]
    pairs += [(key(alias), name) for alias, name in vocab.DISTRICT_ALIASES.items()]
    return pairs


def _year_pairs() -> list[tuple[str, str]]:
    # keys are the value lower-cased with its spaces and underscores removed (oos_year_key):
    # 'Year 7', 'Y7', 'year_7' and '7' meet. A hyphen stays, so a minus sign before the number
    # ('-1', 'Year -1', 'Y-1') matches nothing: it is no year group, and '1' must not be read
    # out of it. 'Post-19' and 'Early-years' are listed with their hyphens.
    pairs = [("earlyyears", "Early years"), ("early-years", "Early years")]
    pairs += [("post19", "Post-19"), ("post-19", "Post-19")]
    pairs += [("n1", "N1"), ("nursery1", "N1"), ("n2", "N2"), ("nursery2", "N2")]
    pairs += [("r", "R"), ("reception", "R"), ("yr", "R")]
    for number in range(1, 15):
        for form in (str(number), f"{number:02d}"):
            for prefix in ("", "y", "year", "yr"):
                pairs.append((prefix + form, f"Year {number}"))
    return pairs


def _gender_pairs() -> list[tuple[str, str | None]]:
    pairs = [(key(word), value) for word, value in vocab.GENDER_ALIASES.items()]
    # 'Not known' is an accepted way of saying Not recorded: matched, so it is no warning
    return pairs


def _flag_pairs() -> list[tuple[str, bool]]:
    return [(word, True) for word in vocab.TRUE_WORDS] + [
        (word, False) for word in vocab.FALSE_WORDS
    ]


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp macros and lookup tables in this connection."""
    con.execute(
        "CREATE OR REPLACE TEMP MACRO oos_key(s) AS "
        "regexp_replace(lower(trim(s)), '[\\s_\\-]+', ' ', 'g')"
    )
    # year groups: every space (tabs and Unicode spaces too) and underscore removed, hyphens
    # kept (see _year_pairs)
    con.execute(
        "CREATE OR REPLACE TEMP MACRO oos_year_key(s) AS "
        "lower(regexp_replace(s, '[\\s\\x{0B}\\x{85}\\p{Z}_]+', '', 'g'))"
    )
    # YYYY-MM-DD, or UK DD/MM/YYYY (01/02/2015 is 1 February). Written with split_part and
    # try_cast rather than try_strptime with a list of formats: same result, three times faster.
    con.execute(
        "CREATE OR REPLACE TEMP MACRO oos_parse_date(s) AS CASE "
        "WHEN s LIKE '%/%/%' AND length(split_part(s, '/', 3)) = 4 THEN try_cast("
        "split_part(s, '/', 3) || '-' || split_part(s, '/', 2) || '-' || split_part(s, '/', 1) "
        "AS DATE) "
        "WHEN s LIKE '____-%' THEN try_cast(s AS DATE) END"
    )
    # Child IDs: every kind of Unicode space trimmed from both ends (a tab- or
    # no-break-space-wrapped ID is the same child); what is left must be written in the ID
    # alphabet, printable ASCII (letters, digits, punctuation and ordinary spaces, U+0020 to
    # U+007E). Anything else quarantines the row: a control, zero-width or bidirectional
    # character, an unusual space, a blank-looking mark (U+3164, U+034F, U+FE0F, U+2800...) or
    # a look-alike letter or digit (a Cyrillic А, a full-width or Arabic-Indic digit) would
    # make one child two. See docs/extract-spec.md, "child_id".
    # The regular expression runs only for an ID that starts or ends with something other
    # than a printable ASCII character (codes 33 to 126): almost none do, and skipping it for
    # the rest takes about a quarter off the staging of a million rows.
    con.execute(
        "CREATE OR REPLACE TEMP MACRO oos_trim_id(s) AS CASE "
        "WHEN unicode(s) BETWEEN 33 AND 126 AND unicode(right(s, 1)) BETWEEN 33 AND 126 THEN s "
        "ELSE nullif(regexp_replace(s, "
        "'^[\\s\\x{0B}\\x{85}\\p{Z}]+|[\\s\\x{0B}\\x{85}\\p{Z}]+$', '', 'g'), '') END"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO oos_id_problem(id) AS CASE "
        f"WHEN regexp_matches(id, '[^{ID_ALPHABET}]') THEN '{ID_PROBLEM}' "
        f"WHEN length(id) > {CHILD_ID_MAX} THEN "
        f"'child_id is longer than {CHILD_ID_MAX} characters' END"
    )
    # A date in a case before 1990 or after the census date cannot be right (0001-01-01 would
    # give 739,949 days out of school): loaded as Not recorded, with a warning.
    con.execute(
        "CREATE OR REPLACE TEMP MACRO oos_date_problem(d, census) AS CASE "
        f"WHEN d < DATE '{EARLIEST_CASE_DATE}' THEN 'before {EARLIEST_CASE_DATE[:4]}' "
        "WHEN d > census THEN 'after the census date' END"
    )
    # Hours a week: NaN, infinity, negative and more than the week's 168 hours are not hours.
    con.execute(
        "CREATE OR REPLACE TEMP MACRO oos_hours_problem(h) AS CASE "
        "WHEN isnan(h) THEN 'not a number (NaN)' WHEN isinf(h) THEN 'infinite' "
        "WHEN h < 0 THEN 'negative' WHEN h > 168 THEN 'more than the 168 hours in a week' END"
    )
    # Age in whole years, as English law counts it: a 29 February birthday comes on 1 March.
    con.execute(
        "CREATE OR REPLACE TEMP MACRO oos_age(born, on_date) AS year(on_date) - year(born) - "
        "CASE WHEN month(born) * 100 + day(born) > month(on_date) * 100 + day(on_date) "
        "THEN 1 ELSE 0 END"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO oos_year_group(age) AS CASE "
        "WHEN age IS NULL THEN NULL WHEN age < 2 THEN 'Early years' WHEN age = 2 THEN 'N1' "
        "WHEN age = 3 THEN 'N2' WHEN age = 4 THEN 'R' "
        "WHEN age <= 18 THEN 'Year ' || (age - 4) ELSE 'Post-19' END"
    )
    # One table for every coded column, so the SQL that builds it is fixed text.
    domains = {
        "need": _need_pairs(),
        "district": _district_pairs(),
        "year": _year_pairs(),
        "gender": _gender_pairs(),
        "flag": [(word, str(value).lower()) for word, value in _flag_pairs()],
        "placement": [(key(s), s) for s in vocab.PLACEMENT_STATUSES],
        "event": [(key(e), e) for e in vocab.EVENT_TYPES],
        "provision": [(key(p), p) for p in vocab.PROVISION_TYPES],
    }
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lookup "
        "(domain VARCHAR, key VARCHAR, value VARCHAR, PRIMARY KEY (domain, key))"
    )
    rows = sorted({(domain, k, v) for domain, pairs in domains.items() for k, v in pairs})
    con.executemany("INSERT INTO lookup VALUES (?, ?, ?)", rows)
