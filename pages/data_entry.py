"""Enter figures: one period at a time in a form with an explicit Save, or a template upload."""
import datetime as dt

import pandas as pd
import streamlit as st

from metrics import formatting, labels
from metrics.i18n import N_, _, ngettext, pgettext
from tracker import entry, errors, measurements
from tracker import io as tio
from ui import shared


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user, enterprise_id = shared.enterprise_page()
    engine = shared.engine()
    ent, history = _enterprise(engine, user, enterprise_id)

    # the form belongs to one enterprise: its widget keys name it and a counter bumped after each
    # save, so what the browser holds for one enterprise is never saved into another
    k = shared.form_keys("entry", enterprise_id)
    name = shared.plain(ent["name"])
    # Save pressed: the values sent are in the session state before the form's widgets are drawn again, so
    # the figures are checked and stored first and the page is drawn once, with a fresh form after a save
    # (no second run of the whole page to empty the form)
    check = error = None
    if st.session_state.get(f"{k}_save"):
        phase, start, end, entries, confirm = _sent(k)
        check = entry.check_form(ent, phase, start, end, entries, history)
        if not (check.empty or check.problems or (check.warnings and not confirm)):
            outcome = _store(engine, user, enterprise_id, check.parsed, _seen(engine, user, enterprise_id, k), k,
                             _period(name, phase, start, end))
            if outcome == SAVED:  # the stored figures read again, the form new and empty
                ent, history = _enterprise(engine, user, enterprise_id)
                k, check = shared.form_keys("entry", enterprise_id), None
            elif outcome != CHANGED:
                error = outcome

    st.title(_("Enter figures: {name}").format(name=name))
    shared.flash("entry")
    st.caption(_("One period at a time: the baseline before training, then each follow-up. Leave a line empty to "
                 "skip it. Figures saved again for the same period replace the stored ones."))
    st.info(_("Figures typed here belong to this enterprise. Save them before you pick another enterprise or page: "
              "unsaved figures are not kept."), icon=":material/info:")

    seen = _seen(engine, user, enterprise_id, k)
    defaults = entry.period_defaults(history, dt.date.today())
    with st.form(f"{k}_form"):
        c1, c2, c3 = st.columns(3)
        phases = ["baseline", "follow-up"]
        c1.selectbox(_("Phase"), phases, index=phases.index(defaults.phase), format_func=labels.phase_label,
                     key=f"{k}_phase")
        earliest, latest = dt.date(1990, 1, 1), dt.date(dt.date.today().year + 10, 12, 31)
        c2.date_input(_("Period start"), format=shared.date_format(), value=defaults.start, min_value=earliest,
                      max_value=latest, key=f"{k}_start")
        c3.date_input(_("Period end"), format=shared.date_format(),
                      value=defaults.end, min_value=earliest, max_value=latest, key=f"{k}_end")
        period_slot = st.empty()
        slots = {}
        usual_units = entry.usual_units(history)  # the unit this enterprise used last comes first
        for field in entry.FIELDS:
            if field.optional and not any(f.optional for f in entry.FIELDS[:entry.FIELDS.index(field)]):
                st.markdown(_("**Optional**"))
                st.caption(_(OPTIONAL_NOTE))
            cols = st.columns([3, 2, 2, 2])
            label = _(field.label)
            cols[0].markdown(f"**{label}**")
            if field.key == entry.HAZARDOUS_FIELD:
                cols[0].caption(_("Counted in the waste total: do not enter it in the lines above too"))
            if field.indicator == "energy" and not field.carrier:
                cols[1].selectbox(_("{label} fuel").format(label=label), entry.FUELS,
                              key=f"{k}_{field.key}_carrier",
                              format_func=labels.carrier_label, label_visibility="collapsed")
            elif field.indicator == "waste":
                cols[1].selectbox(_("{label} destination").format(label=label), entry.DESTINATIONS,
                              format_func=labels.carrier_label, key=f"{k}_{field.key}_carrier",
                              label_visibility="collapsed")
            elif field.indicator == "water":
                cols[1].selectbox(_("{label} source").format(label=label), entry.WATER_SOURCES,
                              format_func=lambda c: labels.carrier_label(c) or _("Source (optional)"),
                              key=f"{k}_{field.key}_carrier", label_visibility="collapsed")
            cols[2].text_input(_("{label} value").format(label=label), key=f"{k}_{field.key}_value",
                               placeholder=_("value"), label_visibility="collapsed")
            choices = entry.unit_choices(field)
            usual = usual_units[field.key]
            cols[3].selectbox(_("{label} unit").format(label=label), choices,
                              index=choices.index(usual) if usual else 0, format_func=labels.unit_words,
                              key=f"{k}_{field.key}_unit", label_visibility="collapsed")
            _optional_inputs(field.key, k)
            slots[field.key] = st.empty()
        st.checkbox(_("I have checked the figures and dates flagged above; save them anyway"), key=f"{k}_confirm")
        st.form_submit_button(_("Save for {name}").format(name=name), type="primary", key=f"{k}_save")

    if check is not None:  # Save pressed and nothing saved: why, beside each line
        for key, reasons in check.problems.items():
            (period_slot if key == "period" else slots[key]).error(shared.plain(" ".join(dict.fromkeys(reasons))))
        for key, text in check.warnings.items():
            (period_slot if key == "period" else slots[key]).warning(shared.plain(text))
        if error:
            st.error(shared.plain(error))
        elif check.empty:
            st.warning(_("Nothing to save: enter at least one value."))
        elif check.problems:
            st.error(_("Nothing was saved. Correct the lines marked above and save again."))
        elif check.warnings and not st.session_state.get(f"{k}_confirm"):
            st.warning(_("Nothing was saved yet: check the figures or dates flagged above. Correct them, or tick the "
                         "box to confirm and save again."))
    if f"{k}_changed" in st.session_state:  # what someone else saved meanwhile, and the person's choice
        phase, start, end, entries, _confirm = _sent(k)  # as the widgets just drawn hold them
        _decide(engine, user, enterprise_id, entry.check_form(ent, phase, start, end, entries, history).parsed,
                seen, k, _period(name, phase, start, end))

    periods = measurements.stored_periods(engine, user, enterprise_id)
    if not periods.empty:
        with st.expander(_("Stored periods ({n})").format(n=len(periods))):
            shared.dataframe(labels.people_table(periods), hide_index=True, key="stored_periods")
            with st.form(f"{k}_delete_period"):
                period_names = {i: ngettext("{phase} {start} to {end} ({n} figure)",
                                            "{phase} {start} to {end} ({n} figures)", int(r.figures)).format(
                    phase=labels.phase_label(r.phase), start=formatting.day(r.period_start),
                    end=formatting.day(r.period_end),
                    n=r.figures) for i, r in enumerate(periods.itertuples())}
                c1, c2, c3 = st.columns([3, 1, 1])
                pick = c1.selectbox(_("Delete a period entered by mistake (wrong dates or phase)"), list(period_names),
                                    format_func=period_names.get, index=None,
                                    placeholder=_("Choose the period to delete"), key=f"{k}_delete_period_pick")
                sure = c2.checkbox(_("Yes, delete its figures"), key=f"{k}_delete_period_sure")
                if c3.form_submit_button(_("Delete")):
                    if pick is None:
                        st.warning(_("Choose the period to delete first."))
                    elif not sure:
                        st.warning(_("Tick 'Yes, delete its figures' to confirm, then press Delete again."))
                    else:
                        r = periods.iloc[pick]
                        try:
                            n = measurements.delete_period(engine, user, enterprise_id, r["phase"],
                                                           r["period_start"], r["period_end"])
                        except (LookupError, errors.AccessDenied) as exc:
                            st.error(_("{error} Nothing was deleted.").format(error=shared.plain(exc)))
                        else:
                            shared.form_saved("entry", enterprise_id, shared.plain(
                                ngettext("Deleted {n} figure: {period}.", "Deleted {n} figures: {period}.", n)
                                .format(n=n, period=period_names[pick])))

    st.divider()
    st.subheader(_("Upload a file"))
    st.caption(_("Fill in the template (one row per figure; the Excel version explains every column) and upload it. "
                 "A file with any bad row is refused as a whole, with every problem listed."))
    d1, d2 = st.columns(2)
    d1.download_button(_("Template (Excel)"), shared.in_language(lambda: tio.template_bytes("xlsx")),
                       pgettext("file name", "score4climate-template.xlsx"),
                       key="template_xlsx", on_click="ignore")  # made when pressed, not on every run
    d2.download_button(_("Template (CSV)"), shared.in_language(lambda: tio.template_bytes("csv")),
                       pgettext("file name", "score4climate-template.csv"), key="template_csv", on_click="ignore")
    shared.flash("upload")
    u = shared.form_keys("upload", enterprise_id)  # emptied after an import, so it cannot run twice
    upload = st.file_uploader(_("Template file (.csv or .xlsx)"), type=["csv", "xlsx"], key=f"{u}_file")
    if upload is not None and st.button(_("Import file"), key=f"{u}_import"):
        bar = st.progress(0.0, text=_("Reading the file"))
        try:
            counts = tio.import_file(engine, user, upload.getvalue(), upload.name,
                                     progress=lambda f, t: bar.progress(min(f, 1.0), text=t))
        except errors.RejectedInput as exc:
            bar.empty()
            first = exc.problems.head(10)
            listed = "\n".join("- " + (_("line {line}, column {column}: {reason}") if p.column else
                                       _("line {line}: {reason}")).format(line=p.row, column=shared.plain(p.column),
                                                                          reason=shared.plain(p.reason))
                               for p in first.itertuples())
            more = len(exc.problems) - 10
            more = ("\n- " + ngettext("... {n} more below", "... {n} more below", more).format(n=more)
                    if more > 0 else "")
            st.error(_("{file} was refused; nothing was stored. Correct these rows and upload it again:").format(
                file=shared.plain(upload.name)) + "\n" + listed + more)
            problems = exc.problems.rename(columns={"row": _("line"), "column": _("column"), "reason": _("reason")})
            shared.dataframe(problems, hide_index=True, key="upload_problems")
        except errors.AccessDenied as exc:
            bar.empty()
            st.error(_("{error} The file may only hold figures of enterprises you work with.").format(
                error=shared.plain(exc)))
        else:  # a rerun draws the stored periods with the file's figures, without the progress bar
            shared.form_saved("upload", enterprise_id, ngettext(
                "{file}: {inserted} figure added, {updated} updated.",
                "{file}: {inserted} figures added, {updated} updated.", counts["inserted"]).format(
                file=shared.plain(upload.name), **counts))


