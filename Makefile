# localpix: every command a person or CI runs. Each target runs `setup` first, so a fresh machine
# needs nothing but this file (and root, or sudo, for Debian's Chromium and Firefox ESR).
#
#   make serve      build everything and serve the app at http://127.0.0.1:8080
#   make test       every test: native, component (Node), browser (wasm-pack), end to end
#                   (Chromium), and the core flows in Firefox
#   make bench      native vs WebAssembly per stage, the browser vs Chromium's own path, issue
#                   12's W1–W4 against pica and jSquash, and the codec table of docs/codecs.md
#                   (needs ../shared/corpus)
#   make component  the image engine as a WebAssembly component and its jco ES modules
#   make cli        the `localpix` command (cli/target/release/localpix): that component in wasmtime
#   make dist       a release build of the app in dist/

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := serve
MAKEFLAGS += --no-print-directory

# --- Pinned tools -----------------------------------------------------------------------------
# The component is built with the toolchain of rust-toolchain.toml (1.94.1: 1.95 and 1.96
# miscompile wasm32 SIMD narrowing, rust-lang/rust#157456). The command-line tools are built with
# 1.96.1, which trunk 0.22.1 needs.
COMPONENT_TOOLCHAIN := 1.94.1
TOOLS_TOOLCHAIN     := 1.96.1
TRUNK_VERSION       := 0.22.1
# wasm-bindgen-cli must equal the `wasm-bindgen` crate, whose version is written once, in the
# workspace's Cargo.toml.
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
WASM_PACK_VERSION   := 0.15.1
WASM_TOOLS_VERSION  := 1.263.0

CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(CURDIR)/node_modules/.bin:$(PATH)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The engine is built twice from one crate, with different cargo features (core-component/Cargo.toml):
# - the full engine, every codec: what Node, the tests and the CLI run, and what the browser loads
#   the first time a file or a setting needs a codec the light one leaves out;
# - the light engine, which the page loads first: without TIFF, HEIC and JPEG XL input and lossy
#   WebP and AVIF output, which a first visit rarely needs, it downloads faster
#   (docs/performance.md). A codec it lacks answers the typed error `codec-not-built`, on which
#   the worker moves to the full engine.
# Both export the same interface, so one jco glue serves both; `make component` checks that.
LIGHT_FEATURES :=
FULL_FEATURES := avif heic jxl tiff webp-lossy
COMPONENT_DIR := target/component
COMPONENT := $(COMPONENT_DIR)/localpix_core.wasm
LIGHT_COMPONENT := $(COMPONENT_DIR)/localpix_core.light.wasm
WASM_RELEASE := target/wasm32-unknown-unknown/release
CORE_WASM := $(WASM_RELEASE)/localpix_core.wasm
ENGINE_BUILD := cargo build --release --target wasm32-unknown-unknown -p localpix-core --no-default-features

# --- C for wasm32 ---------------------------------------------------------------------------------
# Lossy WebP is libwebp (C, through libwebp-sys, whose build script compiles it with the `cc` crate,
# which reads these variables). Debian's clang 14 compiles it for wasm32 with wasi-libc's headers
# (declarations only: -D__wasi__ lets them parse; nothing of wasi-libc is linked, the C library
# functions libwebp calls come from crates/localpix-webp and Rust's compiler-builtins, so the
# engine still imports nothing). Its SSE2 code becomes wasm SIMD through Emscripten's headers in
# crates/localpix-webp/wasm-simd: twice as fast as its plain C, the same bytes. -Os: the encoder
# is 125 KB gzipped instead of 167 KB at -O3, for about 10% more encode time (docs/performance.md).
# Native builds (the tests) use the system's C compiler with libwebp-sys's own flags.
export CC_wasm32_unknown_unknown := clang-14
export AR_wasm32_unknown_unknown := llvm-ar-14
export CFLAGS_wasm32_unknown_unknown := -Os -isystem /usr/include/wasm32-wasi -D__wasi__ -msimd128 \
  -I$(CURDIR)/crates/localpix-webp/wasm-simd -DEMSCRIPTEN -D__SSE__ -D__SSE2__
