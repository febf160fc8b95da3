# The two commands of the README are `make run` and `make test`; each installs
# what is missing first (scripts/setup.sh) and skips what is there.
.PHONY: build run test bench fuzz clean

build:
	scripts/setup.sh build
	scripts/build.sh

# Builds, then serves the demo at http://127.0.0.1:8080 until stopped, with the receipts service
# (SQLite) beside it at http://127.0.0.1:8090, which the page's receipts reach through the demo.
run: build
	scripts/run.sh

# Every test: format and lints, native unit tests, the build, DOM tests in
# headless Chromium, and the end-to-end tests of the demo page.
test:
	scripts/setup.sh test
	scripts/test.sh

# Prints bytes, time to banner against vanilla-cookieconsent, sealing, and
# more; then what HPKE in Rust would add to the page instead of WebCrypto,
# the identifier engine's native throughput, and the receipts service under
# load (100,000 receipts from 32 clients, on SQLite and on PostgreSQL).
bench: build
	scripts/setup.sh test
	node benches/bench.mjs
	benches/seal-rust.sh
	cargo bench --bench identifiers
	cargo build --profile server --features serve --bin mohprompt-privacy
	scripts/with-postgres.sh cargo run --profile server --features serve --example receipts-load

# A long fuzzing run: every target for 10 minutes (make test runs 20 s each).
fuzz:
	scripts/setup.sh test
	scripts/fuzz.sh 600

clean:
	rm -rf pkg target/bench.json
