import fcntl
import importlib
import re
import threading
import time
from pathlib import Path

import pgtrigger
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, connections, transaction
from django.test import Client, TransactionTestCase
from django.utils import translation
from django.utils.html import escape

from familielos import once
from tests import factories, template_database
from tests.perf.database import comment_on_database, migrations_fingerprint


def install_default_data() -> None:
    """The rows the data migrations ship (the default screening tools, the letter templates, the life areas), those
    missing made again."""
    from screening import defaults
    from screening.models import Factor, FactorGroup, Instrument

    defaults.install(Instrument, FactorGroup, Factor)
    importlib.import_module("cases.migrations.0003_default_letters").add_letters(apps, None)
    importlib.import_module("familieteam.migrations.0002_default_life_areas").install(apps, None)


def _database_note(name: str) -> str:
    """The fingerprint a previous run left on the database `name` ('' if it has none or does not exist)."""
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
        row = cursor.fetchone()
    return (row and row[0]) or ""


def _build_template(template: str, fingerprint: str, verbosity: int) -> None:
    """Make the database `template` afresh, from the dump of these migrations (tests/template_database.py) or else by
    running every migration, and note the migrations it is made from."""
    name, test_name = connection.settings_dict["NAME"], connection.settings_dict["TEST"]["NAME"]
    connection.settings_dict["TEST"]["NAME"] = template
    try:
        if not _template_from_dump(template, fingerprint):
            connection.creation.create_test_db(verbosity=verbosity, autoclobber=True)
        with connection.cursor() as cursor:
            cursor.execute(comment_on_database(connection, template, fingerprint))
    finally:
        # A template with a connection open cannot be copied.
        connection.close()
        connection.settings_dict["TEST"]["NAME"] = test_name
        connection.settings_dict["NAME"] = name


def _template_from_dump(template: str, fingerprint: str) -> bool:
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")
        cursor.execute(f"CREATE DATABASE {quote(template)}")
    connection.settings_dict["NAME"] = template
    connection.close()
    if template_database.load(template, fingerprint):
        return True
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")
    return False


def _clone_worker_database(worker: str, *, rebuild: bool, shared_dir: Path, verbosity: int) -> None:
    """Make this xdist worker's database (test_…_gw1) a copy of a template database (test_…_template) that the
    first worker to get here makes (_build_template), unless the worker's own database is made from the current
    migrations.

    Migrating takes half a minute of Python per database; `CREATE DATABASE … TEMPLATE` copies one in a second.
    The lock file lives in the run's temporary directory, which all workers share, so one worker makes the template
    while the others wait; the marker beside it says the template was checked (or made afresh for --create-db) in
    this run.
    """
    name = connection.creation._get_test_db_name()
    template = f"{name.removesuffix(f'_{worker}')}_template"
    fingerprint = migrations_fingerprint()
    with open(shared_dir / f"{template}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # Released when the file is closed.
        checked = shared_dir / f"{template}.checked"
        if not checked.exists():
            if rebuild or _database_note(template) != fingerprint:
                _build_template(template, fingerprint, verbosity)
            checked.touch()
        if rebuild or _database_note(name) != fingerprint:
            quote = connection.ops.quote_name
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
                cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")


@pytest.fixture(scope="session")
def django_db_createdb(
    request,
    django_db_keepdb,
    django_db_use_migrations,
    django_db_modify_db_settings,
    django_db_blocker,
    tmp_path_factory,
) -> bool:
    """Make the test database afresh with --create-db, and with --reuse-db when a migration file has changed
    (`migrate` applies new migrations to a kept database, never one edited since it was applied).

    After django_db_modify_db_settings: under pytest-xdist each worker has its own database (test_…_gw0, _gw1).
    With --reuse-db they are copies of one migrated template, made here, and django_db_setup keeps them.
    """
    create_db = bool(request.config.getvalue("create_db"))
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    with django_db_blocker.unblock():
        if worker and django_db_keepdb and django_db_use_migrations:
            _clone_worker_database(
                worker,
                rebuild=create_db,
                shared_dir=tmp_path_factory.getbasetemp().parent,
                verbosity=request.config.option.verbose,
            )
            return False
        if create_db:
            return True
        if not django_db_keepdb:
            return False
        return _database_note(connection.creation._get_test_db_name()) != migrations_fingerprint()


# The databases the settings name, read before pytest-django sets any test database up (which renames them).
_DEVELOPMENT_NAMES = {alias: database["NAME"] for alias, database in settings.DATABASES.items()}


def _is_test_database(database) -> bool:
    """Whether pytest-django set `database` up for this run: it sets up none when no selected test uses it (a run of
    `tests/test_translations.py` alone), and the connection then still names the development database."""
    return database.settings_dict["NAME"] != _DEVELOPMENT_NAMES[database.alias]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_keepdb, django_db_blocker):
    """With --reuse-db: put back the shipped rows, should the last run have stopped between a flush and their
    reinstalling (tests/conftest.py's teardown falling back to Django's), and note the migrations the database is
    made from."""
    if django_db_keepdb and _is_test_database(connection):
        with django_db_blocker.unblock():
            install_default_data()
            with connection.cursor() as cursor:
                name = connection.settings_dict["NAME"]
                cursor.execute(comment_on_database(connection, name, migrations_fingerprint()))


