//! `journalctl -o json`: one object a line; the message is `MESSAGE`, a string or, when it
//! holds control characters or bytes that are not UTF-8, an array of bytes.

use serde::Deserialize;
use serde_json::Value;

use crate::logs::event::Pid;
use crate::logs::time::Time;

#[derive(Deserialize)]
struct Raw {
    #[serde(rename = "MESSAGE")]
    message: Option<Value>,
    #[serde(rename = "SYSLOG_IDENTIFIER")]
    identifier: Option<String>,
    #[serde(rename = "_COMM")]
    command: Option<String>,
    #[serde(rename = "SYSLOG_PID")]
    syslog_pid: Option<String>,
    #[serde(rename = "_PID")]
    pid: Option<String>,
    #[serde(rename = "_SOURCE_REALTIME_TIMESTAMP")]
    source_time: Option<String>,
    #[serde(rename = "__REALTIME_TIMESTAMP")]
    time: Option<String>,
}

/// One journal entry as a log line has it: the program, its PID, the message's bytes and
/// the time.
pub struct Entry {
    pub program: String,
    pub pid: Option<Pid>,
    pub message: Vec<u8>,
    pub time: Option<Time>,
}

/// One line of `journalctl -o json`, if it is an entry with a message and a program.
pub fn entry(bytes: &[u8]) -> Option<Entry> {
    let raw = serde_json::from_slice::<Raw>(bytes).ok()?;
    let message = raw.message.as_ref().and_then(message_bytes)?;
    let program = raw.identifier.or(raw.command)?;
    let pid = raw
        .syslog_pid
        .or(raw.pid)
        .and_then(|p| p.parse().ok())
        .map(|pid| Pid { pid, thread: None });
    let time = raw
        .source_time
        .or(raw.time)
        .and_then(|t| t.parse().ok())
        .map(Time::from_epoch_micros);
    Some(Entry {
        program,
        pid,
        message,
        time,
    })
}

fn message_bytes(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::String(s) => Some(s.clone().into_bytes()),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_as_text_or_bytes() {
        let text = br#"{"__REALTIME_TIMESTAMP":"1795302975787038","SYSLOG_IDENTIFIER":"in.tftpd","_PID":"26527","MESSAGE":"RRQ from 127.0.0.1 filename OS79XX.TXT","PRIORITY":"5"}"#;
        let e = entry(text).unwrap();
        assert_eq!(
            (e.program.as_str(), e.pid.map(|p| p.pid)),
            ("in.tftpd", Some(26527))
        );
        assert_eq!(e.message, b"RRQ from 127.0.0.1 filename OS79XX.TXT");
        assert_eq!(
            e.time.unwrap().to_string(),
            "2026-11-21 23:16:15.787038 UTC"
        );
        let bytes = br#"{"SYSLOG_IDENTIFIER":"in.tftpd","MESSAGE":[80,13,46]}"#;
        assert_eq!(entry(bytes).unwrap().message, b"P\r.");
    }

    #[test]
    fn other_json_is_no_entry() {
        for junk in [
            &b"{"[..],
            b"{}",
            br#"{"MESSAGE":5,"SYSLOG_IDENTIFIER":"in.tftpd"}"#,
            br#"{"MESSAGE":[300],"SYSLOG_IDENTIFIER":"in.tftpd"}"#,
            br#"{"MESSAGE":"x"}"#,
        ] {
            assert!(entry(junk).is_none());
        }
    }
}
