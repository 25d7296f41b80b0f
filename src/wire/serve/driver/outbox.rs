//! What serve hands the view, over a bounded channel: when the view is behind (stdout blocked:
//! a pipe nobody reads, `| less` paused, a terminal stopped with Ctrl-S), events and progress
//! are dropped and counted, and each phone's row is coalesced to its latest, so memory stays
//! bounded whatever the output does. The count is told as soon as there is room again.
//!
//! May use: [`crate::wire::serve::events`], the driver's `clock`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::time::{Duration, Instant};

use crate::wire::serve::driver::clock::wall_ms;
use crate::wire::serve::events::{Event, Kind, Message, Row};

/// The most messages waiting for the view.
pub const VIEW_QUEUE: usize = 4096;

/// The sending end of the view's channel.
pub struct Outbox {
    tx: SyncSender<Message>,
    /// Rows not sent yet, the latest per phone.
    rows: BTreeMap<String, Row>,
    /// Phones forgotten whose rows the view has not been told to remove yet (at most one per
    /// phone kept: bounded as the phones are).
    forgotten: BTreeSet<String>,
    /// Why the state could not be written, when the view has not been told yet.
    unsaved: Option<String>,
    /// Events dropped so far, and how many of them the view has been told of.
    pub dropped: u64,
    told: u64,
}

impl Outbox {
    pub fn new(tx: SyncSender<Message>) -> Outbox {
        Outbox {
            tx,
            rows: BTreeMap::new(),
            forgotten: BTreeSet::new(),
            unsaved: None,
            dropped: 0,
            told: 0,
        }
    }

    /// Hands a message on, or keeps (a row) or drops (anything else) it when the view is
    /// behind.
    pub fn send(&mut self, message: Message) {
        self.flush();
        match message {
            Message::Row(row) => {
                if !self.rows.is_empty() {
                    self.rows.insert(row.mac.clone(), row);
                } else if let Err(TrySendError::Full(Message::Row(row))) =
                    self.tx.try_send(Message::Row(row))
                {
                    self.rows.insert(row.mac.clone(), row);
                }
            }
            Message::Event(event) => {
                if let Err(TrySendError::Full(_)) = self.tx.try_send(Message::Event(event)) {
                    self.dropped += 1;
                }
            }
            Message::Forget(mac) => {
                // Its row, kept or already sent, must not outlive it.
                self.rows.remove(&mac);
                if let Err(TrySendError::Full(Message::Forget(mac))) =
                    self.tx.try_send(Message::Forget(mac))
                {
                    self.forgotten.insert(mac);
                }
            }
            Message::StateNotSaved(why) => {
                if let Err(TrySendError::Full(Message::StateNotSaved(why))) =
                    self.tx.try_send(Message::StateNotSaved(why))
                {
                    self.unsaved = Some(why);
                }
            }
            progress => {
                let _ = self.tx.try_send(progress);
            }
        }
    }

    /// Sends what was kept, as far as there is room.
    pub fn flush(&mut self) {
        if let Some(why) = self.unsaved.take() {
            if let Err(TrySendError::Full(Message::StateNotSaved(why))) =
                self.tx.try_send(Message::StateNotSaved(why))
            {
                self.unsaved = Some(why);
                return;
            }
        }
        while let Some(mac) = self.forgotten.pop_first() {
            if let Err(error) = self.tx.try_send(Message::Forget(mac)) {
                if let TrySendError::Full(Message::Forget(mac)) = error {
                    self.forgotten.insert(mac);
                }
                return;
            }
        }
        while let Some((mac, row)) = self.rows.pop_first() {
            match self.tx.try_send(Message::Row(row)) {
                Ok(()) => {}
                Err(TrySendError::Full(Message::Row(row))) => {
                    self.rows.insert(mac, row);
                    return;
                }
                Err(_) => {
                    self.rows.clear();
                    return;
                }
            }
        }
        if self.dropped > self.told {
            let mut event = Event::new(Kind::Stuck, None, "-", false).why(format!(
                "{} events were not shown: the output was not read fast enough (serve keeps at most {VIEW_QUEUE} waiting)",
                self.dropped - self.told
            ));
            event.time_ms = wall_ms();
            if self.tx.try_send(Message::Event(event)).is_ok() {
                self.told = self.dropped;
            }
        }
    }

