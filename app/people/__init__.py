"""People: schools, staff, students, classes, log-in, who may do what, audit and privacy."""
