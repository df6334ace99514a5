"""bench/ingest.py: which part of the run each process's CPU is counted in."""

from bench.ingest import APP_NAME_PREFIX, Service, cpu_part

SERVICES = {100: "project", 200: "bare", 300: "worker"}
BACKENDS = {
    401: (f"{APP_NAME_PREFIX}project", "client backend"),
    402: (f"{APP_NAME_PREFIX}worker", "client backend"),
    403: ("psql", "client backend"),
    404: ("", "walwriter"),
}


def part(pid, group, command):
    return cpu_part(pid, group, command, SERVICES, BACKENDS)


def test_web_workers_apart_from_their_master():
    assert part(101, 100, "/venv/bin/gunicorn") == "project"
    assert part(100, 100, "/venv/bin/gunicorn") == "project master"
    assert part(201, 200, "/venv/bin/gunicorn") == "bare"


def test_the_flask_worker_with_its_relay_and_sweeper():
    assert part(300, 300, "/venv/bin/flask") == "worker"
    assert part(301, 300, "/venv/bin/flask") == "worker"


def test_postgres_backends_by_the_service_that_opened_them():
    assert part(401, 1, "postgres: postgres h_x 127.0.0.1(5000) idle") == "postgres project"
    assert part(402, 1, "postgres: postgres h_x 127.0.0.1(5001) idle") == "postgres worker"
    assert part(403, 1, "postgres: postgres other 127.0.0.1(5002) idle") is None
    assert part(406, 1, "postgres: postgres h_x 127.0.0.1(5003) startup") is None  # not listed
    assert part(404, 1, "postgres: 15/main: walwriter") == "postgres background"
    assert part(405, 405, "/usr/lib/postgresql/15/bin/postgres -D /var/lib/x") == (
        "postgres postmaster"
    )


def test_redis_and_the_rest():
    assert part(500, 500, "redis-server 127.0.0.1:6379") == "redis"
    assert part(501, 501, "/usr/bin/redis-server *:6379") == "redis"
    assert part(502, 502, "/usr/bin/python3 other.py") is None


def test_a_service_names_its_postgres_sessions(tmp_path):
    service = Service("project", ["true"], {"PATH": "/bin"}, tmp_path)
    assert service.env == {"PATH": "/bin", "PGAPPNAME": f"{APP_NAME_PREFIX}project"}
