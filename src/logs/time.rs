//! Timestamps as TFTP logs write them, many without a year or a date: RFC 3339 (rsyslog on
//! Debian 12), ISO with an offset without a colon (`journalctl -o short-iso`), `Nov 21 09:27:15`
//! with or without fractions (traditional syslog, `journalctl -o short`/`short-precise`), epoch
//! seconds (`short-unix`, journald JSON), Tftpd32's `25/07 00:41:32.672`, and a bare
//! `12:45:17` (a log trimmed by hand, as FUSSYLOGIC-7940's); PumpKIN's `2021-07-03 10:03:20 +0000`, and
//! a packet list's times (`tshark`, Wireshark): seconds into the capture, or a date and time in
//! the local time of the machine that shows it.

use std::cell::Cell;
use std::fmt;

/// What the clock of a timestamp counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Clock {
    /// Microseconds since 1970-01-01 UTC.
    Utc,
    /// Microseconds since January 1 of a year the log does not say, in the log's local time.
    NoYear,
    /// Microseconds since a midnight the log does not say.
    NoDate,
    /// Microseconds since 1970-01-01 in a local time the log does not say (a packet list's
    /// absolute times).
    Local,
    /// Microseconds since a capture's first packet (a packet list's relative times).
    Capture,
}

/// A point in time as far as the log tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    clock: Clock,
    micros: i64,
    /// Digits of the fraction of a second the log wrote (0, 3 or 6), for showing it back.
    digits: u8,
}

