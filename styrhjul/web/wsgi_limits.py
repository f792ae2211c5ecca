"""What waitress does itself and gunicorn leaves to the application, as WSGI
middleware around Styrhjul under `styrhjul serve --workers N`:

* refuse a request body larger than --max-request-mb with 413 before reading
  it (a chunked body, which has no length up front, is read into a spooled
  file up to the limit and refused past it), so nobody can make the server
  store a gigabyte before the application says no;
* take X-Forwarded-For, -Proto and -Host only from the trusted proxy and
  remove them from every other request (waitress's own middleware, so both
  servers behave the same).
"""

from __future__ import annotations

import tempfile

from waitress.proxy_headers import proxy_headers_middleware

TOO_LARGE = b"Anropet \xc3\xa4r f\xc3\xb6r stort.\n"  # "Anropet är för stort."
SPOOL_IN_MEMORY = 1024 * 1024


def _refuse(start_response):
    start_response(
        "413 Request Entity Too Large",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(TOO_LARGE)))],
    )
    return [TOO_LARGE]


def limit_request_body(app, max_bytes: int):
    def limited(environ, start_response):
        length = environ.get("CONTENT_LENGTH") or ""
        if length.strip():
            try:
                too_large = int(length) > max_bytes
            except ValueError:
                too_large = False  # the server has refused a bad length already
            if too_large:
                return _refuse(start_response)
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
            stream, total = environ["wsgi.input"], 0
            while chunk := stream.read(64 * 1024):
                total += len(chunk)
                if total > max_bytes:
                    body.close()
                    return _refuse(start_response)
                body.write(chunk)
            body.seek(0)
            environ["wsgi.input"] = body
            environ["CONTENT_LENGTH"] = str(total)
        return app(environ, start_response)

    return limited


def proxy_headers(app, trusted_proxy: str | None, headers: set[str]):
    return proxy_headers_middleware(
        app,
        trusted_proxy=trusted_proxy,
        trusted_proxy_headers=headers if trusted_proxy else None,
        clear_untrusted=True,
    )
