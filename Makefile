# mcpfleet.mcp: every command a user or CI runs. `make test` sets up everything it needs
# (Python toolchain, Docker engine, offline base images) and runs every test tier.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
BUILD := $(CURDIR)/build
# Molecule and the playbooks use the collection as installed from its built tarball, in a
# path of its own: never the parent of this working tree (ansible/molecule#4061).
COLLECTIONS := $(BUILD)/collections
SANITY_ROOT := $(BUILD)/sanity/ansible_collections/mcpfleet/mcp
# The Molecule scenarios `make molecule` runs, in order (see molecule/*/molecule.yml).
MOLECULE_SCENARIOS ?= default nodejs fleet rotation removal adoption code_server
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_HOME := $(BUILD)/ansible-home
export ANSIBLE_LOCAL_TEMP := $(BUILD)/ansible-home/tmp
export PATH := $(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := $(BUILD)/mcpfleet-mcp-$(VERSION).tar.gz
SOURCES = $(shell git ls-files -co --exclude-standard plugins roles playbooks meta docs/docsite galaxy.yml README.md LICENSE 2>/dev/null)

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

.PHONY: venv
venv: ## create .venv with the pinned toolchain (reused while the pins are unchanged)
	@bash tests/setup/venv.sh

.PHONY: docker
docker: ## make sure a Docker engine answers (installs and starts one as root on Debian)
	@bash tests/setup/docker.sh

.PHONY: images
images: docker ## build the Debian 12/13 test images offline (debootstrap + docker import)
	@bash tests/setup/host-packages.sh debootstrap
	@bash tests/images/build.sh

.PHONY: image-code-server
image-code-server: images ## the Debian 12 image with a real code-server from npm (~5 min cold, reused warm), chromium to drive it
	@bash tests/setup/host-packages.sh chromium
	@bash tests/images/code-server.sh

$(TARBALL): $(SOURCES) | venv
	@mkdir -p $(BUILD)
	@$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD) . >/dev/null
	@echo "built $(TARBALL)"

$(COLLECTIONS)/.installed: $(TARBALL)
	@$(BIN)/ansible-galaxy collection install --force -p $(COLLECTIONS) $(TARBALL) >/dev/null
	@touch $@

.PHONY: collection
collection: $(COLLECTIONS)/.installed ## build the collection tarball and install it under build/collections
	@$(BIN)/ansible-doc -l mcpfleet.mcp

.PHONY: unit
unit: venv ## unit tests (pytest)
	@$(BIN)/python -m pytest tests/unit

.PHONY: functional
functional: venv ## pytest: tests/functional (the real @sentry/mcp-server, Node 22, the API doubles)
	@bash tests/setup/node-fixture.sh >/dev/null
	@bash tests/setup/sentry-mcp-tree.sh >/dev/null
	@$(BIN)/python -m pytest tests/functional

.PHONY: clients
clients: venv collection ## pytest: tests/clients (the pinned real CLI clients read the module's files and connect; root)
	@bash tests/setup/node-fixture.sh >/dev/null
	@bash tests/setup/sentry-mcp-tree.sh >/dev/null
	@$(BIN)/python -m pytest tests/clients

.PHONY: sanity-tree
sanity-tree: venv
	@bash tests/setup/host-packages.sh shellcheck
	@bash tests/setup/ansible-test-pip.sh
	@rm -rf $(SANITY_ROOT) && mkdir -p $(SANITY_ROOT)
	@git ls-files -co --exclude-standard | while read -r f; do [ -e "$$f" ] && echo "$$f"; done | tar -cf - -T - | tar -xf - -C $(SANITY_ROOT)
	@# A repository of its own: ansible-test lists the files to check with git.
	@cd $(SANITY_ROOT) && git init -q && git add -A

.PHONY: sanity
sanity: sanity-tree ## ansible-test sanity (empty ignore file, no --venv download)
	@cd $(SANITY_ROOT) && $(BIN)/ansible-test sanity --local --python $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --color no

.PHONY: matrix
matrix: sanity-tree ## sanity and unit tests on ansible-core 2.19 and 2.20 (one cached venv each; .venv is 2.21)
	@bash tests/matrix.sh

.PHONY: integration
integration: sanity-tree ## ansible-test integration targets, run on this machine
	@cd $(SANITY_ROOT) && $(BIN)/ansible-test integration --local --allow-destructive --python $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --color no

.PHONY: lint
lint: collection ## ansible-lint, production profile (playbooks use the installed collection)
	@$(BIN)/ansible-lint --offline

.PHONY: changelog-lint
changelog-lint: venv ## antsibull-changelog lint
	@$(BIN)/antsibull-changelog lint

.PHONY: ee
ee: images collection ## ansible-builder: build the execution environment image mcpfleet/ee:<version> (base made here; ~1.5 min cold, seconds warm)
	@# Into a file first: `cmd | grep -q` under pipefail fails when grep exits before cmd writes.
	@$(BIN)/ansible-builder introspect $(COLLECTIONS) > $(BUILD)/ee-introspect.txt
	@grep -q 'hvac.*mcpfleet.mcp' $(BUILD)/ee-introspect.txt
	@bash tests/ee/build.sh $(TARBALL)

