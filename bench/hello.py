"""The ceiling: a bare Flask app with one "hello" endpoint, served by bench/run
under the same gunicorn settings as Mend, so each page's throughput can be read
as a share of what the server and the machine allow at all."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Nothing but a response."""
    return "hello"
