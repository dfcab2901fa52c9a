"""``hyoka serve [FOLDER…] [--port N]``: preview while editing.

Builds the HTML of the folders into a temporary folder (``hyoka build --format html`` in a child
process: the same incremental build, only changed documents are set again), serves it on
127.0.0.1, polls the sources (and the city's blocks beside them) for changes and builds again.
Each page served gets a small script that asks ``/__hyoka/state`` for the build's generation and
reloads when it changes, and, when the last build failed, the errors (``file:line:col …``,
HTML-escaped) at the top of the page. Nothing of this is in the built files themselves.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..diagnostics import UsageError, display_path
from ..records import dataclass, field
from ..sources import CITY_BLOCKS, SUFFIXES, assessment_folders

STATE = "/__hyoka/state"
_BODY = re.compile(r"<body[^>]*>", re.I)

_SCRIPT = """<script>/* hyoka serve */(function(){var g=%d;function poll(){fetch("%s").then(function(r){return r.json()}).then(function(s){if(s.generation!==g){location.reload()}else{setTimeout(poll,%d)}}).catch(function(){setTimeout(poll,2000)})}setTimeout(poll,%d)})();</script>"""
_BANNER = (
    '<div role="alert" style="position:sticky;top:0;z-index:9999;background:#fff0f0;color:#700;'
    'border:2px solid #c00;padding:.5em 1em;font:14px/1.5 monospace;white-space:pre-wrap">'
    "<strong>hyoka: 組版できませんでした（下は前回の表示です）</strong>\n%s</div>"
)


@dataclass
class State:
    """What the server shows: the build folder, the generation and the last build's problems."""

    out: Path
    generation: int = 0
    errors: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


def watched(paths: list[Path]) -> dict[Path, tuple[int, int]]:
    """Every source and block file that a build reads, with its modification time and size."""
    roots = set(paths)
    for folder in assessment_folders(paths):
        roots.add(folder)
        roots.add(folder.parent / CITY_BLOCKS)
    found: dict[Path, tuple[int, int]] = {}
    for root in roots:
        files = [root] if root.is_file() else root.rglob("*") if root.is_dir() else []
        for path in files:
            if path.suffix in SUFFIXES and path.is_file():
                stat = path.stat()
                found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def build(paths: list[Path], state: State) -> None:
    """One incremental HTML build; its problems (stderr) are kept for the pages."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "build",
            *map(str, paths),
            "--out",
            str(state.out),
            "--format",
            "html",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    problems = proc.stderr.strip() if proc.returncode else ""
    with state.lock:
        state.errors = problems
        state.generation += 1
    when = time.strftime("%H:%M:%S")
    print(f"[{when}] " + ("組版しました。" if not problems else "エラーがあります:\n" + problems), flush=True)


def _page(state: State, body: str, title: str = "hyoka serve") -> bytes:
    return f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head><body>{body}</body></html>'.encode()


def _inject(text: str, state: State) -> str:
    with state.lock:
        generation, errors = state.generation, state.errors
    top = _BANNER % html.escape(errors) if errors else ""
    script = _SCRIPT % (generation, STATE, 500, 500)
    m = _BODY.search(text)
    at = m.end() if m else 0
    text = text[:at] + top + text[at:]
    end = text.lower().rfind("</body>")
    return text[:end] + script + text[end:] if end >= 0 else text + script


def handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
            pass

        def _send(self, data: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == STATE:
                with state.lock:
                    body = {"generation": state.generation, "errors": state.errors}
                self._send(json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8")
                return
            target = (state.out / path.lstrip("/")).resolve()
            if state.out.resolve() not in (target, *target.parents):
                self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)
                return
            if target.is_dir():
                pages = sorted(target.glob("*.html"))
                if target == state.out.resolve() or not pages:
                    self._send(_inject(self._index(target), state).encode(), "text/html; charset=utf-8")
                    return
                target = pages[0]
            if not target.is_file():
                self._send(
                    _inject(_page(state, "<p>ありません。</p>").decode(), state).encode(),
                    "text/html; charset=utf-8",
                    HTTPStatus.NOT_FOUND,
                )
                return
            if target.suffix == ".html":
                text = _inject(target.read_text(encoding="utf-8"), state)
                self._send(text.encode("utf-8"), "text/html; charset=utf-8")
            else:
                kind = {".css": "text/css", ".js": "text/javascript"}.get(
                    target.suffix, "application/octet-stream"
                )
                self._send(target.read_bytes(), kind)

        def _index(self, folder: Path) -> str:
            rows = []
            for page in sorted(folder.rglob("*.html")):
                rel = page.relative_to(folder).as_posix()
                rows.append(f'<li><a href="{html.escape(rel)}">{html.escape(rel)}</a></li>')
            listing = "".join(rows) or "<li>まだ組版されていません。</li>"
            return _page(state, f"<h1>hyoka serve</h1><ul>{listing}</ul>").decode()

    return Handler


def run(paths: list[Path], port: int, interval: float = 0.5) -> int:
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"{display_path(missing[0])} がありません。")
    if not assessment_folders(paths):
        raise UsageError(
            "評価書のフォルダがありません（0_表紙.yaml のあるフォルダか、それを含むフォルダを指定してください）。"
        )
    # stopped by a service manager or a test: end through ``finally`` so the build folder goes
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    out = Path(tempfile.mkdtemp(prefix="hyoka-serve-"))
    state = State(out)
    try:
        seen = watched(paths)
        build(paths, state)
        host = "127.0.0.1"  # never another interface: the preview is for this machine only
        server = ThreadingHTTPServer((host, port), handler(state))
        bound = server.server_address[1]
        print(
            f"http://{host}:{bound}/ で表示しています（保存すると組み直します。終わるには Ctrl+C）。",
            flush=True,
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        while True:
            time.sleep(interval)
            now = watched(paths)
            if now != seen:
                seen = now
                build(paths, state)
    finally:
        shutil.rmtree(out, ignore_errors=True)
