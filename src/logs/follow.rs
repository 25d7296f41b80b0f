//! `--follow`: reading a log file as it grows, as `tail -F` does: from where the reading got
//! to, and on when the file is renamed and a new one takes its name (rotation), or when it is
//! truncated, also when it has grown past where the reading was by the next look (a copy and
//! truncate rotation: the bytes just before the reading's place are no longer those read); or
//! a pipe as it comes. The caller is told after each read, to print what appeared, and says
//! when to stop; it is asked after each read, so that an input that never ends (`/dev/zero`)
//! or never begins (a FIFO with no writer, opened without waiting for one) still stops.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use crate::logs::read::Diagnosis;

/// Which file a path names now: device and inode on Unix.
fn identity(metadata: &std::fs::Metadata) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (metadata.dev(), metadata.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        (0, 0)
    }
}

/// Bytes kept of the end of what was read: a file whose bytes before the reading's place
/// differ from them was written anew.
const TAIL: usize = 64;

/// The file being followed.
struct Followed {
    file: File,
    id: (u64, u64),
    /// A regular file (its size and bytes can be looked at), not a FIFO or a device.
    regular: bool,
    /// Where the reading is.
    offset: u64,
    /// The last bytes read, up to [`TAIL`], and how many there are.
    tail: [u8; TAIL],
    tail_len: usize,
}

impl Followed {
    /// Opens `path` without waiting for a FIFO's writer.
    fn open(path: &Path) -> io::Result<Followed> {
        let mut options = OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK);
        }
        let file = options.open(path)?;
        let metadata = file.metadata()?;
        Ok(Followed {
            file,
            id: identity(&metadata),
            regular: metadata.is_file(),
            offset: 0,
            tail: [0; TAIL],
            tail_len: 0,
        })
    }

    /// Starts again at the file's beginning.
    fn rewind(&mut self) -> io::Result<()> {
        self.file.seek(SeekFrom::Start(0))?;
        self.offset = 0;
        self.tail_len = 0;
        Ok(())
    }

    /// Whether the file was written anew since it was read: shorter than where the reading is,
    /// or its bytes just before that place differ from those read there.
    fn rewritten(&self, size: u64) -> io::Result<bool> {
        if size < self.offset {
            return Ok(true);
        }
        let mut now = [0u8; TAIL];
        let now = &mut now[..self.tail_len];
        read_at(&self.file, now, self.offset - self.tail_len as u64)?;
        Ok(*now != self.tail[..self.tail_len])
    }
}

/// Reads exactly `buf.len()` bytes at `offset` (a file is never shorter there: its size was
/// looked at first).
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Ok(())
}

impl Read for Followed {
    /// Reads, keeping the last bytes read; nothing to read yet is no bytes.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self.file.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => 0,
            other => other?,
        };
        self.offset += n as u64;
        let read = &buf[..n];
        if read.len() >= TAIL {
            self.tail.copy_from_slice(&read[read.len() - TAIL..]);
            self.tail_len = TAIL;
        } else {
            let keep = (TAIL - read.len()).min(self.tail_len);
            self.tail
                .copy_within(self.tail_len - keep..self.tail_len, 0);
            self.tail[keep..keep + read.len()].copy_from_slice(read);
            self.tail_len = keep + read.len();
        }
        Ok(n)
    }
}

/// Follows `path` until `stop` says so, polling every `poll`: `stop` is asked after each read,
/// so a file that never ends stops too. `on_read` runs after every read that brought lines,
/// and after a rotation or truncation. A path that does not exist yet, or not any more, is
/// waited for.
pub fn follow(
    path: &Path,
    diagnosis: &mut Diagnosis,
    poll: Duration,
    stop: &dyn Fn() -> bool,
    on_read: &mut dyn FnMut(&mut Diagnosis) -> io::Result<()>,
) -> io::Result<()> {
    let mut open: Option<Followed> = None;
    loop {
        if open.is_none() {
            open = Followed::open(path).ok();
        }
        if let Some(followed) = open.as_mut() {
            // Before reading on: what the path names now, and whether the file was written
            // anew where the reading got to (the bytes there are looked at before any newer
            // ones are read).
            let now = std::fs::metadata(path).ok();
            let rotated = now.as_ref().is_some_and(|now| identity(now) != followed.id);
            if let (false, true, Some(now)) = (rotated, followed.regular, &now) {
                if followed.rewritten(now.len())? {
                    // Truncated, or copied away and truncated and written again since the
                    // last look: start again at its beginning.
                    diagnosis.end_of_input();
                    followed.rewind()?;
                }
            }
            if read_on(followed, diagnosis, stop, on_read)? {
                return Ok(());
            }
            if rotated {
                // The old file is read to its end; the new one from its start.
                diagnosis.end_of_input();
                on_read(diagnosis)?;
                open = None;
                continue;
            }
        }
        if stop() {
            return Ok(());
        }
        std::thread::sleep(poll);
    }
}

