# The two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash

FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/codegen.ts frontend/tsconfig.json frontend/tsconfig.node.json frontend/package.json frontend/package-lock.json -type f 2>/dev/null)
GO_SRC := $(shell find . -name '*.go' -not -path './frontend/node_modules/*' 2>/dev/null) go.mod go.sum

.PHONY: run test build image deps generate clean

## run: install what is missing, build the workspace and the server, start it with demo data
run: deps build
	@echo "==> starting the server on ./switchboard.db with the demo workspace (Ctrl-C stops it)"
	@./bin/switchboard --demo

## test: every test: Go on SQLite and on a throw-away Postgres, frontend unit tests, browser tests
test:
	@scripts/test.sh

## build: the server binary with the workspace embedded
build: bin/switchboard

## image: a container image of the static server (FROM scratch, user 65534, SQLite on /data),
## tagged switchboard:<git describe> and switchboard:latest (deploy/image, docs/operations.md)
image: frontend/dist/app/index.html
	@deploy/image/build.sh

deps:
	@echo "==> checking what is installed (Go, Node, the frontend's packages)"
	@scripts/install.sh run

frontend/dist/app/index.html: $(FRONTEND_SRC) $(wildcard schema/*.graphql)
	@echo "==> building the agent workspace: generating its GraphQL types, type-checking, bundling (about a minute)"
	@cd frontend && npm run --silent codegen && npm run --silent build

bin/switchboard: frontend/dist/app/index.html $(GO_SRC)
	@echo "==> compiling the server (the first time takes a few minutes)"
	@go build -o bin/switchboard .

## generate: regenerate ent, entgql and gqlgen output after changing ent/schema or schema/*.graphql
generate:
	go generate ./...

clean:
	rm -rf bin frontend/dist/app
