"""The database schema: SQLAlchemy 2.0 typed models.

Integer keys use an explicit Sequence so that the same models work on DuckDB and PostgreSQL.
Schema changes go through Alembic revisions in tracker/migrations (reviewed by hand).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Sequence,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: a fresh global id (a UUID as text), made by the database for every new row (revision 0011)
NEW_GID = text("CAST(gen_random_uuid() AS VARCHAR)")


def _gid() -> Mapped[str]:
    """The record's global id: the same on the server and on a visit's laptop (tracker/visits.py)."""
    return mapped_column(String(36), server_default=NEW_GID, nullable=True)


ROLES = ("admin", "officer", "trainer", "manager")
PHASES = ("baseline", "follow-up")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


enterprise_seq = Sequence("enterprise_id_seq")
training_seq = Sequence("training_id_seq")
measurement_seq = Sequence("measurement_id_seq")
action_seq = Sequence("action_id_seq")
user_seq = Sequence("user_id_seq")
audit_seq = Sequence("audit_id_seq")
partner_seq = Sequence("partner_id_seq")
cluster_seq = Sequence("cluster_id_seq")
target_seq = Sequence("target_id_seq")

#: the kinds of implementation partner (business support organisation); '' is "not recorded yet"
#: (partners made from the enterprises' former free text by revision 0005)
PARTNER_TYPES = ("industry association", "government SME agency", "lead buyer", "training organisation", "other")


class Partner(Base):
    """An implementation partner: a business support organisation that delivers the programme."""

    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(partner_seq, primary_key=True, server_default=partner_seq.next_value())
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(40), default="")  # one of PARTNER_TYPES, or '' (not recorded)
    country: Mapped[str] = mapped_column(String(2), default="")  # ISO 3166-1 alpha-2, or '' (not recorded)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


#: why a cluster was chosen (the rapid sector selection study's criteria): stored key -> what it means
CLUSTER_CRITERIA = {
    "growth": "growth potential",
    "room_to_improve": "room to improve quality, productivity or environmental management",
    "lead_buyers": "lead buyers present",
    "competent_partners": "competent partners",
    "government_priority": "fit with government priorities",
}


class Cluster(Base):
    """A sector within a region that the programme chose to work in, with why it was chosen."""

    __tablename__ = "clusters"
    id: Mapped[int] = mapped_column(cluster_seq, primary_key=True, server_default=cluster_seq.next_value())
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    region: Mapped[str] = mapped_column(String(100), default="")
    sector: Mapped[str] = mapped_column(String(100), default="")
    criteria: Mapped[str] = mapped_column(String(200), default="")  # comma-separated keys of CLUSTER_CRITERIA
    note: Mapped[str] = mapped_column(Text, default="")
    selected_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # the selection study's date
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class Enterprise(Base):
    """An SME taking part in the programme."""

    __tablename__ = "enterprises"
    id: Mapped[int] = mapped_column(enterprise_seq, primary_key=True, server_default=enterprise_seq.next_value())
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    sector: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[str] = mapped_column(String(20), default="")  # micro, small, medium, large
    # the implementation partner (BSO) that brought the enterprise in; NULL when none is recorded
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), nullable=True)
    # the cluster the enterprise belongs to; NULL when none
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"), nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    gid: Mapped[str] = _gid()


class Training(Base):
    """Participation of an enterprise in one SCORE module."""

    __tablename__ = "trainings"
    id: Mapped[int] = mapped_column(training_seq, primary_key=True, server_default=training_seq.next_value())
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    module: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    cohort: Mapped[str] = mapped_column(String(50), default="")
    managers_female: Mapped[int] = mapped_column(Integer, default=0)
    managers_male: Mapped[int] = mapped_column(Integer, default=0)
    workers_female: Mapped[int] = mapped_column(Integer, default=0)
    workers_male: Mapped[int] = mapped_column(Integer, default=0)
    # the trainer account that delivered the module (their Training of Enterprises); NULL when not recorded
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    gid: Mapped[str] = _gid()


class Measurement(Base):
    """One figure for one enterprise, period, phase, indicator and carrier, as entered.

    ``carrier`` is the energy carrier for energy, the destination for waste (``hazardous_...`` for hazardous
    waste), the source for water, the material for material input and yield; '' otherwise.
    Optional inputs (NULL: not entered): ``renewable_pct``, the percent of purchased electricity from renewable
    sources; ``price`` and ``currency``, the price of one ``unit`` of a material input, in the currency as typed.
    ``value_canonical`` is the figure in the indicator's canonical unit, computed by metrics
    with the factor set named in ``factor_set``.
    """

    __tablename__ = "measurements"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "period_start", "period_end", "phase", "indicator", "carrier",
                         name="uq_measurements_key"),
    )
    id: Mapped[int] = mapped_column(measurement_seq, primary_key=True, server_default=measurement_seq.next_value())
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    phase: Mapped[str] = mapped_column(String(20))
    indicator: Mapped[str] = mapped_column(String(40))
    carrier: Mapped[str] = mapped_column(String(40), default="")
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    renewable_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    price: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    value_canonical: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit_canonical: Mapped[str] = mapped_column(String(40), default="")
    factor_set: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    #: 1 when stored, one more with every change: a save that read version n changes it only if
    #: it is still n (tracker.measurements: two people saving the same figure)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    gid: Mapped[str] = _gid()


class Action(Base):
    """An improvement action taken by an enterprise (shown on its charts)."""

    __tablename__ = "actions"
    id: Mapped[int] = mapped_column(action_seq, primary_key=True, server_default=action_seq.next_value())
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    action_date: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    investment: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="")
    indicators: Mapped[str] = mapped_column(String(200), default="")  # comma-separated indicator names
    gid: Mapped[str] = _gid()


class User(Base):
    """An account. Passwords are stored as argon2 hashes only."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(user_seq, primary_key=True, server_default=user_seq.next_value())
    username: Mapped[str] = mapped_column(String(100), unique=True)
    # the single sign-on identity (OIDC email) mapped to this account; NULL when unused
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    # the locale the person reads and types in ('es', 'en_IN'); NULL: the browser's
    language: Mapped[str | None] = mapped_column(String(20), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class UserEnterprise(Base):
    """Which enterprises a trainer supports or a manager runs."""

    __tablename__ = "user_enterprises"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), primary_key=True)


