# The two commands of this project: `make run` and `make test`. Each installs
# what is missing first, so a fresh machine needs nothing else by hand.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130
WASM_TARGET := wasm32-unknown-unknown

# cargo-installed tools, then wasm-opt from npm's binaryen (Debian's is too old).
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Never let Playwright fetch a browser: it drives Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# The end-to-end suite runs against its own throw-away database.
E2E_DATABASE := target/e2e/second-opinion.db

.PHONY: help run test deny monitoring-check monitoring-tools test-postgres postgres-tools test-moments bench loadtest crashtest crashtest-postgres failover-drill load-smoke flood-probe tools rust-tools node-tools browser-tools deploy-tools mail-tools time-tools test-rust lint wasm-check end2end deploy-check

help:
	@echo "make run   - install what is missing, then serve the app on http://127.0.0.1:3000"
	@echo "make test  - install what is missing, then run every test"
	@echo "make bench - run the benchmarks recorded in docs/benchmarks.md"
	@echo "make loadtest  - 5,000 submissions from 50 clients against the release server, then check every one"
	@echo "make crashtest - the same, killing the server with SIGKILL 5 times on the way"
	@echo "               (both on DATABASE_URL=postgres://... when set, an empty database)"
	@echo "make crashtest-postgres - the crash test on a throw-away PostgreSQL, killed itself half-way"
	@echo "make failover-drill - a primary and a synchronous replica; the primary killed, the replica promoted"

run: rust-tools node-tools
	cargo leptos serve --release --precompress

test: tools test-rust test-postgres test-moments lint deny monitoring-check wasm-check load-smoke flood-probe end2end deploy-check

test-rust:
	cargo test --workspace --locked

# The API suite again on PostgreSQL: a throw-away cluster of Debian's
# postgresql (scripts/pg-cluster.sh: initdb and pg_ctl in a temporary
# directory, an unprivileged user, a free port), a fresh database for each
# server of the suite, the schemas of both engines' migrations compared.
test-postgres: postgres-tools
	@dir=$$(mktemp -d /tmp/second-opinion-pg.XXXXXX); \
	trap 'scripts/pg-cluster.sh stop "'"$$dir"'"; rm -rf "'"$$dir"'"' EXIT INT TERM; \
	url=$$(scripts/pg-cluster.sh start "$$dir"); \
	echo "PostgreSQL pass on $$url"; \
	SECOND_OPINION_TEST_POSTGRES=$$url cargo test -p server --test api --locked

# The same tests again at fixed moments of the calendar (a Sunday, a
# holiday Monday, the year-end, 10:00 when reminders fall due...), the real
# binaries under Debian's faketime: a test that passes only on some days
# fails here, whatever day it is.
test-moments: time-tools
	scripts/test-moments.sh

lint:
	scripts/check-architecture.sh
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy -p app --lib --no-default-features --features hydrate --target $(WASM_TARGET) --locked -- -D warnings
	cargo clippy -p domain --target $(WASM_TARGET) --locked -- -D warnings

# The fast version of the load and crash tests: 500 submissions, one SIGKILL
# of the service; on PostgreSQL the same with PostgreSQL killed too, and the
# short failover drill (scripts/pg-drill.sh).
load-smoke: postgres-tools
	cargo build -p server -p loadtest --locked
	target/debug/loadtest --server target/debug/second-opinion --submissions 500 --clients 20 --kills 1
	scripts/pg-drill.sh crash target/debug 500 20 1
	scripts/pg-drill.sh failover target/debug 500 20 0

# 30 s of random-login flood from one address while a member opens the
# queue: the queue stays quick, the memory flat, the audit trail short.
flood-probe:
	cargo test -p server --test api --locked flood_probe -- --ignored --nocapture

# On SQLite (a fresh file), or on the empty PostgreSQL database of
# DATABASE_URL; DATABASE_CRASH is a command that kills that database server
# with SIGKILL and starts it again, run half-way.
LOAD_DATABASE = $(if $(DATABASE_URL),--database-url '$(DATABASE_URL)') \
	$(if $(DATABASE_CRASH),--database-crash '$(DATABASE_CRASH)')

loadtest:
	cargo build --release -p server -p loadtest --locked
	target/release/loadtest --server target/release/second-opinion --submissions 5000 --clients 50 $(LOAD_DATABASE)

crashtest:
	cargo build --release -p server -p loadtest --locked
	target/release/loadtest --server target/release/second-opinion --submissions 5000 --clients 50 --kills 5 $(LOAD_DATABASE)

# The crash test on a throw-away PostgreSQL cluster, PostgreSQL itself
# killed with SIGKILL half-way and started again.
crashtest-postgres: postgres-tools
	cargo build --release -p server -p loadtest --locked
	scripts/pg-drill.sh crash target/release 5000 50 5

