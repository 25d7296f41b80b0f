//! The CDP listener on a real interface: a veth pair between two network namespaces the test
//! makes (and deletes, also when it fails), frames crafted as phones send them put on one end
//! by a raw socket, heard on the other end by `CdpListener`, opened by the interface's address
//! and still hearing after its thread gave up root. Needs root; bounded to a few seconds.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use phoneup::files::mac::Mac;
use phoneup::knowledge::matrix::Matrix;
use phoneup::knowledge::Builtin;
use phoneup::wire::cdp::{
    CdpError, CdpFrame, CdpListener, Checksum, DevicePrefix, Heard, Interface, ListenError,
};
use phoneup::Model;

use super::netns::{enter, ip, up, veth, Namespaces};

/// How long the receiving side waits for all the frames at most.
const PATIENCE: Duration = Duration::from_secs(10);

/// Gives up root in the calling thread only: raw system calls change the credentials of the
/// thread that makes them (libc's setuid would change every thread of the test process), and
/// leaving uid 0 clears the thread's capabilities, CAP_NET_RAW among them.
fn become_nobody_in_this_thread() {
    // SAFETY: system calls with integer arguments and a null list of no groups.
    let results = unsafe {
        [
            libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<libc::gid_t>()),
            libc::syscall(libc::SYS_setresgid, 65534, 65534, 65534),
            libc::syscall(libc::SYS_setresuid, 65534, 65534, 65534),
        ]
    };
    assert_eq!(results, [0, 0, 0], "{}", std::io::Error::last_os_error());
}

/// The frames the phone's end sends, in order, and how many of them the listener reports.
fn frames(phone: Mac) -> (Vec<Vec<u8>>, usize) {
    let matrix = Matrix::builtin().unwrap();
    let sip = matrix.by_name("P0S3-08-11-00").unwrap();
    let said = CdpFrame::phone_running(phone, sip, Model::M7960)
        .address("10.99.1.20".parse().unwrap())
        .voip_vlan_query()
        .to_bytes();
    // VTP on the same multicast: not CDP, never reported.
    let mut vtp = said.clone();
    vtp[20..22].copy_from_slice(&[0x20, 0x03]);
    let tagged =
        CdpFrame::phone(phone, DevicePrefix::Sep, "P00308010200", Model::M7940).tagged(100);
    let stale = CdpFrame::phone(phone, DevicePrefix::Sip, "P003-08-2-00", Model::M7960)
        .with_checksum(0xd7db);
    let mut cut = said.clone();
    cut.truncate(said.len() - 10);
    let frames = vec![said, vtp, tagged.to_bytes(), stale.to_bytes(), cut];
    (frames, 4)
}

#[test]
fn the_cdp_listener_hears_crafted_phone_frames_across_a_veth_pair_after_giving_up_root() {
    let tag = std::process::id() % 100_000;
    let (hear_ns, phone_ns) = (format!("pu-cdph-{tag}"), format!("pu-cdpp-{tag}"));
    let _guard = Namespaces::add(&[&hear_ns, &phone_ns]);
    let (hear_if, phone_if) = (format!("pch{tag}"), format!("pcp{tag}"));
    veth(&hear_ns, &hear_if, &phone_ns, &phone_if);
    let phone = Mac::from_digits("02005E100101").unwrap();
    ip(&[
        "-n",
        &phone_ns,
        "link",
        "set",
        "dev",
        &phone_if,
        "address",
        "02:00:5e:10:01:01",
    ]);
    ip(&[
        "-n",
        &hear_ns,
        "addr",
        "add",
        "10.99.1.1/24",
        "dev",
        &hear_if,
    ]);
    up(&hear_ns, &hear_if);
    up(&phone_ns, &phone_if);
    let (frames, reported) = frames(phone);

    let (ready, opened) = mpsc::channel();
    let hearing = std::thread::spawn({
        let (hear_ns, hear_if) = (hear_ns.clone(), hear_if.clone());
        move || {
            enter(&hear_ns);
            let at = Interface::Holding("10.99.1.1".parse().unwrap());
            let listener = CdpListener::open(&at).expect("the listener opens as root");
            assert_eq!(listener.interface(), hear_if);
            become_nobody_in_this_thread();
            let again = CdpListener::open(&Interface::Named(hear_if));
            ready.send(again.map(drop)).unwrap();
            let until = Instant::now() + PATIENCE;
            let mut heard: Vec<Heard> = Vec::new();
            while heard.len() < reported && Instant::now() < until {
                heard.extend(listener.next(Duration::from_millis(500)).unwrap());
            }
            // Nothing more: an empty wait ends at its timeout, and run() at its stop flag.
            let quiet = Instant::now();
            assert!(listener.next(Duration::from_millis(300)).unwrap().is_none());
            let stop = Arc::new(AtomicBool::new(false));
            let stopper = std::thread::spawn({
                let stop = Arc::clone(&stop);
                move || {
                    std::thread::sleep(Duration::from_millis(300));
                    stop.store(true, Ordering::Relaxed);
                }
            });
            listener
                .run(&stop, |late| panic!("nothing else was sent: {late:?}"))
                .unwrap();
            stopper.join().unwrap();
            (heard, quiet.elapsed())
        }
    });
    let again = match opened.recv_timeout(PATIENCE) {
        Ok(again) => again,
        Err(_) => match hearing.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(_) => panic!("the listener's thread ended without saying it is ready"),
        },
    };
    match again {
        Err(ListenError::NeedsCapNetRaw) => {}
        other => panic!("a thread without root cannot open another listener: {other:?}"),
    }
    let sending = std::thread::spawn(move || {
        enter(&phone_ns);
        let socket = CdpListener::open(&Interface::Named(phone_if)).unwrap();
        for frame in frames {
            socket.send(&frame).unwrap();
        }
    });
    sending.join().unwrap();
    let (heard, quiet) = hearing
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    assert!(
        quiet < Duration::from_secs(3),
        "stopped when told: {quiet:?}"
    );

    assert_eq!(heard.len(), reported, "{heard:#?}");
    let sip = heard[0].as_ref().unwrap();
    assert_eq!(sip.phone_mac(), Some(phone));
    assert_eq!(sip.prefix(), Some(DevicePrefix::Sip));
    assert_eq!(sip.load().unwrap().name(), "P003-08-11-00");
    assert_eq!(sip.model(), Some(Model::M7960));
    assert_eq!(
        sip.addresses,
        ["10.99.1.20".parse::<std::net::IpAddr>().unwrap()]
    );
    assert_eq!(sip.checksum, Checksum::Verified);
    // Linux takes the 802.1Q tag off (into the packet's metadata) before a packet socket sees
    // the frame: the announcement is heard all the same, without its VLAN.
    let tagged = heard[1].as_ref().unwrap();
    assert_eq!(tagged.vlan, None);
    assert_eq!(tagged.load().unwrap().name(), "P00308010200");
    assert_eq!(tagged.model(), Some(Model::M7940));
    let stale = heard[2].as_ref().unwrap();
    assert!(matches!(
        stale.checksum,
        Checksum::Mismatch { stored: 0xd7db, .. }
    ));
    assert_eq!(stale.phone_mac(), Some(phone));
    assert!(
        matches!(heard[3], Err(CdpError::Truncated { .. })),
        "{:?}",
        heard[3]
    );
}
