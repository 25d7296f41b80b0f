//! phoneup's integration tests that need nothing but the Rust toolchain, one file per command or
//! feature (hostile input beside the feature it attacks), in one crate so they build once. The
//! tests that need Debian's TFTP servers and clients, root or network namespaces are the
//! `system` target (tests/system.rs).

mod phoneup {
    pub mod apply;
    pub mod apply_hostile;
    pub mod bench;
    pub mod card;
    pub mod check;
    pub mod cli;
    pub mod data;
    pub mod diagnose;
    pub mod diagnose_field;
    pub mod diagnose_follow;
    pub mod docs;
    pub mod family;
    pub mod family_apply;
    pub mod family_check;
    pub mod family_files;
    pub mod family_lint;
    pub mod family_wire;
    pub mod field;
    pub mod flags;
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
    pub mod probe_hostile;
    pub mod robustness;
    pub mod routes;
    pub mod serve;
    pub mod serve_cli;
    pub mod serve_family;
    pub mod serve_web_page;
    pub mod simulate;
    pub mod simulate_serve;
    pub mod sizes;
    pub mod snapshots;
    pub mod support;
    pub mod terminal;
    pub mod tftp_root;
    pub mod voice;
}
