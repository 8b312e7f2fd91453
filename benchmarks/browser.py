"""A kgraph page opened offline in headless Chromium (Debian's, driven by Playwright): the
one launcher the browser tests and the render benchmark share."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
]


def open_page(
    sync_playwright: Callable[[], Any],
    path: Path,
    body: Callable[[Any], dict],
    *,
    own_csp: bool = False,
    passes: tuple[str, ...] = ("file://",),
    wait_for_map: bool = True,
    timeout_ms: int = 60_000,
) -> dict:
    """Open `path` offline, run body(page), return what was seen: every request to a URL not
    starting with one of `passes` is aborted and recorded, with dialogs and page errors.
    own_csp=False bypasses the page's Content-Security-Policy (a map must be safe without).
    `wait_for_map`: wait until the map has drawn its first frame (window.kgraphMap.drawnAt).
    """
    seen: dict = {"requests": [], "dialogs": [], "errors": []}
    profile = tempfile.mkdtemp(prefix="kgraph-chromium-")
    quiet = (*passes, "data:")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                args=FLAGS,
                headless=True,
                bypass_csp=not own_csp,
            )
            try:

                def block(route) -> None:
                    url = route.request.url
                    if url.startswith(passes):
                        route.continue_()
                    else:
                        seen["requests"].append(url)
                        route.abort()

                context.route("**/*", block)
                page = context.new_page()
                page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
                page.on("pageerror", lambda e: seen["errors"].append(str(e)))
                page.on(
                    "request",
                    lambda r: None if r.url.startswith(quiet) else seen["requests"].append(r.url),
                )
                page.goto(path.resolve().as_uri())
                if wait_for_map:
                    page.wait_for_function(
                        "window.kgraphMap && window.kgraphMap.drawnAt !== null",
                        timeout=timeout_ms,
                    )
                seen.update(body(page))
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return seen
