//! Speed and memory of `diagnose`, with divan: `cargo bench --bench diagnose`. On 1 GiB
//! syslogs generated under `target/bench-data/` on the first run (not committed): RFC 3339
//! lines of cron, the kernel, sshd, systemd and Asterisk, mixed with lines of tftpd-hpa,
//! dnsmasq and atftpd serving 500 phones their boots, one line in five (a day of upgrades) or
//! one in fifty (a PBX's syslog); `grep -c RRQ` on the same files in the same run, side by
//! side. And on a log that fills every phone's story to its limits (2 500 phones booting 16
//! times and asking for 256 names a boot, 10 M lines made as they are read), whose peak
//! memory is printed. `side_by_side` runs diagnose and grep in turns on the same file, so that
//! a machine other work shares slows both alike, and prints each one's processor time beside
//! its wall-clock time. Results are in docs/speed.md.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use divan::Bencher;
use phoneup::logs::{Diagnosis, Report};

fn main() {
    divan::main();
}

const SIZE: u64 = 1 << 30;

/// The generated log with one TFTP line in `every`, made once.
fn log(every: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join(format!("syslog-1g-tftp-1-in-{every}.log"));
    if std::fs::metadata(&path).is_ok_and(|m| m.len() >= SIZE) {
        return path;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let partial = path.with_extension("partial");
    generate(&partial, SIZE, every);
    std::fs::rename(&partial, &path).unwrap();
    path
}

/// A small deterministic generator (no dependency): xorshift.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What each phone asks at a boot: the loader's hunt, the application, and its own files.
const HUNT: [&str; 12] = [
    "CTLSEP{MAC}.tlv",
    "SEP{MAC}.cnf.xml",
    "SIP{MAC}.cnf",
    "MGC{MAC}.cnf",
    "XMLDefault.cnf.xml",
    "P0S3-08-11-00.loads",
    "SIPDefault.cnf",
    "SIP{MAC}.cnf",
    "RINGLIST.DAT",
    "dialplan.xml",
    "OS79XX.TXT",
    "P0S3-06-3-00.bin",
];

fn generate(path: &PathBuf, size: u64, every: u64) {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path).unwrap());
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut written = 0u64;
    let mut step = [0usize; 500];
    let mut seconds = 0u64;
    let mut pid = 1000u64;
    while written < size {
        seconds += random.below(2);
        let stamp = format!(
            "2026-11-{:02}T{:02}:{:02}:{:02}.{:06}+00:00 pbx",
            1 + seconds / 86_400 % 28,
            seconds / 3600 % 24,
            seconds / 60 % 60,
            seconds % 60,
            random.below(1_000_000)
        );
        pid += 1;
        let tftp = random.below(every) == 0;
        let line = match if tftp { 0 } else { 2 + random.below(8) } {
            0 => {
                let phone = random.below(500) as usize;
                let ip = format!("{}.{}", if phone < 250 { "192.0.2" } else { "198.51.100" }, phone % 250 + 1);
                let mac = format!("0018B9{:06X}", phone);
                let file = HUNT[step[phone] % HUNT.len()].replace("{MAC}", &mac);
                step[phone] += 1;
                let missing = file.contains(&mac) || file.starts_with("MGC");
                match random.below(3) {
                    0 => {
                        let mut text = format!("{stamp} in.tftpd[{pid}]: RRQ from {ip} filename {file}\n");
                        if missing {
                            text.push_str(&format!(
                                "{stamp} in.tftpd[{pid}]: sending NAK (1, File not found) to {ip}\n"
                            ));
                        }
                        text
                    }
                    1 if missing => {
                        format!("{stamp} dnsmasq-tftp[611]: file /srv/tftp/{file} not found for {ip}\n")
                    }
                    1 => format!("{stamp} dnsmasq-tftp[611]: sent /srv/tftp/{file} to {ip}\n"),
                    _ => format!(
                        "{stamp} atftpd[733]: Serving {file} to {ip}:{}\n",
                        1024 + random.below(60_000)
                    ),
                }
            }
            2 | 3 => format!(
                "{stamp} CRON[{pid}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)\n"
            ),
            4 => format!(
                "{stamp} kernel: [{}.{:06}] IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready\n",
                seconds,
                random.below(1_000_000)
            ),
            5 | 6 => format!(
                "{stamp} sshd[{pid}]: Accepted publickey for admin from 198.51.100.{} port {} ssh2: ED25519 SHA256:0Q8s1v6yM2l1d9bq2v2c3n4m5k6j7h8g9f0d1s2a3\n",
                random.below(250) + 1,
                1024 + random.below(60_000)
            ),
            7 => format!(
                "{stamp} systemd[1]: Started session-{}.scope - Session {} of User admin.\n",
                pid, pid
            ),
            _ => format!(
                "{stamp} asterisk[812]: NOTICE[{pid}]: chan_sip.c:28095 handle_request_register: Registration from '\"{0}\" <sip:{0}@192.0.2.1>' failed for '192.0.2.{1}:5060' - Wrong password\n",
                100 + random.below(900),
                random.below(250) + 1
            ),
        };
        out.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
    }
    out.flush().unwrap();
}

