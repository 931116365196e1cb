"""gunicorn settings: `gunicorn -c python:rollcall.gunicorn_conf 'rollcall.wsgi:app'`.

Searches put names and phone numbers in query strings (the office finds a guardian by the
number that called), and a page's referrer repeats them. The access log keeps the path and
drops both, so no phone number reaches a log file. No control socket is opened (see below).
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'

# gunicorn 25.1+ opens a control socket under $HOME by default: systemd runs the server here,
# and two gunicorns on one host would contend for that one path.
control_socket_disable = True
