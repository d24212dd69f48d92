"""CoCreate settings: one file, driven by the environment (see README, "Configuration")."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue
from redis.backoff import NoBackoff
from redis.retry import Retry

from cocreate.accounts import social_settings
from cocreate.core.object_storage import S3Settings, s3_storages
from cocreate.core.redis_urls import redis_url_with_database_offset

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()

DEFAULT_SECRET_KEY = "django-insecure-cocreate-development-key-never-use-in-production"

DEBUG = env.bool("DEBUG", default=False)
# With DEBUG off, the site and its jobs refuse to start on this key (cocreate/production.py).
SECRET_KEY = env.str("SECRET_KEY", default="") or DEFAULT_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Ours first so our templates (registration/ …) win over contrib's; in the floors' order
    # (docs/design.md), the ground floor first: seed_demo and generate_scale follow it.
    "cocreate.core",
    "cocreate.outbox",
    "cocreate.accounts",
    "cocreate.notifications",
    "cocreate.webhooks",
    "products",
    "community",
    "partners",
    "designers",
    "service_desk",
    # Catalog, partner profiles in several languages (docs/i18n.md); before the admin, whose
    # pages it extends.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "django_htmx",
    # Accounts (docs/accounts.md): sign-up, login, passwords and e-mail addresses; two-factor
    # authentication, the list of one's sessions and single sign-on are built on these.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    # Sign-in through other sites (docs/accounts.md, "Company sign-in and social accounts"):
    # offered once the environment (cocreate/accounts/social_settings.py) or the admin adds an app.
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.weixin",
    "allauth.usersessions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cocreate.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # "Where you're signed in": each session's address, browser and last request, as allauth's
    # UserSessionsMiddleware records them, but at most once a minute per session.
    "cocreate.accounts.middleware.SessionActivityMiddleware",
    "cocreate.accounts.middleware.UserPreferencesMiddleware",
    # After the user is known and the language chosen: the roles of ACCOUNTS_MFA_REQUIRED_ROLES
    # reach only the two-factor enrolment pages until they enrol.
    "cocreate.accounts.middleware.MfaEnrolmentMiddleware",
    # Before anything reads the body (the CSRF check): a body over MAX_REQUEST_BYTES is a 413.
    "cocreate.core.middleware.RequestSizeLimitMiddleware",
    "cocreate.core.middleware.RejectNulCharactersMiddleware",
    "cocreate.core.middleware.RejectLongUrlsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user is known: whoever sends a change gets fresh pages for a few seconds.
    "cocreate.core.pagecache.WriterMiddleware",
    # Reads of the views marked lag-tolerant go to a read replica, unless this client has just
    # written (a signed cookie it sets): cocreate/core/db_routing.py.
    "cocreate.core.db_routing.ReplicaReadsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cocreate.urls"
WSGI_APPLICATION = "cocreate.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The site shell (base.html, the header, error pages, shared partials); each app's own
        # templates are in <app>/templates/<app>/.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "cocreate.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------
# DATABASE_URL / REDIS_URL: set by the operator, or by scripts/devenv.py (make run / make test),
# which starts an embedded PostgreSQL and Redis under .data/ for whichever is unset. A process
# started without them and outside devenv.py gets the defaults below: servers on 127.0.0.1.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cocreate")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (docs/scale-out.md), QuerySet.iterator()'s named cursors
# would not outlive their transaction: true reads such querysets in chunks of plain queries.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DB_DISABLE_SERVER_SIDE_CURSORS", default=False
)
# Read replicas (docs/design.md, "Read replicas"): each URL of DATABASE_REPLICA_URLS becomes the
# alias replica_1, replica_2, …; cocreate.core.db_routing sends the reads that tolerate a little
# lag there and everything else to "default". In tests a replica is a mirror of the test database.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _replica = env.db_url_config(_url.strip())
    # A replica that does not answer costs a request this long at most, then the primary serves.
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    _replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"]
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{_number}"] = _replica
DATABASE_ROUTERS = ["cocreate.core.db_routing.ReplicaRouter"]
# After a person sends a change, their reads go to the primary for this long (a signed cookie).
DATABASE_READ_YOUR_WRITES_SECONDS = env.int("DATABASE_READ_YOUR_WRITES_SECONDS", default=5)
# A replica further behind the primary than this is skipped until it catches up.
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL's database holds the Celery broker and results; the cache lives in the next database
# of the same server (db 0 -> db 1), or wherever CACHE_URL says, so clearing the cache never
# drops queued tasks.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHE_URL = env.str("CACHE_URL", default="") or redis_url_with_database_offset(REDIS_URL, 1)
# Redis down or hung, the cache answers misses and skips writes rather than failing requests
# (cocreate/core/cache.py): redis-py gives up after CACHE_SOCKET_TIMEOUT_SECONDS, never retries,
# and a Redis that failed is asked again only CACHE_RECHECK_SECONDS later.
CACHE_SOCKET_TIMEOUT_SECONDS = env.float("CACHE_SOCKET_TIMEOUT_SECONDS", default=0.5)
CACHES = {
    "default": {
        "BACKEND": "cocreate.core.cache.ResilientRedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "cocreate",
        "TIMEOUT": 300,
        "RECHECK_SECONDS": env.float("CACHE_RECHECK_SECONDS", default=5),
        "OPTIONS": {
            "socket_connect_timeout": CACHE_SOCKET_TIMEOUT_SECONDS,
            "socket_timeout": CACHE_SOCKET_TIMEOUT_SECONDS,
            "retry": Retry(NoBackoff(), retries=0),
        },
    }
}
# Anonymous visitors' feeds and post pages are served from the cache for this long (seconds;
# 0 turns it off): cocreate/core/pagecache.py.
ANONYMOUS_PAGE_CACHE_SECONDS = env.int("ANONYMOUS_PAGE_CACHE_SECONDS", default=5)
# Signed-in readers of a community's feed (and its searches) and of a post page share one copy
# per language, time zone and roles for this long, their own header, vote boxes, follow and flag
# buttons filled in; whoever has just changed something gets fresh pages meanwhile (seconds; 0
# turns it off): cocreate/core/pagecache.py.
READER_PAGE_CACHE_SECONDS = env.int("READER_PAGE_CACHE_SECONDS", default=5)
# Parts of pages rendered once for every reader they look the same to, and kept this long
# (seconds; 0 turns it off): post cards and comments (community/cards.py), the desk queue's rows,
# filter bar and bulk choices (service_desk/queue_parts.py), the desk ticket page's messages and
# history (service_desk/shared_parts.py), empty forms (cocreate/core/form_html.py). The key holds
# all one shows, so it is never stale: cocreate/core/shared_html.py.
SHARED_HTML_CACHE_SECONDS = env.int("SHARED_HTML_CACHE_SECONDS", default=600)

# Sessions live in the database and are read from the cache (cocreate/accounts/sessions.py):
# Redis down is a miss, so signed-in people stay signed in (docs/running_without_redis.md), and a
# sign-out while it was down queues the eviction of the cached copy.
SESSION_ENGINE = "cocreate.accounts.sessions"

# --- Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
# Where people land after signing in is chosen per person by the account adapter
# (cocreate.core.menu.landing_url); this is only the fallback of code outside allauth.
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# django-allauth (docs/accounts.md, "Sign-in and e-mail verification").
ACCOUNT_ADAPTER = "cocreate.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "cocreate.accounts.forms.SignUpForm"
ACCOUNT_FORMS = {"login": "cocreate.accounts.login_form.LoginForm"}
ACCOUNT_UNIQUE_EMAIL = True
# Signing in, and reading, works at once; posting, voting, commenting and e-mail notifications
# wait for a verified address (cocreate.accounts.selectors.has_verified_email).
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
# One address per account: a change is verified at the new address, and the old one is told.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
# Our subjects name CoCreate themselves (cocreate/accounts/templates/account/email/).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Failed logins: per client address and per account name ("key"), counted in the cache.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("ACCOUNT_LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
}
# Changing the password keeps this session and ends the others (Django's session hash, which the
# new password changes): allauth's ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE would end this one too.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Two-factor sign-in (docs/accounts.md, "Two-factor sign-in"): an authenticator app (TOTP) with
# recovery codes, and passkeys or security keys (WebAuthn), as a second factor after the password.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "CoCreate"
# Our wording for refused codes: replayed, expired, a recovery code used before.
MFA_FORMS = {
    "authenticate": "cocreate.accounts.mfa_forms.MfaAuthenticateForm",
    "reauthenticate": "cocreate.accounts.mfa_forms.MfaReauthenticateForm",
}
# Roles that must enrol before they reach anything else: "staff" (is_staff) and the groups of
# cocreate/accounts/roles.py. `make run` names none, so the demo accounts sign in with a password.
ACCOUNTS_MFA_REQUIRED_ROLES = [
    role.strip() for role in env.list("ACCOUNTS_MFA_REQUIRED_ROLES", default=["staff"])
]
# Sign-in through other sites: a company's identity provider (OpenID Connect, its groups mapped
# to our roles at every sign-in), Google, GitHub and WeChat (cocreate/accounts/social_settings.py).
SOCIALACCOUNT_ADAPTER = "cocreate.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = social_settings.providers(env)
# The buttons post to the provider's login URL; a GET only shows a page that asks to continue.
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_QUERY_EMAIL = True
# An address the provider verified signs in to the account that has it, and links the two; an
# unverified one never does (cocreate.accounts.adapter.SocialAccountAdapter.pre_social_login).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="cocreate-demo")
# A deleted account's tickets keep their content this many days after their last change (the
# warranty and support record), then the `accounts-anonymise-tickets` job anonymises them.
ACCOUNTS_TICKET_RETENTION_DAYS = env.int("ACCOUNTS_TICKET_RETENTION_DAYS", default=365)

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
# Each app keeps its own catalogue in <app>/locale/ (found through INSTALLED_APPS); the site
# shell's templates/ keeps its own in templates/locale/.
LOCALE_PATHS = [BASE_DIR / "templates" / "locale"]
# Content written in several languages (each app's translation.py, docs/i18n.md): one column per
# language, English the one every row has. What the reader's language lacks is read in English,
# and what English lacks (a profile written in Chinese only) in the other language.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "zh-hans")
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# The medium date and time formats of each language (docs/conventions.md, "Dates and times").
FORMAT_MODULE_PATH = ["cocreate.formats"]
DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="EUR")

# --- Static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # htmx comes from npm (package.json), never from a CDN nor committed to the repository.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# Public uploads only (images, logos), served at MEDIA_URL by cocreate.core.views.public_media or a
# reverse proxy (README, "Uploaded files"); private files never go here (SERVICE_DESK_*_ROOT).
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=DATA_DIR / "media")
# Ticket attachments are private: stored outside MEDIA_ROOT (`manage.py check` refuses an overlap),
# served only by the service desk's permission-checked view. /media/ refuses this directory too.
SERVICE_DESK_ATTACHMENT_ROOT = env.path(
    "SERVICE_DESK_ATTACHMENT_ROOT", default=DATA_DIR / "private" / "ticket-attachments"
)
# Data exports ("Download my data") are private too: each person's ZIP, sent only to them.
ACCOUNTS_DATA_EXPORT_ROOT = env.path(
    "ACCOUNTS_DATA_EXPORT_ROOT", default=DATA_DIR / "private" / "data-exports"
)
# Collaboration projects' shared files are private to the project (partners/models/projects.py).
PARTNERS_PROJECT_FILE_ROOT = env.path(
    "PARTNERS_PROJECT_FILE_ROOT", default=DATA_DIR / "private" / "project-files"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # TicketAttachment.file's storage (service_desk/models/conversation.py).
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": SERVICE_DESK_ATTACHMENT_ROOT},
    },
    # DataExport.file's storage (cocreate/accounts/models.py).
    "data_exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": ACCOUNTS_DATA_EXPORT_ROOT},
    },
    # ProjectFile.file's storage (partners/models/projects.py).
    "project_files": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PARTNERS_PROJECT_FILE_ROOT},
    },
}
# S3-compatible object storage, so that every web node and worker reads the same files (README,
# "Uploaded files"): with both buckets set, public uploads go to the public one and the private
# storages above to the private one (cocreate/core/object_storage.py); unset, the folders above.
STORAGE_S3 = S3Settings(
    endpoint_url=env.str("STORAGE_S3_ENDPOINT_URL", default=""),
    public_bucket=env.str("STORAGE_S3_PUBLIC_BUCKET", default=""),
    private_bucket=env.str("STORAGE_S3_PRIVATE_BUCKET", default=""),
    access_key=env.str("STORAGE_S3_ACCESS_KEY", default=""),
    secret_key=env.str("STORAGE_S3_SECRET_KEY", default=""),
    region=env.str("STORAGE_S3_REGION", default=""),
    public_acl=env.str("STORAGE_S3_PUBLIC_ACL", default="public-read"),
)
if STORAGE_S3.configured:
    STORAGES.update(s3_storages(STORAGE_S3))
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
# Uploaded images (post images, partner logos) above this many pixels are refused from their
# header, before a pixel is decoded (cocreate/core/images.py).
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=16_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
# Longer addresses (path and query string) are a 414 (cocreate/core/middleware.py); under
# gunicorn's limit_request_line (4094 by default), which answers longer ones itself, in HTML.
MAX_URL_LENGTH = env.int("MAX_URL_LENGTH", default=4000)

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# An SMTP server that stops answering must not hold a worker past the e-mail claim's lease
# (cocreate/notifications/services.py: email_claim_lease), or the sweep would send again.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CoCreate <noreply@cocreate.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
# Forms post to the site itself, and the sign-in buttons on to the configured providers (for an
# app added in the admin, its authorization URL's origin goes into CSP_FORM_ACTION).
CSP_FORM_ACTION = [
    "'self'",
    *social_settings.form_action_sources(SOCIALACCOUNT_PROVIDERS),
    *env.list("CSP_FORM_ACTION", default=[]),
]
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    f"form-action {' '.join(CSP_FORM_ACTION)}; frame-ancestors 'none'"
)

# --- REST API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then gets 401 with WWW-Authenticate, not 403.
        "cocreate.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "cocreate.core.api.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "cocreate.core.api.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cocreate.core.api.exception_handler",
    # DRF's throttles, failing open while the cache is down: cocreate/core/throttling.py.
    # DRF's JSON, form and multipart parsers; the JSON one bounds nesting (a 400, not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "cocreate.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "cocreate.core.throttling.AnonRateThrottle",
        "cocreate.core.throttling.UserRateThrottle",
    ],
    # How many reverse proxies in front of the app append to X-Forwarded-For. 0: the client is
    # REMOTE_ADDR and the header is ignored (a client could write anything in it); n: the n-th
    # address from the right. Throttles and allauth's rate limits identify clients this way.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/minute"),
        "user": env.str("THROTTLE_USER", default="600/minute"),
        "token": env.str("THROTTLE_TOKEN", default="10/minute"),
        "partner_applications": env.str("THROTTLE_PARTNER_APPLICATIONS", default="10/hour"),
        "service_desk_ticket_create": env.str("THROTTLE_TICKET_CREATE", default="20/hour"),
        # Communities: each action has a rate and a stricter one for accounts younger than
        # COMMUNITY_NEW_ACCOUNT_DAYS (community/ratelimits.py); pages and the API share them.
        "community_post": env.str("THROTTLE_COMMUNITY_POST", default="20/hour"),
        "community_post_new_account": env.str("THROTTLE_COMMUNITY_POST_NEW", default="3/hour"),
        "community_comment": env.str("THROTTLE_COMMUNITY_COMMENT", default="60/hour"),
        "community_comment_new_account": env.str(
            "THROTTLE_COMMUNITY_COMMENT_NEW", default="10/hour"
        ),
        "community_vote": env.str("THROTTLE_COMMUNITY_VOTE", default="300/hour"),
        "community_vote_new_account": env.str("THROTTLE_COMMUNITY_VOTE_NEW", default="60/hour"),
        "community_flag": env.str("THROTTLE_COMMUNITY_FLAG", default="30/hour"),
        "community_flag_new_account": env.str("THROTTLE_COMMUNITY_FLAG_NEW", default="5/hour"),
        # The comment box's @ list asks as the name is typed (static/js/mentions.js waits for a
        # pause in the typing and for two characters).
        "community_mention_search": env.str(
            "THROTTLE_COMMUNITY_MENTION_SEARCH", default="60/minute"
        ),
        # Writes carrying images (a post edited with new images, a partner logo), per user,
        # pages and API alike (cocreate/core/images.py): decoding them is the costly part.
        "image_uploads": env.str("THROTTLE_IMAGE_UPLOADS", default="20/hour"),
        # Updates and files posted in collaboration projects, per user, pages and API alike
        # (partners/services/project_work.py).
        "partners_project_work": env.str("THROTTLE_PARTNER_PROJECT_WORK", default="60/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# allauth's rate limits identify clients as the API's throttles do.
ALLAUTH_TRUSTED_PROXY_COUNT = REST_FRAMEWORK["NUM_PROXIES"]
SPECTACULAR_SETTINGS = {
    "TITLE": "CoCreate API",
    "DESCRIPTION": "Catalog, communities, service desk and partner directory of CoCreate.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cocreate.core.schema.add_error_responses",
        "cocreate.core.schema.describe_query_strings",
    ],
    "ENUM_NAME_OVERRIDES": {
        "WebhookEventEnum": "cocreate.webhooks.models.Event",
        "TicketStatusEnum": "service_desk.models.Ticket.Status",
        "TicketCategoryEnum": "service_desk.models.Category",
        "PartnerKindEnum": "partners.models.PartnerKind",
        "ProjectKindEnum": "partners.models.CollaborationProject.Kind",
        "ProjectStatusEnum": "partners.models.CollaborationProject.Status",
        "MilestoneStatusEnum": "partners.models.Milestone.Status",
        "PostKindEnum": "community.models.Post.Kind",
        "PostMemberKindEnum": "community.api.serializers.MEMBER_KIND_CHOICES",
        "PostStatusEnum": "community.models.Post.Status",
        "FlagReasonEnum": "community.models.Flag.Reason",
        "ReviewReasonEnum": "designers.models.ReviewItem.Reason",
        "NotificationDeliveryEnum": "cocreate.notifications.kinds.Delivery",
    },
}

# --- Webhooks ----------------------------------------------------------------------------------
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
# Development only: lets webhooks reach http:// and private addresses (a receiver on localhost).
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=DEBUG)

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task is killed after CELERY_TASK_TIME_LIMIT seconds (warned at four fifths of it). An e-mail
# claimed by a worker killed mid-send waits this long plus a minute before the sweep sends it
# (notifications' email_claim_lease); bench/rehearsal.py shortens it so that happens within its run.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT * 4 // 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Short socket timeouts: publishing to a broker that is down, unreachable or hung gives up within a
# second, and the request's work waits in the outbox instead (cocreate/outbox/services.py). The
# worker reads its idle BRPOP (1 s) only once Redis answers, so socket_timeout may equal it.
#
# visibility_timeout: seconds after which a task delivered to a worker that never acknowledged it
# (acks_late: the worker died mid-task) is delivered again. It must exceed the longest task and
# the longest countdown or ETA (else they run twice); bench/rehearsal.py sets it short, so that a
# killed worker's tasks come back within its run.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 0.5,
    "socket_timeout": 1,
}
# Queues that scale apart (docs/background_jobs.md): a worker started with `-Q email` takes the
# e-mails only, so a backlog of surfacing or of default work never holds them up. Each queue has an
# exchange and a routing key of its own name (one shared key would copy a task into every queue).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in ("default", "email", "webhooks", "surfacing")
]
# Every task is placed here by name, "default" too, so that a new task must be placed on purpose
# (tests/core/test_celery_queues.py); routes apply to beat, `delay` and the outbox's `send_task`.
_QUEUED_TASKS = {
    "surfacing": [
        "designers.tasks.surface_popular",
        "designers.tasks.weekly_digest",
    ],
    # What talks to the SMTP server, and little else.
    "email": [
        "cocreate.notifications.tasks.send_notification_emails",
        "cocreate.notifications.tasks.send_unsent_notification_emails",
        "cocreate.notifications.tasks.send_digests",
        "partners.tasks.send_invitation_email",
    ],
    "webhooks": [
        "cocreate.webhooks.tasks.deliver_webhook",
        "cocreate.webhooks.tasks.requeue_overdue_deliveries",
    ],
    "default": [
        # Builds a file for minutes before it mails its link: it would hold an e-mail worker.
        "cocreate.accounts.tasks.build_data_export",
        "cocreate.accounts.tasks.purge_data_exports",
        "cocreate.accounts.tasks.forget_cached_keys",
        "cocreate.core.tasks.clear_expired_sessions",
        "cocreate.core.tasks.refresh_search_vocabulary",
        "cocreate.notifications.tasks.purge_read_notifications",
        "cocreate.outbox.tasks.publish_outbox",
        # These two write notifications; their e-mails then go to "email".
        "community.tasks.notify_generation_shipped",
        "community.tasks.notify_product_followers",
        "partners.tasks.remind_due_milestones",
        "service_desk.tasks.sla_check",
        "service_desk.tasks.fetch_mail",
        "service_desk.tasks.anonymise_former_members_tickets",
        "service_desk.tasks.bulk_action_run",
        "service_desk.tasks.refresh_metrics",
    ],
}
CELERY_TASK_ROUTES = {
    task: {"queue": queue} for queue, tasks in _QUEUED_TASKS.items() for task in tasks
}
CELERY_TIMEZONE = TIME_ZONE  # crontabs (the Monday digest) and week_of() agree on the day
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULER = "cocreate.celery:PersistentScheduler"
# Only the beat holding a Redis lock sends jobs: a second beat waits, and takes over within this
# many seconds of the first one's death (at once when it stops). It renews the lock 3 times as often.
BEAT_LOCK_SECONDS = env.float("BEAT_LOCK_SECONDS", default=60)
# Every periodic job; `python manage.py run_job <name>` runs one of them once, synchronously.
CELERY_BEAT_SCHEDULE = {
    # What the commit could not publish (the broker was down): cocreate/outbox.
    "outbox-publish": {
        "task": "cocreate.outbox.tasks.publish_outbox",
        "schedule": 30,
    },
    # The words of the searchable texts, which correct typos in searches (docs/search.md).
    "search-refresh-vocabulary": {
        "task": "cocreate.core.tasks.refresh_search_vocabulary",
        "schedule": 15 * 60,
    },
    "clear-expired-sessions": {
        "task": "cocreate.core.tasks.clear_expired_sessions",
        "schedule": 24 * 3600,
    },
    # Notification e-mails due and unsent: a lost task, a dead worker, a row that was locked.
    "notifications-send-unsent-emails": {
        "task": "cocreate.notifications.tasks.send_unsent_notification_emails",
        "schedule": 60,
    },
    # Daily and weekly digest e-mails, each at NOTIFICATION_DIGEST_HOUR in its reader's time zone:
    # every 15 minutes, for the zones a quarter or half an hour off (docs/notifications.md).
    "notifications-send-digests": {
        "task": "cocreate.notifications.tasks.send_digests",
        "schedule": crontab(minute="*/15"),
    },
    "purge-read-notifications": {
        "task": "cocreate.notifications.tasks.purge_read_notifications",
        "schedule": 24 * 3600,
    },
    # Every active support mailbox with an IMAP server: its new mail becomes tickets and replies.
    "service-desk-fetch-mail": {
        "task": "service_desk.tasks.fetch_mail",
        "schedule": 60,
    },
    "service-desk-sla-check": {
        "task": "service_desk.tasks.sla_check",
        "schedule": 5 * 60,
    },
    # The desk metrics' daily figures of the days whose tickets changed (docs/service_desk.md).
    "service-desk-refresh-metrics": {
        "task": "service_desk.tasks.refresh_metrics",
        "schedule": 60,
    },
    # Collaboration projects' milestones due within a day: their partners' members are told once.
    "partners-remind-due-milestones": {
        "task": "partners.tasks.remind_due_milestones",
        "schedule": 3600,
    },
    "designers-surface-popular": {
        "task": "designers.tasks.surface_popular",
        "schedule": 10 * 60,
    },
    # Mondays 07:00 in CELERY_TIMEZONE (= TIME_ZONE): a crontab, unlike an interval, does not
    # restart its countdown when beat restarts. The digest itself sends once per ISO week.
    "designers-weekly-digest": {
        "task": "designers.tasks.weekly_digest",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    # Data exports: files of used or expired links removed, exports stuck for an hour failed.
    "accounts-purge-data-exports": {
        "task": "cocreate.accounts.tasks.purge_data_exports",
        "schedule": 3600,
    },
    # Tickets of deleted accounts past ACCOUNTS_TICKET_RETENTION_DAYS: their content anonymised.
    "accounts-anonymise-tickets": {
        "task": "service_desk.tasks.anonymise_former_members_tickets",
        "schedule": crontab(minute=30, hour=3),
    },
    # Webhook deliveries whose next attempt was never queued (a lost enqueue, a dead worker).
    "webhooks-requeue-overdue": {
        "task": "cocreate.webhooks.tasks.requeue_overdue_deliveries",
        "schedule": 5 * 60,
    },
}
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=180)
# The reader's local hour from which their daily digest (and on Mondays the weekly one) is sent.
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=7)

# --- Service desk ------------------------------------------------------------------------------
# SERVICE_DESK_ATTACHMENT_ROOT: with the uploaded files above, as STORAGES["attachments"].
SERVICE_DESK_REOPEN_DAYS = env.int("SERVICE_DESK_REOPEN_DAYS", default=14)
# A ticket is "at risk" once less than this share of an SLA target's time is left.
SERVICE_DESK_SLA_WARN_FRACTION = env.float("SERVICE_DESK_SLA_WARN_FRACTION", default=0.25)
# The e-mail channel (docs/email.md). A larger message is kept in "Failed mail", not processed.
SERVICE_DESK_MAIL_MAX_BYTES = env.int("SERVICE_DESK_MAIL_MAX_BYTES", default=25 * 1024 * 1024)
# New tickets one sender may open by e-mail per hour; more go to "Failed mail" (a flood, a loop).
SERVICE_DESK_MAIL_TICKETS_PER_HOUR = env.int("SERVICE_DESK_MAIL_TICKETS_PER_HOUR", default=10)
# Mailboxes may use IMAP without TLS only when this is on (tests against a loopback server).
SERVICE_DESK_MAIL_ALLOW_PLAIN = env.bool("SERVICE_DESK_MAIL_ALLOW_PLAIN", default=False)

# --- Communities -------------------------------------------------------------------------------
# Open flags that hide a post until a moderator reviews it.
COMMUNITY_FLAG_THRESHOLD = env.int("COMMUNITY_FLAG_THRESHOLD", default=3)
# Accounts younger than this get the stricter *_new_account community rate limits.
COMMUNITY_NEW_ACCOUNT_DAYS = env.int("COMMUNITY_NEW_ACCOUNT_DAYS", default=7)
COMMUNITY_MAX_IMAGES_PER_POST = env.int("COMMUNITY_MAX_IMAGES_PER_POST", default=4)
COMMUNITY_IMAGE_MAX_BYTES = env.int("COMMUNITY_IMAGE_MAX_BYTES", default=MAX_UPLOAD_BYTES)

# --- Request size ------------------------------------------------------------------------------
# The largest request body taken at all, refused on its declared length before any of it is read
# (cocreate.core.middleware.RequestSizeLimitMiddleware; client_max_body_size in deploy/nginx.conf
# is the same, change both together). Default: the most files one form takes,
# a ticket message's 5 attachments (cocreate.core.uploads.MAX_FILES_PER_MESSAGE) or a post's
# images, plus DATA_UPLOAD_MAX_MEMORY_SIZE for the other fields and 1 MiB for the multipart
# framing: 36 MiB.
MAX_REQUEST_BYTES = env.int(
    "MAX_REQUEST_BYTES",
    default=max(5 * MAX_UPLOAD_BYTES, COMMUNITY_MAX_IMAGES_PER_POST * COMMUNITY_IMAGE_MAX_BYTES)
    + DATA_UPLOAD_MAX_MEMORY_SIZE
    + 1024 * 1024,
)

# --- Logging -----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
