//! What people see while serve runs, fed by a channel so the server never waits for the screen.
//! On a terminal: one row per managed phone, redrawn in place with ANSI escapes at most four
//! times a second (MAC, address, model when known, running load, stage, the file being sent with
//! its progress, state, and how long ago it last asked for something), colour only there and
//! never with `NO_COLOR`. Not on a terminal: one line per event. `--events json`: one JSON object
//! per event and line.
//!
//! May use: [`crate::output`], [`crate::wire::serve::events`], the wall clock of
//! [`crate::wire::serve::driver`].

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::output::Style;
use crate::wire::serve::driver::wall_ms;
use crate::wire::serve::events::{Message, Row, State};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The table, redrawn in place.
    Table,
    /// One line per event.
    Lines,
    /// One JSON object per event.
    Json,
}

/// The rows, for the table and the summary.
#[derive(Debug, Default)]
pub struct Board {
    pub rows: BTreeMap<String, Row>,
}

fn age(ms: u64, now: u64) -> String {
    if ms == 0 {
        return "-".into();
    }
    let secs = now.saturating_sub(ms) / 1000;
    if secs < 120 {
        format!("{secs}s ago")
    } else if secs < 7200 {
        format!("{}m ago", secs / 60)
    } else {
        format!("{}h ago", secs / 3600)
    }
}

fn progress((file, bytes, size): &(String, u64, Option<u64>)) -> String {
    match size {
        Some(size) if *size > 0 => format!("{file} {}%", bytes * 100 / size),
        _ => format!("{file} {} KiB", bytes / 1024),
    }
}

impl Board {
    pub fn table(&self, style: &Style, now: u64) -> Vec<String> {
        let mut lines = vec![style.bold(&format!(
            "{:<12}  {:<21}  {:<5}  {:<26}  {:<8}  {:<28}  {:<12}  {}",
            "MAC", "ADDRESS", "MODEL", "RUNNING", "STAGE", "FILE", "STATE", "LAST"
        ))];
        for row in self.rows.values() {
            let state = format!("{:<12}", row.state.name());
            let state = match row.state {
                State::Done => style.good(&state),
                State::Stuck | State::Failed => style.error(&state),
                State::Rebooting => style.warning(&state),
                _ => state,
            };
            let file = row
                .file
                .as_ref()
                .map(progress)
                .unwrap_or_else(|| "-".into());
            let mut line = format!(
                "{:<12}  {:<21}  {:<5}  {:<26}  {:<8}  {:<28}  {state}  {}",
                row.mac,
                row.address,
                row.model.as_deref().unwrap_or("-"),
                clip(&row.running, 26),
                row.stage,
                clip(&file, 28),
                age(row.last_seen_ms, now)
            );
            if let (Some(why), State::Stuck | State::Failed) = (&row.why, row.state) {
                line.push_str(&format!("  {}", clip(why, 90)));
            }
            lines.push(line);
        }
        lines
    }

    /// The closing summary: how many phones are done, failed, stuck or still on their way.
    pub fn summary(&self) -> String {
        let count = |s: State| self.rows.values().filter(|r| r.state == s).count();
        let mut out = format!(
            "phoneup serve stopped: {} done, {} failed, {} stuck, {} not finished ({} managed phones seen)\n",
            count(State::Done),
            count(State::Failed),
            count(State::Stuck),
            self.rows.len() - count(State::Done) - count(State::Failed) - count(State::Stuck),
            self.rows.len()
        );
        for row in self.rows.values() {
            out.push_str(&format!(
                "  {}  {:<12}  {}  stage {}{}\n",
                row.mac,
                row.state.name(),
                row.running,
                row.stage,
                row.why
                    .as_deref()
                    .map(|w| format!(": {w}"))
                    .unwrap_or_default()
            ));
        }
        out
    }
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
        out.push('~');
        out
    }
}

/// Shows what arrives until the channel closes; returns the rows for the summary.
pub fn run(messages: Receiver<Message>, mode: Mode, style: Style) -> Board {
    let mut board = Board::default();
    let mut out = std::io::stdout();
    let mut drawn = 0usize;
    let mut last_draw = Instant::now() - Duration::from_secs(1);
    let mut dirty = false;
    loop {
        match messages.recv_timeout(Duration::from_millis(250)) {
            Ok(Message::Event(event)) => match mode {
                Mode::Json => {
                    let _ = writeln!(out, "{}", event.json());
                }
                Mode::Lines => {
                    let _ = writeln!(out, "{}", event.line());
                }
                Mode::Table => {}
            },
            Ok(Message::Row(row)) => {
                board.rows.insert(row.mac.clone(), row);
                dirty = true;
            }
            Ok(Message::Progress {
                mac,
                file,
                bytes,
                size,
            }) => {
                if let Some(row) = board.rows.get_mut(&mac) {
                    row.file = Some((file, bytes, size));
                    dirty = true;
                }
            }
            Err(RecvTimeoutError::Timeout) => dirty = true,
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if mode == Mode::Table && dirty && last_draw.elapsed() >= Duration::from_millis(250) {
            let lines = board.table(&style, wall_ms());
            let mut frame = String::new();
            if drawn > 0 {
                frame.push_str(&format!("\x1b[{drawn}A"));
            }
            for line in &lines {
                frame.push_str("\x1b[2K");
                frame.push_str(line);
                frame.push('\n');
            }
            let _ = out.write_all(frame.as_bytes());
            let _ = out.flush();
            drawn = lines.len();
            last_draw = Instant::now();
            dirty = false;
        }
    }
    let _ = out.flush();
    board
}
