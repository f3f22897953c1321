"""Replays the workload through each channel's native entry point, concurrently, with a progress bar.

web form and mobile: `POST /applications` over HTTP with the channel's API key (and an
Idempotency-Key, so a retried request is answered once); chatbot and phone: Lambda invocations
as Lex V2 and Amazon Connect make them; mail: CSV files uploaded under the mail-room prefix.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from riskline_schema import Channel

from ..emulator.procs import wait_until
from ..emulator.sigv4 import Signer, sign
from ..emulator.stack import REGION, LocalStack, sse_arguments
from . import payloads
from .workload import Submission

MAIL_FILE_ROWS = 100
REST_RETRIES = 3
AUDITORS = 12


@dataclass
class Sent:
    submission: Submission
    accepted: bool = False
    application_id: str | None = None
    status: str | None = None
    tier: str | None = None
    latency_ms: float | None = None
    error: str | None = None


@dataclass
class Progress:
    total: int
    done: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, n: int = 1, failed: int = 0) -> None:
        with self.lock:
            self.done += n
            self.failed += failed


class ProgressBar:
    """A live bar on a terminal; a line per 10 % otherwise (logs, CI)."""

    def __init__(self, progress: Progress, label: str = "sending") -> None:
        self.progress = progress
        self.label = label
        self._stop = threading.Event()
        self._tty = sys.stderr.isatty()
        self._last_decile = -1
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ProgressBar:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._draw(final=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._draw()

    def _draw(self, final: bool = False) -> None:
        p = self.progress
        share = p.done / p.total if p.total else 1.0
        elapsed = time.monotonic() - p.started
        rate = p.done / elapsed if elapsed > 0 else 0.0
        width = 30
        bar = "#" * int(share * width) + "-" * (width - int(share * width))
        text = f"{self.label} [{bar}] {p.done}/{p.total} {share:4.0%}  {rate:5.1f} app/s  failed={p.failed}"
        if self._tty:
            sys.stderr.write("\r" + text + ("\n" if final else ""))
            sys.stderr.flush()
        elif final or int(share * 10) > self._last_decile:
            self._last_decile = int(share * 10)
            print(text, file=sys.stderr, flush=True)


class Driver:
    def __init__(self, stack: LocalStack, *, concurrency: int, on_progress: Callable[[float], None] | None = None):
        self.stack = stack
        self.concurrency = concurrency
        self.outputs = stack.outputs
        assert self.outputs is not None
        self.keys = self.outputs.api_keys
        self.functions = self.outputs.function_names
        self.http = httpx.Client(timeout=httpx.Timeout(60.0), limits=httpx.Limits(max_connections=concurrency * 2))
        self.lam = stack.client("lambda", read_timeout=60, retries={"max_attempts": 1, "mode": "standard"})
        self.s3 = stack.client("s3")
        self.on_progress = on_progress
        self.mail_files: list[tuple[str, list[Sent]]] = []
        self._mail_files_started = 0
        self._sse = sse_arguments(self.s3, self.outputs["lake_bucket_name"])
        self._auditors: list[Signer] = []

    # -- one submission per channel --------------------------------------------------------------

    def _rest(self, sent: Sent) -> None:
        app = sent.submission.application
        body = payloads.webform_body(app) if app.channel is Channel.WEBFORM else payloads.mobile_body(app)
        headers = {"x-api-key": self.keys[app.channel.value], "Idempotency-Key": uuid.uuid4().hex}
        for attempt in range(REST_RETRIES):
            try:
                answer = self.http.post(f"{self.stack.api_base_url}/applications", json=body, headers=headers)
            except httpx.HTTPError as exc:
                sent.error = f"{type(exc).__name__}"
                continue
            if answer.status_code in (201, 202):
                doc = answer.json()
                sent.accepted, sent.application_id = True, doc["application_id"]
                sent.status, sent.tier = doc.get("status"), doc.get("tier")
                sent.error = None
                return
            sent.error = f"HTTP {answer.status_code}: {answer.text[:200]}"
            if answer.status_code < 500 or attempt == REST_RETRIES - 1:
                return
            time.sleep(0.2 * (attempt + 1))

    def _invoke(self, role: str, event: dict[str, Any]) -> dict[str, Any]:
        answer = self.lam.invoke(FunctionName=self.functions[role], Payload=json.dumps(event).encode())
        payload = json.loads(answer["Payload"].read() or b"null")
        if answer.get("FunctionError"):
            raise RuntimeError(f"{role} failed: {str(payload)[:200]}")
        return payload

    def _lex(self, sent: Sent) -> None:
        answer = self._invoke("ingestion_lex", payloads.lex_event(sent.submission.application))
        state = answer["sessionState"]
        attributes = state.get("sessionAttributes") or {}
        if state["intent"]["state"] != "Fulfilled":
            sent.error = "; ".join(m["content"] for m in answer.get("messages", []))[:200]
            return
        sent.accepted, sent.application_id, sent.status = True, attributes["application_id"], attributes.get("status")

    def _connect(self, sent: Sent) -> None:
        answer = self._invoke("ingestion_connect", payloads.connect_event(sent.submission.application))
        if answer.get("status") not in ("SCORED", "PENDING_SCORE"):
            sent.error = f"{answer.get('status')}: {answer.get('message')}"
            return
        sent.accepted, sent.application_id = True, answer["application_id"]
        sent.status, sent.tier = answer["status"], answer.get("tier")

    def _mail(self, batch: list[Sent], file_number: int) -> None:
        bucket, prefix = self.outputs["lake_bucket_name"], self.outputs["mailroom_prefix"]
        key = f"{prefix.rstrip('/')}/demo-{file_number:04d}.csv"
        body = payloads.mail_csv([s.submission.application for s in batch]).encode()
        self.s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/csv", **self._sse)
        for sent in batch:
            sent.accepted = True  # handed to the mail room; its ids come from the mail-room report
        self.mail_files.append((key, batch))

    def _one(self, sent: Sent, progress: Progress) -> None:
        started = time.perf_counter()
        try:
            channel = sent.submission.channel
            if channel in (Channel.WEBFORM, Channel.MOBILE):
                self._rest(sent)
            elif channel is Channel.CHATBOT:
                self._lex(sent)
            elif channel is Channel.PHONE:
                self._connect(sent)
        except Exception as exc:
            sent.error = f"{type(exc).__name__}: {str(exc)[:200]}"
        sent.latency_ms = (time.perf_counter() - started) * 1000
        progress.add(1, failed=0 if sent.accepted else 1)

    # -- the whole replay ------------------------------------------------------------------------

    def send(self, workload: list[Submission], *, show_progress: bool = True) -> list[Sent]:
        sents = [Sent(s) for s in workload]
        progress = Progress(total=len(sents))
        mail_batch: list[Sent] = []
        file_number = self._mail_files_started  # a later wave's files never reuse an earlier one's name

        def watch() -> None:
            last = -1.0
            while progress.done < progress.total:
                share = progress.done / progress.total
                if self.on_progress and share != last:
                    self.on_progress(share)
                    last = share
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        bar = ProgressBar(progress) if show_progress else None
        if bar:
            bar.__enter__()
        try:
            with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
                for sent in sents:
                    if sent.submission.channel is Channel.MAIL:
                        mail_batch.append(sent)
                        if len(mail_batch) == MAIL_FILE_ROWS:
                            file_number += 1
                            pool.submit(self._mail_task, mail_batch, file_number, progress)
                            mail_batch = []
                        continue
                    pool.submit(self._one, sent, progress)
                if mail_batch:
                    file_number += 1
                    pool.submit(self._mail_task, mail_batch, file_number, progress)
                self._mail_files_started = file_number
        finally:
            if bar:
                bar.__exit__(None, None, None)
        watcher.join(timeout=1)
        if self.on_progress:
            self.on_progress(1.0)
        return sents

    def _mail_task(self, batch: list[Sent], file_number: int, progress: Progress) -> None:
        started = time.perf_counter()
        try:
            self._mail(batch, file_number)
        except Exception as exc:
            for sent in batch:
                sent.error = f"{type(exc).__name__}: {str(exc)[:200]}"
        for sent in batch:
            sent.latency_ms = (time.perf_counter() - started) * 1000
        progress.add(len(batch), failed=sum(1 for s in batch if not s.accepted))

    def collect_mail_ids(self, timeout: float) -> None:
        """Read the mail-room reports (ids in row order) once every uploaded file has been processed."""
        bucket = self.outputs["lake_bucket_name"]
        for key, batch in self.mail_files:
            report_key = f"mailroom/reports/{key.rsplit('/', 1)[-1]}.json"

            def report(report_key: str = report_key) -> dict[str, Any] | None:
                try:
                    return json.loads(self.s3.get_object(Bucket=bucket, Key=report_key)["Body"].read())
                except self.s3.exceptions.NoSuchKey:
                    return None

            doc = wait_until(report, timeout=timeout, interval=0.5, what=f"the mail-room report of {key}")
            ids = doc.get("accepted_ids") or []
            if doc.get("rejected") or len(ids) != len(batch):
                for sent in batch:
                    sent.error = f"mail-room report: {doc.get('accepted')} accepted, {doc.get('rejected')} rejected"
                continue
            for sent, application_id in zip(batch, ids, strict=True):
                sent.application_id = application_id
                sent.status = "PENDING_SCORE"

    # -- auditors --------------------------------------------------------------------------------

    def auditors(self, count: int = AUDITORS) -> list[Signer]:
        """IAM users in moto with their own access keys, trusted by the API front to sign audits."""
        if not self._auditors:
            iam = self.stack.client("iam")
            assert self.stack.api is not None
            for n in range(count):
                name = f"auditor-{n:02d}"
                try:
                    user = iam.create_user(UserName=name)["User"]
                except iam.exceptions.EntityAlreadyExistsException:
                    user = iam.get_user(UserName=name)["User"]
                key = iam.create_access_key(UserName=name)["AccessKey"]
                signer = Signer(key["AccessKeyId"], key["SecretAccessKey"], user["Arn"], user["UserId"])
                self.stack.api.credentials.add(signer)
                self._auditors.append(signer)
        return self._auditors

    def post_audits(self, sents: list[Sent], *, share: float = 0.2) -> int:
        """The auditors' final decisions for a deterministic sample (every 1/share-th application),
        each signed (SigV4) by one of the auditors: the audit route is AWS_IAM, as in AWS."""
        step = max(1, round(1 / share))
        sample = [s for s in sents if s.application_id and s.submission.index % step == 0]
        auditors = self.auditors()

        def audit(sent: Sent) -> bool:
            body = json.dumps({"outcome": sent.submission.label.value}).encode()
            url = f"{self.stack.api_base_url}/applications/{sent.application_id}/audit"
            signer = auditors[sent.submission.index % len(auditors)]
            for _ in range(REST_RETRIES):
                headers = sign("PUT", url, body, {"Content-Type": "application/json"}, signer, REGION)
                try:
                    answer = self.http.put(url, content=body, headers=headers)
                except httpx.HTTPError:
                    continue
                if answer.status_code == 200:
                    return True
                if answer.status_code < 500:
                    return False
            return False

        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            posted = sum(pool.map(audit, sample))
        return posted

    def close(self) -> None:
        self.http.close()
