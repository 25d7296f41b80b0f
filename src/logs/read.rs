//! Reading a log: bytes to counted lines, the TFTP lines among them found by the words they
//! carry and handed to the parser and the story; one thread for a stream fed in pieces, two
//! (reading and telling) for a whole input.

use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::{mpsc, OnceLock};

use regex::bytes::Regex;

use crate::logs::event::{Event, Parsed};
use crate::logs::line;
use crate::logs::story::Story;
use crate::tftp_root::TftpRoot;

/// Bytes read at a time, and the longest line read: a line of this many bytes or more (before
/// its LF) is counted, as too long, and skipped.
const BUFFER: usize = 1 << 20;

/// Lines of this many bytes or more are skipped (and counted in
/// [`Diagnosis::lines_too_long`]).
pub const MAX_LINE: usize = BUFFER;

/// Words one of which every line phoneup reads holds: the servers' program names (`in.tftpd`,
/// `atftpd`, `dnsmasq-tftp`, busybox's `tftpd`, also in journald's JSON) and Tftpd32's
/// messages, which name no program.
const MARKERS: [&str; 17] = [
    "tftp",
    "TFTP",
    "Connection received from ",
    "Read request for file <",
    "Write request for file <",
    "> : error ",
    ">: sent ",
    ">: rcvd ",
    "Using local port ",
    "Peer returns ERROR",
    "MAX RETRIES",
    "TIMEOUT waiting",
    "Last block #",
    "Error EACCESS",
    "duplicated request",
    "max number of threads",
    "percent sign",
];

/// A diagnosis in progress: feed it log bytes, then ask for the report.
pub struct Diagnosis {
    markers: &'static Regex,
    buffer: Vec<u8>,
    filled: usize,
    /// Skipping the rest of an overlong line.
    skipping: bool,
    pub lines_read: u64,
    pub lines_recognised: u64,
    /// Lines of [`MAX_LINE`] bytes or more, skipped (counted in `lines_read` too).
    pub lines_too_long: u64,
    pub story: Story,
}

impl Diagnosis {
    /// `root`: the user's TFTP root, to tell a name in the wrong case and to take it off the
    /// paths servers log.
    pub fn new(root: Option<TftpRoot>) -> Diagnosis {
        static FINDER: OnceLock<Regex> = OnceLock::new();
        let markers = FINDER.get_or_init(|| {
            let pattern = MARKERS
                .iter()
                .map(|m| regex::escape(m))
                .collect::<Vec<_>>()
                .join("|");
            Regex::new(&pattern).expect("literal markers")
        });
        Diagnosis {
            markers,
            // One byte more, for the LF `end_of_input` gives a last line.
            buffer: vec![0; BUFFER + 1],
            filled: 0,
            skipping: false,
            lines_read: 0,
            lines_recognised: 0,
            lines_too_long: 0,
            story: Story::new(root),
        }
    }

    /// Reads `reader` once (as much as one read gives); complete lines are taken, the rest is
    /// kept for the next read. Returns the bytes read: 0 at the end of the input.
    pub fn read_from(&mut self, reader: &mut dyn Read) -> io::Result<usize> {
        let n = loop {
            match reader.read(&mut self.buffer[self.filled..BUFFER]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.filled += n;
        self.take_lines();
        Ok(n)
    }

    /// Reads `reader` to its end. Two threads share the work: this one reads, counts lines,
    /// finds the TFTP ones and parses them; another tells the story, a buffer behind.
    pub fn read_all(&mut self, reader: &mut dyn Read) -> io::Result<()> {
        // A line begun by `feed` goes on in the first buffer.
        let carry = self.buffer[..self.filled].to_vec();
        let skipping = std::mem::take(&mut self.skipping);
        self.filled = 0;
        let markers = self.markers;
        let story = &mut self.story;
        let (lines_read, recognised, too_long) = std::thread::scope(|scope| {
            let (batches, received) = mpsc::sync_channel::<Batch>(2);
            let (spent, reuse) = mpsc::channel::<Vec<u8>>();
            let teller = scope.spawn(move || {
                for batch in received {
                    let data = &batch.data[..batch.len];
                    for parsed in batch.parsed {
                        story.take(parsed.attach(data));
                    }
                    let _ = spent.send(batch.data);
                }
            });
            let start = (carry, skipping, self.lines_read);
            let result = read_batches(reader, markers, &batches, &reuse, start);
            drop(batches);
            teller.join().expect("the story thread does not panic");
            result
        })?;
        self.lines_read = lines_read;
        self.lines_recognised += recognised;
        self.lines_too_long += too_long;
        Ok(())
    }

    /// Takes bytes already in memory (tests, benchmarks, a fuzzer).
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let n = bytes.len().min(BUFFER - self.filled);
            self.buffer[self.filled..self.filled + n].copy_from_slice(&bytes[..n]);
            self.filled += n;
            bytes = &bytes[n..];
            self.take_lines();
        }
    }

