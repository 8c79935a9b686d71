"""plan_changes: what changed between two profile frames, shown for review; nothing sent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import expertfile_nb as ef


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "username": ["ada", "bob", "cy"],
            "firstname": ["Ada", "Bob", "Cy"],
            "lastname": ["L", "M", "N"],
            "job_title": ["Analyst", None, "Dean"],
            "email": ["a@x.org", "b@x.org", "c@x.org"],
            "company": ["X", "X", "X"],
            "id": [1, 2, 3],
        }
    )


def test_one_update_per_changed_field_and_nothing_else() -> None:
    before = frame()
    after = before.copy()
    after.loc[0, "job_title"] = "Chief analyst"
    after.loc[1, "job_title"] = "Professor"  # None → value
    after.loc[2, "firstname"] = "Cyrus"
    plan = ef.plan_changes(before, after)
    assert len(plan) == 3
    assert {(c.username, c.field, c.old, c.new) for c in plan.changes} == {
        ("ada", "job_title", "Analyst", "Chief analyst"),
        ("bob", "job_title", None, "Professor"),
        ("cy", "firstname", "Cy", "Cyrus"),
    }
    assert all(c.action == "update" for c in plan)


def test_same_values_in_other_forms_are_no_change() -> None:
    before = frame()
    after = before.copy()
    after["job_title"] = after["job_title"].astype(object).where(after["job_title"].notna(), np.nan)
    after.loc[1, "job_title"] = ""  # empty, as the service shows a cleared field
    after = after.sample(frac=1, random_state=1)  # another row order
    assert len(ef.plan_changes(before, after)) == 0


def test_new_rows_are_creates_and_removed_rows_are_skipped_unless_allowed() -> None:
    before = frame()
    new = {"username": None, "firstname": "Di", "lastname": "O", "job_title": "PI"}
    new |= {"email": "d@x.org", "company": "X"}
    after = pd.concat([before.iloc[1:], pd.DataFrame([new])], ignore_index=True)
    plan = ef.plan_changes(before, after)
    assert [(c.action, c.new) for c in plan] == [
        ("create", {k: v for k, v in new.items() if k != "username"})
    ]
    assert [(c.action, c.username) for c in plan.skipped] == [("delete", "ada")]
    assert "allow_delete=True" in str(plan)
    deleting = ef.plan_changes(before, after, allow_delete=True)
    assert [c.action for c in deleting] == ["create", "delete"]
    assert deleting.changes[1].old["job_title"] == "Analyst"  # the before-image


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda f: f.assign(id=[9, 2, 3]), "'id' (e.g. 'ada')"),
        (lambda f: f.assign(nickname="x"), "after has column(s) that before has not: nickname"),
        (lambda f: f.drop(columns="username"), "no 'username' column"),
        (lambda f: pd.concat([f, f.iloc[:1]]), "usernames twice"),
        (
            lambda f: pd.concat([f, pd.DataFrame([{"username": "new", "firstname": "Z"}])]),
            "lacks required field(s): lastname, job_title, email, company",
        ),
    ],
)
def test_a_plan_that_cannot_be_made_says_why(edit: object, message: str) -> None:
    with pytest.raises(ef.ConfigurationError) as caught:
        ef.plan_changes(frame(), edit(frame()))  # type: ignore[operator] # a lambda
    assert message in str(caught.value)


def test_a_wrong_argument_is_a_configuration_error() -> None:
    with pytest.raises(ef.ConfigurationError, match="must be a DataFrame"):
        ef.plan_changes([], frame())  # type: ignore[arg-type] # the point of the test
    with pytest.raises(ef.ConfigurationError, match="kind must be"):
        ef.plan_changes(frame(), frame(), kind="spotlights")  # type: ignore[arg-type] # the point
    before = frame()
    with pytest.raises(ef.ConfigurationError, match="one row per username"):
        ef.plan_changes(pd.concat([before, before]), before)


def test_views_show_old_and_new_escaped_and_no_hidden_value() -> None:
    before = frame().assign(api_token=["t0", "t1", "t2"])
    after = before.copy()
    after.loc[0, "job_title"] = "<script>alert(1)</script>"
    plan = ef.plan_changes(before, after)
    page = plan._repr_html_()
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "<del" in page and "<ins" in page and "Analyst" in page
    text = str(plan)
    assert "~ ada.job_title: 'Analyst' → '<script>alert(1)</script>'" in text
    view = plan.to_frame()
    assert list(view.columns) == [
        "action",
        "username",
        "field",
        "old",
        "new",
        "unverifiable",
        "skipped",
    ]
    assert view.loc[0, "new"] == "<script>alert(1)</script>"
    assert repr(plan) == "<ChangePlan experts: 1 update, 0 create, 0 delete>"


def test_a_dry_run_sends_nothing_and_says_what_would_be_sent() -> None:
    # no login, no server: a dry run must not need either
    before = frame()
    after = before.copy()
    after.loc[0, ["job_title", "company"]] = ["Chief", "Y"]
    result = ef.plan_changes(before, after).apply(dry_run=True)
    assert result.journal is None
    assert result.counts == {"would send": 2}
    assert result.requests == [
        {
            "method": "PUT",
            "path": "/v2/organization/{org}/expert/ada",
            "body": {"job_title": "Chief", "company": "Y"},
            "changes": [0, 1],
        }
    ]
    with pytest.raises(ef.ConfigurationError, match="nothing to undo"):
        result.undo()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"workers": 0}, "workers must be 1 to 32"),
        ({"workers": True}, "workers must be 1 to 32"),
        ({"pace": -1}, "pace must be seconds"),
        ({"pace": float("nan")}, "pace must be seconds"),
        ({"deadline": 0}, "deadline must be seconds above 0"),
    ],
)
def test_apply_options_are_checked_before_anything_is_sent(
    options: dict[str, object], message: str
) -> None:
    plan = ef.plan_changes(frame(), frame().assign(job_title="x"))
    with pytest.raises(ef.ConfigurationError, match=message):
        plan.apply(**options)  # type: ignore[arg-type] # the point of the test
