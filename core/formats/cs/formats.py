# Day and month in figures ("5. 12. 2026") rather than Django's "5. prosince 2026".
DATE_FORMAT = "j. n. Y"
DATETIME_FORMAT = "j. n. Y G:i"
