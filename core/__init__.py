"""What every layer shares: the extract contract's coded vocabulary and the database path rule.

Kept apart from `data` (the loader and generator), `queries` (the read side) and `pages` (the
screens) so that each of those may import it without importing one another.
"""
