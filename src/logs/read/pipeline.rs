//! A whole input read by two threads: this one reads and counts the lines; the other tells
//! the story, a buffer behind. Finding the TFTP lines and parsing them is shared between the
//! two, as each has time for it: the reader finds them in a buffer and parses a share of them,
//! leaving the others, copied, to the teller, or it gives the teller the whole buffer to find
//! and parse them itself. When a batch finds the teller still busy with the ones before, the
//! reader takes more of the work, and when it finds it waiting, less. A line left to the
//! teller takes the lines right after it along (one of them may be its second half, which only
//! its parse can tell), so that every line is read as the one-thread reader reads it.

use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::logs::event::{Event, Parsed};
use crate::logs::line;
use crate::logs::story::Story;

use super::{scan, walk, Counts, Diagnosis, Markers, BUFFER};

/// The reader's part of the work, in steps: from `2 * SHARES` (it finds and parses every
/// line) down to `SHARES` (it finds them, the teller parses them), then down to 0 (the teller
/// is given every buffer whole). Above `SHARES`, it parses the lines whose number modulo
/// `SHARES` is below its part minus `SHARES`; below, it gives the buffers whose count modulo
/// `SHARES` is at or above its part.
const SHARES: u64 = 16;

/// Batches on their way to the teller, at most.
const IN_FLIGHT: usize = 4;

impl Diagnosis {
    /// Reads `reader` to its end, in two threads.
    pub fn read_all(&mut self, reader: &mut dyn Read) -> io::Result<()> {
        self.read_sharing(reader, 2 * SHARES)
    }

    /// [`Diagnosis::read_all`], the reader's part of the work starting at `part` (see
    /// [`SHARES`]).
    pub(super) fn read_sharing(&mut self, reader: &mut dyn Read, part: u64) -> io::Result<()> {
        let Diagnosis {
            lines,
            lines_read,
            lines_recognised,
            lines_joined,
            lines_too_long,
            story,
        } = self;
        // Batches sent and not yet told.
        let waiting = AtomicUsize::new(0);
        let (told, result) = std::thread::scope(|scope| {
            let (batches, received) = mpsc::sync_channel::<Batch>(IN_FLIGHT);
            let waiting = &waiting;
            let (spent, reuse) = mpsc::channel::<Batch>();
            let teller = scope.spawn(move || {
                let mut teller = Teller::default();
                for mut batch in received {
                    teller.tell(&mut batch, story);
                    waiting.fetch_sub(1, Ordering::Relaxed);
                    let _ = spent.send(batch);
                }
                teller
            });
            let mut scratch = Vec::new();
            // The reader's part of the work, the buffers read, and the last line it left to
            // the teller.
            let mut part = part;
            let mut buffers = 0u64;
            let mut left = None;
            let result = (|| loop {
                let at_end = lines.fill(reader)?;
                if at_end {
                    lines.end_line();
                }
                let mut batch = reuse.try_recv().unwrap_or_default();
                batch.clear();
                buffers += 1;
                let whole = part < SHARES && buffers % SHARES >= part;
                let spare = std::mem::take(&mut batch.given);
                let spare = match spare.len() {
                    0 => vec![0; BUFFER + 1],
                    _ => spare,
                };
                let given = match whole {
                    true => lines.give_lines(at_end, lines_read, spare),
                    false => Err(spare),
                };
                match given {
                    Ok(given) => {
                        batch.whole = Some((given.end, given.before));
                        batch.given = given.bytes;
                    }
                    Err(spare) => {
                        batch.given = spare;
                        let share = part.saturating_sub(SHARES);
                        let counts = Counts {
                            read: &mut *lines_read,
                            too_long: &mut *lines_too_long,
                            joined: &mut *lines_joined,
                        };
                        lines.take(at_end, counts, &mut |number, bytes, next| {
                            if number % SHARES >= share
                                || left.is_some_and(|l: u64| l + 1 == number)
                            {
                                left = Some(number);
                                batch.leave(number, bytes, next);
                                return false;
                            }
                            let (parsed, took) =
                                line::parse_joined(bytes, next, number, &mut scratch);
                            if parsed != Parsed::Unrecognised {
                                *lines_recognised += 1 + u64::from(took);
                                batch
                                    .items
                                    .push(Item::Parsed(Detached::new(parsed, &mut batch.text)));
                            }
                            took
                        });
                    }
                }
                // The teller's queue says who has time: more than half full, the teller is
                // behind, and the reader takes more of the work; less, it leaves it more.
                let queued = waiting.fetch_add(1, Ordering::Relaxed);
                if queued > IN_FLIGHT / 2 {
                    part = (part + 1).min(2 * SHARES);
                } else if queued < IN_FLIGHT / 2 {
                    part = part.saturating_sub(1);
                }
                let sent = batches.send(batch);
                if sent.is_err() || at_end {
                    return Ok(());
                }
            })();
            drop(batches);
            let teller = teller.join().expect("the story thread does not panic");
            (teller, result)
        });
        *lines_recognised += told.recognised;
        *lines_joined += told.joined;
        result
    }
}

