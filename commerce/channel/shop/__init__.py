"""The partner shop (SPEC §13): catalog, cart, quick order, checkout on account, approvals."""