# The Debian versions this was measured with (bookworm).
CLANG_PACKAGES := clang-14=1:14.0.6-12 llvm-14=1:14.0.6-12 wasi-libc=0.0~git20220510.9886d3d-2

# --- Setup (idempotent: each step only when missing or at another version) --------------------
# Each target installs only what it uses: `make test-native` and `make lint` need the Rust
# toolchain alone (seconds on a machine that has it), the component adds wasm-tools and jco, the
# app adds Trunk and wasm-bindgen, the browser tests add wasm-pack and Chromium.
.PHONY: setup
setup: setup-rust setup-component setup-app setup-browser setup-firefox

.PHONY: setup-rust
setup-rust:
	@rustup toolchain list | grep -q '^$(COMPONENT_TOOLCHAIN)-' || \
	  rustup toolchain install $(COMPONENT_TOOLCHAIN) --profile minimal --component clippy,rustfmt --target wasm32-unknown-unknown
	@rustup target list --installed --toolchain $(COMPONENT_TOOLCHAIN) | grep -q wasm32-unknown-unknown || \
	  rustup target add wasm32-unknown-unknown --toolchain $(COMPONENT_TOOLCHAIN)
	@# WASI components run by jco in Node: the JPEG decoder's tests with its simd128 code.
	@rustup target list --installed --toolchain $(COMPONENT_TOOLCHAIN) | grep -q wasm32-wasip2 || \
	  rustup target add wasm32-wasip2 --toolchain $(COMPONENT_TOOLCHAIN)
	@rustup component list --installed --toolchain $(COMPONENT_TOOLCHAIN) | grep -q '^clippy' && \
	  rustup component list --installed --toolchain $(COMPONENT_TOOLCHAIN) | grep -q '^rustfmt' || \
	  rustup component add clippy rustfmt --toolchain $(COMPONENT_TOOLCHAIN)

.PHONY: setup-tools-toolchain
setup-tools-toolchain:
	@rustup toolchain list | grep -q '^$(TOOLS_TOOLCHAIN)-' || rustup toolchain install $(TOOLS_TOOLCHAIN) --profile minimal

# The tools are built without optimisation (`--debug`): they orchestrate and parse small files, and
# it halves their install time on a fresh machine (about 13 minutes for all four here, against
# about 16 for an optimised trunk alone). wasm-bindgen-cli is installed without --locked: its lock
# file pins a dependency version the registry here lacks.
define cargo_tool
	@$(3) --version 2>/dev/null | grep -qF ' $(2)' || \
	  cargo +$(TOOLS_TOOLCHAIN) install --debug $(4) $(1) --version $(2)
endef

.PHONY: setup-component
setup-component: setup-rust setup-clang setup-tools-toolchain setup-npm
	$(call cargo_tool,wasm-tools,$(WASM_TOOLS_VERSION),wasm-tools,--locked)

.PHONY: setup-wasm-bindgen
setup-wasm-bindgen: setup-tools-toolchain
	$(call cargo_tool,wasm-bindgen-cli,$(WASM_BINDGEN_VERSION),wasm-bindgen,)

.PHONY: setup-app
setup-app: setup-component setup-wasm-bindgen
	$(call cargo_tool,trunk,$(TRUNK_VERSION),trunk,--locked)

.PHONY: setup-browser
setup-browser: setup-rust setup-wasm-bindgen setup-chromium
	$(call cargo_tool,wasm-pack,$(WASM_PACK_VERSION),wasm-pack,--locked)

