//! phoneup's integration tests, in one crate so they build once.

mod phoneup {
    pub mod apply;
    pub mod apply_hostile;
    pub mod bench;
    pub mod card;
    pub mod check;
    pub mod cli;
    pub mod data;
    pub mod diagnose;
    pub mod graph;
    pub mod identify;
    pub mod inventory;
    pub mod journal;
    pub mod journal_hostile;
    pub mod layers;
    pub mod lint;
    pub mod loopback;
    pub mod matrix;
    pub mod matrix_hostile;
    pub mod plan;
    pub mod probe;
    pub mod robustness;
    pub mod routes;
    pub mod serve;
    pub mod simulate;
    pub mod snapshots;
    pub mod support;
    pub mod terminal;
    pub mod tftp_root;
}
