"""AppTest of accounts and access: roles x pages, a tampered session, expiry, own password,
the admin's users and audit pages, and names that look like HTML or formulas."""
from __future__ import annotations

import time

import pytest

from tests.app.conftest import PASSWORD, choose, click, goto, new_app, open_page, sign_in
from tracker import accounts, auth, db, demo, enterprises, partners
from tracker.auth import CurrentUser
from ui.shared import plain

FILES = {"report": "report", "entry": "entry", "actions": "actions",
         "profile": "profile", "programme": "programme", "users": "users",
         "partners": "partners", "clusters": "clusters", "workbook": "delivery-workbook", "audit": "audit",
         "account": "account", "visits": "visits",
         "trainers": "trainers", "my_path": "my-path"}
ENTERPRISE_PAGES = {"report", "entry", "actions", "profile"}
#: the contract: which pages each role has (everything else must not even be registered)
ROLE_PAGES = {"manager": ENTERPRISE_PAGES | {"account"}, "trainer": ENTERPRISE_PAGES | {"account", "my_path", "visits"},
              "officer": {"programme", "trainers", "account"}, "admin": set(FILES) - {"my_path"}}
CASE = "Mechanical seals maker (case study, India)"


@pytest.fixture
def fresh_demo(tmp_path, use_db):
    """A demo database of the test's own (these tests change accounts)."""
    url = use_db(f"duckdb:///{tmp_path / 'demo.duckdb'}")
    engine = db.open_database(url)
    demo.load(engine, PASSWORD)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_each_role_opens_its_pages_and_no_other(demo_db, use_db, role):
    use_db(demo_db)
    at = sign_in(new_app(), f"demo-{role}")
    assert at.session_state["user"].role == role
    for page, path in FILES.items():
        if page in ROLE_PAGES[role]:
            goto(at, path)
            at.run()
            assert not at.exception, (page, at.exception)
            assert not [e.value for e in at.error], (page, [e.value for e in at.error])
            assert at.title, page
        else:
            with pytest.raises(ValueError, match="Could not find"):
                goto(at, path)


def _other_enterprise(url) -> tuple[int, str]:
    engine = db.open_database(url)
    admin = auth.authenticate(engine, "demo-admin", PASSWORD)
    trainer = auth.authenticate(engine, "demo-trainer", PASSWORD)
    all_ents = enterprises.list_enterprises(engine, admin)
    row = all_ents[~all_ents["id"].isin(trainer.enterprise_ids)].iloc[0]
    engine.dispose()
    return int(row["id"]), row["name"]


@pytest.mark.parametrize("page", sorted(ENTERPRISE_PAGES))
def test_a_tampered_session_does_not_reach_another_enterprise(demo_db, use_db, page):
    """Writing another enterprise (and a role) into the session reaches nothing: a user written by
    hand is not one tracker.auth issued, so the session signs out; another enterprise's id alone
    changes nothing, the account being re-read from the database on every run."""
    use_db(demo_db)
    other_id, other_name = _other_enterprise(demo_db)
    at = sign_in(new_app(), "demo-manager")
    me = at.session_state["user"]
    at.session_state["user"] = CurrentUser(id=me.id, username=me.username, role="admin",
                                           enterprise_ids=(*me.enterprise_ids, other_id))
    at.session_state["enterprise_id"] = other_id
    goto(at, FILES[page])
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["user"] is None  # signed out
    assert at.text_input(key="sign_in_username") is not None
    assert all(plain(other_name) not in m.value for m in at.markdown)
    at = sign_in(new_app(), "demo-manager")
    at.session_state["enterprise_id"] = other_id
    goto(at, FILES[page])
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["user"] == me
    assert plain(CASE) in at.title[0].value and plain(other_name) not in at.title[0].value  # titles are escaped
    assert not at.sidebar.selectbox  # a manager has no enterprise to switch to


def test_a_trainer_cannot_pick_an_enterprise_not_assigned(demo_db, use_db):
    use_db(demo_db)
    other_id, other_name = _other_enterprise(demo_db)
    at = sign_in(new_app(), "demo-trainer")
    at.session_state["enterprise_id"] = other_id
    at.run()
    assert not at.exception, at.exception
    picker = at.sidebar.selectbox(key="enterprise_picker")
    assert other_name not in picker.options and at.title[0].value != plain(other_name)