# Rows post_migrate makes and no test writes: kept when a transactional test's tables are emptied, so post_migrate
# finds them and makes none again, and their ids stay the same for the run. A test that changed them after all gets
# Django's own teardown (`_kept_rows` tells).
KEPT_TABLES = ("django_content_type", "auth_permission")
_DJANGO_TEARDOWN = TransactionTestCase._fixture_teardown
# The kept tables' rows as the run found them, by database.
_KEPT_ROWS: dict[str, tuple] = {}
# The schema the shipped rows are copied to, out of the tables Django knows (see _copy_shipped_rows).
SHIPPED_COPY_SCHEMA = "tests_shipped_rows"
# The tables holding the shipped rows, by database, once they are copied.
_SHIPPED: dict[str, list[str]] = {}


def tables_with_rows(database, tables: list[str] | None = None) -> list[str]:
    """Those of `tables` (by default every model table of `database`) that hold a row, in one query."""
    if tables is None:
        tables = database.introspection.django_table_names(only_existing=True, include_views=False)
    quote = database.ops.quote_name
    with database.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"(SELECT %s FROM {quote(table)} LIMIT 1)" for table in tables), tables)
        return [table for (table,) in cursor.fetchall()]


def shipped_tables(alias: str = "default") -> list[str]:
    """The tables a transactional test's teardown puts back as the run's first teardown made them."""
    return _SHIPPED[alias]


def _fast_fixture_teardown(test_case: TransactionTestCase) -> None:
    """Django's teardown of a transactional test empties every table with `flush` (a TRUNCATE makes new files for
    each table and index: 6 ms a table) and makes the content types, permissions and role groups again through
    post_migrate; install_default_data then makes the shipped rows again. Here the rows of the tables that hold any
    are deleted, the content types and permissions are kept, and the rest is put back from a copy: 90 ms, not 620.

    The first teardown of a run makes the shipped rows the old way and copies them (`_copy_shipped_rows`)."""
    if test_case.serialized_rollback or test_case.available_apps is not None:
        # Django's teardown of these leaves no role groups or shipped rows for the next test; none here asks for them.
        pytest.fail("tests/conftest.py's teardown does not support serialized_rollback or available_apps")
    for alias in test_case._databases_names(include_mirrors=False):
        database = connections[alias]
        if _kept_rows(database) != _KEPT_ROWS[alias]:
            _DJANGO_TEARDOWN(test_case)
            _KEPT_ROWS[alias] = _kept_rows(database)
            _SHIPPED.pop(alias, None)
            install_default_data()
            continue
        quote, schema = database.ops.quote_name, database.ops.quote_name(SHIPPED_COPY_SCHEMA)
        with transaction.atomic(using=alias), database.cursor() as cursor:
            _delete_every_row(database, cursor)
            if alias in _SHIPPED:
                for table in _SHIPPED[alias]:
                    cursor.execute(f"INSERT INTO {quote(table)} TABLE {schema}.{quote(table)}")
            else:
                # Still under the locks, so no write of the live server's gets into the copy; with the triggers
                # again, so the history of the shipped rows is made and copied too.
                cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
                emit_post_migrate_signal(verbosity=0, interactive=False, db=alias)
                install_default_data()
                copied = _copy_shipped_rows(database, cursor)
        if alias not in _SHIPPED:
            _SHIPPED[alias] = copied


def _delete_every_row(database, cursor) -> None:
    """Delete the rows of every table but the kept ones, in the transaction of `cursor`.

    Every table is locked first, as a truncation would: a write the live server has not committed yet is waited for
    and then deleted, not left in a table that looked empty. django-pgtrigger's triggers (django-pghistory's too) do
    nothing until `pgtrigger.ignore` is cleared or the transaction ends, as for a truncation: the history would
    record each deletion, and the append-only tables refuse it. The foreign keys are checked at the commit (Django
    makes them deferred), when the rows pointing at a deleted one are gone too. A row left all the same (a trigger
    of another kind, a row security policy) fails the teardown."""
    quote = database.ops.quote_name
    tables = database.introspection.django_table_names(only_existing=True, include_views=False)
    cursor.execute(f"LOCK TABLE {', '.join(quote(table) for table in tables)} IN SHARE MODE")
    # pgtrigger.ignore() would put this in front of each statement, which a statement bound on the server cannot hold.
    triggers = sorted(trigger.get_pgid(model) for model, trigger in pgtrigger.registered())
    cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(triggers) + "}"])
    for table in tables_with_rows(database, tables):
        if table not in KEPT_TABLES:
            cursor.execute(f"DELETE FROM {quote(table)}")
    left = set(tables_with_rows(database, tables)) - set(KEPT_TABLES)
    assert not left, f"Rows are left after the teardown deleted them, in {sorted(left)}"