def _optional_inputs(key: str, k: str) -> None:
    """Draw the optional inputs under a form line (entry.OPTIONAL_INPUTS): the renewable share of purchased
    electricity, a material's price and currency (read back by :func:`_sent`; empty: not entered)."""
    wanted = entry.OPTIONAL_INPUTS.get(key, ())
    if not wanted:
        return
    cols = st.columns([3, 2, 2, 2])
    if "renewable_pct" in wanted:
        cols[0].caption(_("Optional: the share of this electricity from renewable sources (green tariff, "
                          "supplier's mix), for the renewable / non-renewable split of the disclosures"))
        cols[2].text_input(_("Renewable share of electricity, % (optional)"), key=f"{k}_{key}_renewable_pct",
                           placeholder=_("% renewable"))
        return
    cols[0].caption(_("Optional: the material's price per unit of the unit on the right, for the value of material "
                      "saved (never converted between currencies)"))
    cols[2].text_input(_("Material price per unit (optional)"), key=f"{k}_{key}_price",
                       placeholder=_("price per unit"))
    cols[3].text_input(_("Currency of the price (optional)"), key=f"{k}_{key}_currency",
                       placeholder=_("currency, e.g. INR"), max_chars=3)


#: what the form's optional lines are for
OPTIONAL_NOTE = N_("Only if you have them. Degree days: the weather of the period (heating or cooling degree days, "
                   "°C or °F, from a weather service); with 12 or more monthly baseline periods the report's "
                   "regression baseline takes them into account.")

