"""Mutations of what an analyst sees in a notebook and around it (issue 22, section 4)."""

from mutations import Mutation

ERRORS = "expertfile_nb/errors.py"
NB_ERRORS = "tests/notebook_ui/test_notebook_errors.py"
QUICKSTART = "notebooks/quickstart.ipynb"
QUICKSTART_TEST = (
    "tests/notebook_ui/test_notebook_analyst.py::"
    "test_the_quickstart_leads_with_name_job_title_country_and_labels_its_chart_axes"
)

MUTATIONS = [
    Mutation(
        name="notebook22: an ExpertFileError shows its whole traceback in the cell",
        path=ERRORS,
        old='return [f"{type(self).__name__}: {self}", _TRACEBACK_HINT]',
        new="return _whole_traceback(self)",
        tests=[f"{NB_ERRORS}::test_an_expertfile_error_shows_as_its_message_in_a_line_or_two"],
    ),
    Mutation(
        name="notebook22: %tb shows the short message again, not the traceback",
        path=ERRORS,
        old="if sys.exc_info()[1] is self:",
        new="if True:",
        tests=[f"{NB_ERRORS}::test_percent_tb_still_shows_the_whole_traceback"],
    ),
    Mutation(
        name="notebook22: a busy port's reason is the server's own 'cannot listen' again",
        path="fake_server/__main__.py",
        old="reason = os.strerror(exc.errno) if exc.errno else",
        new="reason = exc.strerror if exc.errno else",
        tests=["tests/fake/test_fake_cli.py::test_port_in_use_is_a_clear_error"],
    ),
    Mutation(
        name="notebook22: demo ignores EXPERTFILE_BASE_URL set alone (starts the fake)",
        path="expertfile_nb/cli/demo.py",
        old="if source is None and named:",
        new="if source is None and named and False:",
        tests=["tests/cli/test_demo.py::test_a_base_url_set_alone_is_an_error_not_the_fake"],
    ),
    Mutation(
        name="notebook22: demo's CSV without name, job title and country",
        path="expertfile_nb/cli/demo.py",
        old='access="public", status="all", fields=list(ANALYST_FIELDS), progress=progress',
        new='access="public", status="all", progress=progress',
        tests=[
            "tests/cli/test_demo.py::"
            "test_the_csv_leads_with_name_job_title_and_country_and_reproduces_the_summary"
        ],
    ),
    Mutation(
        name="notebook22: demo's top countries not counted from the rows it writes",
        path="expertfile_nb/cli/demo.py",
        old='"country": _top(experts["country"]) if',
        new='"country": _top(experts["country"].iloc[::2]) if',
        tests=[
            "tests/cli/test_demo.py::"
            "test_the_csv_leads_with_name_job_title_and_country_and_reproduces_the_summary"
        ],
    ),
    Mutation(
        name="notebook22: the fake's accomplishments may end before they start",
        path="fake_server/_profiles.py",
        old="start, end = sorted((when(), when()))",
        new="start, end = (when(), when())",
        tests=[
            "tests/fake/test_fake_accomplishments.py::"
            "test_every_accomplishment_ends_no_earlier_than_it_starts"
        ],
    ),
    Mutation(
        name="notebook22: the quickstart's chart has no x-axis label",
        path=QUICKSTART,
        old='    "ax.set_xlabel(\\"experts\\")\\n",\n',
        new="",
        tests=[QUICKSTART_TEST],
    ),
    Mutation(
        name="notebook22: the quickstart's frame without name, job title and country first",
        path=QUICKSTART,
        old='ef.get_experts(fields=[\\"fullname\\", \\"jobtitle\\", \\"country\\"])',
        new="ef.get_experts()",
        tests=[QUICKSTART_TEST],
    ),
    Mutation(
        name="notebook22: the README's editing example changes nothing against the fake",
        path="README.md",
        old='after.loc[after.company == "Business School", "company"] = "School of Business"',
        new='after.loc[after.job_title.isna(), "job_title"] = "Researcher"',
        tests=["tests/test_readme.py::test_the_editing_example_changes_something_and_undoes_it"],
    ),
]