const MICROS: i64 = 1_000_000;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Time {
    /// Seconds from `self` to `later`, when the two clocks can be compared; a clock that
    /// went backwards by more than half a day wrapped (a new day or year), which counts as a
    /// long time.
    pub fn seconds_until(&self, later: &Time) -> Option<u64> {
        if self.clock != later.clock {
            return None;
        }
        let delta = later.micros - self.micros;
        if delta >= 0 {
            Some((delta / MICROS) as u64)
        } else if -delta > 12 * 3600 * MICROS {
            Some(u64::MAX)
        } else {
            // A few lines out of order (dnsmasq logs a transfer when it ends).
            Some(0)
        }
    }

    /// Microseconds since 1970 (UTC), from journald's `__REALTIME_TIMESTAMP`.
    pub fn from_epoch_micros(micros: i64) -> Time {
        Time {
            clock: Clock::Utc,
            micros,
            digits: 6,
        }
    }

    /// `2026-11-21T09:27:15.602874+00:00`, `2026-11-21T23:16:15+0000` or with `Z`; the rest of
    /// the text after the stamp is returned.
    pub fn parse_iso(text: &[u8]) -> Option<(Time, &[u8])> {
        let days = iso_days(text.get(0..10)?.try_into().expect("ten bytes"))?;
        if !matches!(text.get(10), Some(b'T' | b' ')) {
            return None;
        }
        let (seconds, digits, fraction, rest) = clock_time(&text[11..])?;
        // PumpKIN writes a space before the offset.
        let rest = match rest {
            [b' ', b'+' | b'-', ..] if text[10] == b' ' => &rest[1..],
            _ => rest,
        };
        let (offset, rest) = match rest.first()? {
            b'Z' => (0, &rest[1..]),
            sign @ (b'+' | b'-') => {
                let hours = number(rest.get(1..3)?)?;
                let (minutes, used) = if rest.get(3) == Some(&b':') {
                    (number(rest.get(4..6)?)?, 6)
                } else {
                    (number(rest.get(3..5)?)?, 5)
                };
                let offset = (hours * 3600 + minutes * 60) as i64;
                (if *sign == b'-' { -offset } else { offset }, &rest[used..])
            }
            _ => return None,
        };
        let micros = (days * 86_400 + seconds - offset) * MICROS + fraction;
        Some((
            Time {
                clock: Clock::Utc,
                micros,
                digits,
            },
            rest,
        ))
    }

    /// A packet list's time: seconds into the capture (`342.912717`), epoch seconds
    /// (`1700000000.013000`, `tshark -t e`), a date and local time (`2023-11-14
    /// 22:13:20.013000`, `-t ad`) or a time of day (`22:13:20.013000`, `-t t`); the rest is
    /// returned.
    pub fn parse_capture(text: &[u8]) -> Option<(Time, &[u8])> {
        if let Some(parsed) = Time::parse_unix(text) {
            return Some(parsed);
        }
        if let Some(parsed) = Time::parse_iso(text) {
            return Some(parsed);
        }
        if text.len() >= 19 && text[4] == b'-' && text[7] == b'-' && text[10] == b' ' {
            // A date and time with no offset: the local time of whoever exported it.
            let mut stamp = [0u8; 27];
            let n = text
                .iter()
                .skip(19)
                .take_while(|b| b.is_ascii_digit() || **b == b'.')
                .count();
            let used = 19 + n.min(7);
            stamp[..used].copy_from_slice(&text[..used]);
            stamp[used] = b'Z';
            let (time, _) = Time::parse_iso(&stamp[..used + 1])?;
            let time = Time {
                clock: Clock::Local,
                ..time
            };
            return Some((time, &text[used..]));
        }
        if let Some(parsed) = Time::parse_clock(text) {
            return Some(parsed);
        }
        let whole = text.iter().take_while(|b| b.is_ascii_digit()).count();
        if whole == 0 || whole > 9 || text.get(whole) != Some(&b'.') {
            return None;
        }
        let (fraction, digits) = fraction(&text[whole + 1..]);
        if digits == 0 {
            return None;
        }
        let seconds = text[..whole]
            .iter()
            .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
        Some((
            Time {
                clock: Clock::Capture,
                micros: seconds * MICROS + fraction,
                digits: 6,
            },
            &text[whole + 1 + digits..],
        ))
    }

    /// `Nov 21 09:27:15` (day space- or zero-padded), with an optional fraction.
    pub fn parse_month_day(text: &[u8]) -> Option<(Time, &[u8])> {
        let month = MONTHS
            .iter()
            .position(|m| text.get(0..3) == Some(m.as_bytes()))? as u32
            + 1;
        expect(text, 3, b' ')?;
        let day = match (text.get(4)?, text.get(5)?) {
            (b' ', d) if d.is_ascii_digit() => u32::from(d - b'0'),
            (a, b) if a.is_ascii_digit() && b.is_ascii_digit() => {
                u32::from(a - b'0') * 10 + u32::from(b - b'0')
            }
            _ => return None,
        };
        expect(text, 6, b' ')?;
        let (seconds, digits, fraction, rest) = clock_time(&text[7..])?;
        if !(1..=31).contains(&day) {
            return None;
        }
        Some((no_year(month, day, seconds, fraction, digits), rest))
    }

    /// Tftpd32's `25/07 00:41:32.672` (day before month).
    pub fn parse_day_month(text: &[u8]) -> Option<Time> {
        let day = number(text.get(0..2)?)?;
        expect(text, 2, b'/')?;
        let month = number(text.get(3..5)?)?;
        expect(text, 5, b' ')?;
        let (seconds, digits, fraction, rest) = clock_time(&text[6..])?;
        if !rest.is_empty() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        Some(no_year(month, day, seconds, fraction, digits))
    }

    /// A bare `12:45:17`, with an optional fraction.
    pub fn parse_clock(text: &[u8]) -> Option<(Time, &[u8])> {
        let (seconds, digits, fraction, rest) = clock_time(text)?;
        Some((
            Time {
                clock: Clock::NoDate,
                micros: seconds * MICROS + fraction,
                digits,
            },
            rest,
        ))
    }

    /// `1795302975.787038` (epoch seconds with a fraction, `journalctl -o short-unix`).
    pub fn parse_unix(text: &[u8]) -> Option<(Time, &[u8])> {
        let dot = text.iter().position(|&b| b == b'.')?;
        if !(9..=11).contains(&dot) {
            return None;
        }
        let seconds = text[..dot].iter().try_fold(0i64, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })?;
        let (fraction, digits_len) = fraction(&text[dot + 1..]);
        if digits_len == 0 {
            return None;
        }
        Some((
            Time {
                clock: Clock::Utc,
                micros: seconds * MICROS + fraction,
                digits: 6,
            },
            &text[dot + 1 + digits_len..],
        ))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.micros.div_euclid(MICROS);
        let fraction = self.micros.rem_euclid(MICROS);
        if self.clock == Clock::Capture {
            return write!(f, "{seconds}.{fraction:06} s into the capture");
        }
        let (day_seconds, days) = (seconds.rem_euclid(86_400), seconds.div_euclid(86_400));
        match self.clock {
            Clock::Utc | Clock::Local => {
                let (y, m, d) = civil_from_days(days);
                write!(f, "{y:04}-{m:02}-{d:02} ")?;
            }
            Clock::NoYear => {
                let (_, m, d) = civil_from_days(days + days_from_civil(2001, 1, 1));
                write!(f, "{} {d:2} ", MONTHS[(m - 1) as usize])?;
            }
            Clock::NoDate | Clock::Capture => {}
        }
        write!(
            f,
            "{:02}:{:02}:{:02}",
            day_seconds / 3600,
            day_seconds / 60 % 60,
            day_seconds % 60
        )?;
        match self.digits {
            0 => {}
            3 => write!(f, ".{:03}", fraction / 1000)?,
            _ => write!(f, ".{fraction:06}")?,
        }
        if self.clock == Clock::Utc {
            f.write_str(" UTC")?;
        }
        Ok(())
    }
}