#: what the form calls each line (energy of any fuel is one of the fuel lines)
LABELS = {(f.indicator, f.carrier): f.label for f in entry.FIELDS}


#: what :func:`_store` returns when the figures were saved, or when someone else changed them meanwhile
SAVED, CHANGED = "saved", "changed"


def _enterprise(engine, user, enterprise_id: int) -> tuple[dict, pd.DataFrame]:
    """The enterprise's profile and stored figures, or the reason the user may not see them (and stop)."""
    try:
        return measurements.enterprise_info(engine, user, enterprise_id)
    except errors.AccessDenied as exc:
        st.error(shared.plain(exc))
        st.stop()


def _seen(engine, user, enterprise_id: int, k: str) -> dict:
    """The versions of the stored figures when the form ``k`` opened: a save over a figure someone else has
    saved since is stopped, and the person decides (measurements.save_measurements). Read once per form, not
    on every run of the page."""
    if f"{k}_seen" not in st.session_state:
        st.session_state[f"{k}_seen"] = measurements.versions(engine, user, enterprise_id)
    return st.session_state[f"{k}_seen"]


def _sent(k: str) -> tuple:
    """(phase, start, end, entries, confirm) as the form ``k`` holds them: sent with its Save, the session
    state holds them before the widgets are drawn again; after they are drawn, what they show. The one
    place that names the form's widget keys for reading them."""
    state = st.session_state
    entries = {}
    for field in entry.FIELDS:
        chosen = (field.indicator == "energy" and not field.carrier) or field.indicator in ("waste", "water")
        carrier = state.get(f"{k}_{field.key}_carrier") if chosen else field.carrier
        entries[field.key] = dict(value=state.get(f"{k}_{field.key}_value"), unit=state.get(f"{k}_{field.key}_unit"),
                                  carrier=carrier) | {
            name: state.get(f"{k}_{field.key}_{name}") for name in entry.OPTIONAL_INPUTS.get(field.key, ())}
    return (state.get(f"{k}_phase"), state.get(f"{k}_start"), state.get(f"{k}_end"), entries,
            bool(state.get(f"{k}_confirm")))


