# make check is the one gate: the same steps run in CI (.ci/run).
GOLANGCI_LINT_VERSION := v2.12.1
GOLANGCI_LINT := $(shell go env GOPATH)/bin/golangci-lint

.PHONY: check tidy lint test test-check run bench

check: tidy lint test test-check

tidy:
	go mod tidy -diff

lint: $(GOLANGCI_LINT)
	go vet ./...
	$(GOLANGCI_LINT) run ./...

$(GOLANGCI_LINT):
	go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

test:
	go test -race ./...

# Tests must not leave files in the tree.
test-check:
	@test -z "$$(git status --porcelain --untracked-files=all -- . ':!caseport-data' ':!test-artifacts')" || \
		{ echo "tests left files in the tree:"; git status --porcelain --untracked-files=all; exit 1; }

run:
	go run ./cmd/caseport serve --demo

bench:
	go test -run '^$$' -bench . -benchtime 1x ./...
