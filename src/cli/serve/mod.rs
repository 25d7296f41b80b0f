//! `phoneup serve --tftp-root DIR --to LOAD [--phones ...|--phones-file FILE|--all]`: the TFTP
//! server that walks every managed phone through its own plan. It says at start what it does,
//! drops root after binding (`--user`), and holds a lock on its state file while it runs.
//! SIGINT and SIGTERM (caught with `libc::sigaction`, no signal crate) stop it cleanly with a
//! summary. `serve --forget MAC` resets one phone's record while no serve runs on that state.

mod setup;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::net::UdpSocket;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use crate::cli::answer::{Answer, Context, EXIT_NO, EXIT_YES};
use crate::cli::signals;
use crate::error::{Error, Input};
use crate::files::mac::Mac;
use crate::knowledge::catalogue;
use crate::knowledge::family::{JavaLoad, JavaModel};
use crate::knowledge::matrix::Matrix;
use crate::output::Untrusted;
use crate::wire::cdp::{CdpListener, Interface};
use crate::wire::serve::driver::heard::page_port;
use crate::wire::serve::driver::saver::Saver;
use crate::wire::serve::driver::{listen, Clock, Server, VIEW_QUEUE};
use crate::wire::serve::family_walk::FamilyWalk;
use crate::wire::serve::files::Dir;
use crate::wire::serve::phones::{Phone, Roster, Wanted};
use crate::wire::serve::placement::Knowledge;
use crate::wire::serve::registry::Registry;
use crate::wire::serve::{state, view};

