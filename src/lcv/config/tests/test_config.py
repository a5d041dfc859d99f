import pytest

from lcv.config import env
from lcv.config.mail import mailers_from_url


def test_smtp_url_becomes_mailers_options():
    mailers = mailers_from_url("smtp+tls://user%40x:geheim@mail.example.nl:587?timeout=5")
    options = mailers["default"]["OPTIONS"]
    assert mailers["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert options == {
        "host": "mail.example.nl",
        "port": 587,
        "username": "user@x",
        "password": "geheim",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 5,
    }


def test_devmail_and_console_urls():
    assert mailers_from_url("devmail:")["default"]["BACKEND"].endswith("DevMailBackend")
    assert mailers_from_url("console:")["default"]["BACKEND"].endswith("console.EmailBackend")


def test_unknown_email_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown scheme"):
        mailers_from_url("pigeon://loft")


def test_boolean_variables_are_strict(monkeypatch):
    monkeypatch.setattr(env, "REGISTRY", {})  # keep the test variable out of the real registry
    monkeypatch.setenv("LCV_TEST_FLAG", "ja")
    with pytest.raises(ValueError, match="true or false"):
        env.boolean("LCV_TEST_FLAG", False, "test")
    monkeypatch.setenv("LCV_TEST_FLAG", "on")
    assert env.boolean("LCV_TEST_FLAG", False, "test") is True


def test_every_variable_has_help_and_is_documented():
    import lcv.settings  # noqa: F401  (declares the variables)

    names = set(env.REGISTRY)
    assert {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "DEBUG", "LCV_DEMO"} <= names
    assert all(env.REGISTRY[name].help for name in names)
    table = env.markdown_table()
    assert all(f"`{name}`" in table for name in names)


def test_readme_carries_the_current_configuration_table():
    import lcv.settings  # noqa: F401  (declares the variables)

    readme = (env.BASE_DIR / "README.md").read_text(encoding="utf-8")
    rows = [line for line in env.markdown_table().splitlines() if line.startswith("| `")]
    missing = [row for row in rows if row not in readme]
    assert not missing, "README.md is out of date; paste the output of `lcv envdoc`:\n" + "\n".join(missing)


def test_production_settings_pass_the_deployment_checks(tmp_path):
    import os
    import secrets
    import subprocess
    import sys

    production = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "lcv.example.nl",
        "BEHIND_TLS_PROXY": "true",
        "LCV_DEMO": "false",
        "DEBUG": "false",
        "LCV_SEAL_PASSWORD": secrets.token_urlsafe(20),
    }

    def check(**changes: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lcv.manage", "check", "--deploy", "--fail-level", "WARNING"],
            env={**production, **changes},
            capture_output=True,
            text=True,
            check=False,
        )

    result = check()
    assert result.returncode == 0, result.stdout + result.stderr
    # demo mode shows reset links and codes at /dev/mail/: never a passing deployment
    demo = check(LCV_DEMO="true")
    assert demo.returncode != 0
    assert "lcv.E001" in demo.stderr
    # the seal key must be encrypted
    unencrypted = check(LCV_SEAL_PASSWORD="")
    assert unencrypted.returncode != 0
    assert "lcv.E010" in unencrypted.stderr
    debug = check(DEBUG="true")
    assert debug.returncode != 0
    assert "lcv.E002" in debug.stderr


def test_error_pages_do_not_show_the_database_url(settings):
    from django.views.debug import get_default_exception_reporter_filter

    settings.DATABASE_URL = "postgres://lcv:zeer-geheim@db.example.nl:5432/lcv"
    shown = get_default_exception_reporter_filter().get_safe_settings()
    assert "zeer-geheim" not in repr(shown)
    assert shown["DATABASE_URL"] == "********************"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    import os
    import subprocess
    import sys

    production = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}", "LCV_DEMO": "false"}
    production.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "lcv.manage", "check"], env=production, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
