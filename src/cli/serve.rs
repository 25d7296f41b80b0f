//! `phoneup serve --root DIR --to LOAD [--phones ...|--phones-file FILE|--all]`: the TFTP
//! server that walks every managed phone through its own plan. SIGINT and SIGTERM (caught with
//! `libc::sigaction`, no signal crate) stop it cleanly with a summary.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use crate::cli::answer::{Answer, Context, EXIT_NO, EXIT_YES};
use crate::cli::signals;
use crate::error::{Error, Input};
use crate::knowledge::catalogue;
use crate::knowledge::matrix::Matrix;
use crate::output::Style;
use crate::wire::serve::driver::{listen, Clock, Server};
use crate::wire::serve::events::State;
use crate::wire::serve::files::Dir;
use crate::wire::serve::neighbours::normalise_mac;
use crate::wire::serve::phones::{Phone, Roster, Wanted};
use crate::wire::serve::placement::Knowledge;
use crate::wire::serve::registry::Registry;
use crate::wire::serve::{state, view};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Events {
    /// For people: the live table on a terminal, plain lines otherwise
    Text,
    /// One JSON object per event and line
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Dhcp {
    Dnsmasq,
    Isc,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The directory to serve (read only: serve never writes it)
    #[arg(long = "tftp-root", alias = "root", value_name = "DIR", required_unless_present = "print_dhcp", value_hint = clap::ValueHint::DirPath)]
    root: Option<PathBuf>,
    /// The load every managed phone should end on (a phone may have its own: --phones MAC=LOAD)
    #[arg(long, value_name = "LOAD", required_unless_present = "print_dhcp", value_parser = crate::cli::args::LoadValue, hide_possible_values = true)]
    to: Option<String>,
    /// Where to listen: ADDR or ADDR:PORT (0.0.0.0 is every IPv4 address; the port is 69 unless given)
    #[arg(long, value_name = "ADDR[:PORT]", default_value = "0.0.0.0:69")]
    listen: String,
    /// The phones to walk: MAC or MAC=LOAD (its own target), comma-separated
    #[arg(long, value_name = "MAC[=LOAD],...", value_delimiter = ',')]
    phones: Vec<String>,
    /// The phones to walk, one a line: MAC[=LOAD] [from=LOAD]; # starts a comment
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    phones_file: Option<PathBuf>,
    /// Walk every phone that asks (no production phone may use this server then)
    #[arg(long)]
    all: bool,
    /// Where each phone's progress is kept (default: $XDG_STATE_HOME/phoneup/serve/, never inside DIR)
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    state: Option<PathBuf>,
    /// The events: text for people (the table or plain lines), or JSON, one object a line
    #[arg(long = "format", alias = "events", value_enum, value_name = "FORMAT")]
    events: Option<Events>,
    /// A DHCP lease file (dnsmasq or ISC dhcpd) giving each phone's MAC by its address
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    leases: Option<PathBuf>,
    /// A phone silent this long while it should be working is reported stuck
    #[arg(long, value_name = "SECS", default_value_t = 600, value_parser = crate::cli::args::number_from_to::<u64>(0, u64::MAX))]
    stuck_after: u64,
    /// Print the DHCP lines (option 150 and 66) that point phones at this server, and exit
    #[arg(long, value_enum, value_name = "dnsmasq|isc")]
    print_dhcp: Option<Dhcp>,
}

fn usage(message: impl Into<String>) -> Error {
    Error::Usage {
        message: message.into(),
    }
}

/// `ADDR`, `ADDR:PORT`, `[V6]:PORT`; port 69 when not given.
fn listen_address(text: &str) -> Result<SocketAddr, Error> {
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Ok(address);
    }
    text.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 69))
        .map_err(|_| usage(format!("--listen `{text}`: give ADDR or ADDR:PORT, e.g. 0.0.0.0:69, 192.0.2.10, 127.0.0.1:6969, [::]:69")))
}

/// A target or hint: a load of the catalogue, by its catalogue name.
fn known(matrix: &Matrix, text: &str, flag: &'static str) -> Result<String, Error> {
    Ok(catalogue::resolve_known(matrix, text, Input::Named(flag))?
        .name()
        .to_string())
}

fn phone_entry(matrix: &Matrix, text: &str, flag: &'static str) -> Result<(String, Wanted), Error> {
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or_default();
    let (mac, target) = match first.split_once('=') {
        Some((mac, target)) => (mac, Some(known(matrix, target, flag)?)),
        None => (first, None),
    };
    let mac = normalise_mac(mac).ok_or_else(|| {
        usage(format!("{flag}: `{mac}` is not a MAC address: give 12 hex digits, with or without : or - (00:18:B9:FF:FF:FF)"))
    })?;
    let mut hint = None;
    for word in words {
        match word.split_once('=') {
            Some(("from", load)) => hint = Some(known(matrix, load, flag)?),
            _ => {
                return Err(usage(format!(
                    "{flag}: `{word}` is not understood; a line is MAC[=LOAD] [from=LOAD]"
                )))
            }
        }
    }
    Ok((mac, (target, hint)))
}