use setup::{
    account, become_user, dhcp_lines, hand_over, input_file, listen_address, listen_error,
    reachable, usage, Account, Dhcp,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Events {
    /// For people: the live table on a terminal, plain lines otherwise
    Text,
    /// One JSON object per event and line
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The directory to serve (read only: serve never writes it)
    #[arg(long = "tftp-root", alias = "root", value_name = "DIR", required_unless_present = "print_dhcp", value_hint = clap::ValueHint::DirPath)]
    root: Option<PathBuf>,
    /// The load every managed phone should end on (a phone may have its own: --phones MAC=LOAD)
    #[arg(long, value_name = "LOAD", required_unless_present_any = ["print_dhcp", "forget"], value_parser = crate::cli::args::LoadValue, hide_possible_values = true)]
    to: Option<String>,
    /// Where to listen: ADDR or ADDR:PORT (0.0.0.0 is every IPv4 address; the port is 69 unless given)
    #[arg(long, value_name = "ADDR[:PORT]", default_value = "0.0.0.0:69")]
    listen: String,
    /// The phones to walk: MAC or MAC=LOAD (its own target), comma-separated
    #[arg(long, value_name = "MAC[=LOAD],...", value_delimiter = ',')]
    phones: Vec<String>,
    /// The phones to walk, one a line: MAC[=LOAD] [from=LOAD], or a 7906 to 7975 walked by its
    /// family's stages: MAC=LOAD from=LOAD model=MODEL; # starts a comment
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
    /// The user serve runs as once it listens, when started as root (as tftpd-hpa's -u); root stays root
    #[arg(long, value_name = "USER", default_value = "nobody")]
    user: String,
    /// Listen for the phones' CDP announcements on this network interface (needs root or CAP_NET_RAW at start); off unless given
    #[arg(long, value_name = "IFACE")]
    cdp: Option<String>,
    /// Reset one phone's record in the state file (serve must not be running on it), and exit
    #[arg(long, value_name = "MAC", conflicts_with_all = ["print_dhcp", "phones", "phones_file", "all"])]
    forget: Option<String>,
}

fn parse_mac(text: &str, flag: &str) -> Result<String, Error> {
    text.parse::<Mac>()
        .map(|mac| mac.to_string())
        .map_err(|e| usage(format!("{flag}: {e}")))
}

/// A target or hint: a load of the catalogue, by its catalogue name. A 7906 to 7975 load is
/// refused with the commands that walk those phones: serve walks the 7940/7960 only.
fn known(matrix: &Matrix, text: &str, flag: &'static str) -> Result<String, Error> {
    if let Some(load) = JavaLoad::parse(text.trim()) {
        let models = JavaModel::family_models(load.family());
        let model = format!("<{}>", models.replace('/', " or "));
        let m = model.trim_matches(['<', '>']).replace(" or ", "|");
        return Err(usage(format!(
            "{flag}: `{load}` is a {models} load: serve walks a 7906 to 7975 only when the phone's own line names its model and load, MAC={load} from=LOAD model={m} in --phones or --phones-file (--to is the 7940/7960 target); or walk it with the family's commands: phoneup plan --model {model} --from LOAD --to {load} lists the stages, phoneup apply --model {model} --from LOAD --to {load} --stage 1 --tftp-root DIR --mac MAC writes the first, and phoneup check --model {model} --from LOAD --tftp-root DIR --mac MAC says what its next boot does"
        )));
    }
    Ok(catalogue::resolve_known(matrix, text, Input::Named(flag))?
        .name()
        .to_string())
}

/// One phone of `--phones` or `--phones-file`: its MAC, target and hint, and the walk of a 7906
/// to 7975 walked by its family's stages (`model=`).
fn phone_entry(
    matrix: &Matrix,
    text: &str,
    flag: &'static str,
) -> Result<(String, Wanted, Option<FamilyWalk>), Error> {
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or_default();
    let (mac, target) = match first.split_once('=') {
        Some((mac, target)) => (mac, Some(target)),
        None => (first, None),
    };
    let mac = parse_mac(mac, flag)?;
    let (mut hint, mut model) = (None, None);
    for word in words {
        match word.split_once('=') {
            Some(("from", load)) => hint = Some(load),
            Some(("model", m)) => model = Some(m),
            _ => {
                return Err(usage(format!(
                    "{flag}: `{word}` is not understood; a line is MAC[=LOAD] [from=LOAD] [model=MODEL]"
                )))
            }
        }
    }
    let Some(model) = model else {
        let target = target.map(|t| known(matrix, t, flag)).transpose()?;
        let hint = hint.map(|h| known(matrix, h, flag)).transpose()?;
        return Ok((mac, (target, hint), None));
    };
    let Some(java) = JavaModel::find(model) else {
        return Err(usage(format!(
            "{flag}: model={model} is not a 7906 to 7975 model (7906, 7911, 7941, 7941ge, 7961, 7961ge, 7942, 7962, 7945, 7965, 7970, 7971, 7975); a 7940/7960 line has no model="
        )));
    };
    let (Some(target), Some(from)) = (target, hint) else {
        return Err(usage(format!(
            "{flag}: a {java} is walked from the load it runs to its own target: MAC=LOAD from=LOAD model={model} (serve does not place a 7906 to 7975 by its requests alone)"
        )));
    };
    let walk = FamilyWalk::new(matrix, &java.model.to_ascii_lowercase(), from, target)
        .map_err(|why| usage(format!("{flag}: {why}")))?;
    let wanted = (Some(walk.target().to_string()), Some(walk.loads[0].clone()));
    Ok((mac, wanted, Some(walk)))
}

/// The managed phones (MAC -> target and hint), every target asked for, and the 7906 to 7975
/// walks of the phones walked by their family's stages.
type Phones = (
    BTreeMap<String, Wanted>,
    Vec<Target>,
    BTreeMap<String, FamilyWalk>,
);

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

/// Everything serve has made ready before it listens.
struct Ready<'m> {
    registry: Registry<'m, Dir>,
    resumed: BTreeMap<String, Phone>,
    expected: Vec<String>,
    /// The state file, as given or found (the registry's may become relative: [`Args::drop_root`]).
    state: PathBuf,
    lock: state::Lock,
    /// The CDP listener of `--cdp`, opened before root is dropped.
    cdp: Option<CdpListener>,
}