    /// The end of one input: a last line without its LF is read.
    pub fn end_of_input(&mut self) {
        if self.filled > 0 {
            self.buffer[self.filled] = b'\n';
            self.filled += 1;
            self.take_lines();
        }
        self.skipping = false;
    }

    /// No more input: boots still open are closed (findings that wait for a boot's end).
    pub fn finish(&mut self) {
        self.end_of_input();
        self.story.finish();
    }

    pub fn lines_unrecognised(&self) -> u64 {
        self.lines_read - self.lines_recognised
    }

    fn take_lines(&mut self) {
        let data = &self.buffer[..self.filled];
        let Some(last) = data.iter().rposition(|&b| b == b'\n') else {
            if self.filled >= BUFFER {
                // One line fills the buffer: count it, and skip it up to its LF.
                if !self.skipping {
                    self.lines_read += 1;
                    self.lines_too_long += 1;
                }
                self.skipping = true;
                self.filled = 0;
            }
            return;
        };
        let mut start = 0;
        if self.skipping {
            // The rest of an overlong line, already counted.
            start = data.iter().position(|&b| b == b'\n').expect("a LF") + 1;
            self.skipping = false;
        }
        self.scan(start, last + 1);
        self.buffer.copy_within(last + 1..self.filled, 0);
        self.filled -= last + 1;
    }

    /// Reads the complete lines in `buffer[start..end]`: only those with a marker are parsed.
    fn scan(&mut self, start: usize, end: usize) {
        let mut lines = Vec::new();
        self.lines_read = scan(
            self.markers,
            &self.buffer[start..end],
            self.lines_read,
            &mut lines,
        );
        for (number, from, to) in lines {
            let parsed = line::parse(&self.buffer[start + from..start + to], number);
            if parsed != Parsed::Unrecognised {
                self.lines_recognised += 1;
            }
            self.story.take(parsed);
        }
    }
}

/// Complete lines for the story thread: a buffer, how much of it is lines, and the TFTP
/// lines in it, parsed.
struct Batch {
    data: Vec<u8>,
    len: usize,
    parsed: Vec<Detached>,
}

/// A name of a parsed line, apart from the buffer it is in: where it is, or (unescaped or
/// made valid UTF-8) the name itself.
enum Text {
    At(usize, usize),
    Own(String),
}

impl Text {
    fn detach(text: Cow<'_, str>, data: &[u8]) -> Text {
        if let Cow::Borrowed(s) = &text {
            let start = (s.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
            if start <= data.len() && s.len() <= data.len() - start {
                return Text::At(start, start + s.len());
            }
        }
        Text::Own(text.into_owned())
    }

    fn attach(self, data: &[u8]) -> Cow<'_, str> {
        match self {
            Text::At(start, end) => match std::str::from_utf8(&data[start..end]) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(&data[start..end]),
            },
            Text::Own(s) => Cow::Owned(s),
        }
    }
}

/// A parsed line sent to the story thread without the buffer it borrows from.
struct Detached {
    parsed: Parsed<'static>,
    client: Option<Text>,
    file: Option<Text>,
}

