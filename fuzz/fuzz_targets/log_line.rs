#![no_main]
//! The log reader on any bytes: every line parser (syslog prefixes, journald JSON, Tftpd32),
//! the story and the report, through both readers (pieces fed in one thread, a whole input in
//! two). Never a panic; every line is counted once; both readers agree.
use libfuzzer_sys::fuzz_target;
use phoneup::logs::line;
use phoneup::logs::{Diagnosis, Report};
use phoneup::output::Style;

fuzz_target!(|data: &[u8]| {
    for (number, bytes) in data.split(|&b| b == b'\n').enumerate() {
        let _ = line::parse(bytes, number as u64 + 1);
    }
    let mut fed = Diagnosis::new(None);
    // In two pieces, so lines cut between reads are exercised too.
    let half = data.len() / 2;
    fed.feed(&data[..half]);
    fed.feed(&data[half..]);
    fed.finish();
    let lines = data.split(|&b| b == b'\n').count() as u64
        - u64::from(data.ends_with(b"\n") || data.is_empty());
    assert_eq!(fed.lines_read, lines);
    assert!(fed.lines_recognised <= fed.lines_read);
    let mut read = Diagnosis::new(None);
    read.read_all(&mut &data[..]).unwrap();
    read.finish();
    assert_eq!(
        (read.lines_read, read.lines_recognised, read.story.phones.len()),
        (fed.lines_read, fed.lines_recognised, fed.story.phones.len())
    );
    let report = Report::new(&fed, None);
    let _ = report.to_text(&Style::plain());
    let _ = serde_json::to_string(&report).unwrap();
});
