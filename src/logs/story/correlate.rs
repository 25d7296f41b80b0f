//! Which request a later line is about, server by server: by process for tftpd-hpa, by thread,
//! name or address for atftpd, by name for Tftpd32; dnsmasq writes one line a transfer, the
//! request and its outcome at once.

use crate::logs::event::{Event, Outcome, Pid, Source};
use crate::logs::findings::{Context, Kind};
use crate::logs::names::key;

use super::{Request, Story};

/// Where a request is: phone, boot number, index in the boot; and the name lines match.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub(super) phone: usize,
    pub(super) boot: u64,
    pub(super) index: usize,
    pub(super) key: u32,
    pub(super) pid: Option<Pid>,
}

impl Story {
    pub(super) fn event(&mut self, event: Event) {
        let source = event.source;
        let file = event.file.as_deref();
        match (source, &event.outcome) {
            (Source::Busybox, _) => self.seen.busybox += 1,
            (Source::Tftpd32, Outcome::Requested) => {
                let connection = self.tftpd32_connection.clone();
                let client = connection.as_ref().map(|(c, _)| c.as_str());
                self.request(&event, client, file);
            }
            (_, Outcome::Requested) => {
                match source {
                    Source::TftpdHpa => self.seen.hpa_requests += 1,
                    Source::Atftpd => self.seen.atftpd_requests += 1,
                    _ => {}
                }
                self.request(&event, event.client.as_deref(), file);
            }
            (Source::Tftpd32, Outcome::Connected) => {
                if let (Some(client), Some(port)) = (&event.client, event.port) {
                    self.tftpd32_connection = Some((client.to_string(), port));
                }
            }
            (Source::Dnsmasq, outcome) => {
                // One line a transfer, written when it ends: the request and its outcome.
                let Some(path) = file else {
                    return;
                };
                if !matches!(outcome, Outcome::ClientError { .. }) {
                    if *outcome == Outcome::NotFound {
                        self.seen.dnsmasq_not_found += 1;
                    }
                    let name = self.strip_root(path, true);
                    if let Some(at) = self.request(&event, event.client.as_deref(), Some(name)) {
                        self.outcome(&at, &event);
                    }
                }
            }
            (Source::TftpdHpa, outcome) => {
                if matches!(outcome, Outcome::NotFound | Outcome::Refused { .. }) {
                    self.seen.hpa_answers += 1;
                }
                let pid = event.pid.map(|p| p.pid);
                match self.hpa.iter().rev().find(|p| p.pid.map(|p| p.pid) == pid) {
                    Some(at) => {
                        let at = at.clone();
                        self.outcome(&at, &event);
                    }
                    None => self.hpa_unattributed(&event),
                }
            }
            (Source::Atftpd, outcome) => {
                if !matches!(outcome, Outcome::Resent) {
                    self.seen.atftpd_outcomes += 1;
                }
                let name = file.map(|path| self.strip_root(path, false));
                match self.find_atftpd(&event, name) {
                    Some(at) => self.outcome(&at, &event),
                    None => self.seen.unattributed += 1,
                }
            }
            (Source::Tftpd32, _) => {
                let found = self
                    .tftpd32
                    .iter()
                    .rev()
                    .find(|p| file.is_none_or(|f| key(f) == self.names.get(p.key)))
                    .cloned();
                match found {
                    Some(at) => self.outcome(&at, &event),
                    None => self.seen.unattributed += 1,
                }
            }
        }
    }

    /// A tftpd-hpa line that follows no request line of its process (no `-v`, or a refusal
    /// tftpd-hpa writes before any request line, as for an unknown mode).
    fn hpa_unattributed(&mut self, event: &Event) {
        self.seen.hpa_unattributed += 1;
        if let Outcome::Refused { code, text } = &event.outcome {
            if let Some(&phone) = event.client.as_deref().and_then(|c| self.by_client.get(c)) {
                self.findings.add(
                    Kind::WrongErrorCode,
                    phone,
                    "",
                    &[event.line],
                    event.source,
                    Context::Error {
                        code: *code,
                        text: text.clone(),
                    },
                );
            }
        }
    }

    /// The name as the phone asked for it, from a path a server logged with its root in front.
    fn strip_root<'p>(&self, path: &'p str, dnsmasq: bool) -> &'p str {
        let prefixes = [
            dnsmasq
                .then_some(self.seen.dnsmasq_root.as_deref())
                .flatten(),
            self.root_prefix.as_deref(),
        ];
        for prefix in prefixes.into_iter().flatten() {
            if let Some(rest) = path.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) {
                return rest;
            }
        }
        key(path)
    }

    fn find_atftpd(&self, event: &Event, name: Option<&str>) -> Option<Pending> {
        let phone = event
            .client
            .as_deref()
            .and_then(|c| self.by_client.get(c).copied());
        let same_process = |p: &Pending| match (p.pid, event.pid) {
            (Some(a), Some(b)) => a.pid == b.pid && (b.thread.is_none() || a.thread == b.thread),
            _ => true,
        };
        let matching = |p: &&Pending| {
            same_process(p)
                && name.is_none_or(|f| key(f) == self.names.get(p.key))
                && (event.client.is_none() || phone == Some(p.phone))
        };
        // Without a thread id, lines that name neither file nor client go to the latest
        // transfer still open.
        self.atftpd
            .iter()
            .rev()
            .filter(matching)
            .find(|p| self.request_at(p).is_some_and(|r| !r.outcome.is_final()))
            .or_else(|| self.atftpd.iter().rev().find(matching))
            .cloned()
    }

    fn request_at(&self, at: &Pending) -> Option<&Request> {
        self.phones
            .get(at.phone)?
            .boots
            .iter()
            .rev()
            .find(|b| b.number == at.boot)?
            .requests
            .get(at.index)
    }
}