/// Days since 1970-01-01 of an ISO date, `2026-11-21`; `None` for bytes that are no date. The
/// last date read is kept (one for each thread): a log's lines are in order of time, and their
/// date changes once a day.
fn iso_days(date: [u8; 10]) -> Option<i64> {
    thread_local! {
        static LAST: Cell<([u8; 10], i64)> = const { Cell::new((*b"1970-01-01", 0)) };
    }
    let (last, days) = LAST.get();
    if date == last {
        return Some(days);
    }
    let year = number(&date[0..4])?;
    expect(&date, 4, b'-')?;
    let month = number(&date[5..7])?;
    expect(&date, 7, b'-')?;
    let day = number(&date[8..10])?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year as i64, month, day);
    LAST.set((date, days));
    Some(days)
}

/// A date without a year, counted in 2001 (not a leap year: a log's February 29 lands on
/// March 1, which only matters for gaps across it).
fn no_year(month: u32, day: u32, seconds: i64, fraction: i64, digits: u8) -> Time {
    let days = days_from_civil(2001, month, day) - days_from_civil(2001, 1, 1);
    Time {
        clock: Clock::NoYear,
        micros: (days * 86_400 + seconds) * MICROS + fraction,
        digits,
    }
}

fn expect(text: &[u8], at: usize, byte: u8) -> Option<()> {
    (text.get(at) == Some(&byte)).then_some(())
}

fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    // One pass without branches: a byte that is no digit spoils the whole.
    let (mut n, mut spoilt) = (0u32, false);
    for &d in digits {
        let value = d.wrapping_sub(b'0');
        spoilt |= value > 9;
        n = n.wrapping_mul(10).wrapping_add(u32::from(value));
    }
    (!spoilt).then_some(n)
}

/// The fraction that starts `text` (what follows a decimal point), in one pass: its value in
/// microseconds (digits past the sixth are dropped) and how many digits it has (0: none).
fn fraction(text: &[u8]) -> (i64, usize) {
    let (mut micros, mut n) = (0i64, 0);
    for &d in text {
        let value = d.wrapping_sub(b'0');
        if value > 9 {
            break;
        }
        if n < 6 {
            micros = micros * 10 + i64::from(value);
        }
        n += 1;
    }
    for _ in n.min(6)..6 {
        micros *= 10;
    }
    (micros, n)
}