def _copy_shipped_rows(database, cursor) -> list[str]:
    """Copy every table holding a row but the kept ones, just after post_migrate and install_default_data made the
    rows: the role groups, the shipped rows and their history. The copy replaces any older one; returns the tables."""
    quote, schema = database.ops.quote_name, database.ops.quote_name(SHIPPED_COPY_SCHEMA)
    tables = [table for table in tables_with_rows(database) if table not in KEPT_TABLES]
    cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    cursor.execute(f"CREATE SCHEMA {schema}")
    for table in tables:
        cursor.execute(f"CREATE TABLE {schema}.{quote(table)} AS TABLE {quote(table)}")
    return tables


def _kept_rows(database) -> tuple:
    quote = database.ops.quote_name
    with database.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"(SELECT count(*), max(id) FROM {quote(table)})" for table in KEPT_TABLES))
        return tuple(cursor.fetchall())


@pytest.fixture(scope="session", autouse=True)
def _faster_transactional_teardown(django_db_setup, django_db_blocker):
    """pytest-django runs a transactional test (transaction=True, the live server) as Django's TransactionTestCase,
    which empties the tables in `_fixture_teardown`: that method is replaced for the run (tests/
    test_transactional_teardown.py runs it)."""
    with django_db_blocker.unblock():
        _KEPT_ROWS.update(
            {alias: _kept_rows(connections[alias]) for alias in connections if _is_test_database(connections[alias])}
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", _fast_fixture_teardown)
        yield


@pytest.fixture(autouse=True)
def english_messages():
    """Messages raised outside a request read as their English msgids, whatever a request before activated."""
    with translation.override("en"):
        yield


@pytest.fixture
def empty_cache():
    """The shared cache holds rate limits: a test that counts requests starts with a full allowance."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(db):
    """A unit staff member (a teacher) with no families yet."""
    return factories.unit_staff(username="laerer")


@pytest.fixture
def case(staff):
    """A family registered by `staff`, its case open at level 0."""
    return factories.open_case(opener=staff, family_name="Familien Hansen", child_name="Emma")


@pytest.fixture
def family(case):
    return case.family


@pytest.fixture
def outsider(db):
    """Unit staff at another school: may see nothing of `family`."""
    return factories.unit_staff(username="annan")


def client_for(user) -> Client:
    """A test client signed in as `user`, with the session `login()` leaves (the user, the backend, the password's
    hash) made directly. Not `Client.force_login`: its `login()` also makes a second session for the new key,
    writes django-axes' records and `last_login` (18 queries, 12 ms), which the login tests check and the other
    tests, signing in thousands of times, do not need."""
    session = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    # The backend `Client.force_login` records: the first that can load a user from the session.
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def waiting_on_a_lock(seconds: float) -> bool:
    """Whether another connection waits on a lock held by a third within `seconds`."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def two_at_once(monkeypatch, owner, name: str, call) -> list:
    """Run `call` twice at the same moment, each in a thread (a connection) of its own, and return what each returned
    or raised. The first holds its transaction open inside `owner.name` until the second waits on a lock: the moment
    at which a double post is decided."""
    outcomes, first_inside, let_first_finish = [], threading.Event(), threading.Event()
    inner = getattr(owner, name)

    def first_waits(*args, **kwargs):
        if not first_inside.is_set():
            first_inside.set()
            let_first_finish.wait(timeout=10)
        return inner(*args, **kwargs)

    monkeypatch.setattr(owner, name, first_waits)

    def run():
        try:
            with translation.override("en"):  # a thread of its own: the test's language is not its
                outcomes.append(call())
        except Exception as error:  # noqa: BLE001 - what the second post is told is the outcome to check
            outcomes.append(error)
        finally:
            connection.close()

    first, second = threading.Thread(target=run), threading.Thread(target=run)
    try:
        first.start()
        assert first_inside.wait(timeout=10)
        second.start()
        assert waiting_on_a_lock(seconds=10)
    finally:
        let_first_finish.set()
        first.join(timeout=10)
        second.join(timeout=10)
    return outcomes


def post_twice(client, url: str, data: dict):
    """One form posted twice, as a browser or a retry sends it again: with the same one-time token
    (familielos.once). The first answer, and the second with its redirect followed."""
    sent = {**data, once.TOKEN_NAME: once.new_token()}
    return client.post(url, sent), client.post(url, sent, follow=True)


SENT_TWICE = "The form was sent twice: it is saved once. This is it."


def form_token(page: str) -> str:
    """The one-time token of the first form on `page` that carries one (`{% once_token %}`)."""
    found = re.search(rf'name="{once.TOKEN_NAME}" value="([A-Za-z0-9_-]+)"', page)
    assert found, "the page has no form with a one-time token"
    return found.group(1)


def shown(msgid: str) -> str:
    """A message as a page in the default language (Bokmål) shows it."""
    with translation.override(settings.LANGUAGE_CODE):
        return escape(translation.gettext(msgid))


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture
def outsider_client(outsider):
    return client_for(outsider)
