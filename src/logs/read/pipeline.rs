//! A whole input read by two threads, alike: this one reads the input a piece at a time and
//! hands each piece to the helper thread, or, when the helper is still busy with the one
//! before, counts its lines and finds and parses its TFTP lines itself. Both hand their parsed
//! lines over in the order of the pieces, numbered from the piece's start, and whichever hands
//! over the piece the story waits for tells it, and the ones after it that are ready, adding the
//! lines of the pieces before: so the two threads share all the work but the reading, whichever
//! is free doing it, and every line is told in its order with its number. A piece whose last
//! line may go on in the next piece (a line broken in two), or the rest of an overlong line, is
//! read here as the one-thread reader reads it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Condvar, Mutex, MutexGuard, PoisonError, TryLockError};

use crate::logs::event::{Event, Parsed};
use crate::logs::line;
use crate::logs::story::Story;

use super::{scan, walk, Counts, Diagnosis, Given, Lines, Markers, BUFFER};

/// Pieces handed to the helper and not yet taken up, at most.
const HANDED: usize = 2;

/// Pieces parsed and waiting for their turn in the story, at most: past it, the reader waits.
const READY: usize = 8;

/// Which thread parses a piece: the helper when it is free (the default); for tests, always
/// the helper, or always the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(super) enum HandOff {
    WhenFree,
    Always,
    Never,
    /// Always, and the helper panics at its first piece (a test of the reader not waiting for
    /// a helper that is gone).
    #[cfg(test)]
    HelperPanics,
}

impl Diagnosis {
    /// Reads `reader` to its end, in two threads.
    pub fn read_all(&mut self, reader: &mut dyn Read) -> io::Result<()> {
        self.read_in_pieces(reader, BUFFER, HandOff::WhenFree)
    }

    /// [`Diagnosis::read_all`], reading at most `piece` more bytes at a time.
    pub(super) fn read_in_pieces(
        &mut self,
        reader: &mut dyn Read,
        piece: usize,
        hand_off: HandOff,
    ) -> io::Result<()> {
        let Diagnosis {
            lines,
            lines_read,
            lines_recognised,
            lines_joined,
            lines_too_long,
            story,
        } = self;
        let shared = Shared {
            ready: Mutex::new(BTreeMap::new()),
            room: Condvar::new(),
            telling: Mutex::new(Telling {
                story,
                next: 0,
                lines: *lines_read,
                recognised: 0,
                joined: 0,
            }),
            spent: Mutex::new(Vec::new()),
            helper_gone: AtomicBool::new(false),
        };
        let result = std::thread::scope(|scope| {
            let (hand, handed) = mpsc::sync_channel::<(u64, Given)>(HANDED);
            let (give_back, given_back) = mpsc::channel::<Vec<u8>>();
            let shared = &shared;
            scope.spawn(move || {
                // Also when it panics: the reader then stops waiting for its pieces.
                let _gone = HelperGone(shared);
                let mut parser = Parser::default();
                for (number, given) in handed {
                    #[cfg(test)]
                    assert!(
                        hand_off != HandOff::HelperPanics,
                        "the helper panics, as asked"
                    );
                    let batch = parser.whole(&given, shared);
                    let _ = give_back.send(given.bytes);
                    shared.deliver(number, batch);
                }
            });
            let mut reading = Reading {
                lines,
                too_long: lines_too_long,
                joined: lines_joined,
                parser: Parser::default(),
                spares: Vec::new(),
            };
            // The pieces read so far.
            let mut pieces = 0u64;
            loop {
                let at_end = match reading.lines.fill(reader, piece) {
                    Ok(at_end) => at_end,
                    Err(e) => return Err(e),
                };
                if at_end {
                    reading.lines.end_line();
                }
                reading.spares.extend(given_back.try_iter());
                let batch = match reading.give(at_end) {
                    Ok(given) => {
                        let mine = match hand_off {
                            HandOff::Never => Some(given),
                            HandOff::Always => hand.send((pieces, given)).err().map(|e| e.0 .1),
                            #[cfg(test)]
                            HandOff::HelperPanics => {
                                hand.send((pieces, given)).err().map(|e| e.0 .1)
                            }
                            HandOff::WhenFree => match hand.try_send((pieces, given)) {
                                Ok(()) => None,
                                Err(
                                    mpsc::TrySendError::Full((_, given))
                                    | mpsc::TrySendError::Disconnected((_, given)),
                                ) => Some(given),
                            },
                        };
                        mine.map(|given| {
                            let batch = reading.parser.whole(&given, shared);
                            reading.spares.push(given.bytes);
                            batch
                        })
                    }
                    Err(()) => Some(reading.take(at_end, shared)),
                };
                if let Some(batch) = batch {
                    if !shared.wait_for_room() {
                        // The helper panicked with a piece the story waits for: the scope
                        // panics with it once this returns.
                        return Ok(());
                    }
                    shared.deliver(pieces, batch);
                }
                pieces += 1;
                if at_end {
                    return Ok(());
                }
            }
        });
        // Both threads have handed over every piece, and told every one in turn: this tells
        // none, unless a thread stopped short.
        shared.tell_ready(true);
        let told = shared
            .telling
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        *lines_read = told.lines;
        *lines_recognised += told.recognised;
        *lines_joined += told.joined;
        result
    }
}