    /// Sends what was kept, waiting at most `patience` for the view to take it.
    pub fn close(mut self, patience: Duration) {
        let until = Instant::now() + patience;
        loop {
            self.flush();
            if (self.rows.is_empty()
                && self.forgotten.is_empty()
                && self.unsaved.is_none()
                && self.told == self.dropped)
                || Instant::now() >= until
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::serve::events::State;
    use std::sync::mpsc;

    fn row(mac: &str, running: &str) -> Row {
        Row {
            mac: mac.into(),
            address: "-".into(),
            model: None,
            running: running.into(),
            stage: String::new(),
            file: None,
            state: State::Waiting,
            last_seen_ms: 0,
            why: None,
        }
    }

    #[test]
    fn a_blocked_view_costs_bounded_memory_and_is_told_what_it_missed() {
        let (tx, rx) = mpsc::sync_channel(4);
        let mut outbox = Outbox::new(tx);
        for n in 0..10_000 {
            outbox.send(Message::Event(Event::new(Kind::Request, None, n, false)));
            outbox.send(Message::Row(row(&format!("MAC{}", n % 3), &n.to_string())));
        }
        assert_eq!(outbox.dropped, 10_000 - 2);
        assert_eq!(outbox.rows.len(), 3, "one row kept per phone");
        // The view catches up.
        let taken: Vec<Message> = rx.try_iter().collect();
        assert_eq!(taken.len(), 4);
        outbox.close(Duration::from_secs(1));
        let rest: Vec<Message> = rx.try_iter().collect();
        let rows: Vec<(String, String)> = rest
            .iter()
            .filter_map(|m| match m {
                Message::Row(r) => Some((r.mac.clone(), r.running.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("MAC0".into(), "9999".into()),
                ("MAC1".into(), "9997".into()),
                ("MAC2".into(), "9998".into())
            ]
        );
        let told: Vec<&str> = rest
            .iter()
            .filter_map(|m| match m {
                Message::Event(e) => e.why.as_deref(),
                _ => None,
            })
            .collect();
        assert_eq!(told.len(), 1);
        assert!(
            told[0].starts_with("9998 events were not shown"),
            "{told:?}"
        );
    }

    #[test]
    fn a_forgotten_phone_and_an_unsaved_state_reach_a_blocked_view_once_it_reads() {
        let (tx, rx) = mpsc::sync_channel(1);
        let mut outbox = Outbox::new(tx);
        outbox.send(Message::Event(Event::new(Kind::Request, None, 0, false)));
        outbox.send(Message::Row(row("MAC0", "kept")));
        outbox.send(Message::Row(row("MAC1", "kept")));
        outbox.send(Message::Forget("MAC0".into()));
        outbox.send(Message::StateNotSaved("disk full".into()));
        assert_eq!(
            outbox.rows.keys().collect::<Vec<_>>(),
            ["MAC1"],
            "its row goes"
        );
        let mut seen = Vec::new();
        for _ in 0..10 {
            seen.extend(rx.try_iter().map(|m| match m {
                Message::Event(_) => "event".to_string(),
                Message::Row(r) => format!("row {}", r.mac),
                Message::Forget(mac) => format!("forget {mac}"),
                Message::StateNotSaved(why) => format!("unsaved: {why}"),
                Message::Progress { .. } => "progress".into(),
            }));
            outbox.flush();
        }
        assert_eq!(
            seen,
            ["event", "unsaved: disk full", "forget MAC0", "row MAC1"]
        );
        // A phone forgotten and then walked again keeps its new row: the row comes after.
        let (tx, rx) = mpsc::sync_channel(8);
        let mut outbox = Outbox::new(tx);
        outbox.forgotten.insert("MAC2".into());
        outbox.send(Message::Row(row("MAC2", "again")));
        assert!(matches!(rx.try_recv(), Ok(Message::Forget(mac)) if mac == "MAC2"));
        assert!(matches!(rx.try_recv(), Ok(Message::Row(r)) if r.running == "again"));
    }
}
