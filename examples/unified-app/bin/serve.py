#!/usr/bin/env python3
"""serve.py: the unified application's HTTP service (an example stand-in for the real one).

Listens on [http] port of /etc/jinbao/app.toml. GET /health answers 200 with the release's
version and the schema version it reads from the city database (through the app role, over TLS
verified against the province's CA), or 503 saying why; every other path answers what it is.
Started by bin/start when the city database is PostgreSQL and psycopg2 is installed."""
import http.server
import json
import os
import sys
import tomllib

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONF = os.environ.get("JINBAO_CONFIG", "/etc/jinbao/app.toml")


def settings():
    with open(CONF, "rb") as f:
        return tomllib.load(f)


def release():
    with open(os.path.join(HERE, "VERSION")) as f:
        return f.read().strip()


def schema_version(conf):
    import psycopg2

    db = conf["database"]
    with open(db["password_file"]) as f:
        password = f.readline().rstrip("\n")
    kwargs = {"user": db["user"], "password": password, "connect_timeout": 5,
              "application_name": "jinbao-unified"}
    if db.get("sslmode"):
        kwargs["sslmode"] = db["sslmode"]
    if db.get("sslrootcert"):
        kwargs["sslrootcert"] = db["sslrootcert"]
    with psycopg2.connect(db["url"], **kwargs) as conn, conn.cursor() as cur:
        cur.execute("SELECT max(version) FROM jinbao.jinbao_schema_history WHERE success")
        (v,) = cur.fetchone()
    conn.close()
    return "V%03d" % v if v is not None else "none"


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "jinbao-unified"

    def answer(self, status, body):
        data = (json.dumps(body, ensure_ascii=False) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        conf = settings()
        city = conf.get("city", {})
        base = {"release": release(), "city": city.get("pinyin"), "server": conf.get("host", {}).get("name")}
        if self.path.split("?")[0] != "/health":
            return self.answer(200, dict(base, service="unified application"))
        try:
            return self.answer(200, dict(base, status="ok", schema=schema_version(conf)))
        except Exception as e:  # the database is the service's to reach: say why not
            return self.answer(503, dict(base, status="unavailable", reason=str(e).strip()[:300]))

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    port = int(settings().get("http", {}).get("port", 8080))
    http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
