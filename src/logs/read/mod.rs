//! Reading a log: bytes to counted lines, the TFTP lines among them found by the words they
//! carry and handed to the parser and the story; one thread for a stream fed in pieces, two
//! for a whole input (`pipeline`: one reads, both find, parse and tell, a piece at a time).

use std::io::{self, Read};
use std::sync::OnceLock;

use aho_corasick::{packed, AhoCorasick, Input};

use crate::logs::event::Parsed;
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
/// `atftpd`, `dnsmasq-tftp`, busybox's `tftpd`, also in journald's JSON, and the service
/// xinetd names), a packet list's protocol column (`TFTP`), Tftpd32's and PumpKIN's messages,
/// which name no program, and the names of a phone's files for the fallback.
const MARKERS: [&str; 30] = [
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
    "' is requested from ",
    "' is coming from ",
    "Transfer of '",
    "Transmission of '",
    "I'm already processing the request",
    "Connection timeout for '",
    ".tlv",
    ".cnf",
    ".loads",
    "OS79XX",
    ".sbn",
    ".sb2",
    ".bin",
];

/// The search for [`MARKERS`]: SIMD (Teddy) where the processor has it, else an automaton.
enum Markers {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Markers {
    fn get() -> &'static Markers {
        static MARKERS_SEARCH: OnceLock<Markers> = OnceLock::new();
        MARKERS_SEARCH.get_or_init(|| match packed::Searcher::new(MARKERS) {
            Some(searcher) => Markers::Packed(searcher),
            None => Markers::Automaton(AhoCorasick::new(MARKERS).expect("literal markers")),
        })
    }

    /// Where the first marker in `data[from..]` begins and ends.
    fn find(&self, data: &[u8], from: usize) -> Option<(usize, usize)> {
        let found = match self {
            Markers::Packed(searcher) => {
                searcher.find_in(data, aho_corasick::Span::from(from..data.len()))
            }
            Markers::Automaton(automaton) => {
                automaton.find(Input::new(data).span(from..data.len()))
            }
        }?;
        Some((found.start(), found.end()))
    }
}

mod pipeline;

/// A line a reader holds back, because it may go on in a line not read yet, is at most this
/// long.
const MAX_HELD: usize = 4096;

/// A diagnosis in progress: feed it log bytes, then ask for the report.
pub struct Diagnosis {
    lines: Lines,
    pub lines_read: u64,
    /// Lines read as a server's (a line broken in two and joined again counts both halves).
    pub lines_recognised: u64,
    /// Lines that were the second half of a line broken in two, joined to the line before.
    pub lines_joined: u64,
    /// Lines of [`MAX_LINE`] bytes or more, skipped (counted in `lines_read` too).
    pub lines_too_long: u64,
    pub story: Story,
}

impl Diagnosis {
    /// `root`: the user's TFTP root, to tell a name in the wrong case and to take it off the
    /// paths servers log.
    pub fn new(root: Option<TftpRoot>) -> Diagnosis {
        Diagnosis {
            lines: Lines::new(),
            lines_read: 0,
            lines_recognised: 0,
            lines_joined: 0,
            lines_too_long: 0,
            story: Story::new(root),
        }
    }

    /// Reads `reader` once (as much as one read gives); complete lines are taken, the rest is
    /// kept for the next read. Returns the bytes read: 0 at the end of the input.
    pub fn read_from(&mut self, reader: &mut dyn Read) -> io::Result<usize> {
        let n = self.lines.read_once(reader)?;
        self.take_lines(false);
        Ok(n)
    }

