"""Mutations of the notebook login form (``expertfile_nb/widget.py``)."""

from mutations import Mutation

WIDGET = "expertfile_nb/widget.py"
TESTS = "tests/notebook_ui/test_widget.py"

MUTATIONS = [
    Mutation(
        name="widget: continuous_update=True on the secret (sent to the kernel on every key)",
        path=WIDGET,
        old="continuous_update=False,  # the secret reaches the kernel only on submit",
        new="continuous_update=True,",
        tests=[f"{TESTS}::test_the_secret_field_sends_its_value_only_on_submit"],
    ),
    Mutation(
        name="widget: 'Remember on this machine' ignored",
        path=WIDGET,
        old="_login.login_from_form(client_id, secret, base_url, self.remember.value)",
        new="_login.login_from_form(client_id, secret, base_url, False)",
        tests=[f"{TESTS}::test_remember_on_this_machine_is_what_is_done"],
    ),
    Mutation(
        name="widget: the form's module loaded by import expertfile_nb (via login)",
        path="expertfile_nb/_notebook.py",
        old="from expertfile_nb.errors import NotLoggedInError\n",
        new="from expertfile_nb.errors import NotLoggedInError\nfrom expertfile_nb import widget\n",
        tests=[
            "tests/test_package.py::test_import_leaves_the_data_layer_and_the_form_until_first_use"
        ],
    ),
]