def _period(name: str, phase: str, start, end) -> dict:
    """The enterprise, phase, start and end of a save, for its message."""
    return dict(name=name, phase=labels.phase_label(phase), start=formatting.day(start) if start else "",
                end=formatting.day(end) if end else "")


def _store(engine, user, enterprise_id: int, parsed, seen: dict, k: str, period: dict) -> str:
    """Save the form's figures as long as nobody changed them since the form opened (``seen``).
    Returns :data:`SAVED` (the form's widgets renewed and the message left for ``shared.flash``),
    :data:`CHANGED` (someone else changed them: kept for :func:`_decide` to show), or why nothing was
    saved. ``period`` names the enterprise, phase, start and end for the message."""
    try:
        counts = measurements.save_measurements(engine, user, parsed, expected=seen)
    except errors.ConcurrentChange as exc:
        st.session_state[f"{k}_changed"] = exc.changes
        return CHANGED
    except (errors.RejectedInput, errors.AccessDenied) as exc:
        return str(exc)
    st.session_state.pop(f"{k}_changed", None)
    shared.mark_saved("entry", enterprise_id, ngettext(
        "Saved for {name}, {phase} {start} to {end}: {inserted} new figure, {updated} updated.",
        "Saved for {name}, {phase} {start} to {end}: {inserted} new figures, {updated} updated.",
        counts["inserted"]).format(**period, **counts))
    return SAVED


def _decide(engine, user, enterprise_id: int, parsed, seen: dict, k: str, period: dict) -> None:
    """Figures someone else saved since this form opened: show theirs beside the person's own and
    let them replace theirs or keep them."""
    changed = st.session_state[f"{k}_changed"]
    who = ", ".join(shared.plain(b) for b in dict.fromkeys(changed["by"].astype(str)))
    st.warning(_("Nothing was saved: {who} saved figures of this period since you opened the form. Compare them "
                 "with yours, then replace theirs with yours or keep theirs.").format(who=who), icon=":material/group:")
    figure = [_(LABELS[(i, c)]) if (i, c) in LABELS else
              f"{_(LABELS.get((i, ''), i))}: {c.replace('_', ' ')}".rstrip(": ")
              for i, c in zip(changed["indicator"], changed["carrier"], strict=True)]
    # st.table reads Markdown in its cells: the user name as typed
    shown = changed.assign(at=pd.to_datetime(changed["at"]).dt.strftime("%Y-%m-%d %H:%M UTC"), figure=figure,
                           by=changed["by"].map(shared.plain), phase=changed["phase"].map(labels.phase_label))
    st.table(shown[["figure", "phase", "period_start", "period_end", "theirs", "by", "at", "yours"]]
             .rename(columns={"figure": _("figure"), "phase": _("phase"), "theirs": _("saved by them"),
                              "by": _("saved by"), "at": _("saved at"), "yours": _("yours (not saved)"),
                              "period_start": _("start"), "period_end": _("end")}),
             hide_index=True)
    c1, c2 = st.columns(2)
    if c1.button(_("Replace theirs with mine"), key=f"{k}_mine", type="primary"):
        st.session_state.pop(f"{k}_changed")
        seen.update(dict(zip(changed["key"], changed["seen"], strict=True)))  # now seen
        outcome = _store(engine, user, enterprise_id, parsed, seen, k, period)
        if outcome in (SAVED, CHANGED):
            st.rerun()  # saved: a new, empty form; changed again meanwhile: show what changed now
        st.error(shared.plain(outcome))
    if c2.button(_("Keep theirs (discard mine)"), key=f"{k}_theirs"):
        st.session_state.pop(f"{k}_changed")
        shared.form_saved("entry", enterprise_id, _("Kept the figures {who} saved; yours were not saved.").format(
            who=who))


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