/// Reads `followed` to its end, or until `stop` says so (asked after each read): returns
/// whether it did. `on_read` runs once what came was read.
fn read_on(
    followed: &mut Followed,
    diagnosis: &mut Diagnosis,
    stop: &dyn Fn() -> bool,
    on_read: &mut dyn FnMut(&mut Diagnosis) -> io::Result<()>,
) -> io::Result<bool> {
    let mut read_any = false;
    while diagnosis.read_from(followed)? > 0 {
        read_any = true;
        if stop() {
            on_read(diagnosis)?;
            return Ok(true);
        }
    }
    if read_any {
        on_read(diagnosis)?;
    }
    Ok(false)
}

/// Reads `input` (a pipe, or standard input) as it comes, until its end or until `stop` says
/// so: it waits for data at most `poll` at a time, so that `stop` is asked also when nothing
/// comes. `on_read` runs after every read that brought bytes.
pub fn follow_pipe(
    input: &mut File,
    diagnosis: &mut Diagnosis,
    poll: Duration,
    stop: &dyn Fn() -> bool,
    on_read: &mut dyn FnMut(&mut Diagnosis) -> io::Result<()>,
) -> io::Result<()> {
    loop {
        if stop() {
            // What is there already is still read, once.
            if readable(input, Duration::ZERO) && diagnosis.read_from(input)? > 0 {
                on_read(diagnosis)?;
            }
            return Ok(());
        }
        if readable(input, poll) {
            if diagnosis.read_from(input)? == 0 {
                return Ok(());
            }
            on_read(diagnosis)?;
        }
    }
}

