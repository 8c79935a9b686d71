"""Mutations of the reads held to the vendor's samples (issue 17, client side).

``data_of`` without ``success``; ``all`` and the plain-string parameters; the month;
the country codes; ``get_section_item``; ``get_spotlight``'s datetimes; the staff
``corporationProfile`` spelling; and ``get_profiles``' verification and frame.
"""

from mutations import Mutation

FRAME = "tests/reads/test_profiles_frame.py"
QUERY = "tests/reads/test_pull_query.py"
SINGLE = "tests/reads/test_single_reads.py"
SAMPLES = "tests/contract/test_client_vendor_samples.py"
ODD = "tests/transport/test_odd_answers.py"
PF = "expertfile_nb/_reads/profiles.py"
Q = "expertfile_nb/_reads/query.py"
R = "expertfile_nb/_reads/records.py"

MUTATIONS = [
    Mutation(
        name="reads17: data_of takes data whatever success says (success false accepted)",
        path="expertfile_nb/_http/envelope.py",
        old='body.get("success", True) is True',
        new='(body.get("success", True) is True or body.get("data") is not None)',
        tests=[SINGLE, ODD],
    ),
    Mutation(
        name='reads17: data_of takes success "true" (a string) as success',
        path="expertfile_nb/_http/envelope.py",
        old='body.get("success", True) is True',
        new='body.get("success", True) in (True, "true")',
        tests=[SINGLE, ODD],
    ),
    Mutation(
        name="reads17: data_of refuses an answer without success again",
        path="expertfile_nb/_http/envelope.py",
        old='body.get("success", True) is True',
        new='body.get("success") is True',
        tests=[SAMPLES],
    ),
    Mutation(
        name="reads17: profiles: another person's account accepted",
        path=PF,
        old="    if str(sent) != username:",
        new="    if False:",
        tests=[FRAME],
    ),
    Mutation(
        name="reads17: profiles: an account without its username accepted",
        path=PF,
        old="    if sent is None:",
        new="    if False:",
        tests=[FRAME],
    ),
    Mutation(
        name="reads17: profiles: repeats not removed",
        path=PF,
        old="        asked[str(name).strip()] = None\n    return list(asked)",
        new=(
            "        asked[str(name).strip()] = None\n"
            "    return [str(n).strip() for n in usernames]"
        ),
        tests=[FRAME],
    ),
    Mutation(
        name="reads17: profiles: usernames not stripped (' a' read, then refused as another)",
        path=PF,
        old="        asked[str(name).strip()] = None",
        new="        asked[str(name)] = None",
        tests=[FRAME],
    ),
    Mutation(
        name="reads17: profiles: a failure swallowed (the row missing)",
        path=PF,
        old="                    raise failure\n",
        new="                    continue\n",
        tests=[FRAME],
    ),
    Mutation(
        name="reads17: profiles: more than one account accepted (the first taken)",
        path=PF,
        old="len(accounts) != 1 or",
        new="len(accounts) < 1 or",
        tests=[FRAME],
    ),
    Mutation(
        name="reads17: profiles: a 404 turned into IncompleteDataError",
        path=PF,
        old="400 <= (exc.status or 0) < 500",
        new="400 <= (exc.status or 0) < 404",
        tests=[FRAME],
    ),
    Mutation(
        name="reads17: profiles: text sections take the biography key for every one",
        path=PF,
        old="        text = items[0].get(section)",
        new='        text = items[0].get("biography")',
        tests=[FRAME],
    ),
    Mutation(
        name="reads17: profiles: staff corporationprofile not given one spelling",
        path=PF,
        old="    named = one_spelling(profile)  # both spellings sent",
        new="    named = dict(profile)  #",
        tests=[FRAME],
    ),
    Mutation(
        name='reads17: profiles: sections="all" also adds biography/tagline as list columns',
        path=PF,
        old="        return tuple(name for name in documented if name not in TEXT_SECTIONS)",
        new="        return documented",
        tests=[FRAME],
    ),
    Mutation(
        name="reads17: profiles: kind not checked (anything but experts is staff)",
        path=PF,
        old='    if kind == "experts" or kind == "staff":',
        new="    if isinstance(kind, str):",
        tests=[FRAME],
    ),
    Mutation(
        name='reads17: "all" wrapped as ["all"]',
        path=Q,
        old="        return ALL\n",
        new="        return json.dumps([ALL])\n",
        tests=[QUERY],
    ),
    Mutation(
        name='reads17: "all" matched case-sensitively ("ALL" sent as a value)',
        path=Q,
        old="value.strip().lower() == ALL",
        new="value == ALL",
        tests=[QUERY],
    ),
    Mutation(
        name="reads17: a plain parameter's one value sent as a JSON array",
        path=Q,
        old='    if param.kind == "plain" and len(items) == 1:',
        new="    if False:",
        tests=[QUERY],
    ),
    Mutation(
        name="reads17: staff countries sent as a JSON array",
        path="expertfile_nb/_reads/endpoints.py",
        old='        "countries": _PLAIN,',
        new='        "countries": _ARRAY,',
        tests=[QUERY],
    ),
    Mutation(
        name="reads17: searchfield closed to fullname again",
        path="expertfile_nb/_reads/endpoints.py",
        old='_SEARCHFIELD = Param("text")',
        new='_SEARCHFIELD = Param("choice", ("fullname",))',
        tests=[QUERY],
    ),
    Mutation(
        name="reads17: country codes checked case-insensitively",
        path=Q,
        old="        if code not in COUNTRIES:",
        new="        if code.upper() not in COUNTRIES:",
        tests=[QUERY],
    ),
    Mutation(
        name="reads17: country codes not checked",
        path=Q,
        old='    if name == "countries":\n        _check_countries(items)',
        new="    pass",
        tests=[QUERY],
    ),
    Mutation(
        name="reads17: a year-month's month not checked to be 1-12",
        path=Q,
        old='if (dash or name == "month") and not 1 <= int(month if dash else text) <= 12:',
        new='if not dash and name == "month" and not 1 <= int(text) <= 12:',
        tests=[QUERY],
    ),
    Mutation(
        name="reads17: a year-month with an empty part accepted",
        path=Q,
        old="or (dash and not (year and month)):",
        new="or (dash and not (year or month)):",
        tests=[QUERY],
    ),
    Mutation(
        name="reads17: an empty filter list sent as []",
        path=Q,
        old='    if not items and param.kind in ("array", "plain"):',
        new="    if False:",
        tests=[QUERY],
    ),
    Mutation(
        name="reads17: get_section_item allows the one-record sections (biography)",
        path=R,
        old="    by_id = tuple(s for s in endpoint.sections if s not in SINGLE_SECTIONS)",
        new="    by_id = endpoint.sections",
        tests=[SINGLE],
    ),
    Mutation(
        name="reads17: get_section_item takes the first of several items",
        path=R,
        old="""    if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
        raise _wrong(what, "a one-element list of one record", response)""",
        new="""    if not isinstance(data, list) or len(data) < 1 or not isinstance(data[0], dict):
        raise _wrong(what, "a one-element list of one record", response)""",
        tests=[SINGLE],
    ),
    Mutation(
        name="reads17: get_section_item item id not encoded as one segment",
        path=R,
        old='    item = _segment("item_id", item_id)',
        new="    item = str(item_id)",
        tests=[SINGLE],
    ),
    Mutation(
        name="reads17: get_section_item kind not checked (anything else is staff)",
        path="expertfile_nb/_reads/data.py",
        old='    if kind not in ("experts", "staff"):',
        new="    if False:",
        tests=[SINGLE],
    ),
    Mutation(
        name="reads17: with_datetimes converts booleans",
        path=R,
        old="isinstance(value, (int, float)) and not isinstance(value, bool)",
        new="isinstance(value, (int, float))",
        tests=[SINGLE],
    ),
    Mutation(
        name="reads17: get_spotlight keeps Unix seconds",
        path="expertfile_nb/_reads/data.py",
        old="    return with_datetimes(read_spotlight(",
        new="    return (read_spotlight(",
        tests=[SINGLE],
    ),
    Mutation(
        name="reads17: get_staff_member without one spelling",
        path="expertfile_nb/_reads/data.py",
        old="    return one_spelling(read) if section is None else read",
        new="    return read",
        tests=[SINGLE, SAMPLES],
    ),
    Mutation(
        name="reads17: one_spelling renames the section reads too (expert profiles)",
        path="expertfile_nb/_reads/data.py",
        old="    return read_profile(EXPERT_PROFILE, username, section, _session(session))",
        new=(
            "    return one_spelling(\n"
            "        read_profile(EXPERT_PROFILE, username, section, _session(session)))"
        ),
        tests=[SINGLE, SAMPLES],
    ),
]
