"""The region pages, the region API and the region admin (§2): the registry browsed by the region tree.

They live with the registry rather than in villages because they need users (§1 scope, through
accounts.access) and households (the counts of each child region); villages keeps only the tree.
"""
