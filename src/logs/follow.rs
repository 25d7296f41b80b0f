//! `--follow`: reading a log file as it grows, as `tail -F` does: from where the reading got
//! to, and on when the file is renamed and a new one takes its name (rotation), or when it is
//! truncated; or a pipe as it comes. The caller is told after each read, to print what
//! appeared, and says when to stop.

use std::fs::File;
use std::io::{self, Seek, SeekFrom};
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

/// Follows `path` until `stop` says so (asked after each read), polling every `poll`. `on_read` runs after every read
/// that brought lines, and after a rotation or truncation. A path that does not exist yet, or
/// not any more, is waited for.
pub fn follow(
    path: &Path,
    diagnosis: &mut Diagnosis,
    poll: Duration,
    stop: &dyn Fn() -> bool,
    on_read: &mut dyn FnMut(&mut Diagnosis) -> io::Result<()>,
) -> io::Result<()> {
    let mut open: Option<(File, (u64, u64), u64)> = None;
    loop {
        if open.is_none() {
            if let Ok(file) = File::open(path) {
                let id = identity(&file.metadata()?);
                open = Some((file, id, 0));
            }
        }
        if let Some((file, id, offset)) = open.as_mut() {
            let mut read_any = false;
            loop {
                let n = diagnosis.read_from(file)?;
                if n == 0 {
                    break;
                }
                *offset += n as u64;
                read_any = true;
            }
            if read_any {
                on_read(diagnosis)?;
            }
            match std::fs::metadata(path) {
                Ok(now) if identity(&now) != *id => {
                    // Rotated: the old file is read to its end; the new one from its start.
                    diagnosis.end_of_input();
                    on_read(diagnosis)?;
                    open = None;
                    continue;
                }
                Ok(now) if now.len() < *offset => {
                    // Truncated: start again at its beginning.
                    diagnosis.end_of_input();
                    file.seek(SeekFrom::Start(0))?;
                    *offset = 0;
                    continue;
                }
                _ => {}
            }
        }
        // Asked after each read, so what the file held when told to stop is read.
        if stop() {
            return Ok(());
        }
        std::thread::sleep(poll);
    }
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
}
