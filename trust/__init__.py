"""Who is looking, and what they may see: roles from the role file, the viewer of a script run,
and which pages and rows each role reaches.

`roles` and `viewer` are plain Python (the query layer imports them to check a role at the
pupil-level choke point); `signin` is the Streamlit side (sign-in, sign-out, the gate).
"""
