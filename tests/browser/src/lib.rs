//! Empty: the tests are in `tests/`, and run in a browser (see Cargo.toml).
