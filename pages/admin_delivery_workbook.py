"""Admin: partners, clusters and trainers' paths in one Excel workbook, downloaded, filled and uploaded again."""
import streamlit as st

from metrics.i18n import _, ngettext, pgettext
from tracker import delivery_workbook, errors
from tracker import io as tio
from ui import shared

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render() -> None:
    """Draw the page (handed to st.Page in app.py)."""
    user = shared.current_user()
    engine = shared.engine()
    if user.role != "admin":
        st.error(_("Only administrators download and upload the delivery workbook."))
        st.stop()
    st.title(_("Delivery workbook"))
    st.caption(_("Implementation partners, clusters and trainers' paths in one Excel file: download it, fill it in "
                 "(its Instructions sheet says how), and upload it again. The whole file is stored or nothing; every "
                 "change is written to the audit log."))
    shared.flash("workbook")
    # the file is made when the button is pressed, with the records as they are then
    st.download_button(_("Download the delivery workbook"),
                       shared.in_language(lambda: delivery_workbook.workbook_bytes(engine, user)),
                       pgettext("file name", "delivery_workbook.xlsx"), XLSX, key="workbook_download",
                       on_click="ignore")
    u = shared.form_keys("workbook", 0)  # emptied after an import, so it cannot run twice
    upload = st.file_uploader(_("Filled delivery workbook (.xlsx)"), type=["xlsx"], key=f"{u}_file")
    if upload is None or not st.button(_("Import {file}").format(file=upload.name), key=f"{u}_import"):
        return
    try:
        tio.check_upload_size(upload.size)
        with st.spinner(_("Checking and storing the workbook")):
            counts = delivery_workbook.import_workbook(engine, user, upload.getvalue())
    except errors.RejectedInput as exc:
        first = exc.problems.head(10)
        listed = "\n".join("- " + _("{sheet}, line {line}: {reason}").format(
            sheet=shared.plain(p.column), line=p.row, reason=shared.plain(p.reason)) for p in first.itertuples())
        more = len(exc.problems) - 10
        more = ("\n- " + ngettext("... {n} more below", "... {n} more below", more).format(n=more)) if more > 0 else ""
        st.error(_("{file} was refused; nothing was stored. Correct these lines and upload it again:").format(
            file=shared.plain(upload.name)) + "\n" + listed + more)
        shared.dataframe(exc.problems[["column", "row", "reason"]].rename(
            columns={"column": _("sheet"), "row": _("line"), "reason": _("reason")}), hide_index=True,
            key="workbook_problems")
    except errors.AccessDenied as exc:
        st.error(shared.plain(exc))
    else:
        said = "; ".join(_("{sheet}: {added} added, {changed} changed, {unchanged} unchanged").format(
            sheet=_(sheet).lower(), **c) for sheet, c in counts.items())
        shared.form_saved("workbook", 0, _("{file} stored. {counts}.").format(file=shared.plain(upload.name),
                                                                              counts=said))


if __name__ == "__main__":  # run as a file (legacy multipage URL): go through app.py's sign-in
    st.switch_page("app.py")