#: a trainer's path: a candidate after the Training of Trainers (ToT); recommended by an Expert
#: Trainer after delivering a Training of Enterprises (ToE) cycle; then certified
TRAINER_STATUSES = ("candidate", "recommended", "certified")


class TrainerProfile(Base):
    """A trainer account's path to certification and what they deliver (one per trainer)."""

    __tablename__ = "trainer_profiles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # the training provider they work for: an implementation partner record; NULL when not recorded
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), nullable=True)
    country: Mapped[str] = mapped_column(String(2), default="")  # where they deliver; '' when not recorded
    tot_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # Training of Trainers attended
    status: Mapped[str] = mapped_column(String(20), default="candidate")  # one of TRAINER_STATUSES
    recommended_by: Mapped[str] = mapped_column(String(100), default="")  # the Expert Trainer
    recommended_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    certified_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    modules: Mapped[str] = mapped_column(String(400), default="")  # comma-separated modules they deliver
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class Target(Base):
    """A reduction of one indicator of one enterprise by a date, from its baseline (metrics.targets): of the
    absolute figure or of the figure per unit of production. One per enterprise and indicator."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("enterprise_id", "indicator"),)
    id: Mapped[int] = mapped_column(target_seq, primary_key=True, server_default=target_seq.next_value())
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(40))  # one of metrics.TARGET_INDICATORS
    basis: Mapped[str] = mapped_column(String(20))  # one of metrics.TARGET_BASES
    reduction: Mapped[float] = mapped_column(Float)  # a fraction: 0.3 for 30 %
    target_date: Mapped[dt.date] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String(100), default="")
    set_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class Statement(Base):
    """An issued results statement (tracker.statements): its figures frozen as issued (JSON), the factor set and a
    fingerprint of the figures entered it was made from, the file as issued and its SHA-256, and its PDF."""

    __tablename__ = "statements"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # S4C- and 16 hex digits
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    issued_by: Mapped[str] = mapped_column(String(100), default="")
    factor_set: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(60), default="")
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    figures: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    # the PDF printed from ``html`` (base64), once, and its SHA-256; empty until someone first asks for it
    pdf: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # the locale it was written in (metrics.i18n), which its HTML and PDF keep; 'en' for those issued before
    language: Mapped[str | None] = mapped_column(String(35), nullable=True, default="en", server_default="en")


class AuditEntry(Base):
    """Every change: who, when, what, before and after (JSON text)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(audit_seq, primary_key=True, server_default=audit_seq.next_value())
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # insert, update, delete, import, login...
    table_name: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[str] = mapped_column(String(100), default="")
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")


