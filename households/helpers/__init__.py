"""Helpers (帮扶责任人), their pairings with households, and the villages' first secretaries and work teams
(§1, §3, issue 14): the pages that replace the Django admin for the county office, and the pairing pages
of village clerks, township reviewers and county officials. The data-quality check DQ11 (§8.2) and the
follow-up list (§4) link here."""
