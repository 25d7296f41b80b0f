//! What people see while serve runs, fed by a channel so the server never waits for the screen.
//! On a terminal: the [`table`], redrawn in place at most four times a second and fitted to the
//! terminal's width and height each time. Not on a terminal: one line per event. `--format
//! json`: one JSON object per event and line. Everything goes through [`Out`], the one way to
//! the terminal, and every name from the network is escaped.
//!
//! May use: [`crate::output`], [`crate::wire::serve::events`], the wall clock of
//! [`crate::wire::serve::driver`].

pub mod table;

use std::io::{self, BufWriter, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::output::{Control, Format, Out, Style, Untrusted};
use crate::wire::serve::driver::wall_ms;
use crate::wire::serve::events::{Message, State};

pub use table::{Board, Shown};

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

/// The terminal's columns and lines (80x24 when it does not say).
fn terminal_size() -> (usize, usize) {
    // SAFETY: TIOCGWINSZ fills a winsize on a descriptor we only read from.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    let columns = if ok && size.ws_col > 0 {
        usize::from(size.ws_col)
    } else {
        env("COLUMNS").unwrap_or(80)
    };
    let lines = if ok && size.ws_row > 0 {
        usize::from(size.ws_row)
    } else {
        env("LINES").unwrap_or(24)
    };
    (columns, lines)
}

impl Board {
    /// Whether every phone expected or seen is done: serve's exit code 0.
    pub fn all_done(&self) -> bool {
        self.states()
            .iter()
            .all(|(_, shown, _)| *shown == Shown::Is(State::Done))
    }

    /// The closing summary: how many phones are done, and how many failed, are stuck, are still
    /// on their way or were never seen; and a line for each.
    pub fn summary(&self) -> String {
        let states = self.states();
        let count = |s: Shown| states.iter().filter(|(_, shown, _)| *shown == s).count();
        let done = count(Shown::Is(State::Done));
        let failed = count(Shown::Is(State::Failed));
        let stuck = count(Shown::Is(State::Stuck));
        let unseen = count(Shown::NotSeen);
        let rest = [
            (failed, "failed"),
            (stuck, "stuck"),
            (
                states.len() - done - failed - stuck - unseen,
                "not finished",
            ),
            (unseen, "not seen"),
        ];
        let rest: Vec<String> = rest
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        let mut out = format!(
            "phoneup serve stopped: {done} of {} done{}\n",
            crate::output::count(states.len(), "phone"),
            if rest.is_empty() {
                String::new()
            } else {
                format!("; {}", rest.join(", "))
            }
        );
        for (mac, shown, row) in &states {
            let line = match row {
                None => format!("  {mac}  {:<12}  it never asked: is it on, on this network, and pointed at this server (DHCP option 150)?\n", shown.name()),
                Some(row) => format!(
                    "  {mac}  {:<12}  {:<13}  stage {}{}\n",
                    shown.name(),
                    Untrusted(&row.running),
                    row.stage,
                    row.why
                        .as_deref()
                        .map(|w| format!(": {}", Untrusted(w)))
                        .unwrap_or_default()
                ),
            };
            out.push_str(&line);
        }
        out
    }
}

/// Shows what arrives until the channel closes; returns the rows for the summary. `expected`:
/// the phones named at the start, shown until they ask.
pub fn run(messages: Receiver<Message>, mode: Mode, expected: Vec<String>) -> Board {
    let format = if mode == Mode::Json {
        Format::Json
    } else {
        Format::Text
    };
    let out = Out::for_format(BufWriter::new(io::stdout()), format, Style::stdout());
    show(messages, mode, expected, out, terminal_size)
}

/// [`run`] onto any writer, with the terminal's size from `size` (tests give their own).
pub fn show<W: Write>(
    messages: Receiver<Message>,
    mode: Mode,
    expected: Vec<String>,
    mut out: Out<W>,
    size: fn() -> (usize, usize),
) -> Board {
    let style = out.style();
    let mut board = Board {
        expected,
        ..Board::default()
    };
    let mut drawn = 0usize;
    let mut last_draw = Instant::now() - Duration::from_secs(1);
    let mut dirty = true;
    loop {
        let closed = match messages.recv_timeout(Duration::from_millis(250)) {
            Ok(Message::Event(event)) => {
                let _ = match mode {
                    Mode::Json => writeln!(out, "{}", event.json()),
                    Mode::Lines => writeln!(out, "{}", event.line()),
                    Mode::Table => Ok(()),
                };
                if mode != Mode::Table {
                    let _ = out.flush();
                }
                false
            }
            Ok(Message::Row(row)) => {
                board.rows.insert(row.mac.clone(), row);
                dirty = true;
                false
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
                false
            }
            Ok(Message::Forget(mac)) => {
                board.rows.remove(&mac);
                dirty = true;
                false
            }
            Ok(Message::StateNotSaved(why)) => {
                board.state_error = Some(why);
                dirty = true;
                false
            }
            Err(RecvTimeoutError::Timeout) => {
                dirty = true;
                false
            }
            Err(RecvTimeoutError::Disconnected) => true,
        };
        let due = last_draw.elapsed() >= Duration::from_millis(250) || closed;
        if mode == Mode::Table && dirty && due {
            let (columns, lines) = size();
            drawn = redraw(
                &mut out,
                &board.table(&style, wall_ms(), columns, lines),
                drawn,
            );
            last_draw = Instant::now();
            dirty = false;
        }
        if closed {
            break;
        }
    }
    let _ = out.flush();
    board
}

/// Draws `lines` over the `drawn` lines drawn before (cleared to the end of the screen, so that
/// a table that shrank leaves nothing behind); returns how many it drew.
fn redraw<W: Write>(out: &mut Out<W>, lines: &[String], drawn: usize) -> usize {
    let _ = out.control(Control::Up(drawn));
    let _ = out.control(Control::ClearBelow);
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
    lines.len()
}

#[cfg(test)]
mod tests;
