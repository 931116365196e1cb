"""Missing-student cases: raised from the checks and the scheduler, followed up by the office."""
