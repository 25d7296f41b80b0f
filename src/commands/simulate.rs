//! `phoneup simulate`: a run of boots of the phone model ([`crate::phone::simulation`]) as
//! people read it, boot by boot, and what to do when the phone does not settle: the fix and
//! the command to run next, back at the directory or the server it booted from. Over the wire,
//! each request shows what the server answered, a file the server holds back is said to be held
//! back ([`held`]), and the next command goes on from the load the phone ended on: a server that
//! keeps state (`phoneup serve`) takes a phone back on a load it left for a failure.

use std::fmt::Write as _;
use std::path::Path;

use crate::commands::probe::answered;
use crate::commands::{yes_or_no, Report};
use crate::files::per_phone::MAC_PLACEHOLDER;
use crate::knowledge::load_id::LoadId;
use crate::knowledge::phones::Model;
use crate::output::{shell_word, NextStep, Style};
use crate::phone::boot::java::{JavaResult, JavaSimulation};
use crate::phone::{BootResult, Ending, Simulation, Status, Transfer};

/// Where a simulated phone read its files: a directory, or a real server over the wire.
pub enum BootedFrom<'a> {
    Root(&'a Path),
    /// `HOST[:PORT]` as the user gave it, the `--bind` address the requests came from, and
    /// the `--file-deadline` given.
    Server {
        address: &'a str,
        bind: Option<&'a str>,
        deadline: Option<u16>,
    },
}

impl BootedFrom<'_> {
    /// The `simulate` option that boots from the same place again.
    fn option(&self) -> String {
        match self {
            BootedFrom::Root(dir) => {
                format!("--tftp-root {}", shell_word(&dir.display().to_string()))
            }
            BootedFrom::Server { .. } => format!("--server {}", self.server()),
        }
    }

    /// `HOST[:PORT] [--bind ADDR] [--file-deadline SECONDS]`: the server, as `probe` and
    /// `simulate` reach it again.
    fn server(&self) -> String {
        match self {
            BootedFrom::Root(_) => String::new(),
            BootedFrom::Server {
                address,
                bind,
                deadline,
            } => {
                let mut server = shell_word(address);
                if let Some(bind) = bind {
                    let _ = write!(server, " --bind {}", shell_word(bind));
                }
                if let Some(seconds) = deadline {
                    let _ = write!(server, " --file-deadline {seconds}");
                }
                server
            }
        }
    }
}

mod held;

/// TFTP error 1 with the usual words, "File not found".
fn plain_not_found(tftp: &Transfer) -> bool {
    tftp.status == Status::NotFound
        && tftp
            .error_message
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("File not found"))
}

/// `phoneup simulate` again from the same place, for this phone: from a directory, from the
/// same start; from a server, from the load the phone ended on, where the real phone is now.
fn rerun(simulation: &Simulation, from: &BootedFrom, extra: &str) -> String {
    let start = match from {
        BootedFrom::Root(_) => &simulation.from,
        BootedFrom::Server { .. } => &simulation.final_load,
    };
    let mut command = format!(
        "phoneup simulate --from {} {}",
        shell_word(start),
        from.option()
    );
    if let Some(mac) = &simulation.mac {
        let _ = write!(command, " --mac {mac}");
    }
    if simulation.model == Model::M7960 {
        command.push_str(" --model 7960");
    }
    command.push_str(extra);
    command
}