/// The reading thread's side: the buffer, the counts only it keeps, its own parser, and the
/// buffers the helper gave back.
struct Reading<'a> {
    lines: &'a mut Lines,
    too_long: &'a mut u64,
    joined: &'a mut u64,
    parser: Parser,
    spares: Vec<Vec<u8>>,
}

impl Reading<'_> {
    /// The complete lines of the buffer, counted and given away whole, a spare buffer taking
    /// its place; `Err` for a piece [`Reading::take`] is for.
    fn give(&mut self, at_end: bool) -> Result<Given, ()> {
        let spare = self.spares.pop().unwrap_or_else(|| vec![0; BUFFER + 1]);
        self.lines
            .give_lines(at_end, spare)
            .map_err(|spare| self.spares.push(spare))
    }

    /// The lines of the buffer read as the one-thread reader reads them (a last line that
    /// may go on kept back, an overlong line skipped), parsed here.
    fn take(&mut self, at_end: bool, shared: &Shared) -> Batch {
        let mut batch = shared.batch();
        let scratch = &mut self.parser.scratch;
        let mut read = 0;
        let counts = Counts {
            read: &mut read,
            too_long: &mut *self.too_long,
            joined: &mut *self.joined,
        };
        self.lines.take(at_end, counts, &mut |number, bytes, next| {
            let (parsed, took) = line::parse_joined(bytes, next, number, scratch);
            batch.keep(parsed, took);
            took
        });
        batch.lines = read;
        batch
    }
}

/// What each thread parses with.
#[derive(Default)]
struct Parser {
    scratch: Vec<u8>,
    /// The TFTP lines of a piece.
    found: Vec<(u64, usize, usize)>,
}

impl Parser {
    /// Finds and parses the TFTP lines of a piece given whole, as the one-thread reader does.
    fn whole(&mut self, given: &Given, shared: &Shared) -> Batch {
        let mut batch = shared.batch();
        let lines = &given.bytes[..given.end];
        self.found.clear();
        batch.lines = scan(Markers::get(), lines, 0, &mut self.found);
        let (mut read, mut too_long, mut joined) = (0, 0, 0);
        let counts = Counts {
            read: &mut read,
            too_long: &mut too_long,
            joined: &mut joined,
        };
        let scratch = &mut self.scratch;
        walk(
            lines,
            &self.found,
            true,
            false,
            counts,
            &mut |number, bytes, next| {
                let (parsed, took) = line::parse_joined(bytes, next, number, scratch);
                batch.keep(parsed, took);
                took
            },
        );
        batch.joined += joined;
        batch
    }
}

/// What the two threads share: the pieces parsed and waiting for their turn, the story (and
/// the turn it is at), and batches told, to use again.
struct Shared<'s> {
    ready: Mutex<BTreeMap<u64, Batch>>,
    /// Signalled when pieces have been told, for a reader waiting for room in `ready`.
    room: Condvar,
    telling: Mutex<Telling<'s>>,
    spent: Mutex<Vec<Batch>>,
    /// The helper thread has ended (set with `ready` locked, and `room` signalled).
    helper_gone: AtomicBool,
}

/// Marks the helper gone when it is dropped: when the helper ends, or unwinds from a panic.
struct HelperGone<'a, 's>(&'a Shared<'s>);

impl Drop for HelperGone<'_, '_> {
    fn drop(&mut self) {
        let _ready = lock(&self.0.ready);
        self.0.helper_gone.store(true, Ordering::SeqCst);
        self.0.room.notify_all();
    }
}

