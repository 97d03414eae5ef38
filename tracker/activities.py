"""What an enterprise did: SCORE modules attended (trainings) and improvement actions.

Each is recorded, corrected or deleted by someone who may change the enterprise's figures, and
audited with before and after.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from babel.numbers import list_currencies
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import metrics
from metrics.i18n import _
from metrics.labels import module_label
from tracker import audit, lengths
from tracker.access import require_enterprise
from tracker.auth import CurrentUser
from tracker.db import session_scope
from tracker.models import Action, Training, User, UserEnterprise

#: stored as written here; shown by metrics.labels.module_label
MODULES = ("Workplace Cooperation", "Quality Management", "Safety and Health at Work", "Workforce Management",
           "Gender Equality", "Lean Manufacturing", "SCORE4Climate")
TRAINING_COLUMNS = ["id", "module", "start_date", "end_date", "cohort", "managers_female", "managers_male",
                    "workers_female", "workers_male", "trainer"]
#: what a module record holds (``trainer_id``: the trainer who delivered it, stored as an account id)
_TRAINING_FIELDS = ["module", "start_date", "end_date", "cohort", "managers_female", "managers_male",
                    "workers_female", "workers_male", "trainer_id"]
ACTION_COLUMNS = ["id", "action_date", "description", "investment", "currency", "indicators"]


# --- modules attended -------------------------------------------------------------------------

def trainings_frame(session: Session, enterprise_id: int) -> pd.DataFrame:
    """The enterprise's module participations, oldest first; ``trainer`` is the user name of the
    trainer who delivered it ('' when not recorded)."""
    rows = session.execute(select(*(getattr(Training, c) for c in TRAINING_COLUMNS[:-1]),
                                  func.coalesce(User.username, ""))
                           .outerjoin(User, User.id == Training.trainer_id)
                           .where(Training.enterprise_id == enterprise_id)
                           .order_by(Training.start_date, Training.id)).all()
    return pd.DataFrame(rows, columns=TRAINING_COLUMNS)


def trainer_account(session: Session, enterprise_id: int, trainer: str) -> int | None:
    """The account id of ``trainer`` (a user name; '' for none), who must be an active trainer
    assigned to the enterprise (else ValueError saying so)."""
    trainer = (trainer or "").strip()
    if not trainer:
        return None
    found = session.scalar(select(User.id).join(UserEnterprise, UserEnterprise.user_id == User.id)
                           .where(User.username == trainer, User.role == "trainer", User.active,
                                  UserEnterprise.enterprise_id == enterprise_id))
    if found is None:
        raise ValueError(_("{trainer} is not an active trainer of this enterprise: an administrator assigns trainers "
                           "on the Users page.").format(trainer=trainer))
    return found


def module_advice(trainings: pd.DataFrame) -> list[str]:
    """Advice on recorded module participation: Workplace Cooperation first, and the recommended
    two managers and two workers per module (one sentence per point)."""
    if trainings.empty:
        return [_("No module recorded yet. Workplace Cooperation (SCORE Basics) comes first.")]
    advice = []
    if "Workplace Cooperation" not in set(trainings["module"]):
        advice.append(_("Workplace Cooperation (SCORE Basics) is not recorded: it comes before the other modules."))
    managers = trainings["managers_female"] + trainings["managers_male"]
    workers = trainings["workers_female"] + trainings["workers_male"]
    short = trainings.loc[(managers < 2) | (workers < 2), "module"].tolist()
    if short:
        advice.append(_("Fewer than two managers and two workers attended {modules}: the programme recommends two of "
                        "each for every module.").format(
            modules=", ".join(module_label(m) for m in dict.fromkeys(short))))
    return advice


def check_training(module: str, start: dt.date, end: dt.date, counts: list[int], cohort: str) -> str:
    """The cohort as stored, or ValueError when a field cannot be stored."""
    if module not in MODULES:
        raise ValueError(_("Unknown module {module}; expected one of {known}.").format(module=repr(module),
                                                                                      known=", ".join(MODULES)))
    if end < start:
        raise ValueError(_("The end date is before the start date."))
    if any(c < 0 for c in counts):
        raise ValueError(_("Attendee numbers cannot be negative."))
    return lengths.fit(Training.cohort, cohort, _("The cohort"))


def add_training(engine: Engine, user: CurrentUser, enterprise_id: int, module: str, start: dt.date, end: dt.date,
                 cohort: str = "", managers_female: int = 0, managers_male: int = 0, workers_female: int = 0,
                 workers_male: int = 0, trainer: str = "") -> list[str]:
    """Record participation in a SCORE module, delivered by ``trainer`` (a user name of one of the
    enterprise's trainers, or ''); returns advice (e.g. the recommended attendees)."""
    user = require_enterprise(engine, user, enterprise_id)
    counts = [managers_female, managers_male, workers_female, workers_male]
    cohort = check_training(module, start, end, counts, cohort)
    advice = []
    with session_scope(engine) as session:
        trainer_id = trainer_account(session, enterprise_id, trainer)
        modules = set(session.scalars(select(Training.module).where(Training.enterprise_id == enterprise_id)).all())
        if module != "Workplace Cooperation" and "Workplace Cooperation" not in modules:
            advice.append(_("Workplace Cooperation (SCORE Basics) comes first: record it too."))
        session.add(Training(enterprise_id=enterprise_id, module=module, start_date=start, end_date=end,
                             cohort=cohort, managers_female=managers_female, managers_male=managers_male,
                             workers_female=workers_female, workers_male=workers_male, trainer_id=trainer_id))
        audit.record(session, user.username, "insert", "trainings", enterprise_id, None,
                     dict(module=module, start=start, end=end, attendees=counts, trainer=trainer.strip()))
    if managers_female + managers_male < 2 or workers_female + workers_male < 2:
        advice.append(_("The programme recommends two managers and two workers for each module."))
    return advice


def update_training(engine: Engine, user: CurrentUser, enterprise_id: int, training_id: int, module: str,
                    start: dt.date, end: dt.date, cohort: str = "", managers_female: int = 0, managers_male: int = 0,
                    workers_female: int = 0, workers_male: int = 0, trainer: str = "") -> None:
    """Correct a recorded module participation (audited with before and after)."""
    user = require_enterprise(engine, user, enterprise_id)
    counts = [managers_female, managers_male, workers_female, workers_male]
    cohort = check_training(module, start, end, counts, cohort)
    fields = _TRAINING_FIELDS
    with session_scope(engine) as session:
        row = _own_row(session, Training, training_id, enterprise_id, _("module record"))
        before = {f: getattr(row, f) for f in fields}
        kept = row.trainer_id is not None and session.get(User, row.trainer_id).username == trainer.strip()
        after = dict(zip(fields, [module, start, end, cohort, *counts,  # the trainer kept, assigned or not
                                  row.trainer_id if kept else trainer_account(session, enterprise_id, trainer)],
                         strict=True))
        if before != after:
            for k, v in after.items():
                setattr(row, k, v)
            audit.record(session, user.username, "update", "trainings", training_id, before, after)


def delete_training(engine: Engine, user: CurrentUser, enterprise_id: int, training_id: int) -> None:
    """Delete a module participation recorded by mistake (audited)."""
    _delete_own(engine, user, enterprise_id, Training, training_id, _("module record"),
                lambda row: dict(module=row.module, start=row.start_date, end=row.end_date, cohort=row.cohort))


# --- improvement actions ----------------------------------------------------------------------

def actions_frame(session: Session, enterprise_id: int) -> pd.DataFrame:
    """The enterprise's improvement actions, oldest first."""
    rows = session.execute(select(*(getattr(Action, c) for c in ACTION_COLUMNS))
                           .where(Action.enterprise_id == enterprise_id).order_by(Action.action_date, Action.id)).all()
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


def list_actions(engine: Engine, user: CurrentUser, enterprise_id: int) -> pd.DataFrame:
    """The enterprise's improvement actions, oldest first."""
    user = require_enterprise(engine, user, enterprise_id)
    with session_scope(engine, readonly=True) as session:
        return actions_frame(session, enterprise_id)


def check_action(description: str, investment: float | None, currency: str, indicators
                 ) -> tuple[str, str, list[str]]:
    """The description, currency and indicators of an action as stored, or ValueError saying
    which field cannot be stored."""
    description = lengths.fit(Action.description, description, _("The description"))
    if not description:
        raise ValueError(_("Describe the action."))
    currency = lengths.fit(Action.currency, currency, _("The currency")).upper()
    if currency and currency not in list_currencies():  # ISO 4217, as Unicode CLDR lists it (Babel)
        raise ValueError(_("{currency} is not a currency: give its three-letter ISO 4217 code, e.g. INR, KES or USD "
                           "(or none).").format(currency=repr(currency)))
    indicators = list(dict.fromkeys(indicators))  # each once
    unknown = [i for i in indicators if i not in metrics.INDICATORS]
    if unknown:
        raise ValueError(_("Unknown indicator(s): {indicators}").format(indicators=", ".join(unknown)))
    if investment is not None and investment < 0:
        raise ValueError(_("The investment cannot be negative."))
    return description, currency, indicators


def add_action(engine: Engine, user: CurrentUser, enterprise_id: int, action_date: dt.date, description: str,
               investment: float | None = None, currency: str = "", indicators: list[str] | tuple[str, ...] = (),
               *, exists_ok: bool = True) -> int:
    """Record an improvement action; returns its id. An action with the same date and
    description is not recorded twice: its id is returned, or with ``exists_ok=False``
    ValueError says so (the page: a correction must not look saved when nothing changed)."""
    user = require_enterprise(engine, user, enterprise_id)
    description, currency, indicators = check_action(description, investment, currency, indicators)
    with session_scope(engine) as session:
        exists = session.scalars(select(Action).where(Action.enterprise_id == enterprise_id,
                                                      Action.action_date == action_date,
                                                      Action.description == description)).first()
        if exists is not None:
            if exists_ok:
                return exists.id
            raise ValueError(_("This action is recorded already (same date and description). To correct it, delete "
                               "it below and record it again."))
        action = Action(enterprise_id=enterprise_id, action_date=action_date, description=description,
                        investment=investment, currency=currency, indicators=",".join(indicators))
        session.add(action)
        session.flush()
        audit.record(session, user.username, "insert", "actions", action.id, None,
                     {"date": action_date, "description": description, "investment": investment})
        return action.id


def delete_action(engine: Engine, user: CurrentUser, enterprise_id: int, action_id: int) -> None:
    """Delete an improvement action recorded by mistake (audited)."""
    _delete_own(engine, user, enterprise_id, Action, action_id, _("action"),
                lambda row: dict(date=row.action_date, description=row.description, investment=row.investment))


# --- one shape for both -----------------------------------------------------------------------

def _own_row(session: Session, model, row_id: int, enterprise_id: int, what: str):
    """The row ``row_id`` of ``model`` when it belongs to ``enterprise_id`` (else LookupError)."""
    row = session.get(model, row_id)
    if row is None or row.enterprise_id != enterprise_id:
        raise LookupError(_("No such {what} for this enterprise (it may have been deleted meanwhile).").format(
            what=what))
    return row


def _delete_own(engine: Engine, user: CurrentUser, enterprise_id: int, model, row_id: int, what: str,
                describe) -> None:
    """Delete the row ``row_id`` of ``model`` that belongs to ``enterprise_id``, audited with
    ``describe(row)`` as what it was."""
    user = require_enterprise(engine, user, enterprise_id)
    with session_scope(engine) as session:
        row = _own_row(session, model, row_id, enterprise_id, what)
        before = describe(row)
        session.delete(row)
        audit.record(session, user.username, "delete", model.__tablename__, row_id, before, None)
