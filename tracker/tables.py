"""Tables of an enterprise's report as people read them (the page, the hand-over file): the
changes per indicator with where each figure comes from, and the programme's reported averages
beside the database's. Figures come from metrics (``metrics.report_changes``,
``metrics.series_periods``) and are formatted with ``metrics.formatting``; nothing is computed here.
"""
from __future__ import annotations

import pandas as pd

from metrics import formatting, labels


def _per_carrier(carriers: list[str], spans: list[str]) -> str:
    """One text when all carriers share it, else 'Electricity Apr–Jun 2025; Diesel Jan–Mar 2025'."""
    if len(set(spans)) == 1:
        return spans[0]
    return "; ".join(f"{c} {t}" for c, t in zip(carriers, spans, strict=True))


def period_texts(periods: pd.DataFrame) -> pd.DataFrame:
    """Per indicator and unit, where its figures come from: one period text when every carrier
    shares it, else each carrier's ('Electricity Apr–Jun 2025; Diesel Jan–Mar 2025')."""
    rows = []
    for (indicator, unit), g in periods.groupby(["indicator", "unit"], sort=False):
        base = [formatting.span(a, b, n) for a, b, n in zip(g["baseline_from"], g["baseline_to"], g["baseline_periods"],
                                                  strict=True)]
        follow = [formatting.span(a, b) for a, b in zip(g["followup_from"], g["followup_to"], strict=True)]
        carriers = [labels.carrier_label(c) or "all" for c in g["carrier"]]
        rows.append({"indicator": indicator, "unit": unit, "baseline period": _per_carrier(carriers, base),
                     "follow-up period": _per_carrier(carriers, follow)})
    return pd.DataFrame(rows, columns=["indicator", "unit", "baseline period", "follow-up period"])


def changes_table(changes: pd.DataFrame, periods: pd.DataFrame | None = None) -> pd.DataFrame:
    """The changes per indicator as people read them (figures from ``metrics.report_changes``):
    labels, % for yield, per-day units, relative change in %, percentage points, improved yes/no,
    and, given ``periods`` (``metrics.series_periods``), the baseline and follow-up period of each row."""
    table = pd.DataFrame({
        "indicator": changes["indicator"].map(labels.indicator_label),
        "baseline": changes["shown_baseline"].map(formatting.number),
        "latest follow-up": changes["shown_followup"].map(formatting.number),
        "unit": changes["shown_unit"].map(labels.unit_words),
        "relative change": changes["relative_change"].map(lambda v: formatting.percent(v, missing="")),
        "percentage points": changes["points"].map(lambda v: formatting.points(v, missing="")),
        "absolute change": changes["absolute_change"].map(lambda v: formatting.number(v, signed=True)),
        "improved": changes["improved"].map({True: "yes", False: "no"}).fillna(""),
    })
    if periods is not None and not periods.empty:  # where the figures come from, after the change itself
        texts = changes[["indicator", "unit"]].merge(period_texts(periods), on=["indicator", "unit"], how="left")
        table.insert(6, "follow-up period", texts["follow-up period"].to_numpy())
        table.insert(7, "baseline period", texts["baseline period"].to_numpy())
    return table


def normalised_table(normalised: pd.DataFrame) -> pd.DataFrame:
    """Per unit of production beside the absolute change, as people read it (figures from
    ``metrics.report_normalised``): intensities with their unit, both changes, both savings a year."""
    def percent(v):
        return formatting.percent(v, missing="")
    return pd.DataFrame({
        "indicator": normalised["indicator"].map(labels.indicator_label),
        "baseline per unit of production": normalised["baseline_intensity"].map(formatting.number),
        "latest follow-up per unit of production": normalised["followup_intensity"].map(formatting.number),
        "unit": normalised["intensity_unit"].map(labels.unit_words),
        "change per unit of production": normalised["normalised_change"].map(percent),
        "absolute change": normalised["absolute_change"].map(percent),
        "normalised savings a year": [f"{formatting.number(v, signed=True)} {labels.unit_words(u)}" for v, u in
                                      zip(normalised["normalised_savings_per_year"], normalised["unit"], strict=True)],
        "absolute savings a year": [f"{formatting.number(v, signed=True)} {labels.unit_words(u)}" for v, u in
                                    zip(normalised["absolute_savings_per_year"], normalised["unit"], strict=True)],
    })


def regression_text(model) -> str:
    """A regression baseline (``metrics.regression_baseline``) in words: the model, its checks and the
    modelled savings with their uncertainty, or why the figures fall back to intensity."""
    if model is None:
        return ""
    c, p = model.coefficients, model.p_values
    unit = labels.unit_words(model.production_unit)
    piece = "piece" if model.production_unit == "piece" else unit
    fitted = ""
    if c:
        terms = [(k, k.split("_")[0]) for k in ("heating_degree_days", "cooling_degree_days") if k in c]
        fitted = (f"Energy a day = {formatting.number(c['intercept'])} kWh + {formatting.number(c['production'])} kWh "
                  f"per {piece} x production a day"
                  + "".join(f" + {formatting.number(c[k])} kWh per {kind} degree day x {kind} degree days a day"
                            for k, kind in terms)
                  + f" (R squared {model.r_squared:.2f}; p-value of production {p['production']:.3g}"
                  + "".join(f", of {kind} degree days {p[k]:.3g}" for k, kind in terms)
                  + f"; {model.months} baseline months, production {formatting.number(model.production_range[0])}-"
                  f"{formatting.number(model.production_range[1])} {unit} a day). "
                  + "".join(f"{note[0].upper()}{note[1:]}. " for note in model.notes))
    if not model.valid:
        return (fitted + f"No regression baseline: {model.reason}. The figures per unit of production (intensity) "
                "stand instead.")
    return (fitted + f"Modelled savings over the follow-up: {formatting.number(model.savings_kwh, signed=True)} kWh "
            f"± {formatting.number(model.savings_uncertainty_kwh)} kWh (95 %), expected minus actual energy.")