impl Detached {
    fn new(parsed: Parsed<'_>, data: &[u8]) -> Detached {
        match parsed {
            Parsed::Event(mut event) => {
                let client = event.client.take().map(|c| Text::detach(c, data));
                let file = event.file.take().map(|f| Text::detach(f, data));
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

    fn attach(self, data: &[u8]) -> Parsed<'_> {
        match self.parsed {
            Parsed::Event(event) => Parsed::Event(Event {
                client: self.client.map(|c| c.attach(data)),
                file: self.file.map(|f| f.attach(data)),
                ..event
            }),
            other => other,
        }
    }
}

/// The reading side of [`Diagnosis::read_all`]: fills buffers (reusing the spent ones), cuts
/// them after their last LF, finds the TFTP lines and sends them on. Returns the lines read
/// in all, and those recognised and too long in this input.
fn read_batches(
    reader: &mut dyn Read,
    markers: &Regex,
    batches: &mpsc::SyncSender<Batch>,
    reuse: &mpsc::Receiver<Vec<u8>>,
    (mut carry, mut skipping, mut lines_read): (Vec<u8>, bool, u64),
) -> io::Result<(u64, u64, u64)> {
    let mut recognised = 0;
    let mut too_long = 0;
    loop {
        // A spent buffer keeps its length: nothing is cleared, only overwritten.
        let mut data = reuse.try_recv().unwrap_or_else(|_| vec![0; BUFFER + 1]);
        data[..carry.len()].copy_from_slice(&carry);
        let mut filled = carry.len();
        let mut at_end = false;
        while filled < BUFFER {
            match reader.read(&mut data[filled..BUFFER]) {
                Ok(0) => {
                    at_end = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if at_end && filled > 0 && data[filled - 1] != b'\n' {
            data[filled] = b'\n';
            filled += 1;
        }
        let Some(last) = data[..filled].iter().rposition(|&b| b == b'\n') else {
            // No LF in a whole buffer: one overlong line, counted once and skipped.
            if filled > 0 && !skipping {
                lines_read += 1;
                too_long += 1;
            }
            skipping = filled > 0;
            carry.clear();
            if at_end {
                return Ok((lines_read, recognised, too_long));
            }
            continue;
        };
        let mut start = 0;
        if skipping {
            start = data.iter().position(|&b| b == b'\n').expect("a LF") + 1;
            skipping = false;
        }
        carry.clear();
        carry.extend_from_slice(&data[last + 1..filled]);
        let mut lines = Vec::new();
        lines_read = scan(markers, &data[start..last + 1], lines_read, &mut lines);
        let text = &data[..last + 1];
        let mut parsed = Vec::with_capacity(lines.len());
        for (number, from, to) in lines {
            let line = line::parse(&text[start + from..start + to], number);
            if line != Parsed::Unrecognised {
                recognised += 1;
                parsed.push(Detached::new(line, text));
            }
        }
        let batch = Batch {
            data,
            len: last + 1,
            parsed,
        };
        if batches.send(batch).is_err() || at_end {
            return Ok((lines_read, recognised, too_long));
        }
    }
}

/// Finds the lines of `data` (complete lines) that hold a marker: their numbers (counting on
/// from `lines_read`) and ranges go to `out`. Returns the lines read in all.
fn scan(
    markers: &Regex,
    data: &[u8],
    mut lines_read: u64,
    out: &mut Vec<(u64, usize, usize)>,
) -> u64 {
    let end = data.len();
    let mut at = 0;
    while at < end {
        let Some(found) = markers.find_at(data, at) else {
            lines_read += count_lines(&data[at..end]);
            break;
        };
        let line_start = data[at..found.start()]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(at, |i| at + i + 1);
        let line_end = data[found.end()..end]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(end - 1, |i| found.end() + i);
        lines_read += count_lines(&data[at..line_start]) + 1;
        out.push((lines_read, line_start, line_end));
        at = line_end + 1;
    }
    lines_read
}

/// LFs in `bytes`, counted 64 bytes at a time in byte-wide lanes (which compilers turn into
/// vector instructions).
fn count_lines(bytes: &[u8]) -> u64 {
    let mut total = 0u64;
    for block in bytes.chunks(64 * 255) {
        let mut lanes = [0u8; 64];
        let mut chunks = block.chunks_exact(64);
        for chunk in &mut chunks {
            for (lane, &byte) in lanes.iter_mut().zip(chunk) {
                *lane += u8::from(byte == b'\n');
            }
        }
        total += lanes.iter().map(|&n| u64::from(n)).sum::<u64>();
        total += chunks.remainder().iter().filter(|&&b| b == b'\n').count() as u64;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Diagnosis {
        let mut d = Diagnosis::new(None);
        d.feed(text);
        d.finish();
        d
    }

    #[test]
    fn every_line_is_counted_and_only_tftp_lines_are_recognised() {
        let d = read(
            b"Nov 21 09:27:15 vm CRON[1]: (root) CMD (true)\n\
              Nov 21 09:27:15 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT\n\
              \n\
              Nov 21 09:27:15 vm in.tftpd[4263]: no idea\n\
              Nov 21 09:27:16 vm in.tftpd[4264]: RRQ from 127.0.0.1 filename P0S3-06-3-00.bin",
        );
        assert_eq!((d.lines_read, d.lines_recognised), (5, 2));
        assert_eq!(d.story.phones.len(), 1);
        let boot = &d.story.phones[0].boots[0];
        assert_eq!((boot.first_line, boot.last_line), (2, 5));
    }

    /// Gives a few bytes a read, as a pipe may.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(7919);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn the_two_thread_reader_reads_as_the_plain_one() {
        let mut text = Vec::new();
        for n in 0..60_000u32 {
            text.extend_from_slice(
                format!(
                    "Nov 21 09:{:02}:{:02} vm CRON[{n}]: (root) CMD (true)\n\
                     Nov 21 09:{:02}:{:02} vm in.tftpd[{n}]: RRQ from 127.0.0.{} filename SEP0018B9000{:03}.cnf.xml\n",
                    n / 60 % 60, n % 60, n / 60 % 60, n % 60, n % 7, n % 7
                )
                .as_bytes(),
            );
        }
        text.extend_from_slice(&vec![b'x'; 3 * BUFFER]);
        text.extend_from_slice(
            b"\nNov 21 10:00:00 vm in.tftpd[1]: RRQ from 127.0.0.9 filename OS79XX.TXT",
        );
        let plain = read(&text);
        let mut piped = Diagnosis::new(None);
        piped.feed(&text[..5]);
        piped.read_all(&mut Trickle(&text[5..])).unwrap();
        piped.finish();
        assert_eq!(piped.lines_read, 120_002);
        assert_eq!(
            (
                piped.lines_read,
                piped.lines_recognised,
                piped.lines_too_long
            ),
            (plain.lines_read, plain.lines_recognised, 1)
        );
        let boots = |d: &Diagnosis| {
            d.story
                .phones
                .iter()
                .map(|p| p.boots_total)
                .collect::<Vec<_>>()
        };
        assert_eq!(boots(&piped), boots(&plain));
        assert_eq!(piped.story.phones.len(), 8);
    }

    #[test]
    fn lines_split_across_reads_and_overlong_lines() {
        let text = b"Nov 21 09:27:15 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT\n";
        let mut d = Diagnosis::new(None);
        for piece in text.chunks(7) {
            d.feed(piece);
        }
        let long = vec![b'x'; 3 * BUFFER];
        d.feed(&long);
        d.feed(b"tftp\n");
        d.feed(text);
        d.finish();
        assert_eq!(
            (d.lines_read, d.lines_recognised, d.lines_too_long),
            (3, 2, 1)
        );
        assert_eq!(d.story.phones[0].boots[0].requests.len(), 2);
    }

    #[test]
    fn both_readers_skip_lines_of_max_line_bytes_and_read_shorter_ones() {
        let request = |length: usize| {
            let head = b"Nov 21 09:27:15 vm in.tftpd[1]: RRQ from 127.0.0.1 filename ";
            let mut line = head.to_vec();
            line.resize(length, b'A');
            line.push(b'\n');
            line
        };
        for (length, too_long) in [(MAX_LINE - 1, 0), (MAX_LINE, 1), (5 * MAX_LINE, 1)] {
            let mut text = request(length);
            text.extend(request(100));
            let plain = read(&text);
            let mut piped = Diagnosis::new(None);
            piped.read_all(&mut Trickle(&text)).unwrap();
            piped.finish();
            for d in [&plain, &piped] {
                assert_eq!(
                    (d.lines_read, d.lines_recognised, d.lines_too_long),
                    (2, 2 - too_long, too_long),
                    "{length}"
                );
            }
        }
    }
}
