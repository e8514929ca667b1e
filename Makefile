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
# The short fuzz run that is part of make test, per target.
TEST_FUZZTIME ?= 5s

.PHONY: all deps tools synth test test-update diagram fuzz e2e bench lint diff deploy destroy clean dev dev-user
.PHONY: chromium browser

all: synth test

node_modules/.installed: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@# npm packages ship Go templates (aws-cdk's init templates): a module
	@# boundary keeps them out of ./... patterns.
	@echo 'module securestore.invalid/node_modules' > node_modules/go.mod
	@touch $@

deps: node_modules/.installed
	$(GO) mod download

## tools: build the MinIO test server once per pinned version (cached in ~/.cache/securestore)
tools:
	$(GO) run ./internal/testkit/s3server/install

## synth: synthesize the app with cdk.json's defaults into cdk.out (fails on any unsuppressed cdk-nag finding)
synth: deps
	@# '**' selects the stacks inside the environment's Stage: without it the
	@# CLI, finding no top-level stack, asks for a stack id it cannot list.
	$(CDK) synth --quiet $(CDK_ARGS) '**'
	@echo "synthesized:" cdk.out/assembly-*/*.template.json
	# cdk-nag's Serverless pack is not in cdk-nag-go: run it over the templates (tools/nag-serverless).
	node tools/nag-serverless/check.cjs cdk.out/assembly-*/*.template.json > cdk.out/nag-serverless.jsonl || { grep -v '"kind":"suppressed"' cdk.out/nag-serverless.jsonl; exit 1; }

## test: every test: units, constructs, snapshots and policy gates, examples, end to end, the browser, then a short fuzz run
test: deps tools chromium
	$(GO) test ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(TEST_FUZZTIME)

## test-update: rewrite the golden templates, the README's configuration and route tables and the diagram (review the diff before committing)
test-update: deps
	$(GO) test ./test -run TestSnapshots -update
	$(GO) test ./test -run TestReadmeTableMatchesKeys -update-readme
	$(GO) test ./lambdas/presign/routes -run TestReadmeRouteTable -update-readme
	$(MAKE) --no-print-directory diagram

## diagram: docs/architecture.{dot,svg,png} from the dev template (the default snapshot); needs Graphviz's dot
diagram:
	@command -v dot >/dev/null || { echo "dot (Graphviz) not found: install it (apt-get install graphviz, or brew install graphviz) and run make diagram again"; exit 1; }
	$(GO) run ./tools/diagram -o docs/architecture.dot test/testdata/default.template.json
	dot -Tsvg -o docs/architecture.svg docs/architecture.dot
	dot -Tpng -Gdpi=110 -o docs/architecture.png docs/architecture.dot

## fuzz: run each fuzz target for FUZZTIME (targets found in the sources, so no test binary runs just to list them)
fuzz:
	@set -e; for file in $$(find . -name '*_test.go' -not -path './node_modules/*' | sort | xargs grep -l '^func Fuzz'); do \
	  for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$file); do \
	    echo "fuzz ./$$(dirname $${file#./}) $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) ./$$(dirname $${file#./}); \
	  done; \
	done

## chromium: the machine's Chromium for the browser test (installed with apt-get when missing and run as root, as in CI; otherwise prints the command)
chromium:
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "apt-get install -y chromium"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium || \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }; \
	else \
	  echo "chromium is missing: install it with 'sudo apt-get install -y chromium' (Debian, Ubuntu) for the browser test"; \
	fi

## browser: the browser test alone (Chromium, playwright-core, Uppy 6 and clients/uppy against make dev), each step printed
browser: deps chromium
	$(GO) test -count=1 -v -run 'TestBrowser|TestModulePlan' ./test/browser

## e2e: the presign function end to end (real bootstrap, Lambda Runtime API, MinIO), each step printed
e2e: tools
	$(GO) test -count=1 -v -run 'TestE2E' ./lambdas/presign/e2e

## bench: benchmarks against their baselines in one run; writes BENCHMARKS.md
bench: deps tools
	$(GO) run ./tools/bench -o BENCHMARKS.md

## lint: gofmt, go vet, staticcheck, and go mod tidy leaving no diff
lint: deps
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) mod tidy -diff

## diff / deploy / destroy: need AWS credentials; pick the environment with ENV=prod
## (CDK_DEPLOY_ARGS passes flags to cdk deploy, e.g. --require-approval never in CI)
ENV ?= dev
diff: deps
	$(CDK) diff -c env=$(ENV) '$(ENV)/*'
deploy: deps
	$(CDK) deploy -c env=$(ENV) $(CDK_DEPLOY_ARGS) '$(ENV)/*'
destroy: deps
	@echo "Buckets, logs, the KMS key and the user pool are retained: destroy removes the rest."
	$(CDK) destroy -c env=$(ENV) '$(ENV)/*'

## dev: the local securestore in the foreground until Ctrl-C: MinIO, cognito-local and the API on
## 127.0.0.1:DEV_API_PORT (4000), configured by a synth with cdk.json and CDK_ARGS; ready when .dev/dev.json exists
## (ports: DEV_API_PORT, DEV_S3_PORT (9000), DEV_COGNITO_PORT (9229); state kept in DEV_DIR, default .dev)
DEV_DIR ?= .dev
DEV_BIN = $(DEV_DIR)/bin/securestore-dev
dev: deps tools $(DEV_DIR)/cdk.out/manifest.json
	@mkdir -p $(DEV_DIR)/bin
	$(GO) build -o $(DEV_BIN) ./tools/dev
	$(DEV_BIN) serve -dir $(DEV_DIR) -template $(DEV_DIR)/cdk.out

# The synth's inputs as one hash: CDK_ARGS, cdk.json, go.mod, go.sum and the Go files of the CDK
# app's own packages. The file changes only when the hash does, so a second make dev synthesizes
# again only then.
DEV_APP_FILES = {{if .Module}}{{if .Module.Main}}{{$$d := .Dir}}{{range .GoFiles}}{{$$d}}/{{.}} {{end}}{{range .EmbedFiles}}{{$$d}}/{{.}} {{end}}{{end}}{{end}}
$(DEV_DIR)/synth-inputs: FORCE
	@mkdir -p $(DEV_DIR)
	$(file >$@.args,$(CDK_ARGS))
	@cat $@.args cdk.json go.mod go.sum $$($(GO) list -deps -f '$(DEV_APP_FILES)' .) | sha256sum > $@.new
	@cmp -s $@.new $@ && rm $@.new || mv $@.new $@

$(DEV_DIR)/cdk.out/manifest.json: $(DEV_DIR)/synth-inputs | deps
	rm -rf $(DEV_DIR)/cdk.out
	$(CDK) synth --quiet $(CDK_ARGS) -o $(DEV_DIR)/cdk.out '**' || { rm -rf $(DEV_DIR)/cdk.out; exit 1; }

.PHONY: FORCE
FORCE:

## dev-user: NAME=<name> GROUPS=<g1,g2>: creates the user in make dev's pool if needed, prints its ID token last
dev-user:
	@test -n "$(NAME)" || { echo "usage: make dev-user NAME=<name> GROUPS=<g1,g2>"; exit 1; }
	@mkdir -p $(DEV_DIR)/bin
	@$(GO) build -o $(DEV_BIN) ./tools/dev
	@$(DEV_BIN) user -dir $(DEV_DIR) -name '$(NAME)' -groups '$(GROUPS)'

clean:
	rm -rf cdk.out
