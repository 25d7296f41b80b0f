//! The live table, fitted to the terminal: one row per phone (the phones expected from the
//! start, "not seen" until they ask), each ending in the next thing the person at the bench
//! does; the long reasons below the table; a footer with the counts and how to stop.
//!
//! Columns, left to right: MAC, ADDRESS, MODEL (only when serve knows a model), RUNNING, STAGE,
//! FILE, STATE, LAST, NEXT. When the terminal is too narrow they go in [`ELISION`] order, then
//! RUNNING narrows (cut between words, never inside one) and NEXT takes what is left. No line is
//! ever as wide as the terminal, so none wraps; the table never has more lines than the terminal
//! has rows less one, so a redraw always reaches its top.
//!
//! Every text from outside (a file name a client asked for, a reason quoting one) is escaped
//! ([`Untrusted`]) before it is measured and cut.
//!
//! May use: [`crate::output`], [`crate::wire::serve::events`], the registry's [`QUIET_MS`].

use std::collections::BTreeMap;

use crate::output::{Style, Untrusted};
use crate::wire::serve::events::{Row, State};
use crate::wire::serve::registry::QUIET_MS;

/// The columns that go when the terminal is too narrow, first to last.
pub const ELISION: [&str; 5] = ["ADDRESS", "FILE", "MODEL", "LAST", "STAGE"];

/// A phone that asked less than this long ago and is `waiting` is still booting: hands off.
/// The registry's own measure of a boot that has ended ([`QUIET_MS`], 30 s: longer than a UAL-era
/// SIP application's silence after its `.loads`).
pub const BOOTING_MS: u64 = QUIET_MS;

/// The rows, for the table and the summary.
#[derive(Debug, Default)]
pub struct Board {
    pub rows: BTreeMap<String, Row>,
    /// The phones expected (`--phones`, `--phones-file`), shown as "not seen" until they ask.
    pub expected: Vec<String>,
    /// Why the state file could not be written, said under the table.
    pub state_error: Option<String>,
}

/// What the table shows of a phone's state: the registry's, or not seen yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    NotSeen,
    Is(State),
}

impl Shown {
    pub fn name(self) -> &'static str {
        match self {
            Shown::NotSeen => "not seen",
            Shown::Is(state) => state.name(),
        }
    }
}

/// How many columns `text` takes at most: one for ASCII, two for anything else (wide
/// characters take two; counting every other one as two never lets a row wrap).
pub fn width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// `text` cut to at most `columns` columns, with `~` where it was cut.
pub fn clip(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > columns {
            break;
        }
        out.push(c);
        used += w;
    }
    if columns > 0 {
        out.push('~');
    }
    out
}

/// `text` in at most `columns` columns, never cut inside a word: what follows its last `, `
/// when that fits ("3 loads possible"), or its first words and `~`.
pub fn fit_words(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    if let Some((_, tail)) = text.rsplit_once(", ") {
        if width(tail) <= columns {
            return tail.to_string();
        }
    }
    let mut out = String::new();
    for word in text.split(' ') {
        let next = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if width(&next) + 1 > columns {
            break;
        }
        out = next;
    }
    if out.is_empty() {
        return clip(text, columns);
    }
    out.push('~');
    out
}

/// The first clause of a reason: up to its first `: `, `; ` or ` (`.
pub fn short_why(why: &str) -> &str {
    let end = [": ", "; ", " ("]
        .iter()
        .filter_map(|sep| why.find(sep))
        .min()
        .unwrap_or(why.len());
    why[..end].trim()
}