    /// Takes bytes already in memory (tests, benchmarks, a fuzzer).
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let n = self.lines.put(bytes);
            bytes = &bytes[n..];
            self.take_lines(false);
        }
    }

    /// The end of one input: a last line without its LF is read.
    pub fn end_of_input(&mut self) {
        self.lines.end_line();
        self.take_lines(true);
        self.lines.skipping = false;
    }

    /// No more input: boots still open are closed (findings that wait for a boot's end).
    pub fn finish(&mut self) {
        self.end_of_input();
        self.story.finish();
    }

    pub fn lines_unrecognised(&self) -> u64 {
        self.lines_read - self.lines_recognised
    }

    /// The complete lines in the buffer, to the story on this thread; `at_end`: the input
    /// ends with them (no line is held back for the next read).
    fn take_lines(&mut self, at_end: bool) {
        let (recognised, story) = (&mut self.lines_recognised, &mut self.story);
        let mut scratch = Vec::new();
        let tftp_line = &mut |number, bytes: &[u8], next: Option<&[u8]>| {
            let (parsed, took) = line::parse_joined(bytes, next, number, &mut scratch);
            if parsed != Parsed::Unrecognised {
                *recognised += 1 + u64::from(took);
            }
            story.take(&parsed);
            took
        };
        let counts = Counts {
            read: &mut self.lines_read,
            too_long: &mut self.lines_too_long,
            joined: &mut self.lines_joined,
        };
        self.lines.take(at_end, counts, tftp_line);
    }
}

/// The reading buffer: bytes in, complete lines out (the TFTP ones given to the caller), the
/// start of a line kept for the next bytes, a line of [`MAX_LINE`] bytes or more skipped.
struct Lines {
    markers: &'static Markers,
    /// One byte more than [`BUFFER`], for the LF [`Lines::end_line`] gives a last line.
    buffer: Vec<u8>,
    filled: usize,
    /// Skipping the rest of an overlong line.
    skipping: bool,
    /// The TFTP lines of the last scan: number and range.
    found: Vec<(u64, usize, usize)>,
}

impl Lines {
    fn new() -> Lines {
        Lines {
            markers: Markers::get(),
            buffer: vec![0; BUFFER + 1],
            filled: 0,
            skipping: false,
            found: Vec::new(),
        }
    }

    /// Copies what fits of `bytes` in; returns how much.
    fn put(&mut self, bytes: &[u8]) -> usize {
        let n = bytes.len().min(BUFFER - self.filled);
        self.buffer[self.filled..self.filled + n].copy_from_slice(&bytes[..n]);
        self.filled += n;
        n
    }

