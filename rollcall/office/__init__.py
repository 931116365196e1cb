"""Office review: today's board, the logs, student history, the weekly class log, charts, audit."""
