"""Helpers shared by every page: the sidebar filters, figure layout, colours and formatting."""
