"""Today: placeholder until the casework engineer's page replaces this file."""

import streamlit as st

from pages.common.page import page_header

page_header("Today")
st.info("This page is being built.")
