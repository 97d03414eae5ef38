"""metrics.delivery on small tables whose figures are worked out by hand in each test."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest

import metrics

D = dt.date


def test_pipeline_counts_trainers_per_status_and_group():
    trainers = pd.DataFrame({"country": ["IN", "IN", "IN", "KE", "KE"],
                             "status": ["certified", "candidate", "", "candidate", None]})
    out = metrics.trainer_pipeline(trainers, "country").set_index("country")
    assert list(out.columns) == list(metrics.PIPELINE) + ["trainers"]
    # IN: one certified, one candidate, one without a profile; KE: one candidate, one without
    assert out.loc["IN"].tolist() == [1, 1, 0, 1, 3]
    assert out.loc["KE"].tolist() == [1, 1, 0, 0, 2]
    total = metrics.trainer_pipeline(trainers)
    assert total.iloc[0].tolist() == [2, 2, 0, 1, 5] and len(total) == 1
    assert metrics.trainer_pipeline(trainers.iloc[:0], "country").empty
    with pytest.raises(ValueError, match="expert"):
        metrics.trainer_pipeline(pd.DataFrame({"status": ["expert"]}))


def test_attendance_per_module_with_women_and_two_and_two_shares():
    records = pd.DataFrame({
        "enterprise_id": [1, 2, 2, 3, 1],
        "module": ["SCORE4Climate", "SCORE4Climate", "SCORE4Climate", "SCORE4Climate", "Workplace Cooperation"],
        "managers_female": [1, 0, 2, 1, 0], "managers_male": [1, 1, 0, 1, 0],
        "workers_female": [1, 3, 1, 0, 0], "workers_male": [1, 0, 1, 2, 0]})
    out = metrics.attendance(records).set_index("module")
    s4c = out.loc["SCORE4Climate"]
    # 4 records of 3 enterprises; managers 1+0+2+1 women, 1+1+0+1 men; workers 1+3+1+0 women, 1+0+1+2 men
    assert (s4c["records"], s4c["enterprises"]) == (4, 3)
    assert [s4c[c] for c in metrics.ATTENDANCE] == [4, 3, 5, 4] and s4c["attendees"] == 16
    assert s4c["women_share"] == pytest.approx(9 / 16)
    # two managers and two workers: records 1 (2, 2), 3 (2, 2) and 4 (2, 2) yes; record 2 (1 manager) no
    assert s4c["two_and_two_share"] == pytest.approx(3 / 4)
    wc = out.loc["Workplace Cooperation"]
    assert wc["attendees"] == 0 and np.isnan(wc["women_share"]) and wc["two_and_two_share"] == 0
    assert metrics.attendance(records.iloc[:0]).empty


def test_modules_out_of_order():
    records = pd.DataFrame({
        "enterprise_id": [1, 1, 2, 2, 3, 4, 4, 5],
        "module": ["Workplace Cooperation", "SCORE4Climate", "SCORE4Climate", "Workplace Cooperation",
                   "Lean Manufacturing", "Workplace Cooperation", "Quality Management", "Workplace Cooperation"],
        "start_date": [D(2023, 1, 1), D(2023, 3, 1), D(2022, 5, 1), D(2022, 9, 1), D(2023, 1, 1), D(2023, 2, 1),
                       D(2023, 2, 1), None]})
    out = metrics.modules_out_of_order(records).set_index("enterprise_id")
    # 1: WC first. 2: SCORE4Climate before WC. 3: no WC at all. 4: both on one day, WC not after: in order.
    # 5: WC without a date, no other module: in order.
    assert list(out.index) == [2, 3]
    assert out.loc[2, "first_module"] == "SCORE4Climate" and out.loc[2, "wc_start"] == pd.Timestamp(2022, 9, 1)
    assert out.loc[3, "first_module"] == "Lean Manufacturing" and pd.isna(out.loc[3, "wc_start"])
    undated = pd.DataFrame({"enterprise_id": [6, 6], "module": ["Workplace Cooperation", "Gender Equality"],
                            "start_date": [D(2024, 1, 1), None]})
    assert metrics.modules_out_of_order(undated).empty  # an undated module counts as started last
    assert metrics.modules_out_of_order(records.iloc[:0]).empty


def test_delivery_counts_per_partner():
    ents = pd.DataFrame({"enterprise_id": [1, 2, 3, 4], "partner": ["A", "A", "A", "B"]})
    records = pd.DataFrame({"enterprise_id": [1, 1, 2, 4], "partner": ["A", "A", "A", "B"],
                            "module": ["Workplace Cooperation", "SCORE4Climate", "Workplace Cooperation",
                                       "Workplace Cooperation"]})
    out = metrics.delivery_counts(ents, records, "partner").set_index("partner")
    # A: 3 enterprises, 2 with records, 3 records of 2 modules; B: 1, 1, 1, 1
    assert out.loc["A"].tolist() == [3, 2, 3, 2] and out.loc["B"].tolist() == [1, 1, 1, 1]
    # a group with enterprises but no records, and one with records only (a trainer not assigned)
    more = pd.DataFrame({"enterprise_id": [9], "partner": ["C"], "module": ["Lean Manufacturing"]})
    out = metrics.delivery_counts(ents, pd.concat([records.iloc[:0], more]), "partner").set_index("partner")
    assert out.loc["A"].tolist() == [3, 0, 0, 0] and out.loc["C"].tolist() == [0, 1, 1, 1]


def test_the_examples_of_methods_md():
    """METHODS.md, "Delivery": its two examples, by hand."""
    trainers = pd.DataFrame({"country": ["IN"] * 4, "status": ["candidate", "certified", "certified", ""]})
    row = metrics.trainer_pipeline(trainers, "country").iloc[0]
    assert (row["not recorded"], row["candidate"], row["recommended"], row["certified"], row["trainers"]) == \
        (1, 1, 0, 2, 4)
    records = pd.DataFrame({"module": ["Workplace Cooperation"] * 2, "enterprise_id": [1, 2],
                            "managers_female": [1, 0], "managers_male": [1, 1], "workers_female": [3, 1],
                            "workers_male": [0, 1]})
    a = metrics.attendance(records).iloc[0]
    assert a["attendees"] == 8 and a["women_share"] == pytest.approx(5 / 8) and a["two_and_two_share"] == 0.5


def test_delivery_counts_are_whole_numbers_in_order_of_the_group_and_only_for_groups_seen():
    # partners given in the order B, A; a third category Z that no enterprise and no record has
    kinds = pd.CategoricalDtype(["A", "B", "Z"])
    ents = pd.DataFrame({"enterprise_id": [4, 1, 2], "partner": pd.Series(["B", "A", "A"], dtype=kinds)})
    records = pd.DataFrame({"enterprise_id": [4, 1], "partner": pd.Series(["B", "A"], dtype=kinds),
                            "module": ["Workplace Cooperation", "SCORE4Climate"]})
    out = metrics.delivery_counts(ents, records, "partner")
    # A: enterprises 1 and 2, one of them (1) with one record of one module; B: enterprise 4, the same
    assert out["partner"].tolist() == ["A", "B"]
    assert out.drop(columns="partner").to_numpy().tolist() == [[2, 1, 1, 1], [1, 1, 1, 1]]
    assert all(out[c].dtype.kind == "i" for c in ["enterprises", "with_modules", "modules", "module_kinds"])
    # the same with plain text: partners sorted, not in the order of the rows
    plain = metrics.delivery_counts(ents.astype({"partner": object}), records.astype({"partner": object}), "partner")
    assert plain["partner"].tolist() == ["A", "B"]


def test_modules_out_of_order_gives_its_columns_and_the_first_module_s_start():
    cols = ["enterprise_id", "first_module", "first_start", "wc_start"]
    records = pd.DataFrame({"enterprise_id": [7, 7, 8], "module": ["Workplace Cooperation", "SCORE4Climate",
                                                                   "Workplace Cooperation"],
                            "start_date": [D(2024, 3, 1), D(2024, 2, 1), D(2024, 1, 1)]})
    out = metrics.modules_out_of_order(records)
    # 7: SCORE4Climate on 1 Feb 2024, a month before its Workplace Cooperation (1 Mar); 8: in order
    assert list(out.columns) == cols and out.index.tolist() == [0]
    assert out.iloc[0].tolist() == [7, "SCORE4Climate", pd.Timestamp(2024, 2, 1), pd.Timestamp(2024, 3, 1)]
    empty = metrics.modules_out_of_order(records.iloc[:0])
    assert list(empty.columns) == cols
    assert [str(empty[c].dtype) for c in cols] == ["object", "object", "datetime64[ns]", "datetime64[ns]"]


def test_pipeline_keeps_groups_of_one_drops_groups_without_trainers_and_counts_in_whole_numbers():
    countries = pd.CategoricalDtype(["IN", "KE", "UG"])  # no trainer in UG
    trainers = pd.DataFrame({"country": pd.Series(["KE", "IN", "IN"], dtype=countries),
                             "status": ["recommended", "certified", "certified"]})
    out = metrics.trainer_pipeline(trainers, "country")
    # IN: two certified; KE: one recommended (a group of one); UG: none, so no row
    assert out["country"].tolist() == ["IN", "KE"]
    assert out[list(metrics.PIPELINE) + ["trainers"]].to_numpy().tolist() == [[0, 0, 0, 2, 2], [0, 0, 1, 0, 1]]
    assert all(out[c].dtype.kind == "i" for c in list(metrics.PIPELINE) + ["trainers"])
    with pytest.raises(ValueError, match="expert, guru"):
        metrics.trainer_pipeline(pd.DataFrame({"status": ["guru", "expert", "certified"]}))


def test_attendance_by_two_columns_in_order_with_one_attendee_and_empty():
    modules = pd.CategoricalDtype(["Workplace Cooperation", "SCORE4Climate", "Quality Management"])
    records = pd.DataFrame({
        "enterprise_id": [1, 2, 3], "cohort": ["2024", "2024", "2025"],
        "module": pd.Series(["Workplace Cooperation", "SCORE4Climate", "SCORE4Climate"], dtype=modules),
        "managers_female": [1.0, 0.0, 2.0], "managers_male": [0.0, 0.0, 2.0],
        "workers_female": [0.0, 0.0, 1.0], "workers_male": [0.0, 0.0, 1.0]})
    out = metrics.attendance(records)
    # sorted by the module (the categories' order), only the modules with records (no Quality Management)
    assert out["module"].tolist() == ["Workplace Cooperation", "SCORE4Climate"]
    wc, s4c = out.iloc[0], out.iloc[1]
    assert wc["attendees"] == 1 and wc["women_share"] == 1.0  # one woman of one attendee
    # SCORE4Climate: 0 attendees in record 2, 6 in record 3 (3 women); two and two only in record 3
    assert s4c["attendees"] == 6 and s4c["women_share"] == pytest.approx(3 / 6)
    assert s4c["two_and_two_share"] == pytest.approx(1 / 2)
    assert all(out[c].dtype.kind == "i" for c in ["records", "enterprises", *metrics.ATTENDANCE, "attendees"])
    both = metrics.attendance(records, ["cohort", "module"])
    assert both[["cohort", "module", "records"]].values.tolist() == [
        ["2024", "Workplace Cooperation", 1], ["2024", "SCORE4Climate", 1], ["2025", "SCORE4Climate", 1]]
    empty = metrics.attendance(records.iloc[:0], ["cohort", "module"])
    assert list(empty.columns) == ["cohort", "module", "records", "enterprises", *metrics.ATTENDANCE, "attendees",
                                   "women_share", "two_and_two_share"]
    assert [str(t) for t in empty.dtypes] == ["object", "object"] + ["int64"] * 7 + ["float64", "float64"]
