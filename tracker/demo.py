"""The demo data set: the SCORE4Climate case study plus synthetic enterprises.

The case study (an Indian maker of mechanical seals for pumps) is real in its published
figures only: rubber yield 78% -> 88% -> 95% and waste share 22% -> 12% -> 5%, with a
guillotine machine and then a preforming machine. Everything else, including the absolute
kilograms behind those shares, the energy figures and all other enterprises, is synthetic and
labelled so in the data (``Enterprise.synthetic`` and the measurement notes).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

import metrics
from metrics.i18n import _
from tracker import activities, auth, clusters, enterprises, measurements, partners, trainers
from tracker.db import session_scope
from tracker.models import Cluster, Partner, Training, User

CASE_STUDY = "Mechanical seals maker (case study, India)"

SYNTHETIC_NOTE = "synthetic demo figure"
CASE_NOTE = "published case-study figure"
CASE_SYNTHETIC_NOTE = "synthetic: absolute amount chosen to match the published shares"

# (start, end, phase, yield %)
CASE_STAGES = [
    (dt.date(2023, 1, 1), dt.date(2023, 3, 31), "baseline", 78.0),
    (dt.date(2023, 7, 1), dt.date(2023, 9, 30), "follow-up", 88.0),
    (dt.date(2024, 1, 1), dt.date(2024, 3, 31), "follow-up", 95.0),
]
CASE_ACTIONS = [
    (dt.date(2023, 5, 15), "Guillotine machine for cutting rubber pellets to a uniform size",
     "yield,material_wasted,waste"),
    (dt.date(2023, 11, 10), "Preforming machine for rubber pellets",
     "yield,material_wasted,waste"),
]
#: kg of good rubber in seals per day (synthetic; only the shares are published)
CASE_GOOD_OUTPUT_KG_PER_DAY = 110.0

COUNTRIES = ["IN", "VN", "ID", "CN", "BO", "KE", "KG"]
SECTORS = ["Rubber and plastics", "Textiles and garments", "Food processing", "Metal products",
           "Furniture and wood"]
#: the implementation partner of each demo country: (name, type), all synthetic
PARTNER_RECORDS = {
    "IN": ("Federation of Indian Micro and Small Enterprises (synthetic)", "industry association"),
    "VN": ("Viet Nam Chamber of Commerce (synthetic)", "industry association"),
    "ID": ("Indonesian SME Agency (synthetic)", "government SME agency"),
    "CN": ("China Enterprise Confederation (synthetic)", "industry association"),
    "BO": ("Bolivian Chamber of Industry (synthetic)", "industry association"),
    "KE": ("Kenya Association of Manufacturers (synthetic)", "industry association"),
    "KG": ("Kyrgyz Business Association (synthetic)", "industry association"),
}
PARTNERS = {country: name for country, (name, _type) in PARTNER_RECORDS.items()}
#: training providers that employ trainers (synthetic): (name, type, country)
PROVIDER_RECORDS = [("National Productivity Training Centre (synthetic)", "training organisation", "IN"),
                    ("East Africa Productivity Trainers (synthetic)", "training organisation", "KE")]
#: two clusters the programme chose (synthetic), with the selection study's criteria
CLUSTER_RECORDS = [
    dict(name="Pump and auto components, Pune (synthetic)", country="IN", region="Pune, Maharashtra",
         sector="Rubber and metal components", selected_on=dt.date(2021, 3, 15),
         criteria=["growth", "room_to_improve", "lead_buyers", "competent_partners"],
         note="synthetic: pump and car makers buy seals, gaskets and machined parts from several hundred SMEs; "
              "rejects and scrap are high"),
    dict(name="Light manufacturing, Nairobi (synthetic)", country="KE", region="Nairobi",
         sector="Light manufacturing", selected_on=dt.date(2021, 5, 10),
         criteria=["growth", "competent_partners", "government_priority"],
         note="synthetic: a national manufacturing priority; the manufacturers' association trains SMEs already"),
]


def cluster_of(country: str, sector: str) -> str:
    """The demo cluster of an enterprise ('' for none): Indian rubber and metal makers are in Pune's,
    every Kenyan enterprise in Nairobi's."""
    if country == "IN" and sector in ("Rubber and plastics", "Metal products"):
        return CLUSTER_RECORDS[0]["name"]
    return CLUSTER_RECORDS[1]["name"] if country == "KE" else ""
SIZES = ["micro", "small", "medium"]
MODULES = ["Workplace Cooperation", "SCORE4Climate"]


@dataclass(frozen=True)
class DemoEnterprise:
    name: str
    country: str
    sector: str
    size: str
    partner: str
    synthetic: bool
    cluster: str = ""


