"""The limits `styrhjul serve --workers N` puts around Styrhjul under
gunicorn (web/wsgi_limits.py): what waitress does itself in one process."""

import io

from styrhjul.web import wsgi_limits


def echo(environ, start_response):
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [
        f"{len(body)} {environ.get('CONTENT_LENGTH')} {environ['REMOTE_ADDR']} "
        f"{environ.get('HTTP_X_FORWARDED_PROTO', '-')} {environ['wsgi.url_scheme']}".encode()
    ]


def call(app, body=b"", **environ):
    answer = {}

    def start_response(status, headers):
        answer["status"] = int(status.split()[0])

    base = {
        "REQUEST_METHOD": "POST",
        "REMOTE_ADDR": "10.0.0.5",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "SERVER_NAME": "styrhjul.example.se",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "styrhjul.example.se",
    }
    content = b"".join(app({**base, **environ}, start_response))
    return answer["status"], content.decode()


def test_a_body_over_the_limit_is_refused_before_it_is_read():
    app = wsgi_limits.limit_request_body(echo, max_bytes=100)
    unread = io.BytesIO(b"x" * 1000)
    status, text = call(app, CONTENT_LENGTH="1000", **{"wsgi.input": unread})
    assert (status, text) == (413, "Anropet är för stort.\n")
    assert unread.tell() == 0
    assert call(app, b"x" * 100, CONTENT_LENGTH="100") == (200, "100 100 10.0.0.5 - http")


def test_a_chunked_body_is_counted_as_it_comes_and_refused_past_the_limit():
    app = wsgi_limits.limit_request_body(echo, max_bytes=100_000)
    chunked = {"HTTP_TRANSFER_ENCODING": "chunked"}
    assert call(app, b"x" * 100_001, **chunked)[0] == 413
    # Within the limit the application reads it with a length, as any body.
    assert call(app, b"x" * 100_000, **chunked) == (200, "100000 100000 10.0.0.5 - http")


def test_forwarded_headers_count_only_from_the_trusted_proxy():
    headers = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}
    app = wsgi_limits.proxy_headers(echo, "10.0.0.10", headers)
    forwarded = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "192.0.2.7"}
    # Through the proxy: the client's address and scheme.
    assert call(app, REMOTE_ADDR="10.0.0.10", **forwarded) == (
        200,
        "0 None 192.0.2.7 https https",
    )
    # From anyone else the headers are removed: nobody claims https.
    assert call(app, REMOTE_ADDR="10.0.0.5", **forwarded) == (200, "0 None 10.0.0.5 - http")
    # No trusted proxy at all: removed for everyone.
    untrusting = wsgi_limits.proxy_headers(echo, None, headers)
    assert call(untrusting, REMOTE_ADDR="10.0.0.10", **forwarded)[1] == "0 None 10.0.0.10 - http"