/// The whole file, streamed, through the report written as JSON (what `phoneup diagnose
/// FILE --format json` does), with one TFTP line in 5 and one in 50.
#[divan::bench(args = [5, 50], sample_count = 5, sample_size = 1)]
fn diagnose_1g(bencher: Bencher, every: u64) {
    let path = log(every);
    reset_peak_memory();
    bencher.bench(|| diagnose_once(&path));
    print_peak_memory(&format!("diagnose_1g 1 in {every}"));
}

/// `grep -c RRQ` on the same file, its output read through a pipe (GNU grep stops at the first
/// match when it writes to /dev/null): the pace to compare with.
#[divan::bench(args = [5, 50], sample_count = 5, sample_size = 1)]
fn grep_c_rrq_1g(bencher: Bencher, every: u64) {
    let path = log(every);
    bencher.bench(|| grep_once(&path));
}

/// diagnose and `grep -c RRQ` taking turns on the same file, [`ROUNDS`] rounds each (grep
/// first, then diagnose, as [`diagnose_1g`] and [`grep_c_rrq_1g`] run them): on a shared
/// machine, load that comes and goes hits both alike. Prints each one's wall-clock times and
/// processor times (user and system: grep's as its parent reaped it, diagnose's as this
/// process spent it, both of its threads), their medians, and diagnose's throughput against
/// grep's by either (wall-clock is what a user waits for, processor time what each costs the
/// machine), and whether the run was fair ([`FAIR`]).
#[divan::bench(args = [5, 50], sample_count = 1, sample_size = 1)]
fn side_by_side(bencher: Bencher, every: u64) {
    let path = log(every);
    bencher.bench(|| {
        let (mut grep, mut diagnose) = (Times::default(), Times::default());
        for _ in 0..ROUNDS {
            grep.time(Who::Children, || grep_once(&path));
            diagnose.time(Who::Itself, || diagnose_once(&path));
        }
        for (name, times) in [("grep", &grep), ("diagnose", &diagnose)] {
            eprintln!(
                "side_by_side 1 in {every}: {name} ms, wall / processor: {}",
                times.shown()
            );
        }
        let (g, d) = (grep.medians(), diagnose.medians());
        eprintln!(
            "side_by_side 1 in {every}: medians grep {:.0} / {:.0} ms, diagnose {:.0} / {:.0} ms: \
             diagnose at {:.0} % of grep's throughput by wall-clock, {:.0} % by processor time; \
             grep had a processor {:.0} % of its wall-clock time, diagnose {:.2} processors",
            g.0 * 1000.0,
            g.1 * 1000.0,
            d.0 * 1000.0,
            d.1 * 1000.0,
            100.0 * g.0 / d.0,
            100.0 * g.1 / d.1,
            100.0 * grep.busy(),
            diagnose.busy()
        );
        eprintln!(
            "side_by_side 1 in {every}: {}",
            if grep.busy() >= FAIR {
                "a fair run (grep had a processor at least 90 % of the time): its wall-clock figure counts"
            } else {
                "not a fair run (grep waited for a processor): the wall-clock figure measures the load, not diagnose"
            }
        );
    });
}

/// Rounds of [`side_by_side`].
const ROUNDS: usize = 7;

/// A run whose grep had a processor this share of its wall-clock time (the median round) or
/// more is fair: the machine's other work did not keep the benchmark waiting, and its
/// wall-clock figures are the benchmark's own (docs/speed.md judges the goals on them).
const FAIR: f64 = 0.9;

/// Whose processor time a round spends: this process's (diagnose, in both its threads) or its
/// reaped children's (grep).
#[derive(Clone, Copy)]
enum Who {
    Itself,
    Children,
}

