//! Which request a later line is about, server by server: by process for tftpd-hpa (and the
//! name and address its Red Hat build writes), by thread, name or address for atftpd, by name
//! for Tftpd32 and PumpKIN, by the phone's address for a packet list; dnsmasq writes one line a
//! transfer, the request and its outcome at once. xinetd tells who started `in.tftpd`.

use crate::logs::event::{Event, Outcome, Source};
use crate::logs::findings::{Context, Kind};
use crate::logs::names::key;

use super::pending::Pending;
use super::{Request, Story, MAX_NOTED};

impl Story {
    pub(super) fn event(&mut self, event: &Event) {
        let source = event.source;
        let file = event.file.as_deref();
        match (source, &event.outcome) {
            (Source::Busybox, _) => self.seen.busybox += 1,
            (Source::Tftpd32, Outcome::Requested) => {
                let connection = self.tftpd32_connection.clone();
                let client = connection.as_ref().map(|(c, _)| c.as_str());
                self.request(event, client, file);
            }
            (Source::TftpdHpa, Outcome::Requested) if event.client.is_none() => {
                self.seen.hpa_requests += 1;
                let client = self.started_for(event);
                self.request(event, client.as_deref(), file);
            }
            (_, Outcome::Requested) => {
                match source {
                    Source::TftpdHpa => self.seen.hpa_requests += 1,
                    Source::Atftpd => self.seen.atftpd_requests += 1,
                    Source::Fallback => self.seen.fallback_requests += 1,
                    _ => {}
                }
                self.request(event, event.client.as_deref(), file);
            }
            (Source::Tftpd32, Outcome::Connected) => {
                if let (Some(client), Some(port)) = (&event.client, event.port) {
                    self.tftpd32_connection = Some((client.to_string(), port));
                }
            }
            (Source::Xinetd, outcome) => self.xinetd(event, outcome),
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
                    if let Some(at) = self.request(event, event.client.as_deref(), Some(name)) {
                        self.outcome(&at, event);
                    }
                }
            }
            (Source::TftpdHpa, outcome) => self.hpa_outcome(event, outcome),
            (Source::Atftpd, outcome) => {
                if !matches!(outcome, Outcome::Resent) {
                    self.seen.atftpd_outcomes += 1;
                }
                let name = file.map(|path| self.strip_root(path, false));
                match self.find_atftpd(event, name) {
                    Some(at) => self.outcome(&at, event),
                    None => self.seen.unattributed += 1,
                }
            }
            (Source::PumpKin, Outcome::Retried) => self.seen.retried += 1,
            (Source::Tftpd32 | Source::PumpKin, _) => {
                let found = self.latest_open(source, |p| {
                    file.is_none_or(|f| key(f) == self.names.get(p.key))
                });
                match found {
                    Some(at) => self.outcome(&at, event),
                    None => self.seen.unattributed += 1,
                }
            }
            (Source::Capture, outcome) => self.capture_outcome(event, outcome),
            (Source::Fallback, _) => {}
        }
    }

    /// The latest request of `source` that `matching` takes, one still open if any.
    fn latest_open(&self, source: Source, matching: impl Fn(&Pending) -> bool) -> Option<Pending> {
        let queue = &self.pending[source as usize];
        queue
            .iter()
            .rev()
            .filter(|p| matching(p))
            .find(|p| self.request_at(p).is_some_and(|r| !r.outcome.is_final()))
            .or_else(|| queue.iter().rev().find(|p| matching(p)))
            .cloned()
    }

    /// A packet of the server to the phone, about its latest request still open: a block sent
    /// marks the transfer under way, after which an error is the server giving up on it.
    fn capture_outcome(&mut self, event: &Event, outcome: &Outcome) {
        let Some(phone) = event.client.as_deref().and_then(|c| self.phone_of(c)) else {
            return;
        };
        let Some(at) = self.latest_open(Source::Capture, |p| p.phone == phone) else {
            return;
        };
        let queue = &mut self.pending[Source::Capture as usize];
        if *outcome == Outcome::Sending {
            if let Some(pending) = queue
                .iter_mut()
                .rev()
                .find(|p| (p.phone, p.boot, p.index) == (at.phone, at.boot, at.index))
            {
                if !pending.sending {
                    pending.sending = true;
                    if let Some(tally) = self.phones[at.phone].tally(at.key, &mut self.tallied) {
                        tally.started += 1;
                    }
                }
            }
            return;
        }
        match outcome {
            Outcome::NotFound | Outcome::Refused { .. } if at.sending => {
                let why = match outcome {
                    Outcome::Refused { code, text } => match code {
                        Some(code) => format!("the server gave up: error {code} ({text})"),
                        None => format!("the server gave up: {text}"),
                    },
                    _ => "the server gave up: error 1".into(),
                };
                let failed = Event {
                    outcome: Outcome::Failed { why: why.into() },
                    ..event.clone()
                };
                self.outcome(&at, &failed);
            }
            _ => self.outcome(&at, event),
        }
    }

    /// A tftpd-hpa line about a transfer: the request of its process; Red Hat's build names the
    /// client and the file too, enough for a request and its outcome when the request line is
    /// not in the log.
    fn hpa_outcome(&mut self, event: &Event, outcome: &Outcome) {
        match outcome {
            Outcome::NotFound | Outcome::Refused { .. } => self.seen.hpa_answers += 1,
            Outcome::Sent => self.seen.hpa_finished += 1,
            _ => {}
        }
        let pid = event.pid.map(|p| p.pid);
        let name = event.file.as_deref().map(key);
        let found = self.pending[Source::TftpdHpa as usize]
            .iter()
            .rev()
            .find(|p| {
                p.pid.map(|p| p.pid) == pid && name.is_none_or(|n| n == self.names.get(p.key))
            })
            .cloned();
        match (found, event.client.as_deref(), event.file.as_deref()) {
            (Some(at), ..) => self.outcome(&at, event),
            (None, Some(client), Some(file)) => {
                if let Some(at) = self.request(event, Some(client), Some(file)) {
                    self.outcome(&at, event);
                }
            }
            (None, ..) => self.hpa_unattributed(event),
        }
    }

    /// xinetd started `in.tftpd` for a client, or refused one.
    fn xinetd(&mut self, event: &Event, outcome: &Outcome) {
        let Some(client) = event.client.as_deref() else {
            return;
        };
        let noted = match outcome {
            Outcome::Connected => {
                self.seen.xinetd_starts += 1;
                self.xinetd_start = Some((client.to_string(), event.time));
                &mut self.seen.xinetd_clients
            }
            Outcome::Refused { text, .. } => {
                self.seen.xinetd_refused += 1;
                self.seen
                    .xinetd_refusal
                    .get_or_insert_with(|| text.to_string());
                &mut self.seen.xinetd_refused_clients
            }
            _ => return,
        };
        if noted.len() < MAX_NOTED && !noted.iter().any(|c| c == client) {
            noted.push(client.to_string());
        }
    }

    /// The client xinetd started `in.tftpd` for just before this request (within a second),
    /// for a request line whose address is not there.
    fn started_for(&self, event: &Event) -> Option<String> {
        let (client, started) = self.xinetd_start.as_ref()?;
        let gap = started.as_ref()?.seconds_until(event.time.as_ref()?)?;
        (gap <= 1).then(|| client.clone())
    }

    /// A tftpd-hpa line that follows no request line of its process (no `-v`, or a refusal
    /// tftpd-hpa writes before any request line, as for an unknown mode).
    fn hpa_unattributed(&mut self, event: &Event) {
        self.seen.hpa_unattributed += 1;
        if let Outcome::Refused { code, text } = &event.outcome {
            if let Some(phone) = event.client.as_deref().and_then(|c| self.phone_of(c)) {
                self.findings.add(
                    Kind::WrongErrorCode,
                    phone,
                    "",
                    &[event.line],
                    event.source,
                    Context::Error {
                        code: *code,
                        text: text.to_string(),
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
        self.latest_open(Source::Atftpd, |p| matching(&p))
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