def case_study_rows() -> pd.DataFrame:
    """The case-study seal maker in the measurement template (one row per figure)."""
    rows = []
    for start, end, phase, yield_pct in CASE_STAGES:
        good = CASE_GOOD_OUTPUT_KG_PER_DAY * ((end - start).days + 1)
        material_input = good / (yield_pct / 100.0)
        wasted = material_input - good
        base = dict(enterprise=CASE_STUDY, country="IN", sector="Rubber and plastics",
                    period_start=start, period_end=end, phase=phase)
        rows += [
            dict(base, indicator="yield", carrier="", value=yield_pct, unit="%", note=CASE_NOTE),
            dict(base, indicator="material_input", carrier="", value=round(material_input, 6), unit="kg",
                 note=CASE_SYNTHETIC_NOTE),
            dict(base, indicator="material_wasted", carrier="", value=round(wasted, 6), unit="kg",
                 note=CASE_SYNTHETIC_NOTE),
            dict(base, indicator="waste", carrier="sold", value=round(wasted, 6), unit="kg",
                 note="sold to reclaimed-rubber manufacturers; " + CASE_SYNTHETIC_NOTE),
            dict(base, indicator="production", carrier="", value=good, unit="kg",
                 note="good rubber in seals; " + CASE_SYNTHETIC_NOTE),
        ]
    # Energy was not published for the case study: synthetic, and labelled so.
    for (start, end, phase, _stage), kwh in zip(CASE_STAGES, [18_400.0, 18_100.0, 16_900.0], strict=True):
        rows.append(dict(enterprise=CASE_STUDY, country="IN", sector="Rubber and plastics", period_start=start,
                         period_end=end, phase=phase, indicator="energy", carrier="electricity", value=kwh,
                         unit="kWh", note="synthetic: no energy figures were published for the case study"))
    return pd.DataFrame(rows, columns=metrics.TEMPLATE_COLUMNS)


def synthetic_enterprises(n: int = 36, seed: int = 7) -> list[DemoEnterprise]:
    """``n`` synthetic enterprises spread over the demo countries and sectors."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        country = COUNTRIES[i % len(COUNTRIES)]
        sector = SECTORS[(i // len(COUNTRIES) + i) % len(SECTORS)]
        out.append(DemoEnterprise(name=f"Synthetic {sector.split()[0]} SME {i + 1:02d} ({country})", country=country,
                                  sector=sector, size=SIZES[int(rng.integers(0, 3))], partner=PARTNERS[country],
                                  synthetic=True, cluster=cluster_of(country, sector)))
    return out


def synthetic_rows(synthetic: list[DemoEnterprise], seed: int = 11) -> pd.DataFrame:
    """Baseline and follow-up figures for the synthetic enterprises, in mixed units."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, ent in enumerate(synthetic):
        year = 2022 + k % 3
        base_start, base_end = dt.date(year, 1, 1), dt.date(year, 6, 30)
        fu_start, fu_end = dt.date(year + 1, 1, 1), dt.date(year + 1, 3, 31)  # shorter: per-day rates
        scale = float(rng.lognormal(0, 0.6))
        has_follow_up = k % 9 != 8  # a few enterprises are still waiting for their follow-up

        def add(phase, start, end, indicator, carrier, value, unit, ent=ent):
            rows.append(dict(enterprise=ent.name, country=ent.country, sector=ent.sector, period_start=start,
                             period_end=end, phase=phase, indicator=indicator, carrier=carrier,
                             value=round(float(value), 3), unit=unit, note=SYNTHETIC_NOTE))

        days_b = (base_end - base_start).days + 1
        days_f = (fu_end - fu_start).days + 1
        elec_kwh_day = 900 * scale
        diesel_l_day = 40 * scale
        waste_kg_day = 300 * scale
        input_kg_day = 5000 * scale
        yield_b = float(rng.uniform(70, 90))
        water_m3_day = 25 * scale
        prod_day = 2000 * scale
        # improvements: energy around -27%, waste around -40%, materials wasted around -35%
        d_energy = float(np.clip(rng.normal(-0.27, 0.12), -0.7, 0.15))
        d_waste = float(np.clip(rng.normal(-0.40, 0.15), -0.85, 0.1))
        d_water = float(np.clip(rng.normal(-0.15, 0.1), -0.6, 0.1))
        d_yield_pts = float(np.clip(rng.normal(5, 3), 0, 99 - yield_b))
        d_prod = float(rng.normal(0.05, 0.05))

        # Baseline: electricity in MWh for half of them (bills), diesel in litres
        if k % 2:
            add("baseline", base_start, base_end, "energy", "electricity", elec_kwh_day * days_b / 1000, "MWh")
        else:
            add("baseline", base_start, base_end, "energy", "electricity", elec_kwh_day * days_b, "kWh")
        add("baseline", base_start, base_end, "energy", "diesel", diesel_l_day * days_b, "L")
        add("baseline", base_start, base_end, "waste", "landfill", waste_kg_day * days_b * 0.6, "kg")
        add("baseline", base_start, base_end, "waste", "recycled", waste_kg_day * days_b * 0.4 / 1000, "t")
        add("baseline", base_start, base_end, "material_input", "", input_kg_day * days_b / 1000, "t")
        wasted_b = input_kg_day * (1 - yield_b / 100)
        add("baseline", base_start, base_end, "material_wasted", "", wasted_b * days_b, "kg")
        add("baseline", base_start, base_end, "yield", "", yield_b, "%")
        add("baseline", base_start, base_end, "water", "", water_m3_day * days_b, "m3")
        add("baseline", base_start, base_end, "production", "", prod_day * days_b, "piece")
        if not has_follow_up:
            continue
        f = 1 + d_energy
        add("follow-up", fu_start, fu_end, "energy", "electricity", elec_kwh_day * f * days_f, "kWh")
        add("follow-up", fu_start, fu_end, "energy", "diesel", diesel_l_day * f * days_f, "L")
        w = 1 + d_waste
        add("follow-up", fu_start, fu_end, "waste", "landfill", waste_kg_day * w * days_f * 0.3, "kg")
        add("follow-up", fu_start, fu_end, "waste", "recycled", waste_kg_day * w * days_f * 0.7, "kg")
        yield_f = yield_b + d_yield_pts
        input_f = input_kg_day * (1 - 0.5 * d_yield_pts / 100)
        add("follow-up", fu_start, fu_end, "material_input", "", input_f * days_f, "kg")
        add("follow-up", fu_start, fu_end, "material_wasted", "", input_f * (1 - yield_f / 100) * days_f, "kg")
        add("follow-up", fu_start, fu_end, "yield", "", yield_f, "%")
        add("follow-up", fu_start, fu_end, "water", "", water_m3_day * (1 + d_water) * days_f * 1000, "L")
        add("follow-up", fu_start, fu_end, "production", "", prod_day * (1 + d_prod) * days_f, "piece")
    return pd.DataFrame(rows, columns=metrics.TEMPLATE_COLUMNS)


