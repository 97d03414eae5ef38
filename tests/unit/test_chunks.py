"""metrics.parse_chunks: a table parsed in pieces gives the rows and problems of the table parsed
whole; metrics.file_date_orders decides the day/month order from a whole file's distinct dates."""
import pandas as pd
import pytest

import metrics
from metrics.frames import REPEAT


def rows(*specs) -> pd.DataFrame:
    """Template rows from (enterprise, period_start, value) triples; water in m3."""
    return pd.DataFrame([dict(enterprise=e, country="KE", sector="S", period_start=s, period_end=s,
                              phase="baseline", indicator="water", carrier="", value=v, unit="m3", note="")
                         for e, s, v in specs])


def pieces(df: pd.DataFrame, size: int):
    return [(df.iloc[i:i + size], 2 + i) for i in range(0, len(df), size)]


def test_pieces_without_problems_give_the_rows_of_the_whole_table():
    df = rows(("A", "2024-01-01", "1"), ("A", "2024-01-02", "2,000"), ("B", "2024-01-01", "3"),
              ("B", "2024-01-02", "4.5"), ("C", "2024-01-03", "5"))
    parsed = list(metrics.parse_chunks(pieces(df, 2)))
    assert len(parsed) == 3 and all(p.ok for p in parsed)  # no repeat: no extra piece at the end
    together = pd.concat([p.rows for p in parsed])
    pd.testing.assert_frame_equal(together, metrics.parse(df).rows)
    assert together["value"].tolist() == [1.0, 2000.0, 3.0, 4.5, 5.0]


def test_a_repeat_in_a_later_piece_is_named_with_the_first_line():
    df = rows(("A", "2024-01-01", "1"), ("B", "2024-01-01", "2"), ("C", "2024-01-01", "3"),
              ("A", "2024-01-01", "4"),  # line 5 repeats line 2 (another piece)
              ("A", "2024-01-01", "5"))  # line 6 repeats line 5 in its own piece, and line 2
    parsed = list(metrics.parse_chunks(pieces(df, 3)))
    assert [p.ok for p in parsed] == [True, False, False]
    within, across = parsed[1].problems, parsed[2].problems
    assert within[["row", "reason"]].values.tolist() == [[6, REPEAT.format(line=5)]]
    assert across[["row", "column", "reason"]].values.tolist() == [[5, "carrier", REPEAT.format(line=2)]]
    # each repeated line is named once, as the table read whole names lines 5 and 6
    assert sorted(metrics.parse(df).problems["row"]) == [5, 6]


def test_the_key_is_the_key_parse_reads():
    # " a " and "A" are different enterprises to parse (text is stripped, not folded), "Baseline"
    # is the phase baseline, "WATER" the indicator water: only the last row repeats the first
    df = rows(("A", "2024-01-01", "1"), (" a ", "2024-01-01", "2"))
    later = rows(("A ", "2024-01-01", "3")).assign(phase="Baseline", indicator="WATER")
    parsed = list(metrics.parse_chunks([(df, 2), (later, 4)]))
    assert parsed[-1].problems["row"].tolist() == [4]


def test_a_refused_piece_still_counts_for_repeats():
    bad = rows(("A", "2024-01-01", "-1"))  # refused (negative), but its key is a figure of the file
    again = rows(("A", "2024-01-01", "2"))
    parsed = list(metrics.parse_chunks([(bad, 2), (again, 3)]))
    assert parsed[0].problems["column"].tolist() == ["value"]
    assert parsed[-1].problems[["row", "reason"]].values.tolist() == [[3, REPEAT.format(line=2)]]


@pytest.mark.parametrize(("starts", "ends", "expected"), [
    (["01/02/2024", "13/02/2024"], ["02/02/2024"], ("dmy", "dmy")),  # the start column shows day first
    (["01/02/2024"], ["02/13/2024"], ("mdy", "mdy")),  # the end column shows month first: both read so
    (["01/02/2024", "13/02/2024"], ["02/13/2024"], ("dmy", "mdy")),  # together they disagree: each its own
    (["01/02/2024"], ["02/03/2024"], (None, None)),  # nothing shows it
    (["2024-01-02"], ["2024-02-03"], (None, None)),  # ISO dates need no order
])
def test_file_date_orders(starts, ends, expected):
    assert metrics.file_date_orders(pd.Series(starts), pd.Series(ends)) == expected


def test_a_piece_is_read_in_the_order_of_the_whole_file():
    piece = rows(("A", "01/02/2024", "1"))  # alone: ambiguous, refused
    assert not metrics.parse(piece).ok
    day_first = metrics.parse(piece, date_orders=("dmy", "dmy")).rows["period_start"].iloc[0]
    month_first = metrics.parse(piece, date_orders=("mdy", "mdy")).rows["period_start"].iloc[0]
    assert (day_first, month_first) == (pd.Timestamp("2024-02-01"), pd.Timestamp("2024-01-02"))
    # the whole file shows no order: the piece is not allowed to guess from itself either
    shows_day = rows(("A", "01/02/2024", "1"), ("A", "13/02/2024", "1"))
    assert not metrics.parse(shows_day, date_orders=(None, None)).ok
    assert metrics.parse(shows_day).ok  # read whole, it shows its own order


def test_pieces_are_read_in_the_order_given_for_the_whole_file():
    parsed = list(metrics.parse_chunks([(rows(("A", "01/02/2024", "1")), 2)], date_orders=("dmy", "dmy")))
    assert parsed[0].ok and parsed[0].rows["period_start"].tolist() == [pd.Timestamp("2024-02-01")]


def test_a_piece_without_a_required_column_does_not_end_the_file():
    good = rows(("A", "2024-01-01", "1"))
    parsed = list(metrics.parse_chunks([(good.drop(columns="unit"), 2), (good, 3)]))
    assert len(parsed) == 2 and not parsed[0].ok and parsed[1].ok  # no key in the first piece: no repeat


def test_rows_without_an_enterprise_or_a_start_are_no_repeats():
    # each is refused by its own piece (no enterprise, no start date); their keys are incomplete,
    # so the second pieces repeat nothing
    nameless = rows(("", "2024-01-01", "1"))
    undated = rows(("A", "", "1")).assign(period_end="2024-01-31")
    for piece in (nameless, undated):
        parsed = list(metrics.parse_chunks([(piece, 2), (piece, 3)]))
        assert len(parsed) == 2 and not parsed[0].ok and not parsed[1].ok


def test_a_repeat_without_a_phase_and_the_extra_piece_s_shape():
    piece = rows(("A", "2024-01-01", "1")).assign(phase="")  # no phase is a value of the key too
    parsed = list(metrics.parse_chunks([(piece, 2), (piece, 3), (piece, 4)]))
    extra = parsed[-1]
    assert len(parsed) == 4 and extra.rows.empty and list(extra.rows.columns) == metrics.TEMPLATE_COLUMNS
    assert list(extra.problems.columns) == ["row", "column", "reason"] and extra.problems.index.tolist() == [0, 1]
    assert extra.problems[["row", "reason"]].values.tolist() == [[3, REPEAT.format(line=2)], [4, REPEAT.format(line=2)]]


def test_a_twelve_in_second_place_shows_no_order():
    # 05/12 and 06/12 read as 5 Dec or 12 May: nothing above 12 says which
    assert metrics.file_date_orders(pd.Series(["05/12/2024"]), pd.Series(["06/12/2024"])) == (None, None)
