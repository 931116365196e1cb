"""Indexes behind the office's filters (the tables themselves belong to other areas)."""

from sqlalchemy import Index

from rollcall.checks.models import Check, CheckEntry
from rollcall.models import AuditLog, Student

# The log filters a school's checks by date range and kind, newest first.
Index("ix_checks_school_date_kind", Check.school_id, Check.school_date, Check.kind)
# The entries of one check with one status (absent lists, findings, on-campus sweeps).
Index("ix_check_entries_check_status", CheckEntry.check_id, CheckEntry.status)
# A student's history: their entries in date order go through their checks.
Index("ix_check_entries_student_check", CheckEntry.student_id, CheckEntry.check_id)
# Student search by name within a school (prefix matches use it).
Index("ix_students_school_name", Student.school_id, Student.name)
# The audit trail: a school's changes newest first, and every change to one object.
Index("ix_audit_log_school_created", AuditLog.school_id, AuditLog.created_at)
Index("ix_audit_log_object", AuditLog.object_type, AuditLog.object_id)