/// Fills in [`Simulation::next_step`] for a phone that does not settle, booting from a
/// directory or a real server: the fix in one sentence and the command to run next.
pub fn suggest(simulation: &mut Simulation, from: &BootedFrom) {
    if matches!(from, BootedFrom::Server { .. }) {
        if let Some(advice) = held::reword(simulation) {
            simulation.next_step = Some(NextStep::new(advice, rerun(simulation, from, "")));
            return;
        }
    }
    let Some(last) = simulation.boots.last() else {
        return;
    };
    let first_problem = simulation.problems.first().cloned();
    let root_option = match from {
        BootedFrom::Root(_) => format!(" {}", from.option()),
        BootedFrom::Server { .. } => String::new(),
    };
    let step = match (simulation.ending, last.result) {
        (Ending::Stable, _) => None,
        (Ending::Refused, _) => {
            let image = last
                .fetched
                .last()
                .and_then(|f| LoadId::parse(f).ok())
                .map(|id| id.name().to_string())
                .unwrap_or_else(|| "LOAD".into());
            Some(NextStep::new(
                format!(
                    "{} will not take {image} directly: let phoneup plan a route it takes, and write each stage with phoneup apply.",
                    simulation.final_load
                ),
                format!(
                    "phoneup plan --from {} --to {}{root_option}",
                    shell_word(&simulation.final_load),
                    shell_word(&image)
                ),
            ))
        }
        (Ending::Loop, BootResult::Loop)
            if last.requests.last().is_some_and(|r| !r.found) =>
        {
            Some(NextStep::new(
                "Make the TFTP server answer a missing file with TFTP error 1 (File not found), as tftpd-hpa, atftpd and dnsmasq do, and let its data port through any firewall (MCLEAN-CTLSEP, VI-FWISSUES and TCG-7960).",
                match from {
                    BootedFrom::Root(_) => rerun(simulation, from, ""),
                    // probe names which of the two it is.
                    BootedFrom::Server { .. } => match &simulation.mac {
                        Some(mac) => {
                            format!("phoneup probe --server {} --mac {mac}", from.server())
                        }
                        None => format!("phoneup probe --server {}", from.server()),
                    },
                },
            ))
        }
        (Ending::Loop, BootResult::Upgraded) => Some(NextStep::new(
            "Name the same load in every file the phone reads (OS79XX.TXT, XMLDefault.cnf.xml, SIPDefault.cnf and its per-phone files), or let phoneup apply write them.",
            match from {
                BootedFrom::Root(dir) => {
                    format!(
                        "phoneup lint --tftp-root {}",
                        shell_word(&dir.display().to_string())
                    )
                }
                BootedFrom::Server { .. } => format!(
                    "phoneup probe --server {} --from {} --to LOAD",
                    from.server(),
                    shell_word(&simulation.from)
                ),
            },
        )),
        (Ending::Unfinished, _) => Some(NextStep::new(
            "The phone was still changing load when the boots ran out: simulate more reboots.",
            rerun(simulation, from, " --boots 20"),
        )),
        (Ending::Unknown, _) => Some(NextStep::new(
            "phoneup has no evidence for what the phone does from here: plan the upgrade instead, so that every step has evidence.",
            format!(
                "phoneup plan --from {} --to LOAD{root_option}",
                shell_word(&simulation.final_load)
            ),
        )),
        (Ending::Loop, _) => Some(NextStep::new(
            first_problem.unwrap_or_else(|| {
                "Serve the files the phone asks for, as phoneup plan lists them.".into()
            }),
            rerun(simulation, from, ""),
        )),
    };
    simulation.next_step = step;
}

impl Report for Simulation {
    /// 0 when the phone settles on a load; 1 when it loops, refuses its image or does not
    /// settle.
    fn exit_code(&self) -> u8 {
        yes_or_no(self.ending == Ending::Stable)
    }

    fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        let mac = self.mac.map_or_else(
            || format!("{MAC_PLACEHOLDER}, none given: per-phone files are not looked at"),
            |mac| mac.to_string(),
        );
        let _ = writeln!(
            out,
            "{} {} on a {} (MAC {mac})",
            style.bold("Simulating"),
            self.from,
            self.model
        );
        for boot in &self.boots {
            let _ = writeln!(
                out,
                "\n{} running {}",
                style.heading(&format!("Boot {}:", boot.boot)),
                boot.running
            );
            for request in &boot.requests {
                let status = match (&request.tftp, request.found) {
                    (_, true) => "found".to_string(),
                    // Over the wire: what the server answered, in its words unless they are
                    // the usual ones.
                    (Some(tftp), false) if !plain_not_found(tftp) => style.warning(&answered(tftp)),
                    (_, false) => style.warning("not found"),
                };
                let _ = writeln!(out, "  RRQ {:<28} {status}", request.file);
            }
            if !boot.fetched.is_empty() {
                let _ = writeln!(out, "  fetched  {}", boot.fetched.join(", "));
            }
            let _ = writeln!(out, "  result   {}", boot.detail);
            if !boot.screen.is_empty() {
                let _ = writeln!(out, "  screen   {}", boot.screen.join(" -> "));
            }
        }
        let ending = match self.ending {
            Ending::Stable => style.good("stable"),
            Ending::Loop => style.error(&format!(
                "loops on {}",
                self.loop_file.as_deref().unwrap_or("the same request")
            )),
            Ending::Refused => style.error("refuses the image, every boot"),
            Ending::Unknown => style.warning("unknown: the model has no evidence for what happens"),
            Ending::Unfinished => {
                style.warning("still changing when the boots ran out (raise --boots)")
            }
        };
        if !self.skipped.is_empty() {
            out.push('\n');
        }
        for skipped in &self.skipped {
            let _ = writeln!(out, "Not served: {skipped}");
        }
        let _ = writeln!(out, "\nThe phone ends on {}: {ending}.", self.final_load);
        if !self.problems.is_empty() {
            // Over the wire, every request carries how the real server answered it.
            let over_the_wire = self
                .boots
                .iter()
                .flat_map(|b| &b.requests)
                .any(|r| r.tftp.is_some());
            let heading = if over_the_wire {
                "To fix on the server:"
            } else {
                "To fix in the TFTP root:"
            };
            let _ = writeln!(out, "{}", style.warning(heading));
            for problem in &self.problems {
                let _ = writeln!(out, "  - {problem}");
            }
        }
        if let Some(next) = &self.next_step {
            out.push_str(&next.to_text(style));
        }
        out
    }
}

/// A Java-based phone's boots (7906 to 7975): each boot's requests and answers, what it did,
/// and the fix when it did not settle.
impl Report for JavaSimulation {
    fn exit_code(&self) -> u8 {
        yes_or_no(self.settled())
    }

