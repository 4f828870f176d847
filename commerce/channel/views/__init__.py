"""Pages of the B2B site (SPEC §10), a module per subject.

They validate input and call the channel's services.
"""
