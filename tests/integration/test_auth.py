"""Sign-in: argon2 hashes, wrong passwords, the growing delay, roles."""
import datetime as dt

import pytest

from tracker import auth, db
from tracker.db import session_scope


@pytest.fixture
def engine(db_url):
    eng = db.open_database(db_url)
    with session_scope(eng) as s:
        auth.upsert_user(s, "alice", "correct horse", "admin")
    yield eng
    eng.dispose()


def test_right_password_signs_in(engine):
    user = auth.authenticate(engine, "alice", "correct horse")
    assert (user.username, user.role) == ("alice", "admin")


def test_wrong_password_and_unknown_user_say_the_same(engine):
    with pytest.raises(auth.SignInError) as a:
        auth.authenticate(engine, "alice", "wrong")
    with pytest.raises(auth.SignInError) as b:
        auth.authenticate(engine, "nobody", "wrong")
    assert str(a.value) == str(b.value)


def test_delay_grows_after_five_failures(engine):
    t0 = dt.datetime(2026, 1, 1, 12, 0, 0)
    for i in range(5):
        with pytest.raises(auth.SignInError):
            auth.authenticate(engine, "alice", "wrong", now=t0 + dt.timedelta(seconds=i))
    # the sixth attempt, even with the right password, must wait
    with pytest.raises(auth.SignInThrottled) as err:
        auth.authenticate(engine, "alice", "correct horse", now=t0 + dt.timedelta(seconds=4.5))
    assert err.value.wait_seconds >= 1
    later = t0 + dt.timedelta(seconds=10)
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, "alice", "wrong", now=later)
    with pytest.raises(auth.SignInThrottled) as err2:
        auth.authenticate(engine, "alice", "correct horse", now=later + dt.timedelta(seconds=1))
    assert err2.value.wait_seconds > err.value.wait_seconds - 1
    ok = auth.authenticate(engine, "alice", "correct horse", now=later + dt.timedelta(minutes=10))
    assert ok.username == "alice"


def test_short_passwords_and_unknown_roles_are_refused(engine):
    with session_scope(engine) as s:
        with pytest.raises(ValueError, match="at least"):
            auth.upsert_user(s, "bob", "short", "officer")
        with pytest.raises(ValueError, match="role"):
            auth.upsert_user(s, "bob", "long enough pw", "king")


def test_a_name_without_an_account_is_throttled_like_one_with(engine):
    # regression: only existing names got "Too many failed sign-in attempts", which told them apart
    import uuid

    t0 = dt.datetime(2026, 1, 1, 12, 0, 0)
    nobody = f"no-such-user-{uuid.uuid4().hex[:8]}"  # the count of unknown names lives in the process
    replies = {}
    for name in ("alice", nobody):
        for i in range(5):
            with pytest.raises(auth.SignInError):
                auth.authenticate(engine, name, "wrong", now=t0 + dt.timedelta(seconds=i))
        with pytest.raises(auth.SignInThrottled) as err:
            auth.authenticate(engine, name, "wrong", now=t0 + dt.timedelta(seconds=4.5))
        replies[name] = (type(err.value), str(err.value))
    assert replies["alice"] == replies[nobody]
    with pytest.raises(auth.SignInError):  # and it waits no longer than a real name does
        auth.authenticate(engine, nobody, "wrong", now=t0 + dt.timedelta(minutes=10))
