"""Dashboard pages: each file lays out one page; `pages.common` holds what the pages share.

Pages hold layout only: every figure they show comes from the `queries` package.
"""