.PHONY: setup-npm
setup-npm: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# clang, llvm-ar and wasi-libc's headers compile libwebp for wasm32 (see "C for wasm32" above).
.PHONY: setup-clang
setup-clang:
	@command -v clang-14 >/dev/null && command -v llvm-ar-14 >/dev/null && [ -f /usr/include/wasm32-wasi/stdio.h ] || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(CLANG_PACKAGES); }

# exiftool reads the outputs in the privacy tests: an independent reader, not our own parser.
.PHONY: setup-exiftool
setup-exiftool:
	@command -v exiftool >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libimage-exiftool-perl; }

# cwebp (Debian's libwebp 1.2.4) is the reference the lossy WebP tests compare bytes with.
.PHONY: setup-cwebp
setup-cwebp:
	@command -v cwebp >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends webp=1.2.4-0.2+deb12u1; }

# nginx runs docs/deploy.md's configuration in the end-to-end tests.
.PHONY: setup-nginx
setup-nginx:
	@command -v nginx >/dev/null || command -v /usr/sbin/nginx >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nginx-light; }

.PHONY: setup-chromium
setup-chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; }

# Firefox ESR for the Firefox run (tests/firefox/), driven by npm's puppeteer-core over WebDriver
# BiDi (nothing downloaded). Not pinned, like Chromium: Debian replaces its browsers with each
# security release and drops the old version from the archive; tested with 153.7.0esr-1~deb12u1.
.PHONY: setup-firefox
setup-firefox:
	@command -v firefox-esr >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends firefox-esr; }

# --- The image engine -------------------------------------------------------------------------
.PHONY: component
# Cargo writes both engines to one file and remembers the features of the last build only, so
# building both each time recompiled the engine twice (a minute) on every `make component`, `dist`
# and `serve`, changed or not. Each build is kept under its own name, replaced (and so optimised
# again) only when its bytes changed, and runs only when a file it may read is newer than its
# stamp (taken before the build starts, so an edit made during it is not missed).
ENGINE_INPUTS := core-component contract crates wit Makefile $(wildcard Cargo.toml Cargo.lock rust-toolchain.toml .cargo/config.toml)
define engine_build
stamp=$(WASM_RELEASE)/localpix_core.$(1).stamp; copy=$(WASM_RELEASE)/localpix_core.$(1).wasm; \
if [ -f $$stamp ] && [ -f $$copy ] && [ -z "$$(find $(ENGINE_INPUTS) -newer $$stamp -print -quit)" ]; then \
  echo "The $(1) engine: nothing changed since its last build."; \
else \
  mkdir -p $(WASM_RELEASE) && touch $$stamp.next && echo '$(ENGINE_BUILD) --features "$(2)"' && $(ENGINE_BUILD) --features "$(2)" && \
  { cmp -s $(CORE_WASM) $$copy || cp $(CORE_WASM) $$copy; } && mv $$stamp.next $$stamp; \
fi
endef

