"""Identity from stable claims: a role only for tokens from the configured issuer, matched on
the permanent ID, on an e-mail only when verified, and never widened by spaces or case.

The hostile finding: an account whose `email` claim read "SAFEGUARDING.LEAD@council.example "
was given the safeguarding lead's role; nothing checked the issuer, `email_verified` or the
permanent ID. Each test sends one claim wrong. (The same through a real provider and browser:
tests/browser/test_signin.py.)
"""

from __future__ import annotations

import pytest

# the page tests' fixture database, role file and app store (fixtures `db` and `env`)
from tests.test_trust_pages import db, env, text, title  # noqa: F401
from trust import roles

ISSUER = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"
FILE = roles.parse(
    {
        "ask": "IG",
        "identity": {"issuer": ISSUER, "subject_claim": "sub"},
        "grant": [
            {
                "role": "safeguarding_lead",
                "accounts": ["safeguarding.lead@council.example"],
                "subjects": ["lead-0001"],
            },
            {"role": "qa_officer", "groups": ["qa-group"]},
            {"role": "caseworker", "subjects": ["cw-0001"], "sen_teams": ["SEN South"]},
        ],
    }
)
GOOD = {"iss": ISSUER, "sub": "someone-9", "email_verified": True}


def role(claims: dict, file: roles.RoleFile = FILE) -> str | None:
    return roles.identify(file, claims).role


def test_each_stable_claim_grants_when_it_is_right():
    assert role({**GOOD, "email": "safeguarding.lead@council.example"}) == "safeguarding_lead"
    assert role({**GOOD, "sub": "lead-0001"}) == "safeguarding_lead"  # no e-mail needed
    assert role({**GOOD, "groups": ["qa-group"]}) == "qa_officer"
    found = roles.identify(FILE, {**GOOD, "sub": "cw-0001"})
    assert (found.role, found.sen_teams) == ("caseworker", ("SEN South",))
    assert found.actor == "sub:cw-0001"


@pytest.mark.parametrize(
    "email",
    [
        "SAFEGUARDING.LEAD@council.example ",  # the finding: case and a trailing space
        "safeguarding.lead@council.example ",
        " safeguarding.lead@council.example",
        "Safeguarding.Lead@council.example",
        "safeguarding.lead@COUNCIL.EXAMPLE",
        "safeguarding.lead@council.example\n",
        "safeguarding.lead@council.example\u200b",  # a zero-width space
        "safeguarding.lead@council.example\u00a0",  # a no-break space
    ],
)
def test_spaces_and_case_never_widen_access(email):
    assert role({**GOOD, "email": email}) is None


@pytest.mark.parametrize("verified", [False, None, "True", "yes", 1, "false"])
def test_an_email_counts_only_when_the_provider_verified_it(verified):
    claims = {**GOOD, "email": "safeguarding.lead@council.example", "email_verified": verified}
    if verified is None:
        del claims["email_verified"]
    found = roles.identify(FILE, claims)
    assert found.role is None
    assert found.actor == "sub:someone-9"  # an unverified e-mail is not who they are
    # the string "true" some providers send does count
    assert role({**claims, "email_verified": "true"}) == "safeguarding_lead"


@pytest.mark.parametrize(
    "issuer",
    [
        "https://login.microsoftonline.com/99999999-2222-3333-4444-555555555555/v2.0",  # tenant
        ISSUER + "/",
        ISSUER.upper(),
        "https://evil.example/v2.0",
        None,
    ],
)
def test_a_token_from_another_issuer_gets_nothing(issuer):
    claims = {**GOOD, "iss": issuer, "sub": "lead-0001", "groups": ["qa-group"]}
    claims["email"] = "safeguarding.lead@council.example"
    found = roles.identify(FILE, claims)
    assert found.role is None
    assert "identity provider the role file does not name" in found.refused


def test_a_role_file_naming_no_issuer_grants_nothing():
    bare = roles.parse({"grant": [{"role": "qa_officer", "subjects": ["lead-0001"]}]})
    assert "[identity] names no issuer" in bare.problems[0]
    found = roles.identify(bare, {**GOOD, "iss": "", "sub": "lead-0001"})
    assert found.role is None and "names no identity provider" in found.refused


@pytest.mark.parametrize(
    "subject", [" lead-0001", "lead-0001 ", "LEAD-0001", "lead-0001\t", ["lead-0001"], 1]
)
def test_the_permanent_id_is_matched_exactly(subject):
    assert role({**GOOD, "sub": subject}) is None


@pytest.mark.parametrize("groups", [[" qa-group"], ["QA-group"], ["qa-group "], "qa-group "])
def test_groups_are_matched_exactly(groups):
    assert role({**GOOD, "groups": groups}) is None


def test_entra_ids_object_id_is_the_subject_when_the_file_says_so():
    entra = roles.parse(
        {
            "identity": {"issuer": ISSUER, "subject_claim": "oid"},
            "grant": [{"role": "qa_officer", "subjects": ["0b1d-oid"]}],
        }
    )
    assert role({"iss": ISSUER, "sub": "pairwise-x", "oid": "0b1d-oid"}, entra) == "qa_officer"
    # a token whose `sub` happens to equal a granted object ID is not that account
    assert role({"iss": ISSUER, "sub": "0b1d-oid", "oid": "another"}, entra) is None
    assert "subject_claim 'upn'" in roles.parse({"identity": {"subject_claim": "upn"}}).problems[1]


# --- the same on the pages (AppTest's at.user holds the ID token's claims) --------------------


def run_as(claims: dict, page: str = "pages/explorer.py"):
    from tests.signed_in_app import signed_in_app
    from tests.test_trust_pages import goto

    at = signed_in_app(claims)
    at.run()
    goto(at, page)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.usefixtures("env")
def test_the_findings_account_sees_nothing():
    from tests.signed_in_app import ISSUER as PAGES_ISSUER

    lead = {"iss": PAGES_ISSUER, "sub": "x-1", "email_verified": True, "name": "Mallory"}
    assert title(run_as({**lead, "email": "lead@council.example"})) == "Cohort explorer"
    at = run_as({**lead, "email": "LEAD@council.example "})
    assert title(at) == "No access yet"
    assert not at.dataframe
    assert "quoting your account ID: x\\-1" in text(at)
    at = run_as({**lead, "email": "lead@council.example", "email_verified": False})
    assert title(at) == "No access yet"
    assert "(sub:x\\-1)" in text(at)  # recorded by its permanent ID, not the unverified e-mail
    at = run_as({**lead, "email": "lead@council.example", "iss": "https://evil.example"})
    assert title(at) == "No access yet"
    assert "identity provider the role file does not name" in text(at)
    assert not at.dataframe
