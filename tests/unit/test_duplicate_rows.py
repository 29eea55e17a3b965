"""A repeated row is an Error on the repeat, saying which row came first, in plain words."""

from __future__ import annotations

import datetime as dt

from sheetops.demo.data import make_demo
from sheetops.workbook.issues import IssueLog
from sheetops.workbook.validate import check_program


def _orders_with_repeats() -> tuple[dict[str, list[list[object]]], int, int]:
    grids = {k: [list(r) for r in v] for k, v in make_demo(orders=40, seed=3, today=dt.date(2026, 11, 18)).items()}
    orders = grids["Orders"]
    head = orders[0]
    orders[1][head.index("SKU ID")] = None
    orders.append(list(orders[1]))  # same Order ID, SKU ID blank on both
    orders.append(list(orders[2]))
    return grids, len(orders), head.index("Order ID")


def test_a_repeated_order_line_is_flagged_on_the_repeat_with_plain_words() -> None:
    grids, n_rows, order_col = _orders_with_repeats()
    first_id, second_id = grids["Orders"][1][order_col], grids["Orders"][2][order_col]
    log = IssueLog()
    program = check_program(grids, log)
    repeats = [i for i in log.issues if "appears again" in i.problem]
    assert [(i.tab, i.row, i.column, i.severity) for i in repeats] == [
        ("Orders", n_rows - 1, "Order ID", "Error"), ("Orders", n_rows, "Order ID", "Error")]
    assert repeats[0].problem == f"Order ID {first_id} with a blank SKU ID appears again (first on row 2)."
    assert repeats[1].problem.startswith(f"Order ID {second_id} with SKU ID ")
    assert repeats[1].problem.endswith(" appears again (first on row 3).")
    assert "nan" not in repeats[1].problem and "None" not in repeats[1].problem
    frame = program.orders.frame
    assert frame.loc[frame["_row"].isin([n_rows - 1, n_rows]), "_error"].all()
    assert not frame.loc[frame["_row"].isin([2, 3]), "_error"].any()