component: setup-component
	@mkdir -p $(COMPONENT_DIR)
	@$(call engine_build,light,$(LIGHT_FEATURES))
	@$(call engine_build,full,$(FULL_FEATURES))
	@$(MAKE) $(COMPONENT) $(LIGHT_COMPONENT)
	@# The contract: one export, no imports (pure computation runs anywhere), and SIMD inside.
	@for c in $(COMPONENT) $(LIGHT_COMPONENT); do \
	  wit=$$(wasm-tools component wit $$c); \
	  if grep -q '^ *import ' <<<"$$wit"; then echo "$$c imports something:"; echo "$$wit"; exit 1; fi; \
	  grep -q '^ *export localpix:image/imaging@0.1.0;' <<<"$$wit" || { echo "$$c lacks its export"; exit 1; }; \
	  simd=$$(wasm-tools print $$c | grep -c -E '\b(v128|i8x16|i16x8|i32x4|f32x4)\.' || true); \
	  [ "$$simd" -gt 1000 ] || { echo "$$c has only $$simd SIMD instructions: was simd128 enabled?"; exit 1; }; \
	  echo "$$c: no imports, $$simd SIMD instructions"; \
	done
	@# For the browser: the light engine's ES module, and the full engine's main core module beside
	@# it (the page compiles the .core.wasm once and hands it to each worker: app/js/worker.js).
	@rm -rf $(COMPONENT_DIR)/js $(COMPONENT_DIR)/js-full
	@# Minified: the glue is on every first visit's path (28 KB with Brotli, 19 KB minified).
	jco transpile $(LIGHT_COMPONENT) -o $(COMPONENT_DIR)/js --name localpix_core --no-nodejs-compat --quiet --instantiation async --minify
	jco transpile $(COMPONENT) -o $(COMPONENT_DIR)/js-full --name localpix_core --no-nodejs-compat --quiet --instantiation async --minify
	@# One glue for both engines: everything but the main core module must be the same.
	@diff -r -q -x localpix_core.core.wasm $(COMPONENT_DIR)/js $(COMPONENT_DIR)/js-full || \
	  { echo "The light and full engines need different jco glue: the worker cannot swap their core modules."; exit 1; }
	mv $(COMPONENT_DIR)/js-full/localpix_core.core.wasm $(COMPONENT_DIR)/js/localpix_core.full.core.wasm
	@# The page compiles these by name (app/js/protocol.js, ENGINE): jco must still write them.
	@for name in localpix_core.core2.wasm localpix_core.core3.wasm; do \
	  [ -f $(COMPONENT_DIR)/js/$$name ] || { echo "jco no longer writes $$name: update ENGINE in app/js/protocol.js"; exit 1; }; done
	@rm -rf $(COMPONENT_DIR)/js-full
	@# For Node (tests, bench, the CLI's tests): the full engine.
	jco transpile $(COMPONENT) -o $(COMPONENT_DIR)/node --name localpix_core --quiet
	@echo '{"type":"module"}' > $(COMPONENT_DIR)/node/package.json

# Binaryen's optimiser (wasm-opt, from jco's own dependency `binaryen`) shrinks a core module by
# 7% gzipped, which pays for most of libwebp (docs/performance.md, "Download size"); every test of
# the component runs on its output. At -O1: -Oz and -Os made V8 decode a JPEG 20% slower than
# LLVM's own module did (kleiber 68 → 83 ms) for files no smaller than -O1's, which keeps its speed.
# Only when cargo wrote a new module (or these flags changed): about 40 s for both engines.
$(WASM_RELEASE)/localpix_core.%.opt.wasm: $(WASM_RELEASE)/localpix_core.%.wasm Makefile
	wasm-opt -O1 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	  --enable-mutable-globals --enable-multivalue --enable-reference-types $< -o $@

$(COMPONENT): $(WASM_RELEASE)/localpix_core.full.opt.wasm
	wasm-tools component new $< -o $@

$(LIGHT_COMPONENT): $(WASM_RELEASE)/localpix_core.light.opt.wasm
	wasm-tools component new $< -o $@

# --- The command line ----------------------------------------------------------------------------
# cli/ is a workspace of its own, built with the tools toolchain (wasmtime 49 needs Rust 1.96; the
# component stays on 1.94.1). It embeds the component's file at build time, so it needs
# `component` first: without it, its build.rs stops and says to run `make component`.
CLI := cli/target/release/localpix

.PHONY: setup-cli
setup-cli: setup-tools-toolchain
	@rustup component list --installed --toolchain $(TOOLS_TOOLCHAIN) | grep -q '^clippy' || \
	  rustup component add clippy --toolchain $(TOOLS_TOOLCHAIN)

.PHONY: cli
cli: component setup-tools-toolchain
	cd cli && cargo +$(TOOLS_TOOLCHAIN) build --release
	@echo "$(CLI): try $(CLI) --help"

