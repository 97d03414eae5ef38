"""AppTest of the frame: first-run set-up, sign-in, and which pages each role gets."""
import pytest

from tests.app.conftest import click, goto, metric, new_app, sign_in


def test_empty_database_offers_setup_and_demo(tmp_path, use_db):
    use_db(f"duckdb:///{tmp_path / 'fresh.duckdb'}")
    at = new_app()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Welcome to the SCORE4Climate tracker"
    at.text_input(key="setup_username").input("admin")
    at.text_input(key="setup_password").input("a-good-password")
    at.text_input(key="setup_repeat").input("a-good-password")
    click(at, "Create account")
    assert not at.exception, at.exception
    assert at.session_state["user"].role == "admin"
    assert at.title[0].value == "Programme overview"
    assert metric(at, "Enterprises") == "37"


def test_setup_refuses_mismatched_passwords(tmp_path, use_db):
    use_db(f"duckdb:///{tmp_path / 'fresh.duckdb'}")
    at = new_app()
    at.run()
    at.text_input(key="setup_password").input("a-good-password")
    at.text_input(key="setup_repeat").input("another-password")
    click(at, "Create account")
    assert "differ" in at.error[0].value
    assert at.session_state["user"] is None


def test_wrong_password_is_refused(demo_db, use_db):
    use_db(demo_db)
    at = sign_in(new_app(), "demo-manager", "not-the-password")
    assert at.session_state["user"] is None
    assert "wrong password" in at.error[0].value


@pytest.mark.parametrize("username,title,forbidden", [
    ("demo-manager", r"Mechanical seals maker \(case study, India\)", "programme"),
    ("demo-trainer", r"Mechanical seals maker \(case study, India\)", "programme"),
    ("demo-officer", "Programme overview", "report"),
])
def test_each_role_lands_on_its_page_and_cannot_open_others(demo_db, use_db, username, title, forbidden):
    use_db(demo_db)
    at = sign_in(new_app(), username)
    assert not at.exception, at.exception
    assert at.title[0].value == title
    with pytest.raises(ValueError, match="Could not find"):
        goto(at, forbidden)  # a page outside the role's navigation is not registered


def test_sign_out_clears_the_session(demo_db, use_db):
    use_db(demo_db)
    at = sign_in(new_app(), "demo-officer")
    click(at, "Sign out")
    assert at.session_state["user"] is None
    assert at.text_input(key="sign_in_username")