impl Args {
    pub(crate) fn run(self, context: &Context) -> Result<Answer, Error> {
        let listen_at = listen_address(&self.listen)?;
        if let Some(kind) = self.print_dhcp {
            return Ok(Answer::new(dhcp_lines(kind, listen_at), EXIT_YES));
        }
        if let Some(mac) = &self.forget {
            return self.forget(mac);
        }
        let matrix = context.matrix()?;
        let mut ready = self.ready(matrix)?;
        let socket = listen(listen_at).map_err(|error| listen_error(listen_at, &error))?;
        if let Some(interface) = &self.cdp {
            let listener = CdpListener::open(&Interface::Named(interface.clone()))
                .map_err(|e| usage(format!("--cdp {}: {e}", Untrusted(interface))))?;
            ready.cdp = Some(listener);
        }
        let user = self.drop_root(&mut ready)?;
        self.serve(socket, ready, user.as_ref())
    }

    fn dir(&self) -> Result<Dir, Error> {
        let Some(root) = &self.root else {
            return Err(usage("give --tftp-root DIR"));
        };
        Dir::new(root).map_err(|source| Error::TftpRoot {
            path: root.clone(),
            source,
        })
    }

    /// The state file (`--state`, or the default one for `dir`), outside DIR, its folder made.
    fn state_path(&self, dir: &Dir) -> Result<PathBuf, Error> {
        let path = match &self.state {
            Some(path) => path.clone(),
            None => state::default_path(dir).map_err(usage)?,
        };
        state::check_outside(&path, dir).map_err(usage)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        Ok(path)
    }

    /// `--forget MAC`: removes the phone's record, unless a serve runs on the state file.
    fn forget(&self, mac: &str) -> Result<Answer, Error> {
        let mac = parse_mac(mac, "--forget")?;
        let dir = self.dir()?;
        let path = self.state_path(&dir)?;
        let shown = Untrusted(path.display());
        let Some(_lock) = state::lock(&path).map_err(usage)? else {
            let mut answer = Answer::new(String::new(), EXIT_NO);
            answer.stderr = format!("Refused: a phoneup serve is running on the state file {shown} (it holds {}): stop it (Ctrl-C), then run this again.\n", Untrusted(state::lock_path(&path).display()));
            return Ok(answer);
        };
        Ok(match state::forget(&path, &dir, &mac).map_err(usage)? {
            true => Answer::new(format!("Forgot {mac}: its record is gone from {shown}; at its next boot serve places it afresh.\n"), EXIT_YES),
            false => Answer::new(format!("No record of {mac} in {shown}: nothing to forget.\n"), EXIT_NO),
        })
    }

