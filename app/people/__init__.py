"""People: schools, staff accounts, roles and authentication."""
