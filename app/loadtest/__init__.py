"""``kete bench load``: a whole cohort logging in, answering and handing in at once.

The bench starts nothing itself: it drives a running Kete server over HTTP, the way a class
of students' players would, and reads the server's database at the end to check that every
acknowledged answer is there. Modules: :mod:`.calls` (one HTTP call with the player's retry
rules, and what every attempt cost), :mod:`.cohort` (class-list import, a test given),
:mod:`.student` (one student's burst), :mod:`.server` (kill and restart, for
``--kill-after``), :mod:`.verify` (answers and scores against the database) and
:mod:`.command` (the command and its report).
"""
