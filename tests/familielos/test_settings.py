"""Production settings and start-up, checked the way an operator starts the app: in a fresh process, from the
environment."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

# Settings read from the environment: a subprocess must not inherit the test run's values for them.
APP_ENVIRONMENT = (
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "HTTPS",
    "SECURE_SSL_REDIRECT",
    "HSTS_SECONDS",
    "HSTS_PRELOAD",
    "BEHIND_TLS_PROXY",
    "SESSION_IDLE_MINUTES",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "PROXY_COUNT",
    "TEST_DATABASE_NAME",
    "EMBEDDED_POSTGRES",
    "DATABASE_PREPARED_STATEMENTS",
)

PRODUCTION_SECRET_KEY = "prod-like-Zq8v3N1xk0Rb7TgW2sYc5LpH9mJd4Fu6Ae_Xo-Kn3Vt8Gq1Ws7Ey2Ri5Pb0Uh4Ol9Cz6Mj"

PRINT_SETTINGS = """
import json
import django
from django.conf import settings

django.setup()
names = [
    "DEBUG", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_AGE", "SESSION_SAVE_EVERY_REQUEST", "AXES_FAILURE_LIMIT", "AXES_LOCKOUT_PARAMETERS",
]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def database_url() -> str:
    """The database the test run uses, so a subprocess never starts a second embedded server."""
    if url := os.environ.get("DATABASE_URL"):
        return url
    from familielos.embedded_db import database_url as embedded_url

    return embedded_url()


def production_environment(**overrides: str | None) -> dict[str, str]:
    """A production start: DEBUG and HTTPS unset, a long random key, one host; an override of None unsets a name."""
    env = {name: value for name, value in os.environ.items() if name not in APP_ENVIRONMENT}
    env.update(
        DJANGO_SETTINGS_MODULE="familielos.settings",
        SECRET_KEY=PRODUCTION_SECRET_KEY,
        ALLOWED_HOSTS="familielos.example.no",
        SITE_URL="https://familielos.example.no",
        DATABASE_URL=database_url(),
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_settings(**overrides: str | None) -> dict:
    result = run_python("-c", PRINT_SETTINGS, env=production_environment(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production() -> dict:
    """The production environment's settings, read once for the module: every test below only reads them."""
    return production_settings()


def test_check_deploy__production_environment__reports_no_issues():
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=production_environment())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS:" not in output


@pytest.mark.parametrize("secret_key", [None, ""], ids=["unset", "empty"])
def test_settings__debug_off_without_secret_key__refuses_to_start(secret_key):
    result = run_python("manage.py", "check", env=production_environment(SECRET_KEY=secret_key))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("database_url", [None, ""], ids=["unset", "empty"])
def test_settings__debug_off_without_database_url__refuses_to_start(database_url):
    result = run_python("manage.py", "check", env=production_environment(DATABASE_URL=database_url))

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must be set" in result.stderr


def test_settings__production_install_without_database_url__names_the_setting_not_a_missing_package():
    """A production install has no embedded-postgres: the refusal comes before anything tries to start it."""
    without_embedded = "import sys; sys.modules['embedded_postgres'] = None; import django; django.setup()"

    result = run_python("-c", without_embedded, env=production_environment(DATABASE_URL=None))

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must be set" in result.stderr
    assert "import of embedded_postgres halted" not in result.stderr


def test_startup__system_checks_leave_weasyprint_out__the_wsgi_module_loads_it():
    """A command (`manage.py check`, `migrate`, the task worker) loads the URLs, the views and the template tags,
    not WeasyPrint, a second of a start: familielos.pdf imports it at the first PDF. familielos/wsgi.py loads it up
    front, so gunicorn's preloading master carries it for every worker. One process for both: it costs a second."""
    script = (
        "import sys, django; django.setup(); from django.core.management import call_command; "
        "call_command('check', stdout=open('/dev/null', 'w')); "
        "print(sorted(name for name in sys.modules if name.partition('.')[0] == 'weasyprint')); "
        "import familielos.wsgi; print('weasyprint.document' in sys.modules)"
    )

    result = run_python("-c", script, env=production_environment())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2:] == ["[]", "True"]


def test_settings__debug_on_without_database_url__uses_the_embedded_server():
    script = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default'])"

    result = run_python("-c", script, env=production_environment(DATABASE_URL=None, DEBUG="1"))

    assert result.returncode == 0, result.stderr
    assert "/.pgdata" in result.stdout


PRINT_DATABASE = """
import json
import django
from django.conf import settings

django.setup()
database = settings.DATABASES["default"]
print(json.dumps({name: database[name] for name in ("ENGINE", "OPTIONS", "CONN_MAX_AGE")}))
"""


def database_settings(**overrides: str | None) -> dict:
    result = run_python("-c", PRINT_DATABASE, env=production_environment(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings__production__binds_on_the_server_and_prepares_nothing_unless_asked():
    database = database_settings()

    assert database["ENGINE"] == "familielos.postgresql"
    assert database["OPTIONS"]["server_side_binding"] is True
    assert database["OPTIONS"]["prepare_threshold"] is None
    assert database["CONN_MAX_AGE"] == 60


def test_settings__prepared_statements_on__keeps_a_query_run_five_times_prepared():
    database = database_settings(DATABASE_PREPARED_STATEMENTS="1")

    assert database["OPTIONS"]["server_side_binding"] is True
    assert database["OPTIONS"]["prepare_threshold"] == 5


def test_settings__debug_with_a_database_url__keeps_no_connection_open():
    """The development server answers each request in a thread of its own: kept connections would pile up."""
    assert database_settings(DEBUG="1")["CONN_MAX_AGE"] == 0


def test_settings__debug_off_without_allowed_hosts__refuses_to_start():
    result = run_python("manage.py", "check", env=production_environment(ALLOWED_HOSTS=None))

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_settings__debug_off_without_site_url__refuses_to_start():
    result = run_python("manage.py", "check", env=production_environment(SITE_URL=None))

    assert result.returncode != 0
    assert "ImproperlyConfigured: SITE_URL must be set" in result.stderr


def test_settings__production__cookies_are_host_prefixed_and_secure(production):
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert production["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True


def test_settings__production__https_is_enforced_with_hsts(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_settings__production__sessions_end_after_30_idle_minutes(production):
    assert production["SESSION_COOKIE_AGE"] == 30 * 60
    assert production["SESSION_SAVE_EVERY_REQUEST"] is False


def test_settings__production__logins_are_locked_by_username_and_address(production):
    assert production["AXES_FAILURE_LIMIT"] == 5
    assert production["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
