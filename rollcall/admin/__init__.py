"""Admin pages: homerooms, students, guardians, accounts, school settings, roster upload."""
