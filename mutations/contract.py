"""Adversarial mutations of issue 17's read fidelity (a second engineer's review): the
vendor fixtures and their loader, the contract's shape checks, the fake's read settings,
and the generator of docs/API_FIDELITY.md. Each one is a plausible slip that would let
the fake or the contract drift from the vendor's samples without a test noticing."""

from __future__ import annotations

from mutations import Mutation

FIXTURES = "tests/contract/test_vendor_fixtures.py"
READS = "tests/contract/test_fake_reads.py"
ASSUME = "tests/contract/test_assumptions.py"
DOC = "tests/test_api_fidelity_doc.py"

MUTATIONS = [
    # -- the vendor's samples and their loader ----------------------------------------
    Mutation(
        name="review: a vendor sample tidied (one trailing comma removed)",
        path="tests/contract/vendor/expert.link.list.json.txt",
        old='"url": "http://www.example.com/1",',
        new='"url": "http://www.example.com/1"',
        tests=[FIXTURES],
    ),
    Mutation(
        name="review: a vendor sample's null replaced by a value the fake sends",
        path="tests/contract/vendor/expert.testimonial.get.json.txt",
        old='"date": null',
        new='"date": 1499140800',
        tests=[FIXTURES],
    ),
    Mutation(
        name="review: the loader silently skips one sample",
        path="tests/contract/vendor_samples.py",
        old='        if token or sample.method == "GET":',
        new='        if (token or sample.method == "GET") and sample.name != "expert.cv":',
        tests=[FIXTURES],
    ),
    # -- the contract ------------------------------------------------------------------
    Mutation(
        name="review: Nullable accepts any value",
        path="tests/contract/documented.py",
        old="return [] if value is None else mismatches(value, shape.shape, where, exact=exact)",
        new="return []",
        tests=[FIXTURES],
    ),
    Mutation(
        name="review: OneOf checks its shapes loosely (extra keys pass)",
        path="tests/contract/documented.py",
        old="tried = [mismatches(value, one, where, exact=exact) for one in shape.shapes]",
        new="tried = [mismatches(value, one, where, exact=False) for one in shape.shapes]",
        tests=[FIXTURES],
    ),
    Mutation(
        name="review: NULLABLE loses research focus cover_alt_title",
        path="tests/contract/documented.py",
        old='    ("researchfocus", "cover_alt_title"),\n',
        new="",
        tests=[FIXTURES],
    ),
    Mutation(
        name="review: SUCCESS_OMITTED loses the staff links",
        path="tests/contract/documented.py",
        old='        "staff.link.list",\n    }',
        new="    }",
        tests=[FIXTURES],
    ),
    # -- the fake's read settings ------------------------------------------------------
    Mutation(
        name="review: success omission moved from one industry to all industries",
        path="fake_server/_reads.py",
        old='("expert", "industry", True),',
        new='("expert", "industry", False),',
        tests=[READS],
    ),
    Mutation(
        name="review: nulls=as_sampled reaches the lists but not the by-id reads",
        path="fake_server/_routes.py",
        old="nulls=server.settings.nulls,",
        new='nulls=server.settings.nulls if item_id is None else "never",',
        tests=[READS, ASSUME],
    ),
    Mutation(
        name="review: guessed_items=as_sampled empties spotlight tags only",
        path="fake_server/_reads.py",
        old='for k in ("tags", "tagged_experts", "assets") if k in item}',
        new='for k in ("tags",) if k in item}',
        tests=[READS, ASSUME],
    ),
    Mutation(
        name="review: the spotlight record ignores guessed_items",
        path="fake_server/_routes.py",
        old="[spotlight_data(d.spotlights.record(s), server.settings.guessed_items)]",
        new="[d.spotlights.record(s)]",
        tests=[READS, ASSUME],
    ),
    Mutation(
        name="review: spotlight aggregations stay filled under guessed_items=as_sampled",
        path="fake_server/_routes.py",
        old='aggregations = {"year": {}, "tagged_experts": [], "tags": []}',
        new="pass",
        tests=[READS, ASSUME],
    ),
    Mutation(
        name="review: the expert profile's avatar stays filled under guessed_items=as_sampled",
        path="fake_server/_profiles.py",
        old='GUESSED_SECTIONS = ("avatar", "profiletype")',
        new='GUESSED_SECTIONS = ("profiletype",)',
        tests=[READS, ASSUME],
    ),
    Mutation(
        name="review: unlisted_params=refuse refuses a documented parameter (searchfield)",
        path="fake_server/_query.py",
        old='            "searchfield",\n        )\n    ),\n    "staff"',
        new='        )\n    ),\n    "staff"',
        tests=[READS, ASSUME],
    ),
    Mutation(
        name="review: the staff list's countries read as an array",
        path="fake_server/_query.py",
        old='countries=(_plain if staff else _array)(args, "countries", settings),',
        new='countries=_array(args, "countries", settings),',
        tests=[READS, ASSUME],
    ),
    Mutation(
        name="review: the staff list's fields read as an array",
        path="fake_server/_routes.py",
        old='staff = request.path.rstrip("/").endswith("/employee")',
        new="staff = False",
        tests=[READS, ASSUME],
    ),
    Mutation(
        name="review: 'all' read as a value for spotlight tagged",
        path="fake_server/_query.py",
        old='tagged=_array(args, "tagged", settings),',
        new='tagged=tuple(v for v in [_single(args, "tagged")] if v),',
        tests=[READS],
    ),
    Mutation(
        name="review: 'all' read as a company name",
        path="fake_server/_query.py",
        old='    if not value or value.lower() == "all":\n        return ()\n    if settings.plain',
        new="    if not value:\n        return ()\n    if settings.plain",
        tests=[READS],
    ),
    Mutation(
        name="review: year=all refused",
        path="fake_server/_query.py",
        old='year_text = "" if year_text.lower() == "all" else year_text',
        new="",
        tests=[READS],
    ),
    Mutation(
        name="review: a JSON token body accepted when set to refuse",
        path="fake_server/_routes.py",
        old='json_body=server.settings.token_json == "accept",',
        new="json_body=True,",
        tests=[READS, ASSUME],
    ),
    Mutation(
        name="review: a JSON token body with non-string values accepted",
        path="fake_server/_tokens.py",
        old=" or not all(isinstance(v, str) for v in value.values())",
        new="",
        tests=[READS],
    ),
    Mutation(
        name="review: foreign_org_status=404 still says forbidden",
        path="fake_server/_routes.py",
        old='"forbidden" if status == 403 else "not_found",',
        new='"forbidden",',
        tests=[READS, ASSUME],
    ),
    Mutation(
        name="review: inferred_sections=omit ignored",
        path="fake_server/_routes.py",
        old='inferred=server.settings.inferred_sections == "add"',
        new="inferred=True",
        tests=[READS],
    ),
    Mutation(
        name="review: month=2024-05 drops its year (May of every year)",
        path="fake_server/_query.py",
        old='year_text = year_text or month_year or ""',
        new="year_text = year_text",
        tests=[f"{READS}::test_month_as_year_month_means_that_month_of_that_year"],
    ),
    Mutation(
        name="review: month=2024-05 with another year= accepted",
        path="fake_server/_query.py",
        old="if month_year and year_text and int(month_year) != int(year_text):",
        new="if False:",
        tests=[f"{READS}::test_month_as_year_month_means_that_month_of_that_year"],
    ),
    # -- docs/API_FIDELITY.md ----------------------------------------------------------
    Mutation(
        name="review: the fidelity doc says documented whatever the fake answers",
        path="tests/fidelity.py",
        old='verdict = "documented keys and types" if not problems else f"DIFFERS: {problems[0]}"',
        new='verdict = "documented keys and types"',
        tests=[DOC],
    ),
    Mutation(
        name="review: the fidelity doc counts every read setting as documented",
        path="tests/fidelity.py",
        old="results[name] = (checks[0], sum(not problems for problems in checks))",
        new="results[name] = (checks[0], len(checks))",
        tests=[DOC],
    ),
]
