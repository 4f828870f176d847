"""Date formats of the consoles' lists and record pages (FORMAT_MODULE_PATH), short enough for a
1280 px list: "5 Dec 2026, 14:05", "5 gru 2026, 14:05", "5. 12. 2026 14:05". Everything not
set here (numbers, input formats) is Django's for the language."""