/// A target the user asked for.
struct Target {
    /// As typed: `--to LOAD`, `--phones MAC=LOAD`, `FILE:LINE: MAC=LOAD`.
    typed: String,
    /// What goes before another load: `--to `, `--phones MAC=`, `MAC=`.
    instead: String,
    load: String,
}

/// Refuses a target no load of the catalogue can be walked to (a factory image, an MGCP load no
/// rule leads to): serve would place such a phone and hold it, never flashing it. `plan` says no
/// to the same pairs.
fn refuse_unreachable(knowledge: &Knowledge, targets: &[Target]) -> Result<(), Error> {
    let mut seen = std::collections::BTreeSet::new();
    for target in targets {
        if !seen.insert(target.load.clone()) {
            continue;
        }
        let Err(reasons) = knowledge.reachable(&target.load) else {
            continue;
        };
        let load = &target.load;
        let why: String = reasons.iter().map(|r| format!(" {r}")).collect();
        let instead = match knowledge.reachable_instead(load) {
            Some(other) => format!(
                "Give a target a plan reaches instead, e.g. {}{other}",
                target.instead
            ),
            None => "Give a target a plan reaches instead (phoneup matrix lists the loads and their rules)".into(),
        };
        return Err(usage(format!(
            "{}: serve could walk no phone there: no load phoneup knows has a safe path to {load}.{why}\n{instead}; phoneup plan --from LOAD --to {load} says why from a given load.",
            target.typed
        )));
    }
    Ok(())
}

/// This machine's IPv4 addresses other than loopback, for the DHCP lines.
fn local_addresses() -> Vec<Ipv4Addr> {
    let mut found = Vec::new();
    // SAFETY: getifaddrs fills a list freed by freeifaddrs; each entry is read while it lives.
    unsafe {
        let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
        if libc::getifaddrs(&mut list) != 0 {
            return found;
        }
        let mut at = list;
        while !at.is_null() {
            let entry = &*at;
            if !entry.ifa_addr.is_null()
                && (*entry.ifa_addr).sa_family as libc::c_int == libc::AF_INET
            {
                let address = &*(entry.ifa_addr as *const libc::sockaddr_in);
                let ip = Ipv4Addr::from(u32::from_be(address.sin_addr.s_addr));
                if !ip.is_loopback() {
                    found.push(ip);
                }
            }
            at = entry.ifa_next;
        }
        libc::freeifaddrs(list);
    }
    found
}

/// Why serve cannot listen, and what to do.
fn listen_error(listen_at: SocketAddr, error: &std::io::Error) -> Error {
    let why = match error.kind() {
        std::io::ErrorKind::PermissionDenied if listen_at.port() < 1024 => format!(
            "cannot listen on {listen_at}: {error}.\nPort {} needs root, or once: sudo setcap cap_net_bind_service=+ep {}\n(or listen on a high port for a test: --listen 127.0.0.1:6969)",
            listen_at.port(),
            std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| "phoneup".into())
        ),
        std::io::ErrorKind::AddrInUse => format!(
            "cannot listen on {listen_at}: another TFTP server (tftpd-hpa, atftpd, dnsmasq) is listening there; stop it while serve runs, or give --listen ADDR:PORT"
        ),
        _ => format!("cannot listen on {listen_at}: {error}"),
    };
    usage(why)
}