    /// The shape of a 7940/7960's simulation: the heading, each boot's requests, result and
    /// screen, the load it ends on, what to fix, and the matrix's notes.
    fn to_text(&self, style: &Style) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {} on a {}",
            style.bold("Simulating"),
            self.start,
            self.model
        );
        for boot in &self.boots {
            let _ = writeln!(
                out,
                "\n{} running {}",
                style.heading(&format!("Boot {}:", boot.number)),
                boot.running
            );
            for request in &boot.requests {
                let answer = match request.answer.as_str() {
                    "served" => "found".to_string(),
                    other => style.warning(other),
                };
                let _ = writeln!(out, "  RRQ {:<28} {answer}", request.file);
            }
            let result = match &boot.result {
                JavaResult::Took(load) => format!("took {load}"),
                JavaResult::Stayed => "stays on its load".to_string(),
                JavaResult::Loop => "starts over from DHCP: a loop".to_string(),
                JavaResult::AuthFail(load) => {
                    format!("refused {load}: its signature is not trusted")
                }
                JavaResult::WrongFamily(load) => format!("refused {load}: another family's load"),
                JavaResult::Missing(file) => format!("stopped: {file} is missing"),
            };
            let _ = writeln!(out, "  result   {result}");
            let _ = writeln!(out, "  screen   {}", boot.screen);
        }
        let ending = match self.ending.as_str() {
            "settled" => style.good("stable"),
            "loop" => style.error(&format!(
                "loops on {}",
                self.boots
                    .last()
                    .and_then(|b| b.requests.last())
                    .map(|r| r.file.as_str())
                    .unwrap_or("the same request")
            )),
            "stuck" => style.error("stuck: it keeps its load"),
            _ => style.warning("still changing when the boots ran out (raise --boots)"),
        };
        let _ = writeln!(out, "\nThe phone ends on {}: {ending}.", self.running);
        if let Some(fix) = &self.fix {
            let _ = writeln!(out, "{}\n  - {fix}", style.warning("To fix:"));
        }
        for note in &self.notes {
            let _ = writeln!(out, "Note: {note}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::load_id::LoadId;
    use crate::phone::server::ServerBehaviour;
    use crate::phone::Phone;
    use crate::tftp_root::TftpRoot;

    #[test]
    fn an_empty_trust_list_is_fixed_in_the_root_not_in_the_server() {
        let mut root = TftpRoot::new();
        root.insert("CTLSEP0018B9FFFFFF.tlv", "");
        root.insert("SIPDefault.cnf", "image_version: P0S3-08-11-00\n");
        let phone = Phone {
            mac: Some("0018B9FFFFFF".into()),
            ..Phone::new(Model::M7940)
        };
        let mut simulation = phone.simulate(&LoadId::parse("P0S3-08-11-00").unwrap(), &root, 4);
        assert_eq!(simulation.ending, Ending::Loop);
        suggest(&mut simulation, &BootedFrom::Root(Path::new("/srv/tftp")));
        let next = simulation
            .next_step
            .expect("a phone that loops gets a next step");
        assert!(next.fix.contains("is empty"), "{}", next.fix);
        assert!(!next.fix.contains("TFTP error 1"), "{}", next.fix);
        assert_eq!(
            next.command,
            "phoneup simulate --from P0S3-08-11-00 --tftp-root /srv/tftp --mac 0018B9FFFFFF"
        );
    }

    #[test]
    fn a_phone_looping_on_a_real_server_is_sent_to_probe_that_same_server() {
        // A server that answers a missing file with the wrong error: the CTLSEP loop.
        let mut root = TftpRoot::new();
        root.insert("SIPDefault.cnf", "image_version: P0S3-08-11-00\n");
        let looping = |mac: Option<&str>| {
            let phone = Phone {
                mac: mac.map(String::from),
                server: ServerBehaviour::WrongError,
                ..Phone::new(Model::M7940)
            };
            let simulation = phone.simulate(&LoadId::parse("P0S3-08-11-00").unwrap(), &root, 4);
            assert_eq!(simulation.ending, Ending::Loop);
            simulation
        };
        let command = |mut simulation: Simulation, from: &BootedFrom| {
            suggest(&mut simulation, from);
            simulation
                .next_step
                .expect("a phone that loops gets a next step")
                .command
        };
        let bound = BootedFrom::Server {
            address: "127.0.0.1:6969",
            bind: Some("127.0.0.2"),
            deadline: None,
        };
        assert_eq!(
            command(looping(Some("0018B9FFFFFF")), &bound),
            "phoneup probe --server 127.0.0.1:6969 --bind 127.0.0.2 --mac 0018B9FFFFFF"
        );
        let plain = BootedFrom::Server {
            address: "tftp server",
            bind: None,
            deadline: Some(600),
        };
        assert_eq!(
            command(looping(None), &plain),
            "phoneup probe --server 'tftp server' --file-deadline 600"
        );
    }
}
