//! Speed of `diagnose` on 1 GiB syslogs, with divan: `cargo bench --bench diagnose`. The logs
//! are generated under `target/bench-data/` on the first run (not committed): RFC 3339 lines of
//! cron, the kernel, sshd, systemd and Asterisk, mixed with lines of tftpd-hpa, dnsmasq and
//! atftpd serving 500 phones their boots: one line in five (a day of upgrades) or one in fifty
//! (a PBX's syslog). Results, beside `grep -c RRQ` on the same files, are in the README.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

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

/// The whole file, streamed, through the report (what `phoneup diagnose FILE` does), with
/// one TFTP line in 5 and one in 50.
#[divan::bench(args = [5, 50], sample_count = 3, sample_size = 1)]
fn diagnose_1g(bencher: Bencher, every: u64) {
    let path = log(every);
    bencher.bench(|| {
        let mut diagnosis = Diagnosis::new(None);
        diagnosis.read_all(&mut File::open(&path).unwrap()).unwrap();
        diagnosis.finish();
        let report = Report::new(&diagnosis, None);
        assert!(report.lines_read > 5_000_000);
        report.phones.len()
    });
}
