"""The certificates' endpoints (issue 20): issuing (``/v1``, the terminal's token) and the public check.

``POST /v1/certificates`` issues a certificate from the registry, ``PUT /v1/certificates/{code}/document``
registers the SHA-256 of the PDF the terminal drew. ``GET /verify/{code}`` and ``POST /verify/{code}`` (the PDF
as the body) are outside ``/v1``: a bank or an employer checks a certificate without any token. They answer
JSON (``Accept: application/json`` or ``?format=json``) or a small page without scripts, always 200 for a
request that could be read: the answer's ``result`` says whether the certificate is genuine.

No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.
"""

import base64
import hashlib
import html
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from central.auth import terminal_dependency
from central.certificates import issue_certificate, register_document, verify_certificate
from central.jsonbody import WireJSONRoute
from central.store import CentralStore
from protocol.certificates import CertificateDocumentIn, CertificateIn, CertificateOut, VerifyOut
from protocol.models import ErrorBody

log = logging.getLogger(__name__)

#: the verification page's whole style (its hash is the page's CSP, as central.apidocs does)
_STYLE = ("body{font-family:'Noto Sans CJK SC',sans-serif;max-width:40em;margin:2em auto;padding:0 1em;"
          "color:#222}.ok{color:#14613a}.bad{color:#a31515}li{margin:.3em 0}code{font-size:1.1em}")
_PAGE_CSP = ("default-src 'none'; style-src 'sha256-"
             + base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode("ascii")
             + "'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")

_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody, "description": "missing or invalid bearer token"},
    413: {"model": ErrorBody, "description": "body_too_large"},
    422: {"model": ErrorBody, "description": "invalid body"},
}


def certificate_router(store: CentralStore, public_url: str | None = None) -> APIRouter:
    """The ``/v1/certificates`` endpoints (token) and the public ``/verify`` ones. ``public_url``: the address the
    public reaches the server at, for the verification links (None: the address the terminal's request came to,
    which behind a proxy or on an office network is not one a bank can reach)."""
    router = APIRouter()
    v1 = APIRouter(prefix="/v1", route_class=WireJSONRoute)
    Terminal = Annotated[str, Depends(terminal_dependency(store))]

    @v1.post("/certificates", status_code=status.HTTP_201_CREATED, responses={
        **_ERRORS,
        200: {"model": CertificateOut, "description": "duplicate of an earlier identical POST (the same id)"},
        404: {"model": ErrorBody, "description": "not_registered: nobody with this ID number in the registry"},
        409: {"model": ErrorBody, "description": "idempotency_conflict: the id was used with another body; "
                                                 "card_not_valid: presence card_read, and the person's card is "
                                                 "reported lost or was replaced"}})
    def issue(body: CertificateIn, terminal_id: Terminal, request: Request, response: Response) -> CertificateOut:
        """Issue a 参保证明 (``insurance``) or 缴费证明 (``payment``) about the person with ``id_number``: the facts as
        the registry holds them now, a fresh verification code and the address that verifies it."""
        base = (public_url or str(request.base_url)).rstrip("/")
        answer, created = issue_certificate(store, terminal_id=terminal_id, body=body, verify_base=f"{base}/verify/")
        if not created:
            response.status_code = status.HTTP_200_OK
        log.info("certificate %s… (%s) issued to terminal %s", answer.code[:4], answer.kind, terminal_id)
        return answer

    @v1.put("/certificates/{code}/document", responses={
        **_ERRORS,
        404: {"model": ErrorBody, "description": "no certificate with this code issued to this terminal"},
        409: {"model": ErrorBody, "description": "document_conflict: another document was registered"}})
    def document(code: str, body: CertificateDocumentIn, terminal_id: Terminal) -> CertificateOut:
        """Register the SHA-256 of the PDF drawn for the certificate (once; the same hash again is answered
        alike). Until then the certificate does not verify."""
        return register_document(store, terminal_id=terminal_id, code=code[:40], sha256=body.sha256,
                                 size=body.size)

    @router.get("/verify/{code}", response_model=VerifyOut, responses={
        200: {"description": "the check's result (JSON with Accept: application/json or ?format=json; "
                             "else a page)"}})
    def verify(code: str, request: Request,
               format: Annotated[str | None, Query(pattern="^(json|html)$")] = None) -> Response:
        """Check a certificate's code (public, no token)."""
        return _answer(verify_certificate(store, code[:64]), request, format)

    @router.post("/verify/{code}", response_model=VerifyOut, responses={
        200: {"description": "the check's result; the body (the certificate's PDF) was hashed and compared"},
        413: {"model": ErrorBody, "description": "body_too_large: the file is over the route's limit"}})
    async def verify_file(code: str, request: Request,
                          format: Annotated[str | None, Query(pattern="^(json|html)$")] = None) -> Response:
        """Check a certificate's code and its PDF (the request's body, ``application/pdf``), public."""
        document = await request.body()
        answer = await run_in_threadpool(verify_certificate, store, code[:64], document)
        return _answer(answer, request, format)

    router.include_router(v1)
    return router


def _answer(answer: VerifyOut, request: Request, format: str | None) -> Response:
    wants_json = format == "json" or (format is None and "application/json" in request.headers.get("accept", ""))
    if wants_json:
        return JSONResponse(answer.model_dump())
    return HTMLResponse(_page(answer), headers={"Content-Security-Policy": _PAGE_CSP})


def _page(answer: VerifyOut) -> str:
    """A small page a phone shows after scanning the QR code: the result first, then the masked facts."""
    tone = "ok" if answer.valid else "bad"
    facts = ""
    if answer.kind is not None:
        rows = [f"证明类型：{answer.kind}", f"出具时间：{answer.issued_at}",
                f"姓名：{answer.name_masked}", f"公民身份号码：{answer.id_number_masked}", *answer.lines]
        facts = "<ul>" + "".join(f"<li>{html.escape(row)}</li>" for row in rows) + "</ul>"
    return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<title>社会保险证明验证</title><style>{_STYLE}</style></head><body>"
            f"<h1>社会保险证明验证</h1><p>验证码：<code>{html.escape(answer.code)}</code></p>"
            f"<p class=\"{tone}\"><strong>{html.escape(answer.message)}</strong></p>{facts}"
            "<p>如对证明有疑问，请联系出具证明的社会保险经办机构（咨询电话 12333）。</p></body></html>")