/// The story, the number of the piece it waits for, the lines before it, and what the lines
/// told so far counted.
struct Telling<'s> {
    story: &'s mut Story,
    next: u64,
    lines: u64,
    recognised: u64,
    joined: u64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared<'_> {
    /// An empty batch, one told before when there is one.
    fn batch(&self) -> Batch {
        lock(&self.spent).pop().unwrap_or_default()
    }

    /// Waits while [`READY`] pieces wait for their turn (the one the story waits for is the
    /// helper's: it tells them when it hands it over). `false` when the helper is gone while
    /// they wait: the piece they wait for will never come.
    fn wait_for_room(&self) -> bool {
        let mut ready = lock(&self.ready);
        while ready.len() >= READY {
            if self.helper_gone.load(Ordering::SeqCst) {
                return false;
            }
            ready = self
                .room
                .wait(ready)
                .unwrap_or_else(PoisonError::into_inner);
        }
        true
    }

    /// Hands over piece `number`'s parsed lines, and tells the pieces ready in turn unless the
    /// other thread is telling.
    fn deliver(&self, number: u64, batch: Batch) {
        lock(&self.ready).insert(number, batch);
        self.tell_ready(false);
    }

    /// Tells the pieces ready in turn, if the other thread is not telling (or, with `wait`,
    /// after it). A piece handed over while this thread told, whose thread found the story
    /// taken, is told here too.
    fn tell_ready(&self, wait: bool) {
        loop {
            let mut telling = match self.telling.try_lock() {
                Ok(telling) => telling,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) if wait => lock(&self.telling),
                Err(TryLockError::WouldBlock) => return,
            };
            loop {
                let next = telling.next;
                let Some(mut batch) = lock(&self.ready).remove(&next) else {
                    break;
                };
                self.room.notify_all();
                telling.tell(&mut batch);
                telling.next += 1;
                batch.clear();
                lock(&self.spent).push(batch);
            }
            let next = telling.next;
            drop(telling);
            if !lock(&self.ready).contains_key(&next) {
                return;
            }
        }
    }
}

impl Telling<'_> {
    fn tell(&mut self, batch: &mut Batch) {
        for parsed in batch.items.drain(..) {
            self.story.take(&parsed.attach(&batch.text, self.lines));
        }
        self.lines += batch.lines;
        self.recognised += batch.recognised;
        self.joined += batch.joined;
    }
}

/// The parsed lines of one piece, in order, numbered from the piece's start, their names copied
/// out as text already checked (so that the piece's buffer is free again at once), and what
/// they counted.
#[derive(Default)]
struct Batch {
    items: Vec<Detached>,
    /// The names of the parsed lines, one after the other.
    text: String,
    /// Lines of the piece.
    lines: u64,
    recognised: u64,
    joined: u64,
}

impl Batch {
    fn clear(&mut self) {
        self.items.clear();
        self.text.clear();
        self.lines = 0;
        self.recognised = 0;
        self.joined = 0;
    }

    /// Keeps a parsed line (one that `took` the next line as its second half counts two).
    fn keep(&mut self, parsed: Parsed<'_>, took: bool) {
        if !matches!(parsed, Parsed::Unrecognised) {
            self.recognised += 1 + u64::from(took);
            self.items.push(Detached::new(parsed, &mut self.text));
        }
    }
}

/// A parsed line without the buffer it borrowed from: its names are ranges of [`Batch::text`].
struct Detached {
    parsed: Parsed<'static>,
    client: Option<(usize, usize)>,
    file: Option<(usize, usize)>,
}

impl Detached {
    fn new(parsed: Parsed<'_>, text: &mut String) -> Detached {
        let mut keep = |name: Option<Cow<'_, str>>| {
            name.map(|name| {
                let start = text.len();
                text.push_str(&name);
                (start, text.len())
            })
        };
        match parsed {
            Parsed::Event(mut event) => {
                let client = keep(event.client.take());
                let file = keep(event.file.take());
                Detached {
                    parsed: Parsed::Event(event.into_owned()),
                    client,
                    file,
                }
            }
            other => Detached {
                parsed: other.into_owned(),
                client: None,
                file: None,
            },
        }
    }

    /// The line again, its names in `text`, numbered on from line `before`.
    fn attach(self, text: &str, before: u64) -> Parsed<'_> {
        let name = |range: Option<(usize, usize)>| range.map(|(s, e)| Cow::Borrowed(&text[s..e]));
        match self.parsed {
            Parsed::Event(event) => Parsed::Event(Event {
                line: before + event.line,
                client: name(self.client),
                file: name(self.file),
                ..event
            }),
            other => other,
        }
    }
}
