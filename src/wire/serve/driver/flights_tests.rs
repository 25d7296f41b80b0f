use super::*;

fn limits(total: usize, per_address: usize) -> Limits {
    Limits { total, per_address }
}

fn flight(started: Instant) -> (Flight, Arc<Shared>) {
    let shared = Arc::new(Shared::default());
    let flight = Flight {
        started,
        shared: shared.clone(),
        large: false,
        managed: true,
    };
    (flight, shared)
}

fn peer(ip: u8, port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 9, ip], port))
}

#[test]
fn one_address_cannot_take_more_than_its_share() {
    let now = Instant::now();
    let mut flights = Flights::new(limits(10, 2));
    for port in [1000, 1001] {
        assert_eq!(flights.room(peer(1, port).ip(), now), Ok(()));
        flights.insert(peer(1, port), flight(now).0);
    }
    assert_eq!(flights.room(peer(1, 0).ip(), now), Err(Full::Address(2)));
    assert_eq!(flights.room(peer(2, 0).ip(), now), Ok(()));
    assert!(flights.remove(peer(1, 1000)), "it was in flight");
    assert!(!flights.remove(peer(1, 1000)), "it has ended");
    assert_eq!(flights.room(peer(1, 0).ip(), now), Ok(()));
}

#[test]
fn at_the_cap_the_oldest_transfer_never_answered_makes_room() {
    let start = Instant::now();
    let mut flights = Flights::new(limits(3, 3));
    let (old_answered, answered) = flight(start);
    answered.answered.store(true, Ordering::Relaxed);
    flights.insert(peer(1, 1), old_answered);
    let (oldest_silent, silent) = flight(start + Duration::from_millis(10));
    flights.insert(peer(2, 1), oldest_silent);
    let (young_silent, young) = flight(start + Duration::from_millis(20));
    flights.insert(peer(3, 1), young_silent);
    assert!(flights.at_cap());
    // Nobody has been silent for a second yet: no room.
    let early = start + Duration::from_millis(500);
    assert_eq!(flights.room(peer(4, 1).ip(), early), Err(Full::Total(3)));
    assert!(!silent.evict.load(Ordering::Relaxed));
    // Later: the oldest silent one is asked to end, the answered one is kept.
    let later = start + Duration::from_secs(2);
    assert_eq!(flights.room(peer(4, 1).ip(), later), Ok(()));
    assert!(silent.evict.load(Ordering::Relaxed));
    assert!(!answered.evict.load(Ordering::Relaxed));
    assert!(!young.evict.load(Ordering::Relaxed));
    flights.insert(peer(4, 1), flight(later).0);
    // The one being ended no longer counts; the young one goes next.
    assert_eq!(flights.room(peer(5, 1).ip(), later), Ok(()));
    assert!(young.evict.load(Ordering::Relaxed));
    flights.insert(peer(5, 1), flight(later).0);
    assert_eq!(flights.room(peer(6, 1).ip(), later), Err(Full::Total(5)));
}

#[test]
fn large_blocks_are_granted_to_a_bounded_number_of_transfers() {
    let now = Instant::now();
    let mut flights = Flights::new(limits(1000, 1000));
    let asks = |size: &str| Request {
        options: vec![("blksize".into(), size.into())],
        ..Request::octet("f")
    };
    assert_eq!(flights.blksize_for(&asks("512")), (u16::MAX, false));
    assert_eq!(flights.blksize_for(&Request::octet("f")), (u16::MAX, false));
    for n in 0..LARGE_BLOCKS {
        let (max, large) = flights.blksize_for(&asks("65464"));
        assert_eq!((max, large), (u16::MAX, true));
        let (mut f, _) = flight(now);
        f.large = large;
        flights.insert(peer(1, n as u16), f);
    }
    assert_eq!(flights.blksize_for(&asks("65464")), (SMALL_BLKSIZE, false));
    flights.remove(peer(1, 0));
    assert_eq!(flights.blksize_for(&asks("65464")), (u16::MAX, true));
}

#[test]
fn an_ending_transfer_holds_its_address_back_for_a_bounded_time() {
    let now = Instant::now();
    let mut flights = Flights::new(limits(10, 10));
    let (f, shared) = flight(now);
    flights.insert(peer(1, 1), f);
    assert!(flights.ending(peer(1, 2).ip()).is_empty());
    shared.ending.store(true, Ordering::Relaxed);
    assert_eq!(flights.ending(peer(1, 2).ip()), [peer(1, 1)]);
    assert!(flights.ending(peer(2, 2).ip()).is_empty());
    // A client serve does not walk, ending beside it, holds nothing back.
    let (mut other, other_shared) = flight(now);
    other.managed = false;
    other_shared.ending.store(true, Ordering::Relaxed);
    flights.insert(peer(1, 3), other);
    assert_eq!(flights.ending(peer(1, 2).ip()), [peer(1, 1)]);

    let mut held = HeldBack::default();
    let hold = |port| {
        let waits = [Wait::Transfer(peer(1, 1))];
        Held::new(
            Request::octet("next"),
            peer(1, port),
            peer(1, 0).ip(),
            now,
            waits,
        )
    };
    let on = |wait| match wait {
        Wait::Transfer(p) => flights.contains(p),
        Wait::Page(_) => panic!("no page is read"),
    };
    assert!(held.hold(hold(2)));
    assert!(held.contains(peer(1, 2)));
    assert!(held.release(now, on).is_empty());
    // Its time is up: answered, ending or not.
    assert_eq!(held.release(now + HOLD_FOR, on).len(), 1);
    assert!(held.is_empty());
    // Another transfer of the address starting does not hold it longer; the one waited for
    // ending releases it at once.
    assert!(held.hold(hold(3)));
    flights.insert(peer(1, 50), flight(now).0);
    flights.remove(peer(1, 1));
    let on = |wait| matches!(wait, Wait::Transfer(p) if flights.contains(p));
    assert_eq!(held.release(now, on).len(), 1);
    // Bounded per address.
    for port in 0..HELD_BACK_PER_ADDRESS as u16 {
        assert!(held.hold(hold(100 + port)));
    }
    assert!(!held.hold(hold(99)));
    assert_eq!(held.dropped, 1);
}

#[test]
fn a_page_wait_is_bounded_by_its_own_half_second_while_a_transfer_of_its_address_ends() {
    let now = Instant::now();
    let (ending, page) = (Wait::Transfer(peer(1, 1)), Wait::Page(peer(1, 1).ip()));
    let mut held = HeldBack::default();
    let request = |port| {
        Held::new(
            Request::octet("next"),
            peer(1, port),
            peer(1, 0).ip(),
            now,
            [ending, page],
        )
    };
    // The transfer's end is taken in at once; the page is still being read after its bound.
    assert!(held.hold(request(2)));
    let page_only = |wait| wait == page;
    assert!(held.release(now + PAGE_WAIT / 2, page_only).is_empty());
    let released = held.release(now + PAGE_WAIT, page_only);
    assert_eq!(released.len(), 1, "waited past the page's bound");
    // While the transfer has not ended, it is waited for up to its own bound.
    assert!(held.hold(request(3)));
    let both = |_| true;
    assert!(held.release(now + PAGE_WAIT, both).is_empty());
    assert!(held
        .release(now + HOLD_FOR - Duration::from_millis(1), both)
        .is_empty());
    assert_eq!(held.release(now + HOLD_FOR, both).len(), 1);
    // The page answered, the transfer ended: at once.
    assert!(held.hold(request(4)));
    assert_eq!(held.release(now, |_| false).len(), 1);
    assert!(held.is_empty());
}
