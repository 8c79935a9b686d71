"""Mutations of issue 21's "Fidelity of the writes": the fake's research-focus subtitle,
inquiry state codes, "success" as sampled on writes and on the reads after them, the
staff delete of an expert, an empty flag, API_FIDELITY's guessed answers, and the client's
one spelling of a staff profile's corporationProfile."""

from __future__ import annotations

from mutations import Mutation

WRITES = "tests/contract/test_fake_writes_contract.py"
READS = "tests/contract/test_fake_reads.py"
FLIPS = "tests/contract/test_assumptions.py::test_each_setting_flips_its_behaviour"
DOC = "tests/test_api_fidelity_doc.py"
CLIENT = "tests/contract/test_client_contract.py"
STORE = "fake_server/_store.py"

MUTATIONS = [
    Mutation(
        name="fake21: the research focus create drops its subtitle",
        path="fake_server/_forms.py",
        old='("url", "date", "subtitle"), ints=_DATES)',
        new='("url", "date"), ints=_DATES)',
        tests=[f"{WRITES}::test_research_focus_create_keeps_its_subtitle"],
    ),
    Mutation(
        name="fake21: an inquiry's state is not checked in Canada and the US",
        path=STORE,
        old="if strict and country in STATES and state not in STATES[country]:",
        new="if False:",
        tests=[f"{WRITES}::test_inquiry_state_is_a_documented_code_in_canada_and_the_us"],
    ),
    Mutation(
        name="fake21: a documented province code (NF) refused",
        path="fake_server/_forms.py",
        old='"BC", "ON", "NF", "NS",',
        new='"BC", "ON", "NS",',
        tests=[f"{WRITES}::test_inquiry_state_is_a_documented_code_in_canada_and_the_us"],
    ),
    Mutation(
        name="fake21: the state check applied in every country",
        path=STORE,
        old="if strict and country in STATES and state not in STATES[country]:",
        new="if strict and state not in STATES.get(country, STATES['US']):",
        tests=[f"{WRITES}::test_inquiry_state_is_a_documented_code_in_canada_and_the_us"],
    ),
    Mutation(
        name="fake21: success_key=as_sampled still adds success to biography/tagline POSTs",
        path=STORE,
        old='s.settings.success_key == "always" or section not in _POSTS_SAMPLED_WITHOUT_SUCCESS\n',
        new="True\n",
        tests=[f"{WRITES}::test_success_as_sampled_answers_each_write_as_its_sample"],
    ),
    Mutation(
        name="fake21: success_key=as_sampled drops success from every single-section POST",
        path=STORE,
        old='s.settings.success_key == "always" or section not in _POSTS_SAMPLED_WITHOUT_SUCCESS\n',
        new='s.settings.success_key == "always"\n',
        tests=[f"{WRITES}::test_success_as_sampled_answers_each_write_as_its_sample"],
    ),
    Mutation(
        name="fake21: a section list of a person written to sends success again",
        path=STORE,
        old="                return ok(items, success=success)",
        new="                return ok(items)",
        tests=[f"{READS}::test_reads_of_a_person_written_to_are_still_documented"],
    ),
    Mutation(
        name="fake21: a section item by id of a person written to sends success again",
        path=STORE,
        old="            return ok(found, success=success)",
        new="            return ok(found)",
        tests=[f"{READS}::test_reads_of_a_person_written_to_are_still_documented"],
    ),
    Mutation(
        name="fake21: staff_delete_of_expert=404 still deletes the expert",
        path=STORE,
        old='and s.settings.staff_delete_of_expert == "404"',
        new='and s.settings.staff_delete_of_expert == "refuse"',
        tests=[
            f"{FLIPS}[DELETE /staff/<username> of an expert (e]",
            f"{WRITES}::test_staff_delete_of_an_expert_deletes_the_expert_or_is_404",
        ],
    ),
    Mutation(
        name="fake21: staff_delete_of_expert=404 refuses staff members who are no experts",
        path=STORE,
        old='and self._is_expert(s, request, org, params["org"], username)\n',
        new="and True\n",
        tests=[f"{WRITES}::test_staff_delete_of_an_expert_deletes_the_expert_or_is_404"],
    ),
    Mutation(
        name="fake21: an empty flag crashing the fake's store (int of '')",
        path=STORE,
        old="            if form.get(k) in _ONE_ZERO:\n                person.flags[k] = int(",
        new="            if k in form:\n                person.flags[k] = int(",
        tests=[f"{WRITES}::test_an_empty_flag_is_refused_or_left_alone"],
    ),
    Mutation(
        name="fake21: an empty flag let through strict validation",
        path=STORE,
        old="_check(form, (), dict.fromkeys(_FLAGS, _ONE_ZERO), _FLAGS, strict)",
        new="_check(form, (), {}, _FLAGS, strict)",
        tests=[f"{WRITES}::test_an_empty_flag_is_refused_or_left_alone"],
    ),
    Mutation(
        name="fake21: API_FIDELITY calls a guessed write answer documented",
        path="tests/fidelity.py",
        old='held_to = f"the guess: {w.answer_guess}" if w.answer_guess else "documented shape"',
        new='held_to = "documented shape"',
        tests=[f"{DOC}::test_api_fidelity_doc_is_current"],
    ),
    Mutation(
        name="fake21: the contract forgets that create_expert's answer is the echo guess",
        path="tests/contract/writes.py",
        old='answer_guess="the body echoed',
        new='answer_guess="" and "the body echoed',
        tests=[f"{DOC}::test_write_rows_say_what_each_answer_was_held_to"],
    ),
    Mutation(
        name="fake21: client: the last corporationProfile spelling wins, an empty one too",
        path="expertfile_nb/_reads/records.py",
        old="        if name not in out:\n            out[name] = value\n            continue",
        new="        if True:\n            out[name] = value\n            continue",
        tests=[
            f"{CLIENT}::test_a_staff_profile_with_both_spellings_keeps_the_one_holding_data",
        ],
    ),
    Mutation(
        name="fake21: client: two corporationProfile spellings with items keep only one",
        path="expertfile_nb/_reads/records.py",
        old="out[name] = first + [item for item in second if item not in first]",
        new="out[name] = first",
        tests=[
            f"{CLIENT}::test_a_staff_profile_with_two_different_spellings_keeps_every_item",
        ],
    ),
    Mutation(
        name="fake21: the profiles frame lets the last corporationProfile spelling win",
        path="expertfile_nb/_reads/profiles.py",
        old="    named = one_spelling(profile)  # both spellings sent",
        new="    named = {_SPELLINGS.get(key, key): value for key, value in profile.items()}  #",
        tests=[
            "tests/contract/test_client_contract.py"
            "::test_the_profiles_frame_keeps_the_spelling_holding_data"
        ],
    ),
]
