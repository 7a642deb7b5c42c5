# Copyright: mcpfleet.mcp contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sentry web API test double: the calls a token check and @sentry/mcp-server 0.39.0 make.

    python3 sentry_api.py --listen 0.0.0.0:8000 --tokens tokens.json
    SENTRY_DOUBLE_TOKENS='{...}' python3 sentry_api.py --listen 0.0.0.0:8000

Needs _http_double.py next to it. Tokens file: a JSON map token -> {
    "user": {"id", "name", "email", "username"?},
    "scopes": ["org:read", ...],
    "organizations": [{"id", "slug", "name"}],
    "projects": {"<org slug>": [{"id", "slug", "name", "platform"}]},
    "revoked": true?}
The file is re-read when it changes and on SIGHUP, so a test rotates a token by rewriting it.

Routes (all under http://HOST/api/0, Authorization: Bearer <token>, as Sentry answers them):
  GET /api/0/                              200 {"version": "0", "auth": {"scopes"} | null, "user": {...} | null}
                                           (null auth and user for a missing, unknown or revoked token)
  GET /api/0/auth/                         200 detailed user | 401
  GET /api/0/organizations/                200 [organization] | 401 | 403 without org:read
  GET /api/0/organizations/<org>/projects/ 200 [project] | 401 | 403 without project:read | 404
Lists honour per_page (1..100, default 100), cursor and query, and send Sentry's Link header.
Any other /api/0 path is a 404 like Sentry's catch-all route.
"""

import re
from urllib.parse import urlencode

from _http_double import DoubleHandler, main

TOKENS_ENV = "SENTRY_DOUBLE_TOKENS"
# Fixed so that responses are reproducible; Sentry sends ISO 8601 UTC timestamps.
DATE = "2024-01-01T00:00:00.000000Z"
MAX_PER_PAGE = 100

# Sentry's (Django REST framework's) error bodies.
INVALID_TOKEN = {"detail": "Invalid token"}
NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided."}
NO_PERMISSION = {"detail": "You do not have permission to perform this action."}
NOT_FOUND = {"detail": "The requested resource does not exist"}

PROJECTS_RE = re.compile(r"^/api/0/organizations/([^/]+)/projects/$")


def validate_tokens(data):
    """Fail at start (or keep the previous file on reload) when the tokens file is malformed."""
    if not isinstance(data, dict):
        raise ValueError("tokens: expected a JSON object token -> entry")
    for entry in data.values():
        user = entry.get("user") if isinstance(entry, dict) else None
        if not isinstance(user, dict) or not {"id", "name", "email"} <= set(user):
            raise ValueError("tokens: every entry needs user.id, user.name and user.email")
        if not isinstance(entry.get("scopes", []), list):
            raise ValueError("tokens: scopes must be a list")
    return data


def user_body(user, detailed):
    """Sentry's UserSerializer shape; /auth/ uses DetailedSelfUserSerializer (more keys)."""
    email = user["email"]
    body = {
        "id": str(user["id"]),
        "name": user["name"],
        "username": user.get("username", email),
        "email": email,
        "avatarUrl": None,
        "isActive": True,
        "hasPasswordAuth": True,
        "isManaged": False,
        "dateJoined": DATE,
        "lastLogin": DATE,
        "has2fa": False,
        "lastActive": DATE,
        "isSuperuser": False,
        "isStaff": False,
        "experiments": {},
        "emails": [{"id": str(user["id"]), "email": email, "is_verified": True}],
        "avatar": {"avatarType": "letter_avatar", "avatarUuid": None, "avatarUrl": None},
    }
    if detailed:
        body.update({
            "options": {"theme": "system", "language": "en", "stacktraceOrder": -1, "timezone": "UTC", "clock24Hours": False},
            "flags": {"newsletter_consent_prompt": False},
            "identities": [],
            "permissions": [],
            "authenticators": [],
            "canReset2fa": True,
        })
    return body


def organization_body(org, base_url):
    """OrganizationSerializer as self-hosted Sentry sends it (no region: regionUrl is empty)."""
    return {
        "id": str(org["id"]),
        "slug": org["slug"],
        "name": org["name"],
        "status": {"id": "active", "name": "active"},
        "dateCreated": DATE,
        "isEarlyAdopter": False,
        "require2FA": False,
        "avatar": {"avatarType": "letter_avatar", "avatarUuid": None, "avatarUrl": None},
        "links": {"organizationUrl": "%s/organizations/%s/" % (base_url, org["slug"]), "regionUrl": ""},
        "hasAuthProvider": False,
        "allowMemberInvite": True,
        "allowMemberProjectCreation": True,
        "allowSuperuserAccess": False,
        "features": [],
    }


def project_body(project):
    """OrganizationProjectsEndpoint's ProjectSummarySerializer, the keys clients read."""
    return {
        "id": str(project["id"]),
        "slug": project["slug"],
        "name": project["name"],
        "platform": project.get("platform"),
        "dateCreated": DATE,
        "isBookmarked": False,
        "isMember": True,
        "features": [],
        "firstEvent": None,
        "firstTransactionEvent": False,
        "access": ["project:read"],
        "hasAccess": True,
        "hasProfiles": False,
        "hasReplays": False,
        "hasSessions": False,
        "hasLogs": False,
        "status": "active",
        "environments": [],
        "team": None,
        "teams": [],
    }


class SentryHandler(DoubleHandler):
    """Routes of the Sentry API double."""

    def _token_entry(self):
        """(entry, problem): problem is None, "none" (no credentials) or "invalid"."""
        scheme, token = self.headers.get("Authorization", "").partition(" ")[::2]
        if scheme.lower() != "bearer" or not token.strip():
            return None, "none"
        entry = self.server.source.get().get(token.strip())
        if entry is None:
            self.identity = "invalid"
            return None, "invalid"
        if entry.get("revoked"):
            self.identity = "revoked"
            return None, "invalid"
        self.identity = "user:%s" % entry["user"].get("username", entry["user"]["email"])
        return entry, None

    def route(self, method, path, query):
        if not path.startswith("/api/0/"):
            return 404, None, {}
        if not path.endswith("/"):
            # Sentry's catch-all route answers this hint for a missing trailing slash.
            return 404, "Route not found, did you forget a trailing slash?\n\ntry: %s/\n" % path, {}
        if method not in ("GET", "HEAD"):
            known = path in ("/api/0/", "/api/0/auth/", "/api/0/organizations/") or PROJECTS_RE.match(path)
            return (405, {"detail": 'Method "%s" not allowed.' % method}, {}) if known else (404, None, {})
        entry, problem = self._token_entry()
        if path == "/api/0/":
            # Never 401: a token check has to look at "auth" (null for a bad token).
            return 200, {
                "version": "0",
                "auth": {"scopes": list(entry.get("scopes", []))} if entry else None,
                "user": user_body(entry["user"], detailed=False) if entry else None,
            }, {}
        match = PROJECTS_RE.match(path)
        if path not in ("/api/0/auth/", "/api/0/organizations/") and not match:
            return 404, None, {}
        if problem:
            return 401, INVALID_TOKEN if problem == "invalid" else NOT_AUTHENTICATED, {}
        if path == "/api/0/auth/":
            return 200, user_body(entry["user"], detailed=True), {}
        base_url = "http://%s" % self.headers.get("Host", "%s:%d" % self.server.server_address[:2])
        if match is None:
            if "org:read" not in entry.get("scopes", []):
                return 403, NO_PERMISSION, {}
            items = [organization_body(org, base_url) for org in entry.get("organizations", [])]
        else:
            slug = match.group(1)
            if slug not in [org["slug"] for org in entry.get("organizations", [])]:
                return 404, NOT_FOUND, {}
            if "project:read" not in entry.get("scopes", []):
                return 403, NO_PERMISSION, {}
            items = [project_body(project) for project in entry.get("projects", {}).get(slug, [])]
        return self._page(base_url + path, query, items)

    @staticmethod
    def _page(url, query, items):
        """Sentry's offset pagination: per_page, cursor "<per_page>:<page>:<is_prev>", Link."""
        text = query.get("query", [""])[0].strip().lower()
        if text:
            items = [item for item in items if text in item["slug"].lower() or text in item["name"].lower()]
        try:
            per_page = int(query.get("per_page", [MAX_PER_PAGE])[0])
        except ValueError:
            return 400, {"detail": "Invalid per_page parameter."}, {}
        if per_page > MAX_PER_PAGE:
            return 400, {"detail": "Invalid per_page value. Cannot exceed %d." % MAX_PER_PAGE}, {}
        if per_page < 1:
            return 400, {"detail": "Invalid per_page parameter."}, {}
        try:
            page = int(query.get("cursor", ["0:0:0"])[0].split(":")[1])
        except (IndexError, ValueError):
            return 400, {"detail": "Invalid cursor parameter."}, {}
        start = page * per_page
        rows = items[start:start + per_page]

        def link(rel, target, results):
            cursor = "%d:%d:%d" % (per_page, max(target, 0), int(rel == "previous"))
            params = dict((key, values[0]) for key, values in query.items() if key != "cursor")
            params["cursor"] = cursor
            return '<%s?%s>; rel="%s"; results="%s"; cursor="%s"' % (url, urlencode(params), rel, str(results).lower(), cursor)

        header = ", ".join([link("previous", page - 1, page > 0), link("next", page + 1, start + per_page < len(items))])
        return 200, rows, {"Link": header}


if __name__ == "__main__":
    main(SentryHandler, "Sentry web API test double", "--tokens", TOKENS_ENV, validate_tokens)