.PHONY: ee-run
ee-run: ee ## the rollout and a rerun (changed=0) with ansible-runner in the execution environment, as AWX runs jobs
	@bash tests/ee/run.sh mcpfleet/ee:$(VERSION)

.PHONY: docs-lint
# The tarball's files as Galaxy's importer unpacks them, outside any Git work tree: inside one,
# antsibull-docs copies only Git-tracked files, so a copy under the ignored build/ linted nothing.
docs-lint: $(TARBALL) ## antsibull-docs lint-collection-docs on the built tarball: plugin and role docs, semantic markup, references
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT; \
	if git -C "$$tmp" rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  echo "docs-lint: $$tmp is inside a Git work tree, where antsibull-docs lints only tracked files; set TMPDIR elsewhere" >&2; exit 1; fi; \
	mkdir -p "$$tmp/ansible_collections/mcpfleet/mcp" && tar -xzf $(TARBALL) -C "$$tmp/ansible_collections/mcpfleet/mcp"; \
	cd "$$tmp/ansible_collections/mcpfleet/mcp" && ANSIBLE_COLLECTIONS_PATH="$$tmp" \
	  $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs self .
	@echo "docs-lint: clean ($(notdir $(TARBALL)))"

.PHONY: docs-site
docs-site: collection ## the HTML documentation (antsibull-docs + Sphinx, offline, -W) in build/docs-site/build/html
	@bash docs/site.sh

.PHONY: import-check
import-check: collection ## galaxy-importer (what Galaxy and Automation Hub run on upload) on the tarball, offline
	@bash tests/import/check.sh $(TARBALL)

.PHONY: install-check
# ansible-core alone from PyPI, not .venv: its `ansible` package would bring every community collection.
install-check: images $(TARBALL) ## a clean install: ansible-core alone + the tarball + what the README says: audit and a rollout with each token source
	@bash tests/setup/host-packages.sh unzip
	@bash tests/install/run.sh $(TARBALL)

.PHONY: molecule
# code_server runs on an image of its own, built only when that scenario is on the list.
molecule: images $(if $(filter code_server,$(MOLECULE_SCENARIOS)),image-code-server) collection ## every Molecule scenario on the container fleet
	@for s in $(MOLECULE_SCENARIOS); do $(BIN)/molecule test -s $$s || exit 1; done

.PHONY: test
test: unit functional sanity matrix lint changelog-lint collection ee ee-run docs-lint docs-site import-check integration clients install-check molecule ## everything CI runs
	@echo "make test: all tiers passed"

.PHONY: demo
demo: venv images collection ## start a demo fleet, roll out with the shipped playbook and a vault, print the fleet report
	@bash tests/setup/node-fixture.sh >/dev/null
	@$(BIN)/python demo/demo.py

.PHONY: demo-clean
demo-clean: venv docker ## remove the demo fleet's containers, network and build/demo
	@$(BIN)/python demo/demo.py --clean

.PHONY: bench
bench: venv images collection ## every benchmark (about an hour; not part of make test), tables in bench/results/
	@bash bench/run.sh

.PHONY: bench-users
bench-users: venv images collection ## users per host: the rollout with 2, 50 and 200 users x 2 clients on one host (~15 min), bench/results/users.md
	@bash tests/setup/node-fixture.sh >/dev/null
	@$(BIN)/python bench/users.py $(BENCH_USERS_ARGS)
	@$(BIN)/python docs/readme.py

.PHONY: gates-under-load
gates-under-load: venv sanity-tree ## make unit and make matrix 5 times in a row beside two CPU burners (~1 h; not part of make test), tests/load/results.md
	@bash tests/load/gates.sh

.PHONY: constraints
constraints: ## regenerate tests/constraints.txt from a fresh install of the requirements
	@rm -rf $(BUILD)/constraints-venv && $$(bash tests/setup/find-python.sh) -m venv $(BUILD)/constraints-venv
	@$(BUILD)/constraints-venv/bin/pip install -q -r tests/requirements-dev.txt
	@{ sed -n '1,2p' tests/constraints.txt; $(BUILD)/constraints-venv/bin/pip freeze | grep -v '^pip=='; } > tests/constraints.txt.new
	@mv tests/constraints.txt.new tests/constraints.txt

.PHONY: locks
locks: ## make the locks of the server versions the collection pins (needs the npm registry; review git diff, then commit)
	@python3 tests/setup/locks.py $(LOCK_SERVERS)

.PHONY: docs
docs: venv ## regenerate the role variable tables (roles/*/README.md) and the benchmark page's tables (docs/docsite/rst/benchmarks.rst, from bench/results)
	@$(BIN)/python docs/readme.py

.PHONY: clean
clean: ## remove build output (keeps .venv and images)
	rm -rf $(BUILD) tests/output
