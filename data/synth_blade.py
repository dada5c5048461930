"""Synthetic SEN2 returns (COLLECT Blade exports) and a Standard Safeguarding Dataset.

Written from the same simulation as the demonstration's bespoke extracts (data/generate.py's
`simulate`), so the demo can be built through `python -m data.load sen2-return` too and says
the same thing. For each monthly period, one Blade export dated five days after its census
date holds every plan of that period (the children out of school, and the pool of children in
school that data/synth_caseload.py chooses), with placements the SEN2 return rules
(data/sql/sen2_plans.sql) read back as the simulated cohort:

- out, No placement: a school place left on the day they went out, and a NIEO placement (NEET
  from 16, NIEC now and then) open from that day;
- out, Provision unknown: the school place left that day, nothing open;
- in school: a school place (URN) open, now and then EHE, OLA or a college (UKPRN).

One SSD set (ssd_person, CLA, CP, CIN) gives the simulated care status, matched by UPN.
Everything is made up and looks it: persons `Synth-Surname-<n>`, UPNs `Z999...`, URNs from
900000, postcodes in Kent's outward codes with the inward code `9ZZ`. A few rows carry a real
export's faults (a plan exported twice, a placement whose plan is missing, a date that is no
date), so the loader's quarantine has work to do.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from data import postcodes
from data import synth_caseload as sl
from data import synth_cohort as sy

EXPORT_DAYS_AFTER_CENSUS = 5
# DfE local authority numbers of the councils plans transfer in from (synth_cohort.IMPORT_FROM)
LA_NUMBERS = {
    "Medway": "887", "East Sussex": "845", "Surrey": "936", "Essex": "881", "Bexley": "303",
    "Bromley": "305", "Greenwich": "203", "Lewisham": "209", "Croydon": "306",
    "Thurrock": "883", "Brighton and Hove": "846",
}  # fmt: skip
# gendercurrent for synth_cohort.GENDER_VALUES (Male, Female, Other, blank, Not known)
GENDER_CODES = ["1", "2", "9", "", "0"]
BAD_DATES = ["31/02/2011", "2012-13-01", "00/00/0000", "unknown"]

# Macros the module files' SQL shares. Days are numbers from 1970-01-01 (synth_cohort.EPOCH).
MACROS = [
    "CREATE OR REPLACE TEMP MACRO day(n) AS DATE '1970-01-01' + CAST(n AS INTEGER)",
    # 2022-Sep-28 00:00:00, as COLLECT writes dates
    "CREATE OR REPLACE TEMP MACRO collect(n) AS strftime(day(n), '%Y-%b-%d %H:%M:%S')",
    # SQL Server datetimes, as an SSD extract writes them
    "CREATE OR REPLACE TEMP MACRO sqldate(n) AS strftime(day(n), '%Y-%m-%d %H:%M:%S') || '.000'",
]

PERSON_SQL = """COPY (SELECT
    number AS persontableid, 'SYN' || lpad(number::VARCHAR, $width, '0') AS NativeId,
    row_number() OVER (ORDER BY number) AS personorderseqcolumn, 'SYNTHETIC' AS sourceid,
    1 AS sen2tableid, 'Synth-Surname-' || number AS surname,
    'Synth-Forename-' || number AS forename,
    CASE dob_fault WHEN 1 THEN $bad_dates[1 + number % 4] WHEN 2 THEN collect($future)
        ELSE collect(dob) END AS personbirthdate,
    $genders[1 + gender] AS gendercurrent, 'WBRI' AS ethnicity,
    CASE WHEN $outward[1 + district] IN ('', 'NFA') THEN $outward[1 + district]
        ELSE $outward[1 + district] || ' 9ZZ' END AS postcode,
    'Z999' || lpad(number::VARCHAR, 9, '0') AS upn,
    '99' || lpad(number::VARCHAR, 8, '0') AS uniquelearnernumber, '' AS upnunknown
FROM p ORDER BY number) TO $path (HEADER)"""

REQUESTS_SQL = """COPY (SELECT
    'R' || number AS requeststableid, '' AS NativeId, number AS persontableid,
    collect(issued - 180) AS receiveddate, 'A' AS requestoutcome
FROM p ORDER BY number) TO $path (HEADER)"""

ASSESSMENT_SQL = """COPY (SELECT
    'A' || number AS assessmenttableid, '' AS NativeId, 'R' || number AS requeststableid,
    'Y' AS assessmentoutcome, collect(issued - 20) AS assessmentoutcomedate
FROM p ORDER BY number) TO $path (HEADER)"""

NAMEDPLAN_SQL = """COPY (
    SELECT 'NP' || number AS namedplantableid, '' AS NativeId, 'A' || number AS assessmenttableid,
        collect(issued) AS startdate, '' AS ceasedate
    FROM p
    UNION ALL
    SELECT 'NPA' || number, '', 'A' || number, collect(amended), ''
    FROM p WHERE amended >= 0
    ORDER BY 3, 4
) TO $path (HEADER)"""

# A plan exported twice now and then: the loader keeps one and quarantines the repeat.
ACTIVEPLANS_SQL = """COPY (
    SELECT 'AP' || number AS activeplanstableid, '' AS NativeId, 'R' || number AS requeststableid,
        CASE WHEN import_from >= 0 THEN $la[1 + import_from] ELSE '' END AS transferla,
        CASE WHEN review >= 0 THEN collect(review) ELSE '' END AS lastreview
    FROM p, range(CASE WHEN (number * 7919) % 2000 = 1 THEN 2 ELSE 1 END) AS copies(k)
    ORDER BY number
) TO $path (HEADER)"""

# Every plan's school place (except a child out whose 'since' is blank), the out-of-school
# placement of a child with No placement, and one placement whose plan is not in the export.
# Kinds of place in school: 0-6 a school (URN), 7 EHE, 8 OLA, 9 a college (UKPRN), 10 an early
# years provider (under 5s).
PLACEMENTS_SQL = """COPY (
    WITH school AS (
        SELECT number, out,
            CASE WHEN out THEN least(greatest(dob + 1461, since - 1100), since - 1)
                ELSE least(greatest(dob + 180, $census - 1100), $census - 1) END AS entry,
            CASE WHEN out AND since_fault = 2 THEN $bad_dates[1 + number % 4]
                WHEN out THEN collect(since) ELSE '' END AS leaving,
            CASE WHEN out THEN 0 WHEN $census - dob < 5 * 365.25 THEN 10
                ELSE number * 11 % 10 END AS kind
        FROM p
        WHERE NOT (out AND since_fault = 1)
    )
    SELECT 'PD' || number || 's' AS placementdetailtableid, 'AP' || number AS activeplanstableid,
        CASE WHEN kind < 7 THEN (900000 + number % 90000)::VARCHAR ELSE '' END AS urn,
        CASE WHEN kind = 9 THEN '1' || lpad((number % 9999999)::VARCHAR, 7, '0') ELSE '' END
            AS ukprn,
        CASE kind WHEN 7 THEN 'EHE' WHEN 8 THEN 'OLA' WHEN 10 THEN 'EYP' ELSE '' END
            AS sensetting,
        '1' AS placementrank, collect(entry) AS entrydate, leaving AS leavingdate
    FROM school
    UNION ALL
    SELECT 'PD' || number || 'n', 'AP' || number, '', '',
        CASE WHEN $census - dob >= 16 * 365.25 THEN 'NEET'
            WHEN number % 9 = 0 THEN 'NIEC' ELSE 'NIEO' END,
        '1', collect(CASE WHEN since_fault = 1 THEN $census - 30 ELSE since END), ''
    FROM p
    WHERE out AND placement = 0
    UNION ALL
    SELECT 'PD0', 'AP0', '900001', '', '', '1', collect($census - 400), ''
    ORDER BY 2, 1
) TO $path (HEADER)"""

SENNEED_SQL = """COPY (
    SELECT 'SN' || number || 'a' AS senneedtableid, 'AP' || number AS activeplanstableid,
        $needs[1 + need] AS sentype, 1 AS sentyperank
    FROM p WHERE need >= 0
    UNION ALL
    SELECT 'SN' || number || 'b', 'AP' || number, $needs[1 + (need + 1 + number % 5) % 14], 2
    FROM p WHERE need >= 0 AND number % 3 = 0
    ORDER BY 2, 4
) TO $path (HEADER)"""

MODULE_SQL = {
    "person": PERSON_SQL,
    "requests": REQUESTS_SQL,
    "assessment": ASSESSMENT_SQL,
    "namedplan": NAMEDPLAN_SQL,
    "activeplans": ACTIVEPLANS_SQL,
    "placementdetail": PLACEMENTS_SQL,
    "senneed": SENNEED_SQL,
}

# The SSD: everyone with a care status, and a few people the return does not hold. Episodes
# open from before the first period (CLA, CP, CIN), or a CLA episode closed before it
# (previously looked after): care status is one per child in the simulation.
SSD_SQL = {
    "ssd_person.csv": """COPY (
        SELECT 'S' || number AS pers_person_id, 'Synth-Forename-' || number AS pers_forename,
            'Synth-Surname-' || number AS pers_surname, sqldate(dob) AS pers_dob,
            'Z999' || lpad(number::VARCHAR, 9, '0') AS pers_upn,
            '999' || lpad(number::VARCHAR, 7, '0') AS pers_common_child_id
        FROM s WHERE care < 4 OR number % 50 = 0
        ORDER BY number) TO $path (HEADER)""",
    "ssd_cla_episodes.csv": """COPY (
        SELECT 'CLA' || number AS clae_cla_episode_id, 'S' || number AS clae_person_id,
            sqldate($first - CASE care WHEN 0 THEN 200 + number % 300 ELSE 900 END)
                AS clae_cla_episode_start_date,
            CASE care WHEN 3 THEN sqldate($first - 400) ELSE '' END
                AS clae_cla_episode_ceased_date
        FROM s WHERE care IN (0, 3) ORDER BY number) TO $path (HEADER)""",
    "ssd_cp_plans.csv": """COPY (
        SELECT 'CP' || number AS cppl_cp_plan_id, 'S' || number AS cppl_person_id,
            sqldate($first - 100 - number % 200) AS cppl_cp_plan_start_date,
            '' AS cppl_cp_plan_end_date
        FROM s WHERE care = 1 ORDER BY number) TO $path (HEADER)""",
    "ssd_cin_episodes.csv": """COPY (
        SELECT 'CIN' || number AS cine_referral_id, 'S' || number AS cine_person_id,
            sqldate($first - 150 - number % 250) AS cine_referral_date, '' AS cine_close_date
        FROM s WHERE care = 2 ORDER BY number) TO $path (HEADER)""",
}


def outward_codes() -> list[str]:
    """A postcode's outward code for each synth_cohort district (one the starter lookup gives
    that district), then Out of county (Medway's), blank, and `NFA` (no fixed abode: no
    postcode at all)."""
    by_district: dict[str, str] = {}
    for prefix, district in postcodes.read_lookup().pairs:
        if " " not in prefix:
            by_district.setdefault(district, prefix)
    codes = [by_district[name] for name in sy.DISTRICT_POPULATION]
    return [*codes, by_district["Out of county"], "", "NFA"]


def plans_at(sim, index: int) -> pa.Table:
    """The plans of period `index`: its children out of school, then the pool in school."""
    census_day = int(sim.census[index])
    ep, kids, pool = sim.ep, sim.kids, sim.pool
    out = np.flatnonzero((ep.first_period <= index) & (index < ep.stop_period))
    in_school = sl.pool_rows(pool, census_day, int(sim.census[-1]))
    n_out, n_in = len(out), len(in_school)
    amended = kids.amended[out]

    def both(out_values, in_values):
        return np.concatenate([np.asarray(out_values), np.asarray(in_values)]).astype(np.int64)

    return pa.table(
        {
            "number": both(kids.number[out], pool.number[in_school]),
            "out": np.concatenate([np.ones(n_out, bool), np.zeros(n_in, bool)]),
            "dob": both(kids.dob[out], pool.dob[in_school]),
            "dob_fault": both(kids.dob_fault[out], np.zeros(n_in)),
            "gender": both(kids.gender[out], pool.gender[in_school]),
            "need": both(kids.need[out], pool.need[in_school]),
            "district": both(kids.district[out], pool.district[in_school]),
            "placement": both(kids.placement[out], np.full(n_in, -1)),
            "since": both(ep.start[out], np.zeros(n_in)),
            "since_fault": both(kids.since_fault[out], np.zeros(n_in)),
            "import_from": both(kids.import_from[out], np.full(n_in, -1)),
            "review": both(
                sy.last_review(kids, out, np.full(n_out, census_day)),
                census_day - pool.number[in_school] * 37 % 330,
            ),
            "issued": both(
                kids.ehcp_issued[out],
                np.maximum(
                    pool.dob[in_school] + 730, census_day - 900 - pool.number[in_school] % 700
                ),
            ),
            "amended": both(np.where(amended <= census_day, amended, -1), np.full(n_in, -1)),
        }
    )


def export_name(census_day: int) -> str:
    day = sy.EPOCH + np.timedelta64(census_day + EXPORT_DAYS_AFTER_CENSUS, "D")
    return f"Blade-Export_{day.astype(object):%d-%m-%Y}"


def _connection(table_name: str, table: pa.Table) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    for macro in MACROS:
        con.execute(macro)
    con.register(table_name, table)
    return con


def write_export(sim, index: int, out_dir) -> Path:
    """Write period `index`'s Blade export into a folder of `out_dir`; returns the folder."""
    census_day = int(sim.census[index])
    folder = Path(out_dir) / export_name(census_day)
    folder.mkdir(parents=True, exist_ok=True)
    params = {
        "width": sim.width,
        "census": census_day,
        "future": int(sim.census[-1]) + 40,
        "bad_dates": BAD_DATES,
        "genders": GENDER_CODES,
        "outward": outward_codes(),
        "la": [LA_NUMBERS[name] for name in sy.IMPORT_FROM],
        "needs": sy.NEED_CODES,
    }
    con = _connection("p", plans_at(sim, index))
    try:
        for module, sql in MODULE_SQL.items():
            path = folder / f"{folder.name}_{module}.csv"
            used = {k: v for k, v in params.items() if f"${k}" in sql}
            con.execute(sql, {**used, "path": str(path)})
    finally:
        con.close()
    return folder


def write_ssd(sim, out_dir) -> Path:
    """Write the SSD tables for every simulated child into `out_dir`/ssd; returns the folder."""
    folder = Path(out_dir) / "ssd"
    folder.mkdir(parents=True, exist_ok=True)
    kids, pool = sim.kids, sim.pool
    everyone = pa.table(
        {
            "number": np.concatenate([kids.number, pool.number]).astype(np.int64),
            "dob": np.concatenate([kids.dob, pool.dob]).astype(np.int64),
            "care": np.concatenate([kids.care, pool.care]).astype(np.int64),
        }
    )
    con = _connection("s", everyone)
    try:
        for name, sql in SSD_SQL.items():
            used = {"first": int(sim.census[0])} if "$first" in sql else {}
            con.execute(sql, {**used, "path": str(folder / name)})
    finally:
        con.close()
    return folder


__all__ = ["outward_codes", "plans_at", "write_export", "write_ssd"]
