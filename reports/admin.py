"""Export jobs are the users' own (§9): they are read on the exports page, not in the admin."""