    /// One read (retried when interrupted by a signal). Returns the bytes read.
    fn read_once(&mut self, reader: &mut dyn Read) -> io::Result<usize> {
        let n = loop {
            match reader.read(&mut self.buffer[self.filled..BUFFER]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.filled += n;
        Ok(n)
    }

    /// Reads `piece` more bytes, or until the buffer is full or the input ends; returns whether
    /// it ended.
    fn fill(&mut self, reader: &mut dyn Read, piece: usize) -> io::Result<bool> {
        let target = self.filled.saturating_add(piece).min(BUFFER);
        while self.filled < target {
            if self.read_once(reader)? == 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Ends a last line that has no LF.
    fn end_line(&mut self) {
        if self.filled > 0 && self.buffer[self.filled - 1] != b'\n' {
            self.buffer[self.filled] = b'\n';
            self.filled += 1;
        }
    }

    /// Counts the complete lines in the buffer and gives each TFTP one (its number, counting on
    /// from `counts.read`, its bytes without the LF, and what follows it in the buffer, the
    /// next line first) to `tftp_line`, which says whether it took that next line too (a line broken
    /// in two); keeps the rest. Unless `at_end`, a last TFTP line that may go on in the next
    /// line ([`line::may_continue`]) is kept for the next call.
    fn take(&mut self, at_end: bool, counts: Counts, tftp_line: &mut TftpLine) {
        let data = &self.buffer[..self.filled];
        let Some(last) = memchr::memrchr(b'\n', data) else {
            if self.filled >= BUFFER {
                // One line fills the buffer: count it, and skip it up to its LF.
                if !self.skipping {
                    *counts.read += 1;
                    *counts.too_long += 1;
                }
                self.skipping = true;
                self.filled = 0;
            }
            return;
        };
        let mut start = 0;
        if self.skipping {
            // The rest of an overlong line, already counted.
            start = memchr::memchr(b'\n', data).expect("a LF") + 1;
            self.skipping = false;
        }
        let lines = &data[start..=last];
        self.found.clear();
        *counts.read = scan(self.markers, lines, *counts.read, &mut self.found);
        // A buffer that holds nothing but a line kept back and the start of the next one, which
        // cannot be a second half that short: the line is read now, or no read makes room.
        let full = start == 0 && self.filled >= BUFFER;
        let end = walk(lines, &self.found, at_end, full, counts, tftp_line);
        self.buffer.copy_within(start + end..self.filled, 0);
        self.filled -= start + end;
    }

    /// For the lines of the buffer to be read (and counted) by another thread: gives away the
    /// buffer holding its complete lines, `spare` (one as long) taking its place with the rest
    /// of the bytes. `spare` back when there is no complete line, the rest of an overlong line
    /// to skip first, or (unless `at_end`) a last TFTP line that may go on in the next line:
    /// [`Lines::take`] is for those.
    fn give_lines(&mut self, at_end: bool, spare: Vec<u8>) -> Result<Given, Vec<u8>> {
        let data = &self.buffer[..self.filled];
        let Some(last) = memchr::memrchr(b'\n', data) else {
            return Err(spare);
        };
        if self.skipping || spare.len() != BUFFER + 1 {
            return Err(spare);
        }
        let lines = &data[..=last];
        let last_start = memchr::memrchr(b'\n', &lines[..last]).map_or(0, |i| i + 1);
        let tail = &lines[last_start..last];
        if !at_end && self.markers.find(tail, 0).is_some() && line::may_continue(tail) {
            // A last line to keep back, which the line before may take as its second half:
            // only `take`, reading them in turn, can tell.
            return Err(spare);
        }
        let end = lines.len();
        let mut spare = spare;
        let rest = self.filled - end;
        spare[..rest].copy_from_slice(&self.buffer[end..self.filled]);
        let given = std::mem::replace(&mut self.buffer, spare);
        self.filled = rest;
        Ok(Given { bytes: given, end })
    }
}

/// Lines a buffer holds, given to another thread to read: `bytes[..end]`.
struct Given {
    bytes: Vec<u8>,
    end: usize,
}

/// Gives each TFTP line of `found` (its number, its bytes without the LF, and what follows it
/// in `lines`, the next line first) to `tftp_line`, which says whether it took that next line too (a
/// line broken in two). Unless `at_end`, a last TFTP line that may go on in the next line
/// ([`line::may_continue`]) is kept back: returns the bytes of `lines` taken (all, or up to
/// that line).
fn walk(
    lines: &[u8],
    found: &[(u64, usize, usize)],
    at_end: bool,
    full: bool,
    counts: Counts,
    tftp_line: &mut TftpLine,
) -> usize {
    let mut end = lines.len();
    let mut joined = None;
    for &(number, from, to) in found {
        if joined == Some(number) {
            continue;
        }
        let last = to + 1 == lines.len();
        let kept = last && !at_end && !(full && from == 0);
        if kept && to - from < MAX_HELD && line::may_continue(&lines[from..to]) {
            // It may go on in a line not read yet: kept for the next call.
            *counts.read -= 1;
            end = from;
            break;
        }
        // What follows, the next line first: the parser finds its end if it wants it.
        let after = (!last).then(|| &lines[to + 1..]);
        if tftp_line(number, &lines[from..to], after) {
            *counts.joined += 1;
            joined = Some(number + 1);
        }
    }
    end
}

/// What [`Lines::take`] gives each TFTP line to: its number, its bytes and the bytes after its
/// LF (the next line first, as [`line::parse_joined`] takes them); it says whether it took the
/// next line too.
type TftpLine<'a> = dyn FnMut(u64, &[u8], Option<&[u8]>) -> bool + 'a;

/// What [`Lines::take`] counts.
struct Counts<'a> {
    read: &'a mut u64,
    too_long: &'a mut u64,
    joined: &'a mut u64,
}

/// Finds the lines of `data` (complete lines) that hold a marker: their numbers (counting on
/// from `lines_read`) and ranges go to `out`. Returns the lines read in all.
fn scan(
    markers: &Markers,
    data: &[u8],
    mut lines_read: u64,
    out: &mut Vec<(u64, usize, usize)>,
) -> u64 {
    let end = data.len();
    let mut at = 0;
    while at < end {
        let Some((found_start, found_end)) = markers.find(data, at) else {
            lines_read += count_lines(&data[at..end]);
            break;
        };
        // A marker holds no LF: its line is the one around it.
        let line_start = memchr::memrchr(b'\n', &data[at..found_start]).map_or(at, |i| at + i + 1);
        let line_end =
            memchr::memchr(b'\n', &data[found_end..end]).map_or(end - 1, |i| found_end + i);
        lines_read += count_lines(&data[at..line_start]) + 1;
        out.push((lines_read, line_start, line_end));
        at = line_end + 1;
    }
    lines_read
}

/// LFs in `bytes`, counted 64 bytes at a time in byte-wide lanes (which compilers turn into
/// vector instructions): with AVX2 where the processor has it (most of a log's bytes are counted
/// here, the reading thread's largest share after the search for the markers).
fn count_lines(bytes: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, the one feature the function is compiled with.
        return unsafe { count_lines_avx2(bytes) };
    }
    count_lines_in_lanes(bytes)
}

/// [`count_lines_in_lanes`] compiled for AVX2: twice as wide lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn count_lines_avx2(bytes: &[u8]) -> u64 {
    count_lines_in_lanes(bytes)
}

#[inline(always)]
fn count_lines_in_lanes(bytes: &[u8]) -> u64 {
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
    use crate::logs::story::Answer;

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

    /// Interrupted by a signal before every read that brings bytes.
    struct Interrupted<'a>(&'a [u8], bool);

