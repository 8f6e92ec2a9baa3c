"""The web map on a server beyond loopback (issue 20): without a token it shows the plan but no one's name,
and opened once as #token=… it answers as on loopback, sending the token with each question and dropping it
from the address. 127.0.0.2 reaches this machine but is not the loopback name the server trusts."""
import pytest

from conftest import start_server
from test_map import EXACT_ADDRESS, browser, open_page, settled  # noqa: F401 (browser is a fixture)

READER = "reader-token-0123456789"


@pytest.fixture(scope="module")
def shared_site(gridplan, gridplan_binary, rostered, tmp_path_factory):
    folder = tmp_path_factory.mktemp("map-token")
    db = folder / "plan.gpkg"
    db.write_bytes(rostered[0].read_bytes())
    gridplan("gazetteer", "import", "--defaults", "--db", db)
    (folder / "writers.txt").write_text("writer-token-0123456789 hotline\n")
    (folder / "readers.txt").write_text(f"{READER} desk\n")
    url, process = start_server(gridplan_binary, db, "--host", "127.0.0.2", "--token-file", folder / "writers.txt",
                                "--read-tokens", folder / "readers.txt")
    yield url, db
    process.kill()
    process.wait(10)


def test_without_a_token_the_answer_is_refused(browser, shared_site):  # noqa: F811
    page = open_page(browser, shared_site, f"#address={EXACT_ADDRESS}")
    assert settled(page) == "error"
    assert "token" in page.inner_text("#answer")
    assert page.locator("#chain").count() == 0


def test_a_token_given_once_answers_and_leaves_the_address(browser, shared_site):  # noqa: F811
    page = open_page(browser, shared_site, f"#token={READER}&address={EXACT_ADDRESS}")
    assert settled(page) == "done"
    assert page.locator("#chain tr[data-level='unit']").count() == 1
    assert "token" not in page.evaluate("location.hash")
    assert page.problems == []
