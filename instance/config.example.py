# Copy to instance/config.py and adjust. Environment variables ROLLCALL_<KEY> override these.

# Required in production (ROLLCALL_ENV=production refuses to start without it):
# SECRET_KEY = "a long random string"

# SQLite (default: instance/rollcall.sqlite3) or PostgreSQL:
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://rollcall@127.0.0.1/rollcall"

# Behind a TLS-terminating reverse proxy, trust one hop of X-Forwarded-*:
# TRUSTED_PROXY_HOPS = 1
# PUBLIC_BASE_URL = "https://rollcall.example-school.cn"

# Parent texts through Twilio (without these, texts are recorded but not sent):
# TWILIO_ACCOUNT_SID = "AC..."
# TWILIO_AUTH_TOKEN = "..."
# TWILIO_FROM_NUMBER = "+1..."          # or TWILIO_MESSAGING_SERVICE_SID = "MG..."
# ALERT_DELAY_MINUTES = 15
# SMS_WINDOW = "07:00-21:00"
