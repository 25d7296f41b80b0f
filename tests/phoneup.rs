//! phoneup's integration tests, in one crate so they build once.

mod phoneup {
    pub mod all_pairs;
    pub mod apply;
    pub mod check;
    pub mod cli;
    pub mod data;
    pub mod diagnose;
    pub mod layers;
    pub mod lint;
    pub mod robustness;
    pub mod simulate;
    pub mod snapshots;
    pub mod support;
}