def averages_table(reference: pd.DataFrame, database: pd.DataFrame) -> pd.DataFrame:
    """The programme's reported averages beside the database's own mean and median, as people
    read them (percentages; '–' where missing)."""
    ref = reference.assign(reported=reference["reported_mean_change"].map(formatting.percent))
    if not database.empty:
        ref = ref.merge(database[["indicator", "enterprises", "mean_change", "median_change"]], on="indicator",
                        how="left")
        ref["database mean"] = ref["mean_change"].map(formatting.percent)
        ref["database median"] = ref["median_change"].map(formatting.percent)
        ref["enterprises"] = ref["enterprises"].map(formatting.count)  # a count: 33, not 33.0
    # the indicator as the programme publishes it ("Energy consumption"), not its internal name
    ref["indicator"] = ref["label"] if "label" in ref.columns else ref["indicator"].map(labels.indicator_label)
    return ref.drop(columns=[c for c in ("reported_mean_change", "mean_change", "median_change", "source", "label")
                             if c in ref.columns])


def target_words(reduction, basis: str, target_date) -> str:
    """A target as people read it: "-20.0% absolute by 31 Mar 2025"."""
    pct = formatting.percent(reduction, signed=False, missing="")
    return f"-{pct} {labels.BASIS_LABELS.get(basis, basis)} by {pd.Timestamp(target_date):%d %b %Y}"


def targets_table(progress: pd.DataFrame) -> pd.DataFrame:
    """An enterprise's targets and their progress as people read them (figures from
    ``metrics.target_progress``; a target without a follow-up yet says so)."""
    def pct(v):
        return formatting.percent(v, signed=False, missing="")
    measured = progress["status"].notna() if "status" in progress.columns else pd.Series(False, index=progress.index)
    needed = [f"{formatting.number(v)} {labels.unit_words(u)} a year ({pct(s)} of today's)" if ok else ""
              for v, u, s, ok in zip(progress.get("still_needed_per_year", pd.Series(index=progress.index)),
                                     progress.get("unit", pd.Series(index=progress.index)),
                                     progress.get("still_needed_share", pd.Series(index=progress.index)), measured,
                                     strict=True)]
    return pd.DataFrame({
        "indicator": progress["indicator"].map(labels.indicator_label),
        "target": [target_words(r, b, d) for r, b, d in
                   zip(progress["reduction"], progress["basis"], progress["target_date"], strict=True)],
        "achieved": progress.get("achieved", pd.Series(index=progress.index)).map(pct),
        "expected by the latest follow-up": progress.get("expected", pd.Series(index=progress.index)).map(pct),
        "status": [labels.STATUS_LABELS.get(s, s) if ok else "no follow-up yet"
                   for s, ok in zip(progress.get("status", pd.Series(index=progress.index)), measured, strict=True)],
        "still needed": needed,
    }).reset_index(drop=True)


def statement_differences_table(diff: pd.DataFrame) -> pd.DataFrame:
    """An issued statement's figures beside today's, as people read them (``metrics.statement_differences``)."""
    def text(name, v, signed=False):
        if v is None or pd.isna(v):
            return "not collected"
        if name.startswith(("change", "target")):
            return formatting.percent(v) if not signed else formatting.points(v * 100)
        if name.startswith("points"):
            return formatting.points(v)
        return formatting.number(v, signed=signed)
    return pd.DataFrame({
        "figure": diff["figure"],
        "issued": [text(n, v) for n, v in zip(diff["figure"], diff["issued"], strict=True)],
        "today": [text(n, v) for n, v in zip(diff["figure"], diff["today"], strict=True)],
        "difference": [text(n, v, signed=True) for n, v in zip(diff["figure"], diff["difference"], strict=True)],
    }).reset_index(drop=True)


def savings_table(savings: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """The value of material saved a year as people read it (figures from ``metrics.material_savings`` and
    ``metrics.savings_by_currency``): one row per material, then one total per currency where a currency has more
    than one material (never a total across currencies)."""
    rows = [{"material": labels.carrier_label(r.material) or "material input",
             "baseline": formatting.amount(r.baseline_kg_per_day, "kg per day"),
             "latest follow-up": formatting.amount(r.followup_kg_per_day, "kg per day"),
             "saved a year": formatting.amount(r.saved_kg_per_year, "kg"),
             "price": f"{formatting.number(r.price)} {r.currency} per {labels.unit_words(r.price_unit)}",
             "value saved a year": formatting.amount(r.value_saved_per_year, r.currency)}
            for r in savings.itertuples(index=False)]
    for t in totals[(totals["materials"] > 1).to_numpy()].itertuples(index=False):
        rows.append({"material": f"all materials priced in {t.currency}", "baseline": "", "latest follow-up": "",
                     "saved a year": "", "price": "", "value saved a year": formatting.amount(t.value_saved_per_year,
                                                                                              t.currency)})
    return pd.DataFrame(rows, columns=["material", "baseline", "latest follow-up", "saved a year", "price",
                                       "value saved a year"])


#: how the value of material saved is made (under its table on the page and in the hand-over file)
SAVINGS_NOTE = ("Value of material saved a year = (baseline - latest follow-up material input, kg per day) x 365 x "
                "the price per kg (the price entered with the material's latest period, per unit of its unit), in the "
                "currency typed with the price: never converted, and values in different currencies are never added "
                "together. Negative where more material is used.")