def test_a_session_expires_after_inactivity(demo_db, use_db, monkeypatch):
    monkeypatch.setenv("SCORE_SESSION_TIMEOUT_MINUTES", "30")
    use_db(demo_db)
    at = sign_in(new_app(), "demo-officer")
    at.session_state["last_activity"] = time.time() - 29 * 60  # active 29 minutes ago: still signed in
    at.run()
    assert at.session_state["user"] is not None and at.title[0].value == "Programme overview"
    at.session_state["last_activity"] = time.time() - 31 * 60
    at.run()
    assert at.session_state["user"] is None
    assert "signed out after 30 minutes" in at.info[0].value
    assert at.text_input(key="sign_in_username")


def test_a_deactivated_account_is_signed_out_at_once(fresh_demo):
    at = sign_in(new_app(), "demo-officer")
    admin = auth.authenticate(fresh_demo, "demo-admin", PASSWORD)
    accounts.set_active(fresh_demo, admin, at.session_state["user"].id, False)
    at.run()
    assert at.session_state["user"] is None


def test_users_change_their_own_password(fresh_demo):
    at = open_page("demo-trainer", "account")
    at.text_input(key="own_current").input("wrong-password")
    at.text_input(key="own_new").input("a-new-long-password")
    at.text_input(key="own_repeat").input("a-new-long-password")
    click(at, "Change password")
    assert "current password is wrong" in at.error[0].value
    at.text_input(key="own_current").input(PASSWORD)
    at.text_input(key="own_new").input("a-new-long-password")
    at.text_input(key="own_repeat").input("a-new-long-password")
    click(at, "Change password")
    assert at.success[0].value.startswith("Password changed")
    assert auth.authenticate(fresh_demo, "demo-trainer", "a-new-long-password").role == "trainer"
    with pytest.raises(auth.SignInError):
        auth.authenticate(fresh_demo, "demo-trainer", PASSWORD)


def test_admin_creates_an_account_resets_a_password_and_deactivates(fresh_demo):
    at = open_page("demo-admin", "users")
    at.text_input(key="new_user_0_0_name").input("new-trainer")
    at.selectbox(key="new_user_0_0_role").select("trainer")
    click(at, "Create account")
    assert not at.exception, at.exception
    password = at.code[0].value
    assert auth.authenticate(fresh_demo, "new-trainer", password).role == "trainer"
    assert "new-trainer" in at.dataframe[0].value["username"].tolist()
    assert [s.value for s in at.success][:1] == ["Account new\\-trainer (trainer) created."]

    choose(at, "edit_user_pick", "demo-manager").run()
    click(at, "Reset password")  # asks first: nothing is reset yet
    assert "Reset the password of **demo\\-manager**?" in at.warning[0].value
    assert auth.authenticate(fresh_demo, "demo-manager", PASSWORD).role == "manager"
    click(at, "Yes, reset the password")
    new = at.code[0].value
    assert at.success[0].value == "The password of demo\\-manager was reset; the old one no longer works."
    assert auth.authenticate(fresh_demo, "demo-manager", new).role == "manager"
    click(at, "Deactivate")
    click(at, "Cancel")  # changed one's mind: still active
    assert auth.authenticate(fresh_demo, "demo-manager", new).role == "manager"
    click(at, "Deactivate")
    click(at, "Yes, deactivate")
    assert at.success[0].value == "demo\\-manager was deactivated: they are signed out and cannot sign in."
    with pytest.raises(auth.SignInError):
        auth.authenticate(fresh_demo, "demo-manager", new)

    # and it is all in the audit log, which filters by user and action
    goto(at, "audit")
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="audit_action").select("password-reset")
    click(at, "Apply filters")
    log = at.dataframe[0].value
    assert list(log["action"].unique()) == ["password reset"] and list(log["username"]) == ["demo-admin"]
    at.selectbox(key="audit_action").select("")
    at.selectbox(key="audit_user").select("demo-admin")
    at.selectbox(key="audit_table").select("users")
    click(at, "Apply filters")
    log = at.dataframe[0].value
    assert {"added", "password reset", "account deactivated"} <= set(log["action"])
    assert set(log["username"]) == {"demo-admin"}


def test_admin_cannot_lock_themselves_out(fresh_demo):
    at = open_page("demo-admin", "users")
    choose(at, "edit_user_pick", "demo-admin").run()
    click(at, "Deactivate")
    click(at, "Yes, deactivate")
    assert "cannot deactivate your own account" in at.error[0].value and "Nothing was changed" in at.error[0].value


HOSTILE = ['<img src=x onerror=alert(1)>', '=HYPERLINK("http://x")']


