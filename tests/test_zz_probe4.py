from __future__ import annotations
from pathlib import Path
import pandas as pd
import pytest
import expertfile_nb as ef
from fake_server import FakeExpertFile


@pytest.fixture
def fake():
    with FakeExpertFile(experts=3) as f:
        ef.login(f.client_id, f.client_secret, base_url=f.url)
        yield f


def test_staff(fake, tmp_path: Path) -> None:
    staff = ef.get_staff(progress=False) if hasattr(ef, "get_staff") else None
    print(staff.columns.tolist()[:10])
    names = staff.username.tolist()[:2]
    before = ef.get_profiles(names, kind="staff", progress=False)
    print(before.dtypes.to_dict())
    print(before[["is_private", "is_published", "department"]])
    after = before.assign(is_private=1, is_published=before.is_published.astype("Int64") if before.is_published.notna().all() else 0, department="Chem")
    after["job_title"] = after["job_title"].astype(object)
    plan = ef.plan_changes(before, after.iloc[:1], kind="staff", unverifiable=["is_private"], allow_delete=True)
    print(plan)
    print(plan.to_frame())
    c = ef.Client(fake.client_id, fake.client_secret, base_url=fake.url)
    cp = c.plan_changes(before, after.iloc[:1], kind="staff", unverifiable="is_private")
    r = cp.apply(journal=tmp_path / "j.jsonl")
    print(r.to_frame())
    u = ef.undo(r.journal)
    print(u.to_frame()[["field", "status", "detail"]])
    again = cp.apply(journal=tmp_path / "j2.jsonl")
    print(again.counts)
