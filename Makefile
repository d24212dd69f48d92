# CoCreate — `make run` serves the demo site, `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEVENV := $(PY) scripts/devenv.py

.PHONY: run test lint format install install-dev assets static messages makemessages browser nginx haproxy rehearsal-servers rehearsal dovecot clean

# Folders that own a message catalogue in <folder>/locale/: each app, and templates/ (the site
# shell: base template, header, error pages, shared partials).
LOCALE_APPS := templates cocreate/core cocreate/accounts cocreate/notifications cocreate/outbox \
	cocreate/webhooks products community partners designers service_desk

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[embedded]"
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[embedded,dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

install-dev: $(VENV)/.installed-dev node_modules/.installed

# Compiled message catalogues are built here, never committed (GNU gettext's msgfmt compiles them).
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
		else echo "Install GNU gettext (msgfmt): sudo apt-get install gettext"; exit 1; fi; }
	@if find . -path ./.venv -prune -o -path ./node_modules -prune -o -name '*.po' -print | grep -q .; then \
		DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0; fi

# Refresh every app's zh_Hans catalogue from its code and templates (then translate the new entries).
makemessages: $(VENV)/.installed
	@for app in $(LOCALE_APPS); do \
		mkdir -p $$app/locale && \
		(cd $$app && DEBUG=true $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l zh_Hans \
			--no-obsolete --add-location file -v 0) || exit 1; \
	done

static: install messages
	DEBUG=true $(PY) manage.py collectstatic --noinput -v 0

# Debian's Chromium for the browser tests (Playwright drives it; no browser download), and a
# Chinese font so zh-Hans pages and screenshots show text rather than boxes.
browser:
	@{ command -v chromium >/dev/null && [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; } || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
		else echo "Install Chromium and a Chinese font: sudo apt-get install chromium fonts-wqy-microhei"; exit 1; fi; }

# Debian's nginx for the tests of deploy/nginx.conf (tests/deploy starts it on a loopback port).
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && { apt-get install -y -qq nginx-light || apt-get install -y -qq nginx; } >/dev/null; \
		else echo "Install nginx: sudo apt-get install nginx-light"; exit 1; fi; }

# Debian's HAProxy, the load balancer of deploy/haproxy.cfg: tests/deploy checks that file and
# runs bench/rehearsal.py --short, which starts HAProxy in front of two web nodes.
haproxy:
	@command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq haproxy >/dev/null; \
		else echo "Install HAProxy: sudo apt-get install haproxy"; exit 1; fi; }

# Debian's PostgreSQL server binaries and redis-server for bench/rehearsal.py (tests/deploy runs
# its short form), which starts a primary, a streaming replica and a Redis of its own on loopback
# ports. The packages would start the system's servers too: a policy-rc.d forbids that while
# apt-get runs, unless the machine has its own.
rehearsal-servers:
	@{ ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 && command -v redis-server >/dev/null; } || { \
		if [ "$$(id -u)" = 0 ]; then \
			[ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d \
				&& chmod +x /usr/sbin/policy-rc.d && trap 'rm -f /usr/sbin/policy-rc.d' EXIT; }; \
			apt-get update -qq && apt-get install -y -qq postgresql postgresql-contrib redis-server >/dev/null; \
		else echo "Install PostgreSQL's server and Redis: sudo apt-get install postgresql redis-server"; exit 1; fi; }

# Debian's Dovecot for the tests of the e-mail channel's IMAP client (tests/mailserver.py starts
# its own on loopback ports). Installing the package would start the system's server too: while
# apt-get runs, a policy-rc.d forbids that (101: action forbidden), unless the machine has its own.
dovecot:
	@command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || { \
		if [ "$$(id -u)" = 0 ]; then \
			[ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d \
				&& chmod +x /usr/sbin/policy-rc.d && trap 'rm -f /usr/sbin/policy-rc.d' EXIT; }; \
			apt-get update -qq && apt-get install -y -qq dovecot-imapd >/dev/null; \
		else echo "Install Dovecot: sudo apt-get install dovecot-imapd" \
			"(the tests start their own; sudo systemctl disable --now dovecot stops the system's)"; exit 1; fi; }

# The demo's accounts sign in with their password alone: no role must enrol in two-factor sign-in
# unless ACCOUNTS_MFA_REQUIRED_ROLES is set (README, "Demo accounts").
run: install static
	DEBUG=$${DEBUG:-true} ACCOUNTS_MFA_REQUIRED_ROLES=$${ACCOUNTS_MFA_REQUIRED_ROLES-} $(DEVENV) run

test: install-dev messages browser nginx haproxy rehearsal-servers dovecot
	DEBUG=$${DEBUG:-true} $(DEVENV) --database cocreate_test exec -- $(PY) -m pytest $(PYTEST_ARGS)

# The scale-out rehearsal (docs/scale-out.md): a primary and a replica, two web nodes behind
# HAProxy, workers per queue and beat, all its own, on loopback. REHEARSAL_ARGS=--short: a minute.
rehearsal: install-dev messages haproxy rehearsal-servers
	$(PY) bench/rehearsal.py $(REHEARSAL_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles .data