/// Processor seconds (user and system) spent so far by `who`.
fn processor_seconds(who: Who) -> f64 {
    let who = match who {
        Who::Itself => libc::RUSAGE_SELF,
        Who::Children => libc::RUSAGE_CHILDREN,
    };
    // SAFETY: getrusage writes a whole `rusage` into the zeroed one it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(who, &mut usage), 0, "getrusage");
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// One side's rounds: wall-clock and processor seconds of each.
#[derive(Default)]
struct Times(Vec<(f64, f64)>);

impl Times {
    fn time<T>(&mut self, who: Who, run: impl FnOnce() -> T) {
        let (start, spent) = (Instant::now(), processor_seconds(who));
        divan::black_box(run());
        let wall = start.elapsed().as_secs_f64();
        self.0.push((wall, processor_seconds(who) - spent));
    }

    fn shown(&self) -> String {
        let shown: Vec<String> = self
            .0
            .iter()
            .map(|(wall, cpu)| format!("{:.0}/{:.0}", wall * 1000.0, cpu * 1000.0))
            .collect();
        shown.join(" ")
    }

    /// The medians of the wall-clock and of the processor times.
    fn medians(&self) -> (f64, f64) {
        (
            median(self.0.iter().map(|t| t.0).collect()),
            median(self.0.iter().map(|t| t.1).collect()),
        )
    }

    /// The median of the processors a round kept busy (processor time over wall-clock time):
    /// grep, one thread, well under 1 had to wait for a processor, and its wall-clock time
    /// says more about the machine's load than about grep.
    fn busy(&self) -> f64 {
        median(self.0.iter().map(|t| t.1 / t.0).collect())
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// One diagnosis of the whole file, its report written as JSON.
fn diagnose_once(path: &PathBuf) -> usize {
    let mut diagnosis = Diagnosis::new(None);
    diagnosis.read_all(&mut File::open(path).unwrap()).unwrap();
    diagnosis.finish();
    let report = Report::new(&diagnosis, None);
    assert!(report.lines_read > 5_000_000);
    serde_json::to_writer_pretty(io::sink(), &report).unwrap();
    report.phones.len()
}

/// One `grep -c RRQ` of the file, its output read through a pipe.
fn grep_once(path: &PathBuf) -> usize {
    let output = Command::new("grep")
        .args(["-c", "RRQ"])
        .arg(path)
        .stdout(Stdio::piped())
        .output()
        .expect("grep runs");
    assert!(!output.stdout.is_empty());
    output.stdout.len()
}

/// A log that fills every phone's story to its limits (the LAN attack report's F11): phones
/// booting 16 times and asking for 256 names at each boot, made as it is read; the report
/// written as JSON. What it shows is its peak memory, printed after it.
#[divan::bench(args = [2500], sample_count = 1, sample_size = 1)]
fn stories_at_their_limits(bencher: Bencher, phones: u64) {
    reset_peak_memory();
    bencher.bench(|| {
        let mut diagnosis = Diagnosis::new(None);
        let mut log = Filled::new(phones, 16, 256);
        diagnosis.read_all(&mut log).unwrap();
        diagnosis.finish();
        let report = Report::new(&diagnosis, None);
        serde_json::to_writer_pretty(io::sink(), &report).unwrap();
        report.lines_read
    });
    print_peak_memory(&format!("stories_at_their_limits {phones} phones"));
}

/// The F11 log, line by line as it is read: every phone's first request of a boot is
/// `OS79XX.TXT`, then `file<R>-<B % 4>.cnf`, all phones in turn.
struct Filled {
    phones: u64,
    boots: u64,
    requests: u64,
    /// The next line's boot, request and phone.
    at: (u64, u64, u64),
    pending: Vec<u8>,
    used: usize,
}

impl Filled {
    fn new(phones: u64, boots: u64, requests: u64) -> Filled {
        Filled {
            phones,
            boots,
            requests,
            at: (0, 0, 0),
            pending: Vec::new(),
            used: 0,
        }
    }
}

impl Read for Filled {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.used == self.pending.len() {
            let (boot, request, phone) = self.at;
            if boot == self.boots {
                return Ok(0);
            }
            self.pending.clear();
            self.used = 0;
            let ip = format!(
                "10.{}.{}.{}",
                phone / 65536,
                phone / 256 % 256,
                phone % 256 + 1
            );
            let file = match request {
                0 => "OS79XX.TXT".to_string(),
                r => format!("file{r}-{}.cnf", boot % 4),
            };
            writeln!(
                self.pending,
                "Nov 21 09:27:15 pbx in.tftpd[{}]: RRQ from {ip} filename {file}",
                1000 + phone
            )?;
            self.at = match (phone + 1 == self.phones, request + 1 == self.requests) {
                (false, _) => (boot, request, phone + 1),
                (true, false) => (boot, request + 1, 0),
                (true, true) => (boot + 1, 0, 0),
            };
        }
        let n = buf.len().min(self.pending.len() - self.used);
        buf[..n].copy_from_slice(&self.pending[self.used..self.used + n]);
        self.used += n;
        Ok(n)
    }
}

/// Forgets the peak memory so far (Linux: `clear_refs` 5 resets VmHWM).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Prints this process's peak resident memory since the last reset (VmHWM).
fn print_peak_memory(what: &str) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        eprintln!("{what}: peak memory {}", line["VmHWM:".len()..].trim());
    }
}
