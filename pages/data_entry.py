"""Enter figures: one period at a time in a form with an explicit Save, or a template upload."""
import datetime as dt

import streamlit as st

from tracker import entry, errors, measurements
from tracker import io as tio
from ui import shared


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user, enterprise_id = shared.enterprise_page()
    engine = shared.engine()
    try:
        ent, history = measurements.enterprise_info(engine, user, enterprise_id)
    except errors.AccessDenied as exc:
        st.error(shared.plain(exc))
        st.stop()

    # the form belongs to one enterprise: a new pick in the sidebar, or a save, starts it afresh
    # (figures typed for one enterprise must never be saved into another)
    if st.session_state.get("entry_for") != enterprise_id:
        st.session_state["entry_for"] = enterprise_id
        st.session_state["entry_clear"] = True
    shared.start_afresh("entry_clear", entry.form_keys())

    st.title(f"Enter figures: {shared.plain(ent['name'])}")
    if flash := st.session_state.pop("entry_saved", None):
        st.success(flash)  # escaped where it was made
    st.caption("One period at a time: the baseline before training, then each follow-up. Leave a line empty to skip "
               "it. Figures saved again for the same period replace the stored ones.")

    with st.form("entry_form"):
        c1, c2, c3 = st.columns(3)
        phase = c1.selectbox("Phase", ["baseline", "follow-up"], key="entry_phase")
        today = dt.date.today()
        start = c2.date_input("Period start", value=dt.date(today.year, 1, 1), key="entry_start")
        end = c3.date_input("Period end", value=dt.date(today.year, 3, 31), key="entry_end")
        period_slot = st.empty()
        entries, slots = {}, {}
        for field in entry.FIELDS:
            cols = st.columns([3, 2, 2, 2])
            cols[0].markdown(f"**{field.label}**")
            carrier = field.carrier
            if field.indicator == "energy" and not field.carrier:
                carrier = cols[1].selectbox("Fuel", entry.FUELS, key=f"entry_{field.key}_carrier",
                                            label_visibility="collapsed")
            elif field.indicator == "waste":
                carrier = cols[1].selectbox("Destination", entry.DESTINATIONS,
                                            key=f"entry_{field.key}_carrier", label_visibility="collapsed")
            value = cols[2].text_input("Value", key=f"entry_{field.key}_value", placeholder="value",
                                       label_visibility="collapsed")
            choices = entry.unit_choices(field)
            usual = entry.usual_unit(field, history)  # the unit this enterprise used last comes first
            unit = cols[3].selectbox("Unit", choices, index=choices.index(usual) if usual else 0,
                                     key=f"entry_{field.key}_unit", label_visibility="collapsed")
            entries[field.key] = dict(value=value, unit=unit, carrier=carrier)
            slots[field.key] = st.empty()
        confirm = st.checkbox("I have checked figures flagged as unusual; save them anyway", key="entry_confirm")
        saved = st.form_submit_button("Save")

    if saved:
        rows = entry.form_rows(ent, phase, start, end, entries)
        parsed = entry.parse_form(rows)
        problems = entry.problems_by_field(rows, parsed)
        warnings = {} if problems else entry.implausible(rows, parsed, history)
        for key, reasons in problems.items():
            (period_slot if key == "period" else slots[key]).error(shared.plain(" ".join(dict.fromkeys(reasons))))
        for key, text in warnings.items():
            slots[key].warning(shared.plain(text))
        if rows.empty:
            st.warning("Nothing to save: enter at least one value.")
        elif problems:
            st.error("Nothing was saved. Correct the lines marked above and save again.")
        elif warnings and not confirm:
            st.warning("Nothing was saved yet: some figures are far from this enterprise's usual ones. Correct them, "
                       "or tick the box to confirm and save again.")
        else:
            try:
                counts = measurements.save_measurements(engine, user, parsed)
            except (errors.RejectedInput, errors.AccessDenied) as exc:
                st.error(shared.plain(exc))
            else:
                st.session_state["entry_saved"] = (f"Saved for {shared.plain(ent['name'])}, {phase} {start:%Y-%m-%d} "
                                                   f"to {end:%Y-%m-%d}: {counts['inserted']} new figures, "
                                                   f"{counts['updated']} updated.")
                st.session_state["entry_clear"] = True  # an empty form, the unusual-figure tick unticked
                st.rerun()

    periods = measurements.stored_periods(engine, user, enterprise_id)
    if not periods.empty:
        with st.expander(f"Stored periods ({len(periods)})"):
            st.dataframe(periods, hide_index=True, key="stored_periods",
                         column_config={"period_start": st.column_config.DateColumn("start"),
                                        "period_end": st.column_config.DateColumn("end")})
            with st.form("delete_period_form"):
                labels = {i: f"{r.phase} {r.period_start:%Y-%m-%d} to {r.period_end:%Y-%m-%d} ({r.figures} figures)"
                          for i, r in enumerate(periods.itertuples())}
                c1, c2, c3 = st.columns([3, 1, 1])
                pick = c1.selectbox("Delete a period entered by mistake (wrong dates or phase)", list(labels),
                                    format_func=labels.get, key="delete_period_pick")
                sure = c2.checkbox("Yes, delete its figures", key="delete_period_sure")
                if c3.form_submit_button("Delete"):
                    if not sure:
                        st.warning("Tick 'Yes, delete its figures' to confirm, then press Delete again.")
                    else:
                        r = periods.iloc[pick]
                        try:
                            n = measurements.delete_period(engine, user, enterprise_id, r["phase"],
                                                           r["period_start"], r["period_end"])
                        except (LookupError, errors.AccessDenied) as exc:
                            st.error(f"{shared.plain(exc)} Nothing was deleted.")
                        else:
                            st.session_state["entry_saved"] = shared.plain(f"Deleted {n} figures: {labels[pick]}.")
                            st.session_state.pop("delete_period_sure", None)
                            st.rerun()

    st.divider()
    st.subheader("Upload a file")
    st.caption("Fill in the template (one row per figure; the Excel version explains every column) and upload it. "
               "A file with any bad row is refused as a whole, with every problem listed.")
    d1, d2 = st.columns(2)
    d1.download_button("Template (Excel)", tio.template_bytes("xlsx"), "score4climate-template.xlsx",
                       key="template_xlsx")
    d2.download_button("Template (CSV)", tio.template_bytes("csv"), "score4climate-template.csv", key="template_csv")
    upload = st.file_uploader("Template file (.csv or .xlsx)", type=["csv", "xlsx"], key="entry_upload")
    if upload is not None and st.button("Import file", key="entry_import"):
        bar = st.progress(0.0, text="Reading the file")
        try:
            counts = tio.import_file(engine, user, upload.getvalue(), upload.name,
                                     progress=lambda f, t: bar.progress(min(f, 1.0), text=t))
        except errors.RejectedInput as exc:
            first = exc.problems.head(10)
            listed = "\n".join(f"- line {p.row}, column {shared.plain(p.column)}: {shared.plain(p.reason)}"
                               for p in first.itertuples())
            more = f"\n- ... {len(exc.problems) - 10} more below" if len(exc.problems) > 10 else ""
            st.error(f"{shared.plain(upload.name)} was refused; nothing was stored. Correct these rows and upload it "
                     "again:\n" + listed + more)
            st.dataframe(exc.problems.rename(columns={"row": "line"}), hide_index=True, key="upload_problems")
        except errors.AccessDenied as exc:
            st.error(f"{shared.plain(exc)} The file may only hold figures of enterprises you work with.")
        else:
            st.success(f"{shared.plain(upload.name)}: {counts['inserted']} figures added, {counts['updated']} updated.")


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
