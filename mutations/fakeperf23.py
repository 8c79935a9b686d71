"""Mutations of issue 23's fake-server speed work: the fast path for plain requests (its own
header parser and WSGI environ), the kernel-bounded socket reads, the token form memo, and
``Expect: 100-continue``."""

from __future__ import annotations

from mutations import Mutation

FAST = "tests/fake/test_fake_fast_path.py"
WSGI = "fake_server/_wsgi.py"
SAME = f"{FAST}::test_a_plain_request_sees_what_the_general_path_sees"

MUTATIONS = [
    Mutation(
        name="fakeperf23: the fast path ignores Connection: close",
        path=WSGI,
        old='        self.close_connection = headers.get("Connection", "").lower() == "close"',
        new="        self.close_connection = False",
        tests=[f"{FAST}::test_connection_close_on_a_plain_request_closes_it"],
    ),
    Mutation(
        name="fakeperf23: the fast path keeps the spaces before a header value",
        path=WSGI,
        old='pair = (name, value.lstrip(" \\t"))',
        new="pair = (name, value)",
        tests=[SAME],
    ),
    Mutation(
        name="fakeperf23: the fast environ keeps the query in PATH_INFO",
        path=WSGI,
        old='        path_info, _, query = path.partition("?")',
        new='        path_info, query = path, ""',
        tests=[SAME],
    ),
    Mutation(
        name="fakeperf23: the fast environ keeps the last of repeated headers only",
        path=WSGI,
        old='                    value = f"{environ[key]},{value}"',
        new="                    pass",
        tests=[SAME],
    ),
    Mutation(
        name="fakeperf23: a request with a header outside ASCII takes the fast path",
        path=WSGI,
        old=r'_PLAIN_HEADERS = re.compile(rb"(?:[!#$%&'
        + "'"
        + r'*+.^_`|~0-9A-Za-z-]+:[\t -~]*\r\n)+")',
        new=r'_PLAIN_HEADERS = re.compile(rb"(?:[!#$%&'
        + "'"
        + r'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*\r\n)+")',
        tests=[SAME],
    ),
    Mutation(
        name="fakeperf23: 100 Continue left in the write buffer",
        path=WSGI,
        old=(
            "            self.wfile.flush()"
            "  # now: the client waits for it before it sends the body\n"
        ),
        new="",
        tests=[f"{FAST}::test_expect_100_continue_on_a_plain_request_is_answered"],
    ),
    Mutation(
        name="fakeperf23: the token form memo answers any body with a form it has seen",
        path="fake_server/_tokens.py",
        old="    pairs = _FORMS.get(raw)\n",
        new="    pairs = next(iter(_FORMS.values()), None)\n",
        tests=[f"{FAST}::test_each_token_form_is_answered_for_what_it_says"],
    ),
]
