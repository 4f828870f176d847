"""The two consoles (SPEC §10): Commerce HQ at /hq/ and Sales at /sales/. Each app registers its
pages on these sites from its own admin package."""
