#![no_main]
//! The log reader on any bytes: every line parser (syslog prefixes, journald JSON, Tftpd32),
//! the story and the report. Never a panic; every line is counted once.
use libfuzzer_sys::fuzz_target;
use phoneup::logs::line;
use phoneup::logs::{Diagnosis, Report};
use phoneup::output::Style;

fuzz_target!(|data: &[u8]| {
    for (number, bytes) in data.split(|&b| b == b'\n').enumerate() {
        let _ = line::parse(bytes, number as u64 + 1);
    }
    let mut diagnosis = Diagnosis::new(None);
    // In two pieces, so lines cut between reads are exercised too.
    let half = data.len() / 2;
    diagnosis.feed(&data[..half]);
    diagnosis.feed(&data[half..]);
    diagnosis.finish();
    let lines = data.split(|&b| b == b'\n').count() as u64 - u64::from(data.ends_with(b"\n") || data.is_empty());
    assert_eq!(diagnosis.lines_read, lines);
    assert!(diagnosis.lines_recognised <= diagnosis.lines_read);
    let report = Report::new(&diagnosis, None);
    let _ = report.to_text(&Style::plain());
    let _ = serde_json::to_string(&report).unwrap();
});
