"""Glossary: the terms the dashboard uses, in plain English, in one place."""

from __future__ import annotations

import streamlit as st

from pages.common.page import ensure_frame

TERMS = [
    (
        "EHC plan",
        "Education, health and care plan: a legal document for a child or young "
        "person aged up to 25 with special educational needs, saying what support they must get.",
    ),
    (
        "Out of school",
        "In this dashboard: a child with an EHC plan who has no school or other "
        "placement, or whose provision is not known.",
    ),
    ("No placement", "The child has no school, college or other setting named to attend."),
    (
        "Provision unknown",
        "The child has a placement on record, but the council does not know "
        "whether they are receiving education there.",
    ),
    (
        "Section 19",
        "Section 19 of the Education Act 1996: the council must arrange suitable "
        "full-time education for a child of compulsory school age who would otherwise not "
        "receive it, because of illness, exclusion or otherwise.",
    ),
    (
        "CIN",
        "Child in need: a child assessed by children's social care as needing services "
        "(Children Act 1989, section 17).",
    ),
    ("CP", "Child protection: a child subject to a child protection plan."),
    ("CLA", "Child looked after: a child in the council's care."),
    (
        "Previously looked after",
        "A child who was looked after and left care through adoption, "
        "a special guardianship order or a child arrangements order.",
    ),
    (
        "Care status",
        "One status per child, the first that applies of: looked after, child "
        "protection, child in need, previously looked after.",
    ),
    (
        "Import",
        "A child whose EHC plan was transferred to this council from another council "
        "(for example when the family moved). The council must review an import's plan.",
    ),
    (
        "Primary need",
        "The child's main special educational need, coded as in the DfE school "
        "census and SEN2 return (for example ASD: autistic spectrum disorder).",
    ),
    (
        "SEN support but no specialist assessment (NSA)",
        "A school census code for pupils on SEN "
        "support without a specialist assessment; unexpected for a child with an EHC plan.",
    ),
    ("Annual review", "The yearly review of an EHC plan that the council must hold."),
    (
        "Census date",
        "The date a monthly snapshot describes: the last day of the month. Ages, "
        "year groups and days out of school are worked out at this date.",
    ),
    ("Reporting period", "The month a snapshot describes, written year-month (2026-10)."),
    (
        "Snapshot",
        "The extract of the case-management system for one month, loaded into the dashboard.",
    ),
    (
        "Days out of school",
        "Days from the date the child left school (or placement) to the census date.",
    ),
    ("Term", "A school term (autumn, spring, summer), from the council's term dates."),
    (
        "Consultation",
        "The council asking a school or setting whether it can meet a child's "
        "needs before naming it in the plan.",
    ),
    (
        "Flag",
        "A reason a child may need action, worked out from the snapshot and the casework "
        "log (for example Section 19 provision due); the Today page explains each.",
    ),
    (
        "Out of sight",
        "Provision unknown and looked after, on a child protection plan or a "
        "child in need: the children the service knows least about.",
    ),
    (
        "Cost of delay (indicative)",
        "Terms of education lost, priced at the range of remedies "
        "the Local Government and Social Care Ombudsman has recommended: a range, not an "
        "estimate of what the council will pay.",
    ),
    (
        "Synthetic data",
        "Made-up children used to demonstrate the dashboard; marked wherever it is shown.",
    ),
    ("Not recorded", "The extract left this value blank or it could not be read."),
]

ensure_frame()
st.title("Glossary", anchor=False)
st.markdown("The words used on this dashboard, in plain English, in alphabetical order.")
# A list, not a grid: long meanings wrap, and a screen reader reads term and meaning together.
for term, meaning in sorted(TERMS, key=lambda t: t[0].lower()):
    st.markdown(f"**{term}**: {meaning}")
