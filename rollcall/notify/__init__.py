"""Parent texts: the outbox, the Twilio seam, the scheduler, webhooks and the office's list."""