/// "12s ago", "3m ago", "2h ago"; "-" for never.
pub fn age(ms: u64, now: u64) -> String {
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

fn percent(row: &Row) -> Option<u64> {
    match &row.file {
        Some((_, bytes, Some(size))) if *size > 0 => Some(bytes * 100 / size),
        _ => None,
    }
}

fn progress(row: &Row) -> String {
    match (&row.file, percent(row)) {
        (Some((file, _, _)), Some(p)) => format!("{} {p}%", Untrusted(file)),
        (Some((file, bytes, _)), None) => format!("{} {} KiB", Untrusted(file), bytes / 1024),
        (None, _) => "-".into(),
    }
}

/// The next thing the person at the bench does about a phone, in words.
pub fn action(row: Option<&Row>, now: u64) -> String {
    let Some(row) = row else {
        return "not seen yet".into();
    };
    let why = || {
        row.why
            .as_deref()
            .map(|w| short_why(&Untrusted(w).to_string()).to_string())
            .unwrap_or_else(|| "see the reason below".into())
    };
    match row.state {
        State::Waiting
            if row.last_seen_ms > 0 && now.saturating_sub(row.last_seen_ms) < BOOTING_MS =>
        {
            "hands off: booting".into()
        }
        State::Waiting => "power-cycle it".into(),
        State::Transferring => match percent(row) {
            Some(p) => format!("hands off: fetching {p}%"),
            None => "hands off: fetching".into(),
        },
        State::Rebooting => "hands off: flashing".into(),
        State::Done => "done: unplug".into(),
        State::Failed => format!("failed: {}", why()),
        State::Stuck => format!("stuck: {}", why()),
    }
}

/// One column: its heading, its cells, the narrowest it may be, and whether it is cut between
/// words.
struct Column {
    name: &'static str,
    cells: Vec<String>,
    width: usize,
    least: usize,
}

impl Column {
    fn new(name: &'static str, cells: Vec<String>, most: usize, least: usize) -> Column {
        let natural = cells
            .iter()
            .map(|c| width(c))
            .chain([name.len()])
            .max()
            .unwrap_or(0)
            .min(most);
        Column {
            name,
            cells,
            width: natural,
            least: least.min(natural),
        }
    }
}

const GAP: &str = "  ";

impl Board {
    /// Every phone the table shows: the expected ones and those that asked, by MAC.
    fn phones(&self) -> Vec<(&str, Option<&Row>)> {
        let mut macs: Vec<&str> = self.rows.keys().map(String::as_str).collect();
        macs.extend(self.expected.iter().map(String::as_str));
        macs.sort_unstable();
        macs.dedup();
        macs.into_iter().map(|m| (m, self.rows.get(m))).collect()
    }

    /// What each phone shows as its state.
    pub fn states(&self) -> Vec<(&str, Shown, Option<&Row>)> {
        self.phones()
            .into_iter()
            .map(|(mac, row)| (mac, row.map_or(Shown::NotSeen, |r| Shown::Is(r.state)), row))
            .collect()
    }

    fn columns(&self, now: u64) -> Vec<Column> {
        let phones = self.phones();
        let cell = |f: &dyn Fn(&Row) -> String| -> Vec<String> {
            phones
                .iter()
                .map(|(_, row)| row.map_or_else(|| "-".to_string(), f))
                .collect()
        };
        let mut columns = vec![
            Column::new(
                "MAC",
                phones.iter().map(|(m, _)| m.to_string()).collect(),
                12,
                12,
            ),
            Column::new("ADDRESS", cell(&|r| r.address.clone()), 21, 21),
        ];
        if self.rows.values().any(|r| r.model.is_some()) {
            let model = |r: &Row| Untrusted(r.model.as_deref().unwrap_or("-")).to_string();
            columns.push(Column::new("MODEL", cell(&model), 12, 4));
        }
        columns.extend([
            Column::new(
                "RUNNING",
                cell(&|r| Untrusted(&r.running).to_string()),
                32,
                16,
            ),
            Column::new("STAGE", cell(&|r| r.stage.clone()), 8, 5),
            Column::new("FILE", cell(&progress), 28, 12),
            Column::new(
                "STATE",
                self.states()
                    .iter()
                    .map(|(_, s, _)| s.name().to_string())
                    .collect(),
                12,
                8,
            ),
            Column::new("LAST", cell(&|r| age(r.last_seen_ms, now)), 8, 8),
            Column::new(
                "NEXT",
                phones.iter().map(|(_, row)| action(*row, now)).collect(),
                40,
                24,
            ),
        ]);
        columns
    }

    /// The columns that fit in `budget` columns, and their widths: NEXT narrows to its least,
    /// then ADDRESS, FILE, MODEL and LAST go, then RUNNING narrows, then STAGE goes, and NEXT
    /// takes whatever is left.
    fn fit(mut columns: Vec<Column>, budget: usize) -> Vec<Column> {
        let used = |columns: &[Column]| -> usize {
            columns.iter().map(|c| c.width).sum::<usize>() + GAP.len() * (columns.len() - 1)
        };
        let narrow = |columns: &mut [Column], name: &str, over: usize| {
            if let Some(column) = columns.iter_mut().find(|c| c.name == name) {
                column.width -= over.min(column.width - column.least);
            }
        };
        let mut steps = ELISION[..4]
            .iter()
            .map(|name| Some(*name))
            .chain([None, Some(ELISION[4])]);
        loop {
            let over = used(&columns).saturating_sub(budget);
            if over == 0 {
                break;
            }
            narrow(&mut columns, "NEXT", over);
            let over = used(&columns).saturating_sub(budget);
            match steps.next() {
                _ if over == 0 => break,
                Some(Some(name)) => columns.retain(|c| c.name != name),
                Some(None) => narrow(&mut columns, "RUNNING", over),
                None => {
                    let next = columns.last_mut().expect("NEXT is always there");
                    next.width = next.width.saturating_sub(over);
                    break;
                }
            }
        }
        columns
    }

    /// The table for a terminal `columns` wide and `lines` high, coloured by `style`.
    pub fn table(&self, style: &Style, now: u64, columns: usize, lines: usize) -> Vec<String> {
        let budget = columns.saturating_sub(1).max(20);
        let fitted = Board::fit(self.columns(now), budget);
        let row_line = |cells: &[String], header: bool| -> String {
            let mut line = String::new();
            for (i, (column, cell)) in fitted.iter().zip(cells).enumerate() {
                let last = i + 1 == fitted.len();
                let text = match column.name {
                    "RUNNING" | "NEXT" => fit_words(cell, column.width),
                    _ => clip(cell, column.width),
                };
                let padded = if last {
                    text
                } else {
                    let pad = column.width.saturating_sub(width(&text));
                    format!("{text}{}", " ".repeat(pad))
                };
                let painted = match (header, column.name, cell.as_str()) {
                    (true, _, _) => padded,
                    (false, "STATE", "done") => style.good(&padded),
                    (false, "STATE", "failed" | "stuck") => style.error(&padded),
                    (false, "STATE", "rebooting" | "transferring") => style.warning(&padded),
                    _ => padded,
                };
                if i > 0 {
                    line.push_str(GAP);
                }
                line.push_str(&painted);
            }
            line
        };
        let headings: Vec<String> = fitted.iter().map(|c| c.name.to_string()).collect();
        let mut out = vec![style.bold(row_line(&headings, true).trim_end())];
        let count = fitted.first().map_or(0, |c| c.cells.len());
        let mut rows: Vec<String> = (0..count)
            .map(|i| {
                let cells: Vec<String> = fitted.iter().map(|c| c.cells[i].clone()).collect();
                row_line(&cells, false).trim_end().to_string()
            })
            .collect();
        let mut notes = self.notes(budget);
        let footer = self.footer(budget);
        let unsaved = self.state_error.as_ref().map(|why| {
            let line = format!("state not saved: {}; serve will exit 1", Untrusted(why));
            style.error(&clip(&line, budget))
        });
        // Header, rows, the state's line, notes and footer within the terminal's height less
        // one.
        let room = lines.saturating_sub(1).max(4);
        let fixed = 2 + usize::from(unsaved.is_some());
        while fixed + rows.len() + notes.len() > room && !notes.is_empty() {
            notes.pop();
        }
        if fixed + rows.len() > room {
            let keep = room.saturating_sub(fixed + 1);
            let hidden = rows.len() - keep;
            rows.truncate(keep);
            rows.push(clip(
                &format!("... and {hidden} more phones (a taller terminal shows them)"),
                budget,
            ));
        }
        out.extend(rows);
        out.extend(unsaved);
        out.extend(notes);
        out.push(footer);
        out
    }

    /// Each failed or stuck phone's whole reason, below the table, cut between words into lines
    /// of at most `budget` columns.
    fn notes(&self, budget: usize) -> Vec<String> {
        let mut out = Vec::new();
        for (mac, row) in &self.rows {
            let (Some(why), State::Failed | State::Stuck) = (&row.why, row.state) else {
                continue;
            };
            let why = Untrusted(why).to_string();
            let mut line = format!("{mac}:");
            for word in why.split(' ') {
                if width(&line) + 1 + width(word) > budget && width(&line) > 14 {
                    out.push(line);
                    line = " ".repeat(13);
                }
                line.push(' ');
                line.push_str(word);
            }
            for piece in wrap_hard(&line, budget) {
                out.push(piece);
            }
        }
        out
    }

    /// "3 phones: 1 done, 1 rebooting, 1 not seen; Ctrl-C stops and sums up", in at most
    /// `budget` columns (when it is too long, the counts latest in alphabetical order go first).
    fn footer(&self, budget: usize) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let states = self.states();
        for (_, shown, _) in &states {
            *counts.entry(shown.name()).or_default() += 1;
        }
        let mut parts: Vec<String> = counts
            .iter()
            .map(|(name, n)| format!("{n} {name}"))
            .collect();
        let phones = crate::output::count(states.len(), "phone");
        loop {
            for stop in ["; Ctrl-C stops and sums up", "; Ctrl-C stops"] {
                let line = if states.is_empty() {
                    format!("no phone yet{stop}")
                } else {
                    let more = if parts.len() < counts.len() {
                        ", ..."
                    } else {
                        ""
                    };
                    format!("{phones}: {}{more}{stop}", parts.join(", "))
                };
                if width(&line) <= budget || parts.is_empty() {
                    return clip(&line, budget);
                }
            }
            parts.pop();
        }
    }
}

/// A line longer than `budget` (one word longer than the terminal) in pieces.
fn wrap_hard(line: &str, budget: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut piece = String::new();
    for c in line.chars() {
        if width(&piece) + width(c.encode_utf8(&mut [0; 4])) > budget {
            out.push(std::mem::take(&mut piece));
        }
        piece.push(c);
    }
    out.push(piece);
    out
}
