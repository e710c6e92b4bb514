"""The exit rules of §5 as plain functions: no HTTP, no templates.

- household: the §5.2 household test for one household, in Python (explain).
- household_sql: the same test, set-based, for a whole county (the nightly run, §5.6).
- regions: incidence (§5.3), village exit (§5.4), county exit (§5.5), verification rates (§6.4).
"""