def test_hostile_names_are_shown_as_text(fresh_demo):
    admin = auth.authenticate(fresh_demo, "demo-admin", PASSWORD)
    ids = [enterprises.create_enterprise(fresh_demo, admin, name, "KE", name) for name in HOSTILE]
    accounts.create_user(fresh_demo, admin, "hostile-trainer", "trainer", ids, password="hostile-password")
    at = sign_in(new_app(), "hostile-trainer", "hostile-password")
    assert not at.exception, at.exception
    for name in HOSTILE:
        choose(at, "enterprise_picker", name).run()  # listed as typed, not interpreted
        assert at.title[0].value == plain(name)  # escaped Markdown: the browser shows the name as typed
    goto(at, "profile")
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == f"Profile: {plain(HOSTILE[1])}"


LINK = "[Sign in again](https://evil.example/phish) ![t](http://x/leak.png)"
JOINER = "\u2060"  # U+2060 WORD JOINER, invisible
MARKDOWN_ELEMENTS = ("title", "header", "subheader", "caption", "markdown", "info", "success", "warning", "error")


def test_names_that_look_like_markdown_are_shown_as_text(fresh_demo):
    """A name or partner written as a Markdown link and image is escaped wherever it is shown: no live
    link, no remote image (the browser shows the text as typed)."""
    admin = auth.authenticate(fresh_demo, "demo-admin", PASSWORD)
    partners.create_partner(fresh_demo, admin, LINK, "other", "KE")
    enterprises.create_enterprise(fresh_demo, admin, LINK, "KE", LINK, "", LINK)
    at = sign_in(new_app(), "demo-admin")
    assert not at.exception, at.exception
    escaped = (r"\[Sign in again\]\(https" + JOINER + r"\://evil\.example/phish\) \!\[t\]\(http" + JOINER
               + r"\://x/leak\.png\)")
    titles = {"report": escaped, "entry": f"Enter figures: {escaped}", "profile": f"Profile: {escaped}",
              "actions": f"Improvement actions: {escaped}"}
    for page, title in titles.items():
        goto(at, FILES[page])
        at.run()
        choose(at, "enterprise_picker", LINK).run()
        assert not at.exception, (page, at.exception)
        assert at.title[0].value == title, page
        shown = [e.value for kind in MARKDOWN_ELEMENTS for e in getattr(at, kind)]
        assert all("](" not in v and "![" not in v for v in shown), (page, shown)
        if page == "report":  # the caption names the sector and the partner
            assert at.caption[0].value.count(r"\[Sign in again\]\(https") == 2, at.caption[0].value
    goto(at, FILES["programme"])
    at.run()
    at.multiselect(key="flt_partner").select(LINK).run()  # the filter's value is named in a caption
    assert not at.exception, at.exception
    showing = [c.value for c in at.caption if c.value.startswith("Showing")]
    assert showing and r"partner\: \[Sign in again\]\(https" in showing[0], showing
    assert all("](" not in e.value for kind in MARKDOWN_ELEMENTS for e in getattr(at, kind))


def test_plain_escapes_markdown_and_streamlit_directives():
    assert plain(LINK) == (r"\[Sign in again\]\(https" + JOINER + r"\://evil\.example/phish\) \!\[t\]\(http" + JOINER
                           + r"\://x/leak\.png\)")
    # bare links, which GitHub-flavoured Markdown links however escaped: an invisible word joiner breaks them
    assert plain("https://e.example www.e.example info@e.example mailto:i@e.example XMPP:e") == (
        "https" + JOINER + r"\://e\.example www" + JOINER + r"\.e\.example info" + JOINER + r"@e\.example mailto"
        + JOINER + r"\:i" + JOINER + r"@e\.example XMPP" + JOINER + r"\:e")
    assert plain("Enter figures: a@ b, 1.5 kWh") == r"Enter figures\: a@ b, 1\.5 kWh"  # nothing else changes
    # a line break (an imported cell may hold one) would start a heading or a code block
    assert plain("Two lines\n===\r\n\n    indented") == "Two lines === " + " " * 4 + "indented"
    assert plain(r"a\b *c* _d_ `e` {f} #g +h -i .j |k <l> ~m~ :red[n] $o$") == (
        r"a\\b \*c\* \_d\_ \`e\` \{f\} \#g \+h \-i \.j \|k \<l\> \~m\~ \:red\[n\] \$o\$")
    assert plain("Mechanical seals maker (case study, India)") == r"Mechanical seals maker \(case study, India\)"
    assert plain("plain words, 42 and ünïcode") == "plain words, 42 and ünïcode"
    assert plain(None) == "" and plain(7) == "7"
