"""Scheduled work: the minute pass and every job it runs. Each job calls the services of the
areas it serves (parent texts, attendance reminders, missing-student cases, the weekly
screening); the scheduler process and the `send-alerts` / `scheduler` commands run them."""
