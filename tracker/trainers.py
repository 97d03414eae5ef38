"""Trainers' path to certification: the Training of Trainers (ToT), a Training of Enterprises (ToE)
cycle, a recommendation by an Expert Trainer, certification.

A profile belongs to one trainer account (``TrainerProfile``): the training provider they work
for (an implementation partner record), the country where they deliver, the ToT date, the status
(candidate -> recommended, by whom and when -> certified, when) and the modules they deliver.
The ToE cycle is read from the module records that name the trainer (``Training.trainer_id``).

Admins and officers see and edit every profile; a trainer sees their own and no one else's;
managers none. Every change is audited with before and after.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from metrics import formatting
from metrics.i18n import _, ngettext
from metrics.labels import module_label
from tracker import audit, lengths, partners
from tracker.access import OFFICERS, require_role
from tracker.activities import MODULES
from tracker.auth import CurrentUser
from tracker.countries import country_code
from tracker.db import session_scope
from tracker.errors import AccessDenied
from tracker.models import TRAINER_STATUSES, Enterprise, Partner, TrainerProfile, Training, User

#: a trainer account without a saved profile
NOT_RECORDED = ""
LIST_COLUMNS = ["user_id", "username", "active", "provider", "country", "tot_date", "status", "recommended_by",
                "recommended_on", "certified_on", "modules", "modules_delivered", "enterprises_delivered"]
TOE_COLUMNS = ["enterprise", "module", "start_date", "end_date", "managers_female", "managers_male",
               "workers_female", "workers_male"]
EXPERT_LENGTH = lengths.limit(TrainerProfile.recommended_by)
_FIELDS = ["provider_id", "country", "tot_date", "status", "recommended_by", "recommended_on", "certified_on",
           "modules"]


def check_profile(*, status: str, tot_date: dt.date | None = None, recommended_by: str = "",
                  recommended_on: dt.date | None = None, certified_on: dt.date | None = None, modules=(),
                  country: str = "", today: dt.date | None = None) -> dict:
    """The path's fields as stored, or ValueError saying what is wrong. The path runs candidate
    (after the ToT) -> recommended (by an Expert Trainer, on a date after the ToT) -> certified
    (on or after the recommendation); no date lies in the future."""
    today = today or dt.date.today()
    if status not in TRAINER_STATUSES:
        raise ValueError(_("The status is one of {statuses}.").format(statuses=", ".join(TRAINER_STATUSES)))
    recommended_by = lengths.fit(TrainerProfile.recommended_by, recommended_by, _("The Expert Trainer's name"))
    for label, day in (("ToT", tot_date), ("recommendation", recommended_on), ("certification", certified_on)):
        if day is not None and day > today:
            raise ValueError(_("The {label} date {day} is in the future.").format(
                label=label, day=formatting.day(day)))
    if status == "candidate" and (recommended_by or recommended_on or certified_on):
        raise ValueError(_("A candidate has no recommendation or certification yet: choose the status recommended or "
                           "certified, or clear them."))
    if status in ("recommended", "certified"):
        if tot_date is None:
            raise ValueError(_("A recommendation follows the Training of Trainers: give the ToT date."))
        if not recommended_by or recommended_on is None:
            raise ValueError(_("Name the Expert Trainer who recommended certification, and the date."))
        if recommended_on < tot_date:
            raise ValueError(_("The recommendation is dated before the ToT."))
    if status == "recommended" and certified_on is not None:
        raise ValueError(_("A certification date belongs to the status certified."))
    if status == "certified":
        if certified_on is None:
            raise ValueError(_("Give the date of certification."))
        if certified_on < recommended_on:
            raise ValueError(_("The certification is dated before the recommendation."))
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        raise ValueError(_("Unknown module(s) {unknown}; the modules are: {modules}.").format(
            unknown=", ".join(unknown), modules=", ".join(MODULES)))
    country = (country or "").strip()
    country = country_code(country) if country else ""
    return dict(status=status, tot_date=tot_date, recommended_by=recommended_by, recommended_on=recommended_on,
                certified_on=certified_on, modules=",".join(m for m in MODULES if m in set(modules)), country=country)


def _may_read(user: CurrentUser, trainer_id: int) -> None:
    """Admins and officers read every profile; a trainer their own only."""
    if user.role in OFFICERS:
        return
    if user.role == "trainer" and user.id == int(trainer_id):
        return
    raise AccessDenied(_("A trainer's profile is for that trainer, officers and admins."))


def _trainer(session: Session, trainer_id: int) -> User:
    row = session.get(User, int(trainer_id))
    if row is None or row.role != "trainer":
        raise LookupError(_("No trainer account with id {trainer_id}.").format(trainer_id=trainer_id))
    return row


def list_trainers(engine: Engine, user: CurrentUser) -> pd.DataFrame:
    """Every trainer account with its profile (status '' where none is saved yet) and its ToE
    cycle in numbers (modules delivered, enterprises); officers and admins."""
    require_role(engine, user, *OFFICERS)
    delivered = (select(Training.trainer_id, func.count().label("modules"),
                        func.count(func.distinct(Training.enterprise_id)).label("ents"))
                 .where(Training.trainer_id.is_not(None)).group_by(Training.trainer_id).subquery())
    stmt = (select(User.id, User.username, User.active, func.coalesce(Partner.name, ""),
                   func.coalesce(TrainerProfile.country, ""), TrainerProfile.tot_date,
                   func.coalesce(TrainerProfile.status, NOT_RECORDED),
                   func.coalesce(TrainerProfile.recommended_by, ""), TrainerProfile.recommended_on,
                   TrainerProfile.certified_on, func.coalesce(TrainerProfile.modules, ""),
                   func.coalesce(delivered.c.modules, 0), func.coalesce(delivered.c.ents, 0))
            .outerjoin(TrainerProfile, TrainerProfile.user_id == User.id)
            .outerjoin(Partner, Partner.id == TrainerProfile.provider_id)
            .outerjoin(delivered, delivered.c.trainer_id == User.id)
            .where(User.role == "trainer").order_by(User.username))
    with session_scope(engine, readonly=True) as session:
        frame = pd.DataFrame(session.execute(stmt).all(), columns=LIST_COLUMNS)
    frame["modules"] = [[m for m in v.split(",") if m] for v in frame["modules"]]
    return frame.astype({"user_id": int, "modules_delivered": int, "enterprises_delivered": int})


def toe_cycle(session: Session, trainer_id: int) -> pd.DataFrame:
    """The module records the trainer delivered, oldest first (:data:`TOE_COLUMNS`)."""
    rows = session.execute(select(Enterprise.name, Training.module, Training.start_date, Training.end_date,
                                  Training.managers_female, Training.managers_male, Training.workers_female,
                                  Training.workers_male)
                           .join(Enterprise, Enterprise.id == Training.enterprise_id)
                           .where(Training.trainer_id == int(trainer_id))
                           .order_by(Training.start_date, Enterprise.name)).all()
    return pd.DataFrame(rows, columns=TOE_COLUMNS)


def path_advice(profile: dict, toe: pd.DataFrame) -> list[str]:
    """What does not look like the usual path (a sentence each; nothing is refused for it)."""
    advice = []
    if profile["status"] in ("recommended", "certified") and toe.empty:
        advice.append(_("No module record names this trainer: the recommendation normally follows a Training of "
                        "Enterprises cycle (record the modules they delivered on the enterprises' profiles)."))
    if profile["tot_date"] is not None and not toe.empty:
        early = toe[toe["start_date"].notna() & (toe["start_date"] < profile["tot_date"])]
        if len(early):
            advice.append(ngettext("{n} module delivered before the ToT ({date}).",
                                   "{n} modules delivered before the ToT ({date}).", len(early)).format(
                n=len(early), date=formatting.day(profile['tot_date'])))
    listed = set(profile["modules"])
    other = sorted(set(toe["module"]) - listed) if listed else []
    if other:
        advice.append(_("Delivered {modules}, which is not among the modules listed for this trainer.").format(
            modules=", ".join(module_label(m) for m in other)))
    return advice


def trainer_profile(engine: Engine, user: CurrentUser, trainer_id: int) -> dict:
    """One trainer's profile (provider and status '' where none is saved), their ToE cycle
    (``toe``) and advice on the path; for officers, admins and the trainer themselves."""
    user = require_role(engine, user, "admin", "officer", "trainer")
    _may_read(user, trainer_id)
    with session_scope(engine, readonly=True) as session:
        account = _trainer(session, trainer_id)
        row = session.get(TrainerProfile, account.id)
        values = {f: getattr(row, f) for f in _FIELDS} if row is not None else dict(
            provider_id=None, country="", tot_date=None, status=NOT_RECORDED, recommended_by="", recommended_on=None,
            certified_on=None, modules="")
        profile = dict(user_id=account.id, username=account.username, active=account.active,
                       provider=partners.partner_name(session, values.pop("provider_id")), **values)
        profile["modules"] = [m for m in profile["modules"].split(",") if m]
        toe = toe_cycle(session, account.id)
    return dict(profile, toe=toe, advice=path_advice(profile, toe))


def write_profile(session: Session, actor: str, trainer_id: int, provider: str, values: dict) -> bool:
    """Store the checked ``values`` (:func:`check_profile`) and the provider (a partner's name, or
    '') as trainer ``trainer_id``'s profile in the caller's transaction, audited; True when
    anything changed."""
    account = _trainer(session, trainer_id)
    values = dict(values, provider_id=partners.partner_id(session, provider))
    row = session.get(TrainerProfile, account.id)
    if row is None:
        session.add(TrainerProfile(user_id=account.id, updated_at=_now(), **values))
        audit.record(session, actor, "insert", "trainer_profiles", account.id, None,
                     dict(values, trainer=account.username))
        return True
    before = {f: getattr(row, f) for f in _FIELDS}
    after = {f: values[f] for f in _FIELDS}
    if before == after:
        return False
    for k, v in after.items():
        setattr(row, k, v)
    row.updated_at = _now()
    audit.record(session, actor, "update", "trainer_profiles", account.id, before,
                 dict(after, trainer=account.username))
    return True


def save_profile(engine: Engine, user: CurrentUser, trainer_id: int, *, status: str, provider: str = "",
                 country: str = "", tot_date: dt.date | None = None, recommended_by: str = "",
                 recommended_on: dt.date | None = None, certified_on: dt.date | None = None, modules=()) -> bool:
    """Save a trainer's profile (officers and admins); True when anything changed. See
    :func:`check_profile` for what is refused."""
    user = require_role(engine, user, *OFFICERS)
    values = check_profile(status=status, tot_date=tot_date, recommended_by=recommended_by,
                           recommended_on=recommended_on, certified_on=certified_on, modules=modules, country=country)
    with session_scope(engine) as session:
        return write_profile(session, user.username, trainer_id, provider, values)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
