//! phoneup against what a plain `cargo test` cannot count on: Debian's TFTP servers and clients
//! (tftpd-hpa, atftpd, dnsmasq, tftp-hpa, atftp, curl), network namespaces, and root. Built and
//! run with `cargo test --features system-tests`, after `bash .ci/install-test-servers` (as
//! `.ci/run` and the README's test command do); a server or client that is missing fails its test
//! with how to install it, and a test that needs root fails saying so. The helpers they share
//! with the `phoneup` target are its own files, included here.

mod system {
    #[path = "../phoneup/bench.rs"]
    pub mod bench;
    #[path = "../phoneup/card.rs"]
    pub mod card;
    pub mod cdp_netns;
    pub mod clients;
    pub mod family;
    pub mod journal;
    #[path = "../phoneup/loopback.rs"]
    pub mod loopback;
    pub mod man;
    pub mod netns;
    pub mod owners;
    pub mod probe;
    pub mod reap;
    pub mod serve_cdp_netns;
    pub mod serve_flood;
    pub mod serve_hostile;
    pub mod serve_load;
    pub mod serve_netns;
    pub mod serve_privilege;
    pub mod serve_screen;
    pub mod serve_spoofed;
    pub mod servers;
    pub mod simulate;
    #[path = "../phoneup/support.rs"]
    pub mod support;
}
