//! The state file's writes, on their own thread and off the listening one: the registry asks
//! for a save after every change; the saver hands its thread a copy of the phones as soon as
//! the last write is done (and [`SAVE_EVERY`] per phone has passed), and writes once more at the end. A
//! flood of changes is so coalesced into one write per write's duration, not one per request,
//! while a kill (`kill -9`) loses at most the changes of the write in flight. A write that fails is told once (with why), and remembered:
//! serve then ends with exit 1.
//!
//! May use: [`crate::wire::serve`]'s `state` (the file's text and atomic write), `files` and
//! `phones`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::wire::serve::files::Dir;
use crate::wire::serve::phones::Phone;
use crate::wire::serve::state;

/// The shortest time between two writes of the state file, per phone kept: a bench of a few
/// phones is written at once after each change (a kill loses as little as can be:
/// `a_serve_killed_mid_plan_is_finished_by_a_restarted_one`), thousands of phones (a flood under
/// `--all`) every few hundred milliseconds, so the copy taken for each write stays a small share
/// of the listening thread.
pub const SAVE_EVERY: Duration = Duration::from_micros(100);
/// The longest time between two writes while changes wait.
pub const SAVE_AT_MOST_EVERY: Duration = Duration::from_secs(1);

type Phones = BTreeMap<String, Phone>;

/// The state file's writer.
pub struct Saver {
    path: Option<PathBuf>,
    dir: Dir,
    jobs: Option<SyncSender<Phones>>,
    results: Receiver<Result<(), String>>,
    thread: Option<JoinHandle<()>>,
    busy: bool,
    dirty: bool,
    last: Instant,
    /// The first write that failed, with why.
    pub failed: Option<String>,
}

impl Saver {
    /// A saver for `path` (none: nothing is kept).
    pub fn new(path: Option<PathBuf>, dir: Dir) -> Saver {
        let (jobs, inbox) = mpsc::sync_channel::<Phones>(1);
        let (done, results) = mpsc::channel();
        let thread = path.clone().and_then(|path| {
            let dir = dir.clone();
            thread::Builder::new()
                .name("phoneup-state".into())
                .spawn(move || {
                    for phones in inbox {
                        if done.send(write(&path, &dir, &phones)).is_err() {
                            return;
                        }
                    }
                })
                .ok()
        });
        Saver {
            path,
            dir,
            jobs: Some(jobs),
            results,
            thread,
            busy: false,
            dirty: false,
            last: Instant::now() - SAVE_AT_MOST_EVERY,
            failed: None,
        }
    }

    /// Writes now, on this thread: at start (a state that cannot be written stops serve) and at
    /// the end.
    pub fn save_now(&mut self, phones: &Phones) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        self.dirty = false;
        write(path, &self.dir, phones)
    }

    /// The phones changed: write them soon.
    pub fn mark(&mut self) {
        self.dirty = true;
    }

    /// Takes in the writer's answers and hands it the phones when a write is due; a write that
    /// failed for the first time, with why.
    pub fn poll(&mut self, now: Instant, phones: &Phones) -> Option<String> {
        let mut newly_failed = None;
        while let Ok(result) = self.results.try_recv() {
            self.busy = false;
            if let Err(why) = result {
                if self.failed.is_none() {
                    self.failed = Some(why.clone());
                    newly_failed = Some(why);
                }
            }
        }
        let interval =
            (SAVE_EVERY * u32::try_from(phones.len()).unwrap_or(u32::MAX)).min(SAVE_AT_MOST_EVERY);
        if self.dirty && !self.busy && now.saturating_duration_since(self.last) >= interval {
            if let Some(jobs) = &self.jobs {
                if self.thread.is_some() && jobs.try_send(phones.clone()).is_ok() {
                    self.busy = true;
                    self.dirty = false;
                    self.last = now;
                }
            }
        }
        newly_failed
    }

    /// Waits for the writer, then writes what is left; the first failure of the run, if any.
    pub fn finish(mut self, phones: &Phones) -> Option<String> {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.poll(Instant::now(), phones);
        if self.dirty {
            if let Err(why) = self.save_now(phones) {
                self.failed.get_or_insert(why);
            }
        }
        self.failed
    }
}

fn write(path: &std::path::Path, dir: &Dir, phones: &Phones) -> Result<(), String> {
    state::save(path, dir, phones)
        .map_err(|error| format!("cannot write the state file {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phones() -> Phones {
        BTreeMap::new()
    }

    #[test]
    fn writes_are_coalesced_and_the_last_one_is_kept() {
        let root = tempfile::tempdir().unwrap();
        let dir = Dir::new(root.path()).unwrap();
        let keep = tempfile::tempdir().unwrap();
        let path = keep.path().join("state.json");
        let mut saver = Saver::new(Some(path.clone()), dir);
        let start = Instant::now();
        for n in 0..1000 {
            saver.mark();
            saver.poll(start + Duration::from_millis(n / 10), &phones());
        }
        // 100 ms of marks: one write handed over at most.
        assert!(!saver.dirty || saver.busy);
        assert_eq!(saver.finish(&phones()), None);
        assert!(std::fs::read_to_string(&path).unwrap().contains("phones"));
    }

    #[test]
    fn a_state_that_cannot_be_written_is_told_once_and_kept() {
        let root = tempfile::tempdir().unwrap();
        let dir = Dir::new(root.path()).unwrap();
        let path = PathBuf::from("/proc/phoneup-cannot-write/state.json");
        let mut saver = Saver::new(Some(path), dir);
        assert!(saver.save_now(&phones()).is_err());
        saver.mark();
        let mut told = Vec::new();
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until && told.is_empty() {
            told.extend(saver.poll(Instant::now(), &phones()));
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(told[0].starts_with("cannot write the state file /proc/"));
        saver.mark();
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(saver.poll(Instant::now(), &phones()), None, "told once");
        assert!(saver.finish(&phones()).is_some());
    }
}
