"""Tables of an enterprise's report as people read them (the page, the hand-over file): the
changes per indicator with where each figure comes from, and the programme's reported averages
beside the database's. Figures come from metrics (``metrics.report_changes``,
``metrics.series_periods``) and are formatted with ``metrics.formatting``; nothing is computed here.
"""
from __future__ import annotations

import pandas as pd

from metrics import formatting, labels
from metrics.i18n import N_, _


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
        carriers = [labels.carrier_label(c) or _("all") for c in g["carrier"]]
        rows.append({"indicator": indicator, "unit": unit, "baseline period": _per_carrier(carriers, base),
                     "follow-up period": _per_carrier(carriers, follow)})
    return pd.DataFrame(rows, columns=["indicator", "unit", "baseline period", "follow-up period"])


def changes_table(changes: pd.DataFrame, periods: pd.DataFrame | None = None) -> pd.DataFrame:
    """The changes per indicator as people read them (figures from ``metrics.report_changes``):
    labels, % for yield, per-day units, relative change in %, percentage points, improved yes/no,
    and, given ``periods`` (``metrics.series_periods``), the baseline and follow-up period of each row."""
    table = pd.DataFrame({
        _("indicator"): changes["indicator"].map(labels.indicator_label),
        _("baseline"): changes["shown_baseline"].map(formatting.number),
        _("latest follow-up"): changes["shown_followup"].map(formatting.number),
        _("unit"): changes["shown_unit"].map(labels.unit_words),
        _("relative change"): changes["relative_change"].map(lambda v: formatting.percent(v, missing="")),
        _("percentage points"): changes["points"].map(lambda v: formatting.points(v, missing="")),
        _("absolute change"): changes["absolute_change"].map(lambda v: formatting.number(v, signed=True)),
        _("improved"): changes["improved"].map({True: _("yes"), False: _("no")}).fillna(""),
    })
    if periods is not None and not periods.empty:  # where the figures come from, after the change itself
        texts = changes[["indicator", "unit"]].merge(period_texts(periods), on=["indicator", "unit"], how="left")
        table.insert(6, _("follow-up period"), texts["follow-up period"].to_numpy())
        table.insert(7, _("baseline period"), texts["baseline period"].to_numpy())
    return table


def normalised_table(normalised: pd.DataFrame) -> pd.DataFrame:
    """Per unit of production beside the absolute change, as people read it (figures from
    ``metrics.report_normalised``): intensities with their unit, both changes, both savings a year."""
    def percent(v):
        return formatting.percent(v, missing="")
    return pd.DataFrame({
        _("indicator"): normalised["indicator"].map(labels.indicator_label),
        _("baseline per unit of production"): normalised["baseline_intensity"].map(formatting.number),
        _("latest follow-up per unit of production"): normalised["followup_intensity"].map(formatting.number),
        _("unit"): normalised["intensity_unit"].map(labels.unit_words),
        _("change per unit of production"): normalised["normalised_change"].map(percent),
        _("absolute change"): normalised["absolute_change"].map(percent),
        _("normalised savings a year"): [f"{formatting.number(v, signed=True)} {labels.unit_words(u)}" for v, u in
                                      zip(normalised["normalised_savings_per_year"], normalised["unit"], strict=True)],
        _("absolute savings a year"): [f"{formatting.number(v, signed=True)} {labels.unit_words(u)}" for v, u in
                                    zip(normalised["absolute_savings_per_year"], normalised["unit"], strict=True)],
    })