    /// Reads and checks everything before serve listens: the roster, DIR, the targets, the
    /// leases, the state file and its lock.
    fn ready<'m>(&self, matrix: &'m Matrix) -> Result<Ready<'m>, Error> {
        let Some(to) = self.to.clone() else {
            return Err(usage("give --to LOAD"));
        };
        let target = known(matrix, &to, "--to")?;
        let (phones, targets, family) = self.roster(matrix, &to, &target)?;
        if phones.is_empty() && !self.all {
            return Err(usage("name the phones to walk with --phones MAC[=LOAD],... or --phones-file FILE, or walk every phone with --all; any other client gets DIR as it is"));
        }
        let dir = self.dir()?;
        let knowledge = Knowledge::new(matrix, Some(dir.canonical.clone()));
        refuse_unreachable(&knowledge, &targets)?;
        if let Some(leases) = &self.leases {
            input_file(leases, "--leases")?;
        }
        let state_path = self.state_path(&dir)?;
        let Some(lock) = state::lock(&state_path).map_err(usage)? else {
            return Err(usage(format!(
                "another phoneup serve is running on the state file {} (it holds {}): stop it first, or give --state another file",
                Untrusted(state_path.display()),
                Untrusted(state::lock_path(&state_path).display())
            )));
        };
        let resumed: BTreeMap<String, Phone> = state::load(&state_path, &dir).map_err(usage)?;
        let expected = phones.keys().cloned().collect();
        let roster = Roster {
            phones,
            all: self.all,
            target,
            family,
        };
        let mut registry = Registry::new(knowledge, dir, roster);
        registry.state_path = Some(state_path.clone());
        registry.stuck_after_ms = self.stuck_after.saturating_mul(1000);
        Ok(Ready {
            registry,
            resumed,
            expected,
            state: state_path,
            lock,
            cdp: None,
        })
    }

    /// Once listening, as root: becomes `--user`, with the state folder made that user's (and
    /// entered, when the user could not reach it by its path). DIR and `--leases` must be
    /// readable by that user, as they would be for tftpd-hpa `-u`.
    fn drop_root(&self, ready: &mut Ready<'_>) -> Result<Option<Account>, Error> {
        let Some(account) = account(&self.user)? else {
            return Ok(None);
        };
        let fix = |why: String, what: &str| {
            usage(format!(
                "{why}: serve runs as user {} once it listens (--user), and {what}. Make it so, or give --user USER",
                account.name
            ))
        };
        reachable(&ready.registry.dir.canonical.join("."), &account)
            .map_err(|why| fix(why, "that user reads DIR"))?;
        if let Some(leases) = &self.leases {
            reachable(leases, &account).map_err(|why| fix(why, "that user reads --leases"))?;
        }
        let path = ready.registry.state_path.clone().expect("set by ready");
        let folder = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(folder) => folder.to_path_buf(),
            None => PathBuf::from("."),
        };
        hand_over(&folder, &account).map_err(usage)?;
        if reachable(&path, &account).is_err() {
            // Reached by a relative name from inside its folder, whatever the folders above.
            std::env::set_current_dir(&folder).map_err(|source| Error::Read {
                path: folder.clone(),
                source,
            })?;
            ready.registry.state_path = path.file_name().map(PathBuf::from);
        }
        become_user(&account).map_err(usage)?;
        Ok(Some(account))
    }

    /// What serve does, on standard error before anything else: where it listens, DIR, the
    /// target, the phones it expects, where it keeps their state, and how to stop it.
    fn start_line(&self, socket: &UdpSocket, ready: &Ready<'_>, user: Option<&Account>) {
        use std::io::Write;
        let address = socket
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| self.listen.clone());
        let dir = ready.registry.dir.canonical.display().to_string();
        let phones = if ready.expected.is_empty() {
            "--all: every phone that asks is walked".to_string()
        } else {
            let lines: Vec<String> = ready
                .expected
                .chunks(5)
                .map(|macs| format!("    {}", macs.join(" ")))
                .collect();
            format!(
                "{} expected, none seen yet:\n{}",
                crate::output::count(ready.expected.len(), "phone"),
                lines.join("\n")
            )
        };
        let user = match user {
            Some(account) => format!("runs as user {}; ", account.name),
            None => String::new(),
        };
        let cdp = match &ready.cdp {
            Some(listener) => format!(
                "  hears CDP on {}: a phone's announcement places it before it asks\n",
                Untrusted(listener.interface())
            ),
            None => String::new(),
        };
        let text = format!(
            "phoneup serve: listening on {address} (TFTP)\n{cdp}  walking phones to {}\n  serving {} (read only)\n  {phones}\n  state: {}\n  {user}Ctrl-C stops serve and sums up.\n",
            ready.registry.roster.target,
            Untrusted(dir),
            Untrusted(ready.state.display()),
        );
        let mut err = crate::output::Out::stderr();
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
    }

    /// The managed phones (MAC -> target and hint) of `--phones` and `--phones-file`, and every
    /// target asked for: how the user wrote it, and how to write another instead.
    fn roster(&self, matrix: &Matrix, to: &str, target: &str) -> Result<Phones, Error> {
        let mut phones = BTreeMap::new();
        let mut family = BTreeMap::new();
        let mut targets: Vec<Target> = vec![Target {
            typed: format!("--to {to}"),
            instead: "--to ".into(),
            load: target.to_string(),
        }];
        for entry in &self.phones {
            let (mac, value, walk) = phone_entry(matrix, entry, "--phones")?;
            if let Some(walk) = walk {
                family.insert(mac.clone(), walk);
            } else if let Some(load) = &value.0 {
                targets.push(Target {
                    typed: format!("--phones {entry}"),
                    instead: format!("--phones {mac}="),
                    load: load.clone(),
                });
            }
            phones.insert(mac, value);
        }
        if let Some(path) = &self.phones_file {
            let text = input_file(path, "--phones-file")?;
            for (n, line) in text.lines().enumerate() {
                let line = line.split('#').next().unwrap_or_default().trim();
                if line.is_empty() {
                    continue;
                }
                let at = format!("{}:{}", Untrusted(path.display()), n + 1);
                let (mac, value, walk) = phone_entry(matrix, line, "--phones-file")
                    .map_err(|e| usage(format!("{at}: {e}")))?;
                if let Some(walk) = walk {
                    family.insert(mac.clone(), walk);
                } else if let Some(load) = &value.0 {
                    targets.push(Target {
                        typed: format!("{at}: {line}"),
                        instead: format!("{mac}="),
                        load: load.clone(),
                    });
                }
                phones.insert(mac, value);
            }
        }
        Ok((phones, targets, family))
    }

    /// Serves until a signal: the view on its thread, the server on this one; the summary. The
    /// state is written once before the start line, so that a state file serve cannot write
    /// stops it (exit 2) before it says it serves or draws anything.
    fn serve(
        &self,
        socket: UdpSocket,
        mut ready: Ready<'_>,
        user: Option<&Account>,
    ) -> Result<Answer, Error> {
        let clock = Clock::start();
        let resumed = std::mem::take(&mut ready.resumed);
        ready.registry.resume(clock.now(), resumed);
        let mut saver = Saver::new(
            ready.registry.state_path.clone(),
            ready.registry.dir.clone(),
        );
        saver
            .save_now(&ready.registry.phones)
            .map_err(|why| usage(format!("{why}; choose another with --state PATH")))?;
        self.start_line(&socket, &ready, user);
        let Ready {
            mut registry,
            expected,
            lock,
            cdp,
            ..
        } = ready;
        let mode = if self.events == Some(Events::Json) {
            view::Mode::Json
        } else if std::io::stdout().is_terminal() {
            view::Mode::Table
        } else {
            view::Mode::Lines
        };
        let (tx, rx) = mpsc::sync_channel(VIEW_QUEUE);
        let viewer = thread::spawn(move || view::run(rx, mode, expected));

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
        let ran = Server {
            socket,
            registry: &mut registry,
            stop: stop.clone(),
            leases: self.leases.clone(),
            view: tx,
            clock,
            cdp,
            page_port: page_port(),
            saver,
        }
        .run();
        stop.store(true, Ordering::SeqCst);
        let _ = watcher.join();
        drop(registry);
        let board = viewer.join().unwrap_or_default();
        drop(lock);
        // The transfer threads could not start: nothing was served (exit 2).
        let ran = ran.map_err(usage)?;
        let code = if board.all_done() && ran.state_error.is_none() {
            EXIT_YES
        } else {
            EXIT_NO
        };
        let mut answer = Answer::new(String::new(), code);
        answer.stderr = board.summary();
        if let Some(why) = &ran.state_error {
            answer.stderr.push_str(&format!(
                "serve could not keep its state ({why}): a restart will not know what it learned\n"
            ));
        }
        Ok(answer)
    }
}