def trainings_for(enterprise: DemoEnterprise | None, index: int) -> list[dict]:
    """Module participation: Workplace Cooperation first, then SCORE4Climate, two managers and two
    workers each. Synthetic exceptions, for the delivery tab to show: in Bolivia and Kyrgyzstan one
    manager came to SCORE4Climate; half the Chinese enterprises took SCORE4Climate first."""
    year = 2022 + index % 3
    cohort = f"{year - 1}-H2"
    first, second = (dt.date(year - 1, 9, 1), dt.date(year - 1, 10, 15)), (dt.date(year - 1, 11, 1),
                                                                          dt.date(year - 1, 12, 15))
    country = enterprise.country if enterprise is not None else "IN"
    if country == "CN" and index % 2 == 0:
        first, second = second, first
    managers = (0, 1) if country in ("BO", "KG") else (index % 2, 2 - index % 2)
    return [
        dict(module="Workplace Cooperation", start_date=first[0], end_date=first[1],
             cohort=cohort, managers_female=1, managers_male=1, workers_female=1, workers_male=1),
        dict(module="SCORE4Climate", start_date=second[0], end_date=second[1],
             cohort=cohort, managers_female=managers[0], managers_male=managers[1], workers_female=1, workers_male=1),
    ]


#: trainers' paths (synthetic), at every status: the trainer account, the country whose demo
#: enterprises they support (and, where ``delivered``, whose modules they delivered: their ToE cycle)
TRAINERS = [
    dict(username="demo-trainer", country="IN", provider=PROVIDER_RECORDS[0][0], status="certified",
         tot_date=dt.date(2020, 11, 10), recommended_by="A. Rao, Expert Trainer (synthetic)",
         recommended_on=dt.date(2022, 3, 1), certified_on=dt.date(2022, 6, 15), delivered=True,
         modules=["Workplace Cooperation", "Quality Management", "SCORE4Climate"]),
    dict(username="synthetic-trainer-vn", country="VN", provider=PARTNERS["VN"], status="recommended",
         tot_date=dt.date(2020, 10, 5), recommended_by="N. Linh, Expert Trainer (synthetic)",
         recommended_on=dt.date(2023, 4, 20), delivered=True, modules=["Workplace Cooperation", "SCORE4Climate"]),
    dict(username="synthetic-trainer-ke", country="KE", provider=PROVIDER_RECORDS[1][0], status="candidate",
         tot_date=dt.date(2020, 9, 14), delivered=True, modules=["Workplace Cooperation", "SCORE4Climate"]),
    dict(username="synthetic-trainer-id", country="ID", provider=PARTNERS["ID"], status="candidate",
         tot_date=dt.date(2020, 8, 3), delivered=True, modules=["Workplace Cooperation", "SCORE4Climate"]),
    dict(username="synthetic-trainer-cn", country="CN", provider=PARTNERS["CN"], status="candidate",
         tot_date=dt.date(2024, 5, 20), delivered=False, modules=["Workplace Cooperation"]),
]


