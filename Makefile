# securestore: every command a user or CI needs. Each target installs what it
# uses (npm ci from the lockfile, Go modules) on first run.

SHELL := /bin/bash
GO ?= go
NPM ?= npm
# The pinned CDK CLI warns on every call that Node 20 is past its end of life;
# Node 20 is what the project's machines run, so keep the output readable.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export CDK_DISABLE_VERSION_CHECK := 1
CDK := npx --no-install cdk
FUZZTIME ?= 10s

.PHONY: all deps synth test test-update bench e2e fuzz lint diff deploy destroy diagram clean

all: synth test

node_modules/.installed: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

deps: node_modules/.installed
	$(GO) mod download

## synth: synthesize the app with cdk.json's defaults into cdk.out (fails on any unsuppressed cdk-nag finding)
synth: deps
	$(CDK) synth --quiet $(CDK_ARGS)
	$(GO) run ./internal/nagserverless/cmd/nag-serverless cdk.out

## test: every test: units, constructs, snapshots and gates, end to end, examples, short fuzz runs
test: deps
	$(GO) test ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=5s

## test-update: rewrite the golden templates (review the diff before committing)
test-update: deps
	$(GO) test ./test -run TestSnapshots -update

## fuzz: run each fuzz target for FUZZTIME
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

## e2e: watch a presigned upload and download work against a local S3 server
e2e: deps
	$(GO) test -v -count=1 -run TestFlow ./test/e2e

## bench: benchmarks against their baselines, written to BENCHMARKS.md
bench: deps
	$(GO) run ./internal/benchreport -out BENCHMARKS.md

## lint: gofmt, go vet, staticcheck, and go mod tidy leaving no diff
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) mod tidy -diff

## diff / deploy / destroy: need AWS credentials; pick the environment with ENV=prod
ENV ?= dev
diff: deps
	$(CDK) diff -c env=$(ENV) '$(ENV)/*'
deploy: deps
	$(CDK) deploy -c env=$(ENV) '$(ENV)/*'
destroy: deps
	@echo "Buckets, logs, the KMS key and the user pool are retained: destroy removes the rest."
	$(CDK) destroy -c env=$(ENV) '$(ENV)/*'

clean:
	rm -rf cdk.out
