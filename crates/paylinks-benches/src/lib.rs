//! Benchmarks only: see `benches/ratios.rs` and `BENCHMARKS.md`.