# A primary and a synchronous streaming replica; half-way the link between
# them stalls for a second, the primary is killed with SIGKILL, the replica
# promoted and the service started again on it: every acknowledged request
# is on the new primary, once (docs/benchmarks.md has the figures).
failover-drill: postgres-tools
	cargo build --release -p server -p loadtest --locked
	scripts/pg-drill.sh failover target/release 5000 50 0

# The dependencies against RustSec's advisories (a snapshot, offline),
# the licences a hospital may run, banned crates and unknown sources
# (deny.toml; scripts/deny.sh installs cargo-deny and says how to refresh).
deny:
	scripts/deny.sh

# The example Prometheus configuration and alert rules (deploy/prometheus):
# valid, and each alert firing when it should and not before.
monitoring-check: monitoring-tools
	cd deploy/prometheus && promtool check config prometheus.yml && \
		promtool test rules second-opinion-rules.test.yml

# The rules must compile for the browser as they are.
wasm-check:
	cargo build -p domain --target $(WASM_TARGET) --locked

# The journeys today, then once more as the year turns (the appointment
# windows, the day sheet and the sign-in codes across midnight on 31 December),
# then today again on a throw-away PostgreSQL cluster.
# The server believes X-Forwarded-For from 127.0.0.1, as it does from nginx:
# a journey's patient on a phone of their own says so (staff-helpers.ts).
end2end: time-tools postgres-tools
	rm -rf $(dir $(E2E_DATABASE)) && mkdir -p $(dir $(E2E_DATABASE))
	DATABASE_URL=sqlite://$(CURDIR)/$(E2E_DATABASE) SECOND_OPINION_TRUSTED_PROXIES=127.0.0.1 \
		cargo leptos end-to-end
	scripts/end2end-at.sh 2027-12-31T23:58:30+09:00
	@dir=$$(mktemp -d /tmp/second-opinion-e2e.XXXXXX); \
	trap 'scripts/pg-cluster.sh stop "'"$$dir"'"; rm -rf "'"$$dir"'"' EXIT INT TERM; \
	url=$$(scripts/pg-cluster.sh start "$$dir"); \
	E2E_DATABASE_URL=$$url SECOND_OPINION_KEY_FILE=$$dir/second-opinion.key scripts/end2end-at.sh now

# The reference deployment for real: Debian's nginx with the shipped
# configuration, TLS and HTTP/2 in front of the server; the systemd units
# verified (server/tests/api/deploy.rs).
deploy-check: deploy-tools
	cargo test -p server --test api --locked deploy:: -- --ignored

# Measured, not asserted: results go to docs/benchmarks.md by hand, with the date.
bench: rust-tools node-tools mail-tools postgres-tools
	@command -v brotli >/dev/null && command -v wrk >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y brotli wrk; }
	cargo bench -p domain --bench rules -- --warm-up-time 1 --measurement-time 3
	cargo bench -p server --bench store -- --warm-up-time 1 --measurement-time 6
	cargo bench -p server --bench sign_in -- --warm-up-time 1 --measurement-time 6
	cargo bench -p server --bench outbox
	cargo bench -p server --bench queue -- --warm-up-time 1 --measurement-time 6
	cargo bench -p server --bench figures -- --warm-up-time 1 --measurement-time 6
	cargo leptos build --release --precompress
	scripts/bundle-size.sh target/site
	scripts/bench-browser.sh
	scripts/bench-http.sh
	scripts/bench-postgres.sh

tools: rust-tools node-tools browser-tools deploy-tools mail-tools time-tools postgres-tools monitoring-tools

rust-tools:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@cargo leptos --version 2>/dev/null | grep -q " $(CARGO_LEPTOS_VERSION)" || \
		cargo install cargo-leptos --locked --version $(CARGO_LEPTOS_VERSION) --features no_downloads
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)" || \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

# Chromium, and a Japanese font as every PC at the hospital has one: the
# papers print in Japanese, and their page counts are checked.
browser-tools:
	@command -v chromium >/dev/null && fc-list :lang=ja | grep -q . || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y chromium fonts-ipafont-gothic; }

deploy-tools:
	@{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null && command -v openssl >/dev/null && \
		command -v curl >/dev/null && command -v systemd-analyze >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y nginx openssl curl systemd; }

# A real SMTP server for the mail tests: Debian's aiosmtpd, run by Debian's
# Python (server/tests/api/helpers.rs, MailServer).
mail-tools:
	@/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y python3-aiosmtpd; }

# Debian's PostgreSQL server (the suite's second pass; a hospital's failover).
postgres-tools:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y postgresql; }

# Debian's prometheus, for its promtool.
monitoring-tools:
	@command -v promtool >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends prometheus; }

# Debian's faketime: the tests' fixed moments (scripts/test-moments.sh).
time-tools:
	@command -v faketime >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y faketime; }

node-tools:
	@[ -x end2end/node_modules/.bin/playwright ] && [ -x end2end/node_modules/.bin/wasm-opt ] && \
		[ -f end2end/node_modules/axe-core/axe.min.js ] || \
		(cd end2end && npm ci --no-audit --no-fund)