fn dhcp_lines(kind: Dhcp, listen: SocketAddr) -> String {
    let ips: Vec<String> = if listen.ip().is_unspecified() {
        local_addresses().iter().map(Ipv4Addr::to_string).collect()
    } else {
        vec![listen.ip().to_string()]
    };
    let mut out = String::new();
    let (ip, note) = match ips.first() {
        Some(ip) => (
            ip.clone(),
            if ips.len() > 1 {
                format!(
                    " (this machine also has {}: use the one on the phones' network)",
                    ips[1..].join(", ")
                )
            } else {
                String::new()
            },
        ),
        None => (
            "SERVER_ADDRESS".to_string(),
            " (no address found: put this server's address there)".into(),
        ),
    };
    if listen.port() != 69 {
        out.push_str(&format!("# Phones always ask port 69: serve listens on {}, so forward 69 to it or give --listen ADDR:69.\n", listen.port()));
    }
    match kind {
        Dhcp::Dnsmasq => {
            out.push_str(&format!(
                "# dnsmasq: point the phones at phoneup serve on {ip}{note}\n"
            ));
            out.push_str(&format!("dhcp-option=150,{ip}\n"));
            out.push_str(&format!("dhcp-option=66,\"{ip}\"\n"));
        }
        Dhcp::Isc => {
            out.push_str(&format!(
                "# ISC dhcpd: point the phones at phoneup serve on {ip}{note}\n"
            ));
            out.push_str("# at the top of dhcpd.conf:\n");
            out.push_str("option cisco-tftp-servers code 150 = array of ip-address;\n");
            out.push_str("# inside the phones' subnet { ... } block:\n");
            out.push_str(&format!("option cisco-tftp-servers {ip};\n"));
            out.push_str(&format!("option tftp-server-name \"{ip}\";\n"));
        }
    }
    out
}

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let listen_at = listen_address(&self.listen)?;
        if let Some(kind) = self.print_dhcp {
            return Ok(Answer::new(dhcp_lines(kind, listen_at), EXIT_YES));
        }
        let (Some(root), Some(to)) = (self.root.clone(), self.to.clone()) else {
            return Err(usage("give --root DIR and --to LOAD"));
        };
        let matrix = context.matrix()?;
        let target = known(matrix, &to, "--to")?;
        let (phones, targets) = self.roster(matrix, &to, &target)?;
        if phones.is_empty() && !self.all {
            return Err(usage("name the phones to walk with --phones MAC[=LOAD],... or --phones-file FILE, or walk every phone with --all; any other client gets DIR as it is"));
        }
        let dir = Dir::new(&root).map_err(|source| Error::Read {
            path: root.clone(),
            source,
        })?;
        let knowledge = Knowledge::new(matrix, Some(dir.canonical.clone()));
        refuse_unreachable(&knowledge, &targets)?;
        let state_path = match &self.state {
            Some(path) => path.clone(),
            None => state::default_path(&dir).map_err(usage)?,
        };
        state::check_outside(&state_path, &dir).map_err(usage)?;
        if let Some(parent) = state_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let resumed: BTreeMap<String, Phone> = state::load(&state_path, &dir).map_err(usage)?;
        let socket = listen(listen_at).map_err(|error| listen_error(listen_at, &error))?;
        let roster = Roster {
            phones,
            all: self.all,
            target,
        };
        let mut registry = Registry::new(knowledge, dir, roster);
        registry.state_path = Some(state_path);
        registry.stuck_after_ms = self.stuck_after.saturating_mul(1000);
        self.serve(socket, registry, resumed)
    }

    /// The managed phones (MAC -> target and hint) of `--phones` and `--phones-file`, and every
    /// target asked for: how the user wrote it, and how to write another instead.
    fn roster(
        &self,
        matrix: &Matrix,
        to: &str,
        target: &str,
    ) -> Result<(BTreeMap<String, Wanted>, Vec<Target>), Error> {
        let mut phones = BTreeMap::new();
        let mut targets: Vec<Target> = vec![Target {
            typed: format!("--to {to}"),
            instead: "--to ".into(),
            load: target.to_string(),
        }];
        for entry in &self.phones {
            let (mac, value) = phone_entry(matrix, entry, "--phones")?;
            if let Some(load) = &value.0 {
                targets.push(Target {
                    typed: format!("--phones {entry}"),
                    instead: format!("--phones {mac}="),
                    load: load.clone(),
                });
            }
            phones.insert(mac, value);
        }
        if let Some(path) = &self.phones_file {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            for (n, line) in text.lines().enumerate() {
                let line = line.split('#').next().unwrap_or_default().trim();
                if line.is_empty() {
                    continue;
                }
                let (mac, value) = phone_entry(matrix, line, "--phones-file")
                    .map_err(|e| usage(format!("{}:{}: {e}", path.display(), n + 1)))?;
                if let Some(load) = &value.0 {
                    targets.push(Target {
                        typed: format!("{}:{}: {line}", path.display(), n + 1),
                        instead: format!("{mac}="),
                        load: load.clone(),
                    });
                }
                phones.insert(mac, value);
            }
        }
        Ok((phones, targets))
    }

    /// Serves until a signal: the view on its thread, the server on this one; the summary.
    fn serve(
        &self,
        socket: UdpSocket,
        mut registry: Registry<'_, Dir>,
        resumed: BTreeMap<String, Phone>,
    ) -> Result<Answer, Error> {
        let mode = if self.events == Some(Events::Json) {
            view::Mode::Json
        } else if std::io::stdout().is_terminal() {
            view::Mode::Table
        } else {
            view::Mode::Lines
        };
        let style = Style::detect();
        let (tx, rx) = mpsc::channel();
        let viewer = thread::spawn(move || view::run(rx, mode, style));
        let clock = Clock::start();
        registry.resume(clock.now(), resumed);

        signals::catch();
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = {
            let stop = stop.clone();
            thread::spawn(move || {
                while !signals::received() && !stop.load(Ordering::SeqCst) {
                    thread::sleep(Duration::from_millis(50));
                }
                stop.store(true, Ordering::SeqCst);
            })
        };
        Server {
            socket,
            registry: &mut registry,
            stop: stop.clone(),
            leases: self.leases.clone(),
            view: tx,
            clock,
        }
        .run();
        stop.store(true, Ordering::SeqCst);
        let _ = watcher.join();
        drop(registry);
        let board = viewer.join().unwrap_or_default();
        let bad = board
            .rows
            .values()
            .any(|r| matches!(r.state, State::Failed | State::Stuck));
        let mut answer = Answer::new(String::new(), if bad { EXIT_NO } else { EXIT_YES });
        answer.stderr = board.summary();
        Ok(answer)
    }
}
