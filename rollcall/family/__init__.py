"""Family contacts of every reason (家校沟通记录) and class parent meetings (家长会)."""
