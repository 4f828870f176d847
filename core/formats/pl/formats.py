# The month abbreviated ("5 gru 2026") rather than Django's genitive "5 grudnia 2026".
DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y, H:i"