# --- The app -----------------------------------------------------------------------------------
# Trunk builds app/index.html into dist/; its pre_build hook runs `make component` (Trunk.toml).
.PHONY: dist
dist: setup-app
	trunk build --release

.PHONY: serve
serve: dist
	node tools/serve.mjs --dir dist --host 127.0.0.1 --port 8080

# --- Tests --------------------------------------------------------------------------------------
.PHONY: test
test: lint test-native test-jpeg-wasm test-engine-wasm test-component test-cli test-browser test-e2e test-firefox

# Formatting and lints, warnings as errors: the engine natively and as the component (its WIT
# mapping builds only for wasm32), the app as it is built (wasm).
.PHONY: lint
lint: setup-rust setup-clang
	cargo fmt --check
	@# cli/ is not in the workspace: its sources are checked by path (rustfmt follows `mod`s).
	rustfmt --check --edition 2024 cli/build.rs cli/src/main.rs
	cargo clippy -p localpix-contract -p localpix-settings -p localpix-core -p localpix-jpeg -p localpix-webp --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p localpix-core -- -D warnings
	@# The light engine (no optional codecs) compiles its own code paths.
	cargo clippy --target wasm32-unknown-unknown -p localpix-core --no-default-features -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p localpix-jpeg --all-targets -- -D warnings
	@# The app's own profile: its dependencies unoptimised (Cargo.toml).
	cargo clippy --profile app-dev --target wasm32-unknown-unknown -p localpix-app -p localpix-browser-tests --all-targets -- -D warnings

# Unit tests next to the code: the engine on real photos, the app's plain logic, and every input
# the fuzzers ever failed on (core-component/tests/fuzz-regressions). Tests that need the big
# photos of ../shared/corpus pass without them; cargo shows a passing test's stderr to no one, so
# they note themselves in $(SKIP_LOG), printed here.
SKIP_LOG := target/skipped-tests.txt
.PHONY: test-native
test-native: setup-rust
	cargo test -p localpix-contract
	cargo test -p localpix-settings
	cargo test -p localpix-jpeg
	cargo test -p localpix-webp
	@# The JPEG encoder's copy: its quicker trellis against the published one, and its encode in
	@# bands (two workers sharing one JPEG) against the whole encode (crates/mozjpeg-rs).
	cargo test -p mozjpeg-rs --lib -- trellis:: encode::bands::
	@mkdir -p target && rm -f $(SKIP_LOG)
	LOCALPIX_SKIP_LOG=$(CURDIR)/$(SKIP_LOG) cargo test -p localpix-core
	@if [ -s $(SKIP_LOG) ]; then sort -u $(SKIP_LOG); fi
	cargo test --profile app-dev -p localpix-app --lib

# The JPEG decoder's tests again as WebAssembly with simd128 (WASI components, run by `jco run`
# in Node with the host's files under "/"): its SIMD paths must give the scalar code's results,
# compared directly and against libjpeg-turbo's. (Node's own WASI, preview 1, crashed at exit
# in about half the runs here, after the tests had passed.)
WASI_TEST := CARGO_TARGET_WASM32_WASIP2_RUNNER="jco run --jco-import $(CURDIR)/tools/wasi-preopen-root.mjs" \
  RUSTFLAGS="-C target-feature=+simd128" cargo test --target wasm32-wasip2
.PHONY: test-jpeg-wasm
test-jpeg-wasm: setup-rust setup-npm
	$(WASI_TEST) -p localpix-jpeg

# The engine's own SIMD code (PNG unfiltering and 2×2 means, SSIMULACRA2, the JPEG encoder's
# colour conversion, DCT, downsampling, symbol counting, entropy coding and trellis) and the
# resize's (fast_image_resize's simd128 paths) tested the same way: natively they run as SSE2/AVX2
# code.
.PHONY: test-engine-wasm
test-engine-wasm: setup-rust setup-npm
	$(WASI_TEST) -p localpix-core --no-default-features --lib -- decode::png score:: resize::
	$(WASI_TEST) -p mozjpeg-rs --lib -- simd:: trellis:: color:: sample:: entropy:: encode::bands::

