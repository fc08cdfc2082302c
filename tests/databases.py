"""Which PostgreSQL test database a run of the suite uses (tests/conftest.py).

One name per DATABASE_URL (and xdist worker), so `pytest --reuse-db` finds the database the last
run kept. Two runs at once on one server must not share it: the second would drop and recreate
it under the first. So a run holds a session advisory lock named after the database, on a
connection of its own to the server's `postgres` database (where Django creates test databases
from), until it ends; a run that finds the lock held works on a database of its own, named with
its pid, and drops it at the end."""

import os


def database_lock(name: str):
    """The connection holding the lock on test database `name`, or None if another run holds
    it. Closing the connection releases it."""
    import psycopg
    from django.db import connection

    lock = psycopg.connect(**connection.get_connection_params() | {"dbname": "postgres"})
    lock.autocommit = True
    taken = lock.execute(
        "SELECT pg_try_advisory_lock(hashtext(%s))", [f"factcheck-desk test database {name}"]
    ).fetchone()[0]
    if not taken:
        lock.close()
        return None
    return lock


def own_database_name(name: str) -> str:
    return f"{name}_{os.getpid()}"