def regression_text(model) -> str:
    """A regression baseline (``metrics.regression_baseline``) in words: the model, its checks and the
    modelled savings with their uncertainty, or why the figures fall back to intensity."""
    if model is None:
        return ""
    c, p = model.coefficients, model.p_values
    unit = labels.unit_words(model.production_unit)
    piece = _("piece") if model.production_unit == "piece" else unit
    fitted = ""
    if c:
        terms = [k for k in ("heating_degree_days", "cooling_degree_days") if k in c]
        fitted = (_("Energy a day = {intercept} kWh + {slope} kWh per {unit} x production a day").format(
                      intercept=formatting.number(c["intercept"]), slope=formatting.number(c["production"]), unit=piece)
                  + "".join(" " + _(_TERM_WORDS[k]).format(factor=formatting.number(c[k])) for k in terms)
                  + " " + _("(R squared {r2}; p-value of production {p}{terms}; {months} baseline months, production "
                            "{low}-{high} {unit} a day).").format(
                      r2=f"{model.r_squared:.2f}", p=f"{p['production']:.3g}",
                      terms="".join(_(_P_WORDS[k]).format(p=f"{p[k]:.3g}") for k in terms), months=model.months,
                      low=formatting.number(model.production_range[0]),
                      high=formatting.number(model.production_range[1]), unit=unit)
                  + " " + "".join(f"{note[0].upper()}{note[1:]}. " for note in model.notes))
    if not model.valid:
        return fitted + _("No regression baseline: {reason}. The figures per unit of production (intensity) stand "
                          "instead.").format(reason=model.reason)
    return fitted + _("Modelled savings over the follow-up: {savings} kWh ± {uncertainty} kWh (95 %), expected minus "
                      "actual energy.").format(savings=formatting.number(model.savings_kwh, signed=True),
                                               uncertainty=formatting.number(model.savings_uncertainty_kwh))


#: the degree-day terms of a regression baseline in words: in the model, and their p-values
_TERM_WORDS = {"heating_degree_days": N_("+ {factor} kWh per heating degree day x heating degree days a day"),
               "cooling_degree_days": N_("+ {factor} kWh per cooling degree day x cooling degree days a day")}
_P_WORDS = {"heating_degree_days": N_(", of heating degree days {p}"),
            "cooling_degree_days": N_(", of cooling degree days {p}")}


def averages_table(reference: pd.DataFrame, database: pd.DataFrame) -> pd.DataFrame:
    """The programme's reported averages beside the database's own mean and median, as people
    read them (percentages; '–' where missing)."""
    ref = reference.assign(reported=reference["reported_mean_change"].map(formatting.percent))
    if not database.empty:
        ref = ref.merge(database[["indicator", "enterprises", "mean_change", "median_change"]], on="indicator",
                        how="left")
        ref[_("database mean")] = ref["mean_change"].map(formatting.percent)
        ref[_("database median")] = ref["median_change"].map(formatting.percent)
        ref["enterprises"] = ref["enterprises"].map(formatting.count)  # a count: 33, not 33.0
    # the indicator as the programme publishes it ("Energy consumption"), not its internal name
    ref["indicator"] = ref["label"] if "label" in ref.columns else ref["indicator"].map(labels.indicator_label)
    out = ref.drop(columns=[c for c in ("reported_mean_change", "mean_change", "median_change", "source", "label")
                            if c in ref.columns])
    return out.rename(columns={c: _(w) for c, w in _AVERAGES_WORDS.items()})


#: the averages table's own columns, in words
_AVERAGES_WORDS = {"indicator": N_("indicator"), "reported": N_("reported"), "enterprises": N_("enterprises")}


def target_words(reduction, basis: str, target_date) -> str:
    """A target as people read it: "-20.0% absolute by 31 Mar 2025"."""
    pct = formatting.percent(reduction, signed=False, missing="")
    return _("-{reduction} {basis} by {date}").format(reduction=pct, basis=labels.basis_label(basis),
                                                      date=formatting.date_words(target_date))