/// The lines of one read on their way to the teller, in order: parsed ones, their names copied
/// out as text already checked, and ones left to it to parse, copied whole with the line after
/// each; so the reading buffer is free again at once.
#[derive(Default)]
struct Batch {
    items: Vec<Item>,
    /// The names of the parsed lines, one after the other.
    text: String,
    /// The lines left to the teller, and the lines after them.
    bytes: Vec<u8>,
    /// A reading buffer given whole: its lines are `given[..end]`, counted from line
    /// `before + 1`; or, with `whole` none, a buffer the reader may take in its place.
    whole: Option<(usize, u64)>,
    given: Vec<u8>,
}

impl Batch {
    fn clear(&mut self) {
        self.items.clear();
        self.text.clear();
        self.bytes.clear();
        self.whole = None;
    }

    /// Leaves line `number` to the teller.
    fn leave(&mut self, number: u64, bytes: &[u8], next: Option<&[u8]>) {
        let mut keep = |bytes: &[u8]| {
            let start = self.bytes.len();
            self.bytes.extend_from_slice(bytes);
            (start, self.bytes.len())
        };
        let line = keep(bytes);
        let next = next.map(keep);
        self.items.push(Item::Left { number, line, next });
    }
}

enum Item {
    Parsed(Detached),
    /// A line for the teller to parse: its number, and where it and the line after it are in
    /// [`Batch::bytes`].
    Left {
        number: u64,
        line: (usize, usize),
        next: Option<(usize, usize)>,
    },
}

/// The teller's side: the story, and what it counted of the lines it parsed.
#[derive(Default)]
struct Teller {
    scratch: Vec<u8>,
    /// The TFTP lines of a buffer given whole.
    found: Vec<(u64, usize, usize)>,
    /// The line a line it parsed took as its second half: not read again.
    taken: Option<u64>,
    recognised: u64,
    joined: u64,
}

impl Teller {
    fn tell(&mut self, batch: &mut Batch, story: &mut Story) {
        if let Some((end, before)) = batch.whole {
            self.tell_whole(&batch.given[..end], before, story);
        }
        for item in batch.items.drain(..) {
            match item {
                Item::Parsed(parsed) => story.take(&parsed.attach(&batch.text)),
                Item::Left { number, line, next } => {
                    if self.taken == Some(number) {
                        continue;
                    }
                    let bytes = &batch.bytes[line.0..line.1];
                    let next = next.map(|(s, e)| &batch.bytes[s..e]);
                    let (parsed, took) = line::parse_joined(bytes, next, number, &mut self.scratch);
                    if took {
                        self.taken = Some(number + 1);
                        self.joined += 1;
                    }
                    if parsed != Parsed::Unrecognised {
                        self.recognised += 1 + u64::from(took);
                        story.take(&parsed);
                    }
                }
            }
        }
    }
}

impl Teller {
    /// Finds the TFTP lines of a buffer given whole, counted from line `before + 1`, and tells
    /// them, as the reader does.
    fn tell_whole(&mut self, lines: &[u8], before: u64, story: &mut Story) {
        self.found.clear();
        scan(Markers::get(), lines, before, &mut self.found);
        let (mut read, mut too_long, mut joined) = (0, 0, 0);
        let counts = Counts {
            read: &mut read,
            too_long: &mut too_long,
            joined: &mut joined,
        };
        let (scratch, recognised) = (&mut self.scratch, &mut self.recognised);
        walk(
            lines,
            &self.found,
            true,
            counts,
            &mut |number, bytes, next| {
                let (parsed, took) = line::parse_joined(bytes, next, number, scratch);
                if parsed != Parsed::Unrecognised {
                    *recognised += 1 + u64::from(took);
                    story.take(&parsed);
                }
                took
            },
        );
        self.joined += joined;
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

    fn attach(self, text: &str) -> Parsed<'_> {
        let name = |range: Option<(usize, usize)>| range.map(|(s, e)| Cow::Borrowed(&text[s..e]));
        match self.parsed {
            Parsed::Event(event) => Parsed::Event(Event {
                client: name(self.client),
                file: name(self.file),
                ..event
            }),
            other => other,
        }
    }
}
