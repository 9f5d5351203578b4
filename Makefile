# The README's two commands. Both install whatever is missing first.
SHELL := bash
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: serve test

## serve: install what is missing, then serve the app on http://127.0.0.1:8080
serve:
	scripts/setup.sh build
	trunk serve

## test: install what is missing, then run every check (fmt, clippy, tests, build, size, e2e)
test:
	scripts/setup.sh test
	scripts/test.sh
