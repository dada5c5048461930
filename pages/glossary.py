"""Glossary: the terms the dashboard uses, in plain English, in one place."""

from __future__ import annotations

import streamlit as st

from figures.glossary import terms
from pages.common.page import ensure_frame

ensure_frame()
st.title("Glossary", anchor=False)
st.markdown("The words used on this dashboard, in plain English, in alphabetical order.")
# A list, not a grid: long meanings wrap, and a screen reader reads term and meaning together.
for term, meaning in terms():
    st.markdown(f"**{term}**: {meaning}")
