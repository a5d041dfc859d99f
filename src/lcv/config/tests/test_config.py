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