def targets_table(progress: pd.DataFrame) -> pd.DataFrame:
    """An enterprise's targets and their progress as people read them (figures from
    ``metrics.target_progress``; a target without a follow-up yet says so)."""
    def pct(v):
        return formatting.percent(v, signed=False, missing="")
    measured = progress["status"].notna() if "status" in progress.columns else pd.Series(False, index=progress.index)
    needed = [_("{amount} {unit} a year ({share} of today's)").format(amount=formatting.number(v),
                                                                       unit=labels.unit_words(u), share=pct(s))
              if ok else ""
              for v, u, s, ok in zip(progress.get("still_needed_per_year", pd.Series(index=progress.index)),
                                     progress.get("unit", pd.Series(index=progress.index)),
                                     progress.get("still_needed_share", pd.Series(index=progress.index)), measured,
                                     strict=True)]
    return pd.DataFrame({
        _("indicator"): progress["indicator"].map(labels.indicator_label),
        _("target"): [target_words(r, b, d) for r, b, d in
                      zip(progress["reduction"], progress["basis"], progress["target_date"], strict=True)],
        _("achieved"): progress.get("achieved", pd.Series(index=progress.index)).map(pct),
        _("expected by the latest follow-up"): progress.get("expected", pd.Series(index=progress.index)).map(pct),
        _("status"): [labels.status_label(s) if ok else _("no follow-up yet")
                      for s, ok in zip(progress.get("status", pd.Series(index=progress.index)), measured, strict=True)],
        _("still needed"): needed,
    }).reset_index(drop=True)


def statement_differences_table(diff: pd.DataFrame) -> pd.DataFrame:
    """An issued statement's figures beside today's, as people read them (``metrics.statement_differences``)."""
    def text(name, v, signed=False):
        if v is None or pd.isna(v):
            return _("not collected")
        if name.startswith(("change", "target")):
            return formatting.percent(v) if not signed else formatting.points(v * 100)
        if name.startswith("points"):
            return formatting.points(v)
        return formatting.number(v, signed=signed)
    return pd.DataFrame({
        _("figure"): diff["figure"],
        _("issued"): [text(n, v) for n, v in zip(diff["figure"], diff["issued"], strict=True)],
        _("today"): [text(n, v) for n, v in zip(diff["figure"], diff["today"], strict=True)],
        _("difference"): [text(n, v, signed=True) for n, v in zip(diff["figure"], diff["difference"], strict=True)],
    }).reset_index(drop=True)


def savings_table(savings: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """The value of material saved a year as people read it (figures from ``metrics.material_savings`` and
    ``metrics.savings_by_currency``): one row per material, then one total per currency where a currency has more
    than one material (never a total across currencies)."""
    per_day = _("kg per day")
    rows = [{"material": labels.carrier_label(r.material) or _("material input"),
             "baseline": formatting.amount(r.baseline_kg_per_day, per_day),
             "latest follow-up": formatting.amount(r.followup_kg_per_day, per_day),
             "saved a year": formatting.amount(r.saved_kg_per_year, "kg"),
             "price": _("{price} {currency} per {unit}").format(price=formatting.number(r.price), currency=r.currency,
                                                                unit=labels.unit_words(r.price_unit)),
             "value saved a year": formatting.amount(r.value_saved_per_year, r.currency)}
            for r in savings.itertuples(index=False)]
    for t in totals[(totals["materials"] > 1).to_numpy()].itertuples(index=False):
        rows.append({"material": _("all materials priced in {currency}").format(currency=t.currency), "baseline": "",
                     "latest follow-up": "", "saved a year": "", "price": "",
                     "value saved a year": formatting.amount(t.value_saved_per_year, t.currency)})
    columns = ["material", "baseline", "latest follow-up", "saved a year", "price", "value saved a year"]
    return pd.DataFrame(rows, columns=columns).rename(columns={c: _(w) for c, w in _SAVINGS_WORDS.items()})


_SAVINGS_WORDS = {"material": N_("material"), "baseline": N_("baseline"), "latest follow-up": N_("latest follow-up"),
                  "saved a year": N_("saved a year"), "price": N_("price"),
                  "value saved a year": N_("value saved a year")}

#: how the value of material saved is made (under its table on the page and in the hand-over file; shown through _)
SAVINGS_NOTE = N_("Value of material saved a year = (baseline - latest follow-up material input, kg per day) x 365 "
                  "x the price per kg (the price entered with the material's latest period, per unit of its unit), in "
                  "the currency typed with the price: never converted, and values in different currencies are never "
                  "added together. Negative where more material is used.")