    impl Read for Interrupted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.1 = !self.1;
            if self.1 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_line_kept_for_its_second_half_before_a_line_longer_than_the_buffer_is_read() {
        // It once spun for ever: the kept line alone, then no room to read more.
        let rrq = "Nov 21 09:27:15 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT\n";
        let mut text = rrq.as_bytes().to_vec();
        text.extend_from_slice(b"Dec 20 03:25:25 h in.tftpd[3]: RRQ from 10.0.0.3 filename \n");
        text.extend(std::iter::repeat_n(b'x', 2 * BUFFER));
        text.push(b'\n');
        text.extend_from_slice(rrq.as_bytes());
        let (done, got) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut plain = Diagnosis::new(None);
            plain.feed(&text);
            plain.finish();
            let mut two = Diagnosis::new(None);
            two.read_all(&mut Trickle(&text)).unwrap();
            two.finish();
            let _ = done.send([plain, two].map(|d| (d.lines_read, d.lines_too_long)));
        });
        let counts = got
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("read within a minute");
        assert_eq!(counts, [(4, 1), (4, 1)]);
    }

    #[test]
    fn a_read_interrupted_by_a_signal_is_tried_again() {
        let text = b"Nov 21 09:27:15 vm in.tftpd[4262]: RRQ from 127.0.0.1 filename OS79XX.TXT\n";
        let mut d = Diagnosis::new(None);
        d.read_all(&mut Interrupted(text, false)).unwrap();
        d.finish();
        assert_eq!((d.lines_read, d.lines_recognised), (1, 1));
    }

    #[test]
    fn the_two_thread_reader_reads_as_the_plain_one() {
        // A first line read before the two threads start (as `diagnose` reads a file's first
        // bytes, to tell a compressed one).
        let mut text = b"\n".to_vec();
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
        assert_eq!(
            (
                plain.lines_read,
                plain.lines_recognised,
                plain.lines_too_long
            ),
            (120_003, 60_001, 1)
        );
        // Every request, in order, with its phone and boot.
        let requests = |d: &Diagnosis| -> Vec<(usize, u64, u64)> {
            let phones = d.story.phones.iter().enumerate();
            phones
                .flat_map(|(i, p)| {
                    p.boots
                        .iter()
                        .flat_map(move |b| b.requests.iter().map(move |r| (i, b.number, r.line)))
                })
                .collect()
        };
        for (piece, hand_off) in PIECES {
            let mut piped = Diagnosis::new(None);
            piped.feed(&text[..5]);
            piped
                .read_in_pieces(&mut Trickle(&text[5..]), piece, hand_off)
                .unwrap();
            piped.finish();
            let how = format!("{piece} {hand_off:?}");
            assert_eq!(
                (
                    piped.lines_read,
                    piped.lines_recognised,
                    piped.lines_too_long
                ),
                (plain.lines_read, plain.lines_recognised, 1),
                "{how}"
            );
            assert_eq!(piped.story.phones.len(), 8, "{how}");
            assert_eq!(requests(&piped), requests(&plain), "{how}");
        }
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
    fn lines_are_counted_alike_with_and_without_avx2() {
        let mut text = Vec::new();
        for n in 0..5000usize {
            text.extend(std::iter::repeat_n(b'x', n % 131));
            text.push(b'\n');
        }
        for end in [
            0,
            1,
            63,
            64,
            65,
            64 * 255,
            64 * 255 + 1,
            100_000,
            text.len(),
        ] {
            let bytes = &text[..end];
            let expected = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
            assert_eq!(count_lines(bytes), expected, "{end}");
            assert_eq!(count_lines_in_lanes(bytes), expected, "{end}");
        }
    }

    #[test]
    fn the_simd_search_and_the_automaton_find_the_same_lines() {
        let mut text = Vec::new();
        for marker in MARKERS {
            text.extend_from_slice(format!("a line with {marker} in it\nno marker\n").as_bytes());
        }
        text.extend_from_slice(b"tftp at the start\n\nend tftp\n");
        let automaton = Markers::Automaton(AhoCorasick::new(MARKERS).unwrap());
        let mut lines = Vec::new();
        let n = MARKERS.len() as u64;
        assert_eq!(scan(&automaton, &text, 10, &mut lines), 10 + 2 * n + 3);
        let numbers: Vec<u64> = lines.iter().map(|l| l.0).collect();
        let mut expected: Vec<u64> = (0..n).map(|i| 11 + 2 * i).collect();
        expected.extend([11 + 2 * n, 13 + 2 * n]);
        assert_eq!(numbers, expected);
        let (_, from, to) = lines[MARKERS.len()];
        assert_eq!(&text[from..to], b"tftp at the start");
        if let Some(searcher) = packed::Searcher::new(MARKERS) {
            let mut simd = Vec::new();
            scan(&Markers::Packed(searcher), &text, 10, &mut simd);
            assert_eq!(simd, lines);
        }
    }

    #[test]
    fn a_line_broken_in_two_is_joined_however_the_reads_cut_it() {
        let text = b"Dec 20 03:25:25 h in.tftpd[8214]: RRQ from 192.168.1.130 filename \n\
                     CTLSEP000E84C060A6.tlv\n\
                     Dec 20 03:25:25 h in.tftpd[8214]: Client 192.168.1.130 File not \n\
                     found CTLSEP000E84C060A6.tlv\n\
                     Dec 20 03:25:26 h in.tftpd[8215]: RRQ from 192.168.1.130 filename ";
        let check = |d: &Diagnosis| {
            assert_eq!(
                (d.lines_read, d.lines_recognised, d.lines_joined),
                (5, 5, 2)
            );
            assert_eq!(d.story.seen.cut_short, 1);
            let requests = &d.story.phones[0].boots[0].requests;
            assert_eq!(requests.len(), 1);
            assert_eq!(requests[0].outcome, Answer::NotFound);
        };
        check(&read(text));
        for cut in 1..text.len() {
            let mut d = Diagnosis::new(None);
            d.feed(&text[..cut]);
            d.feed(&text[cut..]);
            d.finish();
            check(&d);
        }
        let mut piped = Diagnosis::new(None);
        piped.read_all(&mut Trickle(text)).unwrap();
        piped.finish();
        check(&piped);
    }

    /// How the two-thread reader is tried: pieces of a whole buffer and smaller, each parsed by
    /// the helper, by the reader, or by whichever is free.
    const PIECES: [(usize, pipeline::HandOff); 7] = [
        (BUFFER, pipeline::HandOff::WhenFree),
        (BUFFER, pipeline::HandOff::Always),
        (BUFFER, pipeline::HandOff::Never),
        (4096, pipeline::HandOff::Always),
        (4096, pipeline::HandOff::Never),
        (4096, pipeline::HandOff::WhenFree),
        (333, pipeline::HandOff::WhenFree),
    ];

    /// Were the helper thread ever to panic with a piece the story waits for, the reader must
    /// not wait for room for ever: the read ends, with the helper's panic (diagnose exits 101
    /// with its message rather than hanging).
    #[test]
    fn a_helper_that_panics_ends_the_read_with_its_panic_not_a_hang() {
        let line = b"Dec 20 03:25:25 h in.tftpd[1]: RRQ from 10.0.0.1 filename OS79XX.TXT\n";
        let text: Vec<u8> = line
            .iter()
            .copied()
            .cycle()
            .take(line.len() * 5_000)
            .collect();
        let (done, ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let read = std::panic::catch_unwind(move || {
                let mut d = Diagnosis::new(None);
                let _ = d.read_in_pieces(&mut Trickle(&text), 333, pipeline::HandOff::HelperPanics);
            });
            let _ = done.send(read.is_err());
        });
        let panicked = ended.recv_timeout(std::time::Duration::from_secs(60));
        assert_eq!(panicked, Ok(true), "the read hung or did not panic");
    }

    #[test]
    fn both_readers_join_the_same_broken_lines_whoever_parses_them() {
        // Broken lines, lines in three pieces, lines cut short, in every order, many times
        // over: the two-thread reader reads them alike, whichever thread parses a piece.
        let pieces: [&[u8]; 6] = [
            b"Dec 20 03:25:25 h in.tftpd[1]: RRQ from 10.0.0.1 filename \nCTLSEP0018B9000001.tlv\n",
            b"Dec 20 03:25:25 h in.tftpd[1]: Client 10.0.0.1 File not \nfound CTLSEP0018B9000001.tlv\n",
            b"Dec 20 03:25:25 h in.tftpd[2]: RRQ from \n10.0.0.2 filename \nOS79XX.TXT\n",
            b"Dec 20 03:25:25 h in.tftpd[3]: RRQ from 10.0.0.3 filename \n",
            b"Dec 20 03:25:25 h in.tftpd[4]: RRQ from 10.0.0.4 filename SEP0018B9000004.cnf.xml\n",
            b"Dec 20 03:25:25 h xinetd[9]: START: tftp pid=9 \nfrom=10.0.0.9 .tlv\n",
        ];
        let mut text = Vec::new();
        let mut seed = 7u32;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            text.extend_from_slice(pieces[(seed >> 16) as usize % pieces.len()]);
        }
        let plain = read(&text);
        assert!(plain.lines_joined > 10_000);
        let requests = |d: &Diagnosis| -> Vec<(u64, String)> {
            d.story
                .phones
                .iter()
                .flat_map(|p| p.boots.iter().flat_map(|b| b.requests.iter()))
                .map(|r| (r.line, format!("{:?}", r.outcome)))
                .collect()
        };
        for (piece, hand_off) in PIECES {
            let mut piped = Diagnosis::new(None);
            piped
                .read_in_pieces(&mut Trickle(&text), piece, hand_off)
                .unwrap();
            piped.finish();
            let how = format!("{piece} {hand_off:?}");
            assert_eq!(
                (piped.lines_read, piped.lines_recognised, piped.lines_joined),
                (plain.lines_read, plain.lines_recognised, plain.lines_joined),
                "{how}"
            );
            assert_eq!(piped.story.seen.cut_short, plain.story.seen.cut_short);
            assert_eq!(requests(&piped), requests(&plain), "{how}");
        }
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
            for (piece, hand_off) in PIECES {
                let mut piped = Diagnosis::new(None);
                piped
                    .read_in_pieces(&mut Trickle(&text), piece, hand_off)
                    .unwrap();
                piped.finish();
                for d in [&plain, &piped] {
                    assert_eq!(
                        (d.lines_read, d.lines_recognised, d.lines_too_long),
                        (2, 2 - too_long, too_long),
                        "{length} {piece} {hand_off:?}"
                    );
                }
            }
        }
    }
}
