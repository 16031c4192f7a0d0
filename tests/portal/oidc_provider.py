"""A small but real OpenID Provider for the tests, standing in for ID-porten.

Built from authlib's server side (the authorization code grant, OpenID Connect's id_token, PKCE) and served over
HTTP on 127.0.0.1 by wsgiref in a thread: discovery, authorize, token, userinfo and JWKS, with an RS256 key made at
start. Like ID-porten's automated-test mode it signs in one configured person without asking (`provider.pid`), so a
test drives the whole flow over real HTTP. It insists on PKCE (S256) and a nonce, as ID-porten does.
"""

import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Error, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core import grants as oidc_grants
from joserfc.jwk import RSAKey

CLIENT_ID = "familielos-test"
# A value for this local test provider only: not a secret of any real client.
CLIENT_SECRET = "test-only-client-secret"
REDIRECT_URI = "http://testserver/min-familie/oidc/callback/"
TEST_PID = "12345678901"


@dataclass
class Person:
    """Who the provider says signed in: ID-porten's pairwise `sub` and the national identity number `pid`."""

    sub: str
    pid: str


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uri: str

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in ("openid", "profile"))

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str
    person: Person
    code_challenge: str
    code_challenge_method: str
    auth_time: int

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return "idporten-loa-substantial"

    def get_amr(self):
        return ["TestID"]


class WsgiRequest(OAuth2Request):
    """An OAuth 2 request read from a WSGI environ (authlib ships Flask and Django ones only)."""

    def __init__(self, environ, uri: str):
        super().__init__(environ["REQUEST_METHOD"], uri, headers=_headers(environ))
        self._args = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self._form = dict(parse_qsl(environ["wsgi.input"].read(length).decode())) if length else {}
        self.payload = BasicOAuth2Payload({**self._args, **self._form})

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code, request):
        data = request.payload.data
        self.server.codes[code] = AuthorizationCode(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            nonce=data.get("nonce"),
            person=request.user,
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            auth_time=int(time.time()),
        )

    def query_authorization_code(self, code, client):
        item = self.server.codes.get(code)
        return item if item is not None and item.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code):
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.person


class OpenIDCode(oidc_grants.OpenIDCode):
    def __init__(self, provider):
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce, request):
        return any(code.nonce == nonce for code in self.provider.codes.values())

    def resolve_client_private_key(self, client):
        return self.provider.key

    def get_client_claims(self, client):
        claims = {"iss": self.provider.issuer, "aud": [client.client_id]}
        if self.provider.issue_expired:
            now = int(time.time())
            claims.update(iat=now - 3600, exp=now - 600)
        return claims

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": self.provider.key.kid}

    def generate_user_info(self, user, scope):
        return self.provider.user_info(user)


class Provider(AuthorizationServer):
    """The OpenID Provider, with its clients, codes and tokens in memory."""

    def __init__(self, issuer: str):
        super().__init__(scopes_supported=["openid", "profile"])
        self.issuer = issuer
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"})
        self.client = Client(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
        self.pid = TEST_PID
        # On demand, id_tokens that expired ten minutes ago (a slow callback, or a clock far off).
        self.issue_expired = False
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens: dict[str, Person] = {}
        self.register_token_generator("default", BearerTokenGenerator(lambda **kwargs: secrets.token_urlsafe(32)))
        self.register_grant(CodeGrant, [CodeChallenge(required=True), OpenIDCode(self)])

    # --- authlib's framework hooks ---

    def query_client(self, client_id):
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token, request):
        self.tokens[token["access_token"]] = request.user

    def create_oauth2_request(self, request):
        return request if isinstance(request, OAuth2Request) else WsgiRequest(request, self.uri_of(request))

    def handle_response(self, status, body, headers):
        return status, body, headers

    def send_signal(self, name, *args, **kwargs):
        """No one listens."""

    # --- what it serves ---

    def user_info(self, person: Person) -> UserInfo:
        return UserInfo(sub=person.sub, pid=person.pid, locale="nb")

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile"],
        }

    def uri_of(self, environ) -> str:
        query = environ.get("QUERY_STRING", "")
        return f"{self.issuer}{environ.get('PATH_INFO', '')}" + (f"?{query}" if query else "")

    def __call__(self, environ, start_response):
        """The WSGI application."""
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        if path == "/.well-known/openid-configuration" and method == "GET":
            status, body, headers = 200, self.metadata(), []
        elif path == "/jwks" and method == "GET":
            status, body, headers = 200, {"keys": [self.key.as_dict(private=False)]}, []
        elif path == "/authorize" and method == "GET":
            status, body, headers = self.authorize(environ)
        elif path == "/token" and method == "POST":
            status, body, headers = self.create_token_response(environ)
        elif path == "/userinfo" and method == "GET":
            status, body, headers = self.userinfo(environ)
        else:
            status, body, headers = 404, {"error": "not_found"}, []
        if isinstance(body, dict):
            body = json.dumps(body)
            headers = [*headers, ("Content-Type", "application/json")]
        start_response(f"{status} {'OK' if status < 400 else 'Error'}", [(k, str(v)) for k, v in headers])
        return [body.encode()]

    def authorize(self, environ):
        """Sign in the configured person without asking, but only for a request with PKCE (S256)."""
        request = self.create_oauth2_request(environ)
        if request.payload.data.get("code_challenge_method") != "S256":
            return 400, {"error": "invalid_request", "error_description": "PKCE (S256) is required."}, []
        person = Person(sub=f"pairwise-{self.pid}", pid=self.pid)
        try:
            grant = self.get_consent_grant(request, end_user=person)
        except OAuth2Error as error:
            return self.handle_error_response(request, error)
        return self.create_authorization_response(request, grant_user=person, grant=grant)

    def userinfo(self, environ):
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        person = self.tokens.get(token) if scheme.lower() == "bearer" else None
        if person is None:
            return 401, {"error": "invalid_token"}, [("WWW-Authenticate", 'Bearer error="invalid_token"')]
        return 200, dict(self.user_info(person)), []


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        """No access log in the test output."""


def _headers(environ) -> dict:
    headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    return headers


class RunningProvider:
    """The provider served on a free port of 127.0.0.1 until `stop()`."""

    def __init__(self):
        self.server: WSGIServer = make_server(
            "127.0.0.1", 0, lambda e, s: self.provider(e, s), handler_class=_QuietHandler
        )
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.provider = Provider(self.issuer)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
