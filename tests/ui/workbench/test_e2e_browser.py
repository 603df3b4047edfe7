"""End to end in a real browser: the API and `streamlit run` as processes, headless Chromium.

Seeds a small demo network into a temporary store, serves it with `stockpilot serve`, runs the
workbench with `streamlit run`, then as alice asks what needs attention, asks the copilot to fix
an exception whose recommendation is a transfer, switches to bob (approver) and approves it in
the thread, and checks the ERP document id appears. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from stockpilot.settings import PROJECT_ROOT
from tests.support.serve import free_port

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
BIN = Path(sys.executable).parent


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{url} process exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} not healthy after {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Start the real API (seeded demo) and the workbench; yield their URLs."""
    tmp = tmp_path_factory.mktemp("e2e")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("STOCKPILOT_") and k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")
    }
    api_port, ui_port = free_port(), free_port()
    env.update(
        STOCKPILOT_ENVIRONMENT="development",
        STOCKPILOT_DATABASE_URL=f"sqlite:///{tmp / 'store.db'}",
        STOCKPILOT_CHECKPOINT_URL=f"sqlite:///{tmp / 'checkpoints.db'}",
        STOCKPILOT_PLAN_CACHE_DIR=str(tmp / "cache"),
        STOCKPILOT_UI_API_URL=f"http://127.0.0.1:{api_port}",
    )
    seed = subprocess.run(
        [str(BIN / "stockpilot"), "demo", "--stores", "4", "--skus", "30", "--days", "120"],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert seed.returncode == 0, seed.stderr
    procs: list[subprocess.Popen] = []
    logs = {name: tmp / f"{name}.log" for name in ("api", "ui")}
    try:
        with logs["api"].open("w") as log:
            procs.append(
                subprocess.Popen(
                    [str(BIN / "stockpilot"), "serve", "--port", str(api_port)],
                    cwd=tmp,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        with logs["ui"].open("w") as log:
            procs.append(
                subprocess.Popen(
                    [
                        str(BIN / "streamlit"),
                        "run",
                        str(PROJECT_ROOT / "ui" / "workbench" / "app.py"),
                        "--server.headless",
                        "true",
                        "--server.port",
                        str(ui_port),
                        "--server.address",
                        "127.0.0.1",
                        "--server.fileWatcherType",
                        "none",
                        "--browser.gatherUsageStats",
                        "false",
                    ],
                    cwd=tmp,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        api, ui = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{ui_port}"
        wait_http(f"{api}/healthz", procs[0], logs["api"])
        wait_http(f"{ui}/_stcore/health", procs[1], logs["ui"])
        yield {"api": api, "ui": ui}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def transfer_exception(api: str) -> dict:
    """Return an exception whose recommendation is a transfer bob may approve."""
    page = httpx.get(
        f"{api}/v1/exceptions", params={"limit": 500}, headers={"Authorization": "Bearer dev-bob"}
    ).json()
    for e in page["items"]:
        rec = e["recommendation"]
        if rec["kind"] == "transfer" and (rec.get("value") or 0) <= 25_000:
            return e
    pytest.fail("the demo network has no transfer recommendation to approve")


def test_ask_fix_approve_in_the_browser(servers: dict[str, str]) -> None:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian chromium) first")
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "workbench-failure.png").unlink(missing_ok=True)
    target = transfer_exception(servers["api"])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(20_000)
        try:
            page.goto(servers["ui"])
            expect(page.get_by_role("heading", name="Chat")).to_be_visible()
            expect(page.get_by_text("Start a conversation")).to_be_visible()

            # alice asks a question and sees the answer (today's exceptions).
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill("what needs attention today?")
            box.press("Enter")
            expect(page.get_by_text("ranked by money at risk").first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "workbench-1-answer.png"), full_page=True)

            # alice asks the copilot to fix an exception: a transfer waits for approval.
            box.fill(f"fix {target['id']}")
            box.press("Enter")
            card = page.get_by_text("Awaiting approval").first
            expect(card).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "workbench-2-pending.png"), full_page=True)

            # Its chart: the projection with and without the proposed transfer.
            page.get_by_role("button", name="Chart this action").click()
            expect(page.get_by_role("heading", name="SKU drill-down")).to_be_visible()
            expect(page.locator("canvas, svg.marks").first).to_be_visible()
            expect(page.get_by_text("Unmet demand over the horizon")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "workbench-3-chart.png"), full_page=True)
            page.get_by_role("link", name="Chat").click()
            expect(page.get_by_text("Awaiting approval").first).to_be_visible()

            # bob (approver) signs in with the picker and approves the card in the thread.
            page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
            page.get_by_role("option", name="bob").click()
            picker = page.get_by_role("combobox", name="Signed in as (development)")
            expect(picker).to_have_value("bob (approver)")
            page.get_by_role("button", name="Approve", exact=True).click()
            document = page.get_by_text("ERP document").first
            expect(document).to_be_visible()
            text = document.inner_text()
            assert "TR-" in text, text
            page.screenshot(path=str(ARTIFACTS / "workbench-4-committed.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "workbench-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    # The API agrees: the proposal is committed with that document.
    docs = httpx.get(
        f"{servers['api']}/v1/proposals",
        params={"status": "committed"},
        headers={"Authorization": "Bearer dev-bob"},
    ).json()
    committed = [p["document_id"] for p in docs["items"]]
    assert any(d and d in text for d in committed), (committed, text)
