//! CDP: what a 7940/7960 says about itself at link-up, heard passively. [`announcement`] reads
//! one Ethernet frame into a [`CdpAnnouncement`] (no I/O); [`checksum`] is CDP's own sum;
//! [`builder`] crafts frames for tests and benchmarks; [`listener`] is a raw packet socket on
//! one interface that hears them.
//!
//! What CDP can tell (sources in each module): the phone's MAC (the frame's sender, and the
//! `SEP<MAC>`/`SIP<MAC>` Device ID, believed only when they agree), its model (`Cisco IP Phone
//! 7960`), and a Software Version that is a load ID. A SIP 7.x/8.x application names itself
//! `SIP<MAC>` and reports its package's *loader* (`P003-08-2-00` for SIP 8.2); an SCCP 8.x one
//! `SEP<MAC>` and its own load (`P00308000100`). It is sent early in every boot, before DHCP,
//! with a TTL of 180 s.
//!
//! What it cannot tell: what a phone sitting in the UAL loader or on a pre-UAL image sends (no
//! capture exists), how often a phone repeats it, and anything at all when no frame arrives:
//! a CDP-aware managed switch keeps CDP to itself, so a server hears phones only through an
//! unmanaged switch, a direct cable or a mirror port. CDP is unauthenticated and easily forged.
//!
//! So what CDP says may only *narrow* which loads a phone may be running, and name its model; it
//! never unlocks a step that `check` calls unsafe for any load the phone's own requests still
//! allow, and a phone that sends nothing is served exactly as before.
//!
//! Use in a server (the socket needs `CAP_NET_RAW` once, when opened):
//!
//! ```no_run
//! use std::sync::{atomic::AtomicBool, mpsc, Arc};
//! use phoneup::wire::cdp::{CdpListener, Interface};
//!
//! let listener = CdpListener::open(&Interface::Named("eth0".into()))?; // before dropping root
//! let stop = Arc::new(AtomicBool::new(false));
//! let (heard, announcements) = mpsc::channel();
//! let thread = std::thread::spawn({
//!     let stop = Arc::clone(&stop);
//!     move || listener.run(&stop, |frame| {
//!         let _ = heard.send(frame);
//!     })
//! });
//! // ... the server's loop takes `announcements.try_recv()` with its other events ...
//! stop.store(true, std::sync::atomic::Ordering::Relaxed);
//! thread.join().expect("the listener thread")?;
//! # Ok::<(), phoneup::wire::cdp::ListenError>(())
//! ```
//!
//! May use: [`crate::files::mac`], [`crate::knowledge`], [`crate::output`], libc.

pub mod announcement;
pub mod builder;
pub mod checksum;
pub mod listener;

pub use announcement::{
    parse_frame, CdpAnnouncement, CdpError, Checksum, DeviceId, DevicePrefix, Platform, Software,
    MAX_FRAME_LEN,
};
pub use builder::{CdpFrame, PhoneSays};
pub use listener::{CdpListener, Heard, Interface, ListenError};