/// `HH:MM:SS[.fff…]`: seconds of the day, digits of the fraction, the fraction in
/// microseconds, and the rest.
fn clock_time(text: &[u8]) -> Option<(i64, u8, i64, &[u8])> {
    let hours = number(text.get(0..2)?)?;
    expect(text, 2, b':')?;
    let minutes = number(text.get(3..5)?)?;
    expect(text, 5, b':')?;
    let seconds = number(text.get(6..8)?)?;
    if hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    let mut rest = &text[8..];
    let (mut digits, mut micros) = (0, 0);
    if rest.first() == Some(&b'.') {
        let n;
        (micros, n) = fraction(&rest[1..]);
        if n == 0 {
            return None;
        }
        digits = if n <= 3 { 3 } else { 6 };
        rest = &rest[1 + n..];
    }
    Some((
        i64::from(hours * 3600 + minutes * 60 + seconds),
        digits,
        micros,
        rest,
    ))
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (Howard Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_parses_and_shows_back() {
        let (t, rest) = Time::parse_iso(b"2026-11-21T09:27:15.602874+00:00 vm").unwrap();
        assert_eq!(
            (t.to_string().as_str(), rest),
            ("2026-11-21 09:27:15.602874 UTC", &b" vm"[..])
        );
        let (t2, _) = Time::parse_iso(b"2026-11-21T10:27:20+0100 vm").unwrap();
        assert_eq!(t.seconds_until(&t2), Some(4));
        let (t, _) = Time::parse_month_day(b"Nov  1 09:27:15 vm").unwrap();
        assert_eq!(t.to_string(), "Nov  1 09:27:15");
        let (t, _) = Time::parse_month_day(b"Nov 21 23:16:15.787038 vm").unwrap();
        assert_eq!(t.to_string(), "Nov 21 23:16:15.787038");
        let t = Time::parse_day_month(b"25/07 00:41:32.672").unwrap();
        assert_eq!(t.to_string(), "Jul 25 00:41:32.672");
        let (t, _) = Time::parse_clock(b"12:45:17 atftpd").unwrap();
        assert_eq!(t.to_string(), "12:45:17");
        let (t, _) = Time::parse_unix(b"1795302975.787038 vm").unwrap();
        assert_eq!(t.to_string(), "2026-11-21 23:16:15.787038 UTC");
        assert_eq!(
            Time::from_epoch_micros(1_795_302_975_787_038).to_string(),
            "2026-11-21 23:16:15.787038 UTC"
        );
        let (t, rest) = Time::parse_iso(b"2021-07-03 10:03:20 +0000] x").unwrap();
        assert_eq!(
            (t.to_string().as_str(), rest),
            ("2021-07-03 10:03:20 UTC", &b"] x"[..])
        );
    }

    #[test]
    fn a_number_is_one_to_nine_digits_and_nothing_else() {
        assert_eq!(number(b""), None);
        assert_eq!(number(b"0"), Some(0));
        assert_eq!(number(b"09"), Some(9));
        assert_eq!(number(b"123456789"), Some(123_456_789));
        assert_eq!(number(b"1234567890"), None);
        // A byte beside the digits in ASCII, either side, spoils the whole wherever it is.
        assert_eq!(number(b"12a4"), None);
        assert_eq!(number(b"/9"), None);
        assert_eq!(number(b"9:"), None);
    }

    #[test]
    fn fractions_of_any_length() {
        fn shown(text: &[u8]) -> Option<(String, &[u8])> {
            Time::parse_clock(text).map(|(t, rest)| (t.to_string(), rest))
        }
        assert_eq!(
            shown(b"12:45:17.5 x"),
            Some(("12:45:17.500".into(), &b" x"[..]))
        );
        assert_eq!(
            shown(b"12:45:17.0123"),
            Some(("12:45:17.012300".into(), &b""[..]))
        );
        assert_eq!(
            shown(b"12:45:17.98765432109x"),
            Some(("12:45:17.987654".into(), &b"x"[..]))
        );
        assert_eq!(shown(b"12:45:17.x"), None);
        assert_eq!(shown(b"12:45:1/"), None);
        let (t, rest) = Time::parse_unix(b"1795302975.5x").unwrap();
        assert_eq!(
            (t.to_string().as_str(), rest),
            ("2026-11-21 23:16:15.500000 UTC", &b"x"[..])
        );
    }

    #[test]
    fn a_packet_lists_times() {
        let (t, rest) = Time::parse_capture(b"342.912717 10.0.0.1").unwrap();
        assert_eq!(
            (t.to_string().as_str(), rest),
            ("342.912717 s into the capture", &b" 10.0.0.1"[..])
        );
        let (u, _) = Time::parse_capture(b"403.1").unwrap();
        assert_eq!(t.seconds_until(&u), Some(60));
        let (t, rest) = Time::parse_capture(b"2023-11-14 22:13:20.013000 10.0.0.1").unwrap();
        assert_eq!(
            (t.to_string().as_str(), rest),
            ("2023-11-14 22:13:20.013000", &b" 10.0.0.1"[..])
        );
        let (t, _) = Time::parse_capture(b"2023-11-14 22:13:20 x").unwrap();
        assert_eq!(t.to_string(), "2023-11-14 22:13:20");
        let (t, _) = Time::parse_capture(b"1700000000.013000 x").unwrap();
        assert_eq!(t.to_string(), "2023-11-14 22:13:20.013000 UTC");
        let (t, _) = Time::parse_capture(b"22:13:20.013000 x").unwrap();
        assert_eq!(t.to_string(), "22:13:20.013000");
        for junk in [
            &b"x"[..],
            b".5",
            b"5.",
            b"1234567890123.5",
            b"2023-11-14 2x:13:20",
        ] {
            assert!(Time::parse_capture(junk).is_none(), "{junk:?}");
        }
    }

    #[test]
    fn gaps() {
        let a = Time::parse_day_month(b"25/07 00:41:32.781").unwrap();
        let b = Time::parse_day_month(b"25/07 00:41:54.672").unwrap();
        assert_eq!(a.seconds_until(&b), Some(21));
        let (late, _) = Time::parse_clock(b"23:59:59").unwrap();
        let (early, _) = Time::parse_clock(b"00:00:01").unwrap();
        assert_eq!(late.seconds_until(&early), Some(u64::MAX), "midnight");
        let (utc, _) = Time::parse_iso(b"2026-11-21T09:27:15Z").unwrap();
        assert_eq!(
            utc.seconds_until(&early),
            None,
            "clocks that cannot be compared"
        );
    }

    #[test]
    fn each_date_is_read_as_itself_whatever_was_read_before() {
        let time = |text: &[u8]| Time::parse_iso(text).map(|(t, _)| t.to_string());
        let day = |text: &[u8]| Time::parse_iso(text).unwrap().0;
        let (first, next) = (day(b"2026-11-21T23:59:59Z"), day(b"2026-11-22T00:00:00Z"));
        assert_eq!(first.seconds_until(&next), Some(1));
        assert_eq!(
            time(b"2026-11-22T00:00:01Z").as_deref(),
            Some("2026-11-22 00:00:01 UTC")
        );
        assert_eq!(time(b"2026-11-2xT00:00:01Z"), None);
        assert_eq!(
            time(b"1970-01-01T00:00:00Z").as_deref(),
            Some("1970-01-01 00:00:00 UTC")
        );
        assert_eq!(time(b"\0\0\0\0\0\0\0\0\0\0T00:00:00Z"), None);
        assert_eq!(
            time(b"2026-11-22T00:00:01Z").as_deref(),
            Some("2026-11-22 00:00:01 UTC")
        );
    }

    #[test]
    fn junk_is_not_a_time() {
        for junk in [
            &b""[..],
            b"2026-13-21T09:27:15Z",
            b"Foo 21 09:27:15",
            b"Nov 21 9:27:15",
            b"99:00:00",
            b"25/07 00:41",
            b"12345678.5",
            b"2026-11-21T09:27:15",
        ] {
            assert!(Time::parse_iso(junk).is_none());
            assert!(Time::parse_month_day(junk).is_none());
            assert!(Time::parse_day_month(junk).is_none());
            assert!(Time::parse_unix(junk).is_none());
        }
    }
}
