"""The weekly screening of conflicts between students (每周排查一次学生之间的矛盾)."""