# Pillow, an independent decoder for the interoperability tests, in its own virtualenv.
TEST_VENV := target/venv-test
.PHONY: setup-python-test
setup-python-test: $(TEST_VENV)/.installed
$(TEST_VENV)/.installed: requirements-test.txt
	@python3 -c 'import ensurepip, venv' 2>/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv; }
	@[ -x $(TEST_VENV)/bin/pip ] || python3 -m venv $(TEST_VENV)
	$(TEST_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

# The jco-transpiled component in Node, against the native build (examples/reference.rs); the AVIF
# test also runs it in Chromium.
.PHONY: test-component
test-component: component setup-exiftool setup-python-test setup-cwebp setup-chromium
	cargo build -p localpix-core --example reference
	cargo build -p localpix-contract --example echo
	node --test tests/component/

# The CLI: its lints and unit tests, then against the jco build in Node (the same component, so the
# same bytes and the same errors), stdin/stdout, --json, --jobs, an interrupted run.
.PHONY: test-cli
test-cli: cli setup-cli
	cd cli && cargo +$(TOOLS_TOOLCHAIN) clippy --release --all-targets -- -D warnings
	cd cli && cargo +$(TOOLS_TOOLCHAIN) test --release
	node --test --test-concurrency=1 tests/cli/

# The app's Rust logic that needs a browser, in Debian's Chromium through Debian's chromedriver.
.PHONY: test-browser
# chromedriver leaves Chromium's scratch directories (20 MB a run) in TMPDIR: one of our own here.
test-browser: setup-browser
	rm -rf target/browser-tmp && mkdir -p target/browser-tmp
	TMPDIR=$(CURDIR)/target/browser-tmp CHROMEDRIVER=/usr/bin/chromedriver wasm-pack test --headless --chrome tests/browser --profile app-dev
	rm -rf target/browser-tmp

# The release build in headless Chromium (playwright-core), with an axe-core accessibility audit of
# each state (tests/e2e/a11y.test.mjs); screenshots land in target/e2e/.
.PHONY: test-e2e
test-e2e: dist setup-exiftool setup-nginx
	node --test --test-concurrency=1 tests/e2e/

# The core flows again in Firefox ESR (puppeteer-core over WebDriver BiDi): load, a batch, a
# download, the ZIP, compare, offline reload, the widget on a second origin.
.PHONY: test-firefox
test-firefox: dist setup-firefox
	node --test --test-concurrency=1 tests/firefox/

# --- Benchmark ----------------------------------------------------------------------------------
# The codec table's scorer (tests/bench/score.py) runs in its own virtualenv, with the versions of
# requirements-bench.txt; Debian's python3 needs python3-venv for it.
BENCH_VENV := target/venv-bench

.PHONY: setup-bench
setup-bench: $(BENCH_VENV)/.installed
$(BENCH_VENV)/.installed: requirements-bench.txt
	@python3 -c 'import ensurepip, venv' 2>/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv; }
	@[ -x $(BENCH_VENV)/bin/pip ] || python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	@touch $@

.PHONY: bench
bench: component setup-chromium setup-bench
	cargo build --release -p localpix-core --example bench
	@# One core for both builds, as the component has one thread.
	taskset -c 0 node tests/bench/bench.mjs
	node tests/bench/browser.mjs
	@# Issue 12's W1–W4: the app's worker pool vs the browser's own path, pica, jSquash and native.
	node tests/bench/workloads.mjs
	@# A session's first three photos on fresh browsers: the pool warmed up, cold, the browser's path.
	node tests/bench/first-photo.mjs
	@# Every encoder on the same 1920-wide pixels: bytes, SSIMULACRA2, SSIM, time; writes docs/codecs.md.
	node tests/bench/codecs.mjs