DEMO_ACCOUNTS = [("demo-admin", "admin"), ("demo-officer", "officer"), ("demo-trainer", "trainer"),
                 ("demo-manager", "manager")]


def load(engine: Engine, password: str | None = None, *, progress=None) -> dict[str, str]:
    """Load the demo set and its accounts into ``engine``'s database; safe to run again.

    Returns {username: password}; each password is ``password`` or, when not given, a new
    random one (to be printed once: only its hash is stored). A ``password`` the account rules
    refuse raises ValueError before anything is stored: no figures without their accounts.
    """
    if password is not None:
        auth.check_password(password)
    system = auth.system_user("demo-loader")
    synth = synthetic_enterprises()
    step = progress or (lambda fraction, text: None)
    step(0.05, _("Creating enterprises"))
    with session_scope(engine) as session:
        known = set(session.scalars(select(Partner.name)).all())
        for country, (name, type_) in PARTNER_RECORDS.items():
            if name not in known:
                partners.write_partner(session, system.username, partners.check_partner(name, type_, country))
        for name, type_, country in PROVIDER_RECORDS:
            if name not in known:
                partners.write_partner(session, system.username, partners.check_partner(name, type_, country))
        known = set(session.scalars(select(Cluster.name)).all())
        for record in CLUSTER_RECORDS:
            if record["name"] not in known:
                clusters.write_cluster(session, system.username, clusters.check_cluster(**record))
        case = enterprises.get_or_create_enterprise(
            session, CASE_STUDY, "IN", "Rubber and plastics", size="small",
            partner=PARTNERS["IN"], cluster=cluster_of("IN", "Rubber and plastics"), synthetic=False,
            actor=system.username)
        ids = {CASE_STUDY: case.id}
        for ent in synth:
            e = enterprises.get_or_create_enterprise(session, ent.name, ent.country, ent.sector, size=ent.size,
                                                     partner=ent.partner, cluster=ent.cluster, synthetic=True,
                                                     actor=system.username)
            ids[ent.name] = e.id
        for i, eid in enumerate(ids.values()):
            if session.scalars(select(Training.id).where(Training.enterprise_id == eid).limit(1)).first() is None:
                ent = synth[i - 1] if i else None
                for t in trainings_for(ent, i):
                    session.add(Training(enterprise_id=eid, **t))
    step(0.3, _("Storing the case study"))
    measurements.save_measurements(engine, system, metrics.parse(case_study_rows()))
    for date, text, indicators in CASE_ACTIONS:
        activities.add_action(engine, system, ids[CASE_STUDY], date, text, indicators=indicators.split(","))
    step(0.5, _("Storing synthetic enterprises"))
    measurements.save_measurements(engine, system, metrics.parse(synthetic_rows(synth)))
    step(0.9, _("Creating demo accounts"))
    passwords = {}
    by_country = {c: [ids[e.name] for e in synth if e.country == c] for c in COUNTRIES}
    by_country["IN"].insert(0, ids[CASE_STUDY])
    with session_scope(engine) as session:
        for username, role in DEMO_ACCOUNTS:
            pw = password or auth.random_password()
            theirs = {"manager": [ids[CASE_STUDY]], "trainer": by_country["IN"]}.get(role, [])
            auth.upsert_user(session, username, pw, role, theirs, actor=system.username)
            passwords[username] = pw
        _trainers(session, system.username, by_country)
    step(1.0, _("Demo data loaded"))
    return passwords


def _trainers(session, actor: str, by_country: dict[str, list[int]]) -> None:
    """The synthetic trainers' accounts (random passwords, never shown: nobody signs in as them),
    their profiles, and their ToE cycles: the modules of their country's enterprises that name no
    trainer yet. Safe to run again."""
    for t in TRAINERS:
        account = session.scalars(select(User).where(User.username == t["username"])).one_or_none()
        if account is None:
            account = auth.upsert_user(session, t["username"], auth.random_password(), "trainer",
                                       by_country[t["country"]], actor=actor)
        values = trainers.check_profile(**{k: t.get(k) for k in ("status", "tot_date", "recommended_on",
                                                                  "certified_on", "country")},
                                        recommended_by=t.get("recommended_by", ""), modules=t["modules"])
        trainers.write_profile(session, actor, account.id, t["provider"], values)
        if t["delivered"]:
            session.execute(update(Training).where(Training.enterprise_id.in_(by_country[t["country"]]),
                                                   Training.trainer_id.is_(None)).values(trainer_id=account.id))
