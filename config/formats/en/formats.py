# The admin wrote times as 'Dec. 2, 2026, 9:15 p.m.', with no time zone, beside desk pages
# that write '2 Dec 2026 21:15 UTC' (articles.times.desk_time): the same form, zone named.
DATETIME_FORMAT = "j M Y H:i T"
SHORT_DATETIME_FORMAT = "j M Y H:i T"
