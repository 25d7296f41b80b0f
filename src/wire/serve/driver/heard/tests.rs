use super::*;

fn cdp(mac: &str, load: &str) -> Fact {
    Fact::Cdp {
        mac: mac.into(),
        sip: false,
        load: load.into(),
        model: None,
    }
}

#[test]
fn the_same_announcement_is_taken_once_per_repeat_and_the_memory_is_bounded() {
    let stop = Arc::new(AtomicBool::new(false));
    let mut hearing = Hearing::start(None, None, &stop);
    let t0 = Instant::now();
    let a = cdp("0018B9000001", "P00308000700");
    assert!(hearing.fresh(&a, t0));
    assert!(!hearing.fresh(&a, t0 + Duration::from_secs(1)));
    // Another load from the same MAC is news at once.
    assert!(hearing.fresh(
        &cdp("0018B9000001", "P00308010200"),
        t0 + Duration::from_secs(1)
    ));
    assert!(hearing.fresh(&a, t0 + Duration::from_secs(2)));
    assert!(hearing.fresh(&a, t0 + Duration::from_secs(2) + CDP_REPEAT));
    for n in 0..3 * CDP_PHONES {
        hearing.fresh(&cdp(&format!("0018B9{n:06X}"), "P00308000700"), t0);
        assert!(hearing.last.len() <= CDP_PHONES);
    }
    hearing.end();
}

#[test]
fn a_page_is_asked_once_at_a_time_per_phone_and_never_with_no_port() {
    let stop = Arc::new(AtomicBool::new(false));
    let mut off = Hearing::start(None, None, &stop);
    off.ask("0018B9000001", "127.0.0.1".parse().unwrap());
    assert!(off.asking.is_empty());
    off.end();
    // A port nothing listens on: refused at once, nothing learnt.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut hearing = Hearing::start(None, Some(port), &stop);
    hearing.ask("0018B9000001", "127.0.0.1".parse().unwrap());
    hearing.ask("0018B9000001", "127.0.0.1".parse().unwrap());
    assert_eq!(hearing.asking.len(), 1);
    for n in 2..20 {
        hearing.ask(&format!("0018B9{n:06X}"), "127.0.0.1".parse().unwrap());
    }
    assert_eq!(hearing.asking.len(), PAGES_AT_ONCE);
    let until = Instant::now() + Duration::from_secs(10);
    while !hearing.asking.is_empty() && Instant::now() < until {
        assert!(hearing.poll(Instant::now()).is_empty());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(hearing.asking.is_empty());
    hearing.end();
}