/// Whether `input` has bytes (or its end) to read within `wait`; false also when a signal
/// interrupted the wait.
#[cfg(unix)]
fn readable(input: &File, wait: Duration) -> bool {
    use std::os::fd::AsRawFd;
    let mut entry = libc::pollfd {
        fd: input.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let millis = libc::c_int::try_from(wait.as_millis()).unwrap_or(libc::c_int::MAX);
    // SAFETY: one valid pollfd, alive for the whole call.
    unsafe { libc::poll(&mut entry, 1, millis) > 0 }
}

#[cfg(not(unix))]
fn readable(_: &File, _: Duration) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::io::Write;
    use std::time::Instant;

    const LINE: &str = "Nov 21 09:27:15 vm in.tftpd[1]: RRQ from 127.0.0.1 filename OS79XX.TXT\n";

    /// `follow_pipe` on a pipe holding `lines` lines (its writer kept open when `open`), with
    /// `stop`: the lines read, and the reads that brought bytes.
    fn pipe_read(lines: usize, open: bool, stop: &dyn Fn() -> bool) -> (u64, usize) {
        let (reader, mut writer) = std::io::pipe().unwrap();
        writer.write_all(LINE.repeat(lines).as_bytes()).unwrap();
        let writer = open.then_some(writer);
        let mut input = File::from(std::os::fd::OwnedFd::from(reader));
        let mut diagnosis = Diagnosis::new(None);
        let reads = Cell::new(0);
        let mut on_read = |_: &mut Diagnosis| {
            reads.set(reads.get() + 1);
            Ok(())
        };
        follow_pipe(
            &mut input,
            &mut diagnosis,
            Duration::from_millis(10),
            stop,
            &mut on_read,
        )
        .unwrap();
        drop(writer);
        (diagnosis.lines_read, reads.get())
    }

    #[test]
    fn a_pipe_is_read_to_its_end_and_what_it_holds_at_a_stop_is_read_once() {
        // Its writer gone: read to the end, well before the stop.
        let started = Instant::now();
        let (lines, reads) = pipe_read(3, false, &|| started.elapsed() > Duration::from_secs(10));
        assert_eq!(lines, 3);
        assert!(reads >= 1);
        // Its writer still there, and stopped at once: what it holds is read, once.
        assert_eq!(pipe_read(2, true, &|| true), (2, 1));
    }

    #[test]
    fn follows_growth_rotation_and_truncation_and_stops_in_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("syslog");
        let mut diagnosis = Diagnosis::new(None);
        let step = Cell::new(0);
        let started = Instant::now();
        let stop = || step.get() > 6 || started.elapsed() > Duration::from_secs(10);
        let mut on_read = |_: &mut Diagnosis| Ok(());
        let path2 = path.clone();
        let writer = std::thread::spawn(move || {
            let append = |text: &str| {
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path2)
                    .unwrap();
                f.write_all(text.as_bytes()).unwrap();
            };
            let pause = || std::thread::sleep(Duration::from_millis(60));
            append(LINE); // 1
            pause();
            append(&LINE[..20]); // half a line, completed next
            pause();
            append(&LINE[20..]); // 2
            pause();
            std::fs::rename(&path2, path2.with_extension("1")).unwrap();
            append(LINE); // 3, in a new file
            pause();
            std::fs::write(&path2, "").unwrap(); // truncated
            pause();
            append(LINE); // 4
            pause();
        });
        // Stop a few polls after the writer is done, or at 10 s whatever happens.
        follow(
            &path,
            &mut diagnosis,
            Duration::from_millis(10),
            &|| {
                step.set(step.get() + usize::from(writer.is_finished()));
                stop()
            },
            &mut on_read,
        )
        .unwrap();
        assert!(started.elapsed() < Duration::from_secs(10), "bounded");
        assert_eq!(diagnosis.lines_read, 4);
        assert_eq!(diagnosis.lines_recognised, 4);
    }

    #[test]
    fn a_copy_and_truncate_grown_back_past_the_old_place_is_read_from_its_start() {
        // GNU tail -F reads every line here; phoneup once read only those past its old place.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("syslog");
        let line = |client: u32, n: u32| {
            format!("Nov 21 09:27:{n:02} pbx in.tftpd[1]: RRQ from 10.0.0.{client} filename CTLSEP0018B900000{client}.tlv\n")
        };
        let old: String = (1..=5).map(|n| line(4, n)).collect();
        std::fs::write(&path, &old).unwrap();
        let mut diagnosis = Diagnosis::new(None);
        let started = Instant::now();
        let lines = Cell::new(0);
        let rewritten = Cell::new(false);
        // Asked when the reading is at the end: the file is rewritten right then, so that the
        // next look finds it grown past the old place before anything newer is read.
        let stop = || {
            if lines.get() == 5 && !rewritten.get() {
                let new: String = (1..=9).map(|n| line(5, n)).collect();
                std::fs::write(&path, new).unwrap();
                rewritten.set(true);
            }
            lines.get() >= 14 || started.elapsed() > Duration::from_secs(10)
        };
        follow(
            &path,
            &mut diagnosis,
            Duration::from_millis(10),
            &stop,
            &mut |d: &mut Diagnosis| {
                lines.set(d.lines_read);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(diagnosis.lines_read, 14);
        let clients: Vec<_> = diagnosis
            .story
            .phones
            .iter()
            .map(|p| p.client.clone())
            .collect();
        assert_eq!(clients, [Some("10.0.0.4".into()), Some("10.0.0.5".into())]);
        assert_eq!(diagnosis.story.phones[1].boots[0].requests.len(), 9);
    }

    #[test]
    fn bytes_kept_of_the_end_of_what_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let text: Vec<u8> = (0..200u8).collect();
        std::fs::write(&path, &text).unwrap();
        let mut followed = Followed::open(&path).unwrap();
        let mut buf = [0u8; 150];
        for (want, ends) in [(30, 30), (100, 130), (5, 135), (65, 200)] {
            assert_eq!(followed.read(&mut buf[..want]).unwrap(), want);
            let kept = ends.min(TAIL);
            assert_eq!(followed.tail_len, kept);
            assert_eq!(&followed.tail[..kept], &text[ends - kept..ends]);
            assert!(!followed.rewritten(200).unwrap());
        }
        assert!(followed.rewritten(199).unwrap(), "shorter");
        let mut other = text.clone();
        other[190] = 0;
        std::fs::write(&path, &other).unwrap();
        assert!(followed.rewritten(200).unwrap(), "other bytes");
        followed.rewind().unwrap();
        assert_eq!((followed.offset, followed.tail_len), (0, 0));
        assert!(!followed.rewritten(0).unwrap());
    }

    #[test]
    fn an_input_that_never_ends_or_never_begins_still_stops() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a NUL-terminated path in a folder of this test.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        for path in [Path::new("/dev/zero"), Path::new("/dev/urandom"), &fifo] {
            let mut diagnosis = Diagnosis::new(None);
            let started = Instant::now();
            follow(
                path,
                &mut diagnosis,
                Duration::from_millis(10),
                &|| started.elapsed() > Duration::from_millis(100),
                &mut |_| Ok(()),
            )
            .unwrap();
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "{path:?}: {:?}",
                started.elapsed()
            );
        }
    }
}