class EnterpriseSummary(Base):
    """Precomputed per enterprise and indicator (one canonical unit): the figures the programme
    overview aggregates, kept current by ``tracker.summary.refresh`` on every write.

    ``baseline``/``followup`` are per-day rates in ``unit`` (yield: fractions) as
    ``metrics.enterprise_changes`` defines them; NULL when that phase is missing. For energy,
    ``co2e_baseline``/``co2e_followup`` are kg CO2e per day (biogenic CO2 excluded; NULL when no
    factor is known), scope 1 plus scope 2; ``scope1_*`` (fuels: CO2, CH4, N2O) and ``scope2_*``
    (grid electricity, location based) split them. ``flags`` lists data-quality findings, comma-separated.
    """

    __tablename__ = "enterprise_summary"
    enterprise_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit: Mapped[str] = mapped_column(String(40), primary_key=True)
    has_baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    has_followup: Mapped[bool] = mapped_column(Boolean, default=False)
    baseline: Mapped[float | None] = mapped_column(Float, nullable=True)
    followup: Mapped[float | None] = mapped_column(Float, nullable=True)
    relative_change: Mapped[float | None] = mapped_column(Float, nullable=True)
    points: Mapped[float | None] = mapped_column(Float, nullable=True)
    baseline_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    followup_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    followup_end: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    co2e_baseline: Mapped[float | None] = mapped_column(Float, nullable=True)
    co2e_followup: Mapped[float | None] = mapped_column(Float, nullable=True)
    scope1_baseline: Mapped[float | None] = mapped_column(Float, nullable=True)
    scope1_followup: Mapped[float | None] = mapped_column(Float, nullable=True)
    scope2_baseline: Mapped[float | None] = mapped_column(Float, nullable=True)
    scope2_followup: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: the factor set the row was computed with (rows stored before 0010: '2026.1', not split by scope)
    factor_set: Mapped[str | None] = mapped_column(String(40), nullable=True)
    #: on a row of ``metrics.REGRESSION_ROW`` (expected and actual energy a day over the follow-up): the 95 %
    #: half-width of the modelled savings a day; NULL on every other row
    savings_uncertainty: Mapped[float | None] = mapped_column(Float, nullable=True)
    flags: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class ShownCell(Base):
    """One aggregate cell that was shown to an officer or admin: the differencing guard's memory
    (``tracker.disclosure``), shared by every app process and kept across restarts.

    A cell is remembered by its figure (an indicator's change, energy avoided...) and four
    numbers: how many enterprises are behind it and the power sums (modulo a prime) of their
    element keys, a key being a hash of one enterprise's id and its figures for that indicator.
    The enterprises, their ids and their figures cannot be read back from these numbers.
    """

    __tablename__ = "shown_cells"
    figure: Mapped[str] = mapped_column(String(60), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    s1: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    s2: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    s3: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    first_shown_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class SignInFailure(Base):
    """Failed sign-ins counted per user name (with or without an account) and per client address,
    for the growing delay (``tracker.throttle``), shared by every app process. A row is dropped
    once its counter is back to nothing."""

    __tablename__ = "sign_in_failures"
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # name, address
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Setting(Base):
    """A setting of this server: its identity (``server_id``) and the secret that signs the visit
    packages it exports (``visit_key``), made on first use (tracker/visit_package.py)."""

    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class VisitMerge(Base):
    """A visit package merged into this server (each package once)."""

    __tablename__ = "visit_merges"
    package_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    trainer: Mapped[str] = mapped_column(String(100))
    merged_by: Mapped[str] = mapped_column(String(100))
    merged_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    changes: Mapped[int] = mapped_column(Integer, default=0)
