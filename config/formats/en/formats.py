# The desk's one way of writing a date and a time: every desk template writes
# `date:"DATE_FORMAT"` or `date:"DATETIME_FORMAT"`, never a literal, so one panel cannot mix
# '2 December 2026' with '2 Dec 2026'. The admin used to write 'Dec. 2, 2026, 9:15 p.m.', with
# no time zone; it now reads these too (the zone named, as articles.times.desk_time does).
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i T"
SHORT_DATETIME_FORMAT = "j M Y H:i T"
