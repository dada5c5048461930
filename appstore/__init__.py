"""The dashboard's own store: what the app itself writes (audit trail, action plan).

Not the extract database: each monthly publish replaces that file with `os.replace`, and DuckDB
lets only one process write it. This store is a SQLite file beside it (WAL mode, so many
sessions and the loader's process append at once), which a publish never touches.
"""
