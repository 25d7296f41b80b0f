//! Asking a phone for its page: one `GET /DeviceInformationX HTTP/1.0` over
//! `std::net::TcpStream`, bounded in every way ([`Limits`]: connect, each read or write, the whole
//! exchange, the size of the answer), taking only a `200` with an XML body, following no
//! redirect, and reading the body with [`super::page::parse_page`]. One attempt; no retry.
//!
//! May use: [`super::page`], [`crate::output::Untrusted`].

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::output::Untrusted;

use super::page::{parse_page, DeviceInfo, PageError, MAX_PAGE_LEN};

/// The page asked for.
pub const PATH: &str = "/DeviceInformationX";
/// The port phones serve it on.
pub const HTTP_PORT: u16 = 80;

/// How long and how much at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// To connect.
    pub connect: Duration,
    /// For any one read or write to make progress.
    pub idle: Duration,
    /// For the whole exchange, from before connecting to the last byte.
    pub total: Duration,
    /// For the whole answer, head and body.
    pub answer: usize,
}

impl Default for Limits {
    /// 2 s to connect, 3 s without progress, 5 s in all, the page's 16 KiB and 4 KiB of head.
    fn default() -> Limits {
        Limits {
            connect: Duration::from_secs(2),
            idle: Duration::from_secs(3),
            total: Duration::from_secs(5),
            answer: MAX_PAGE_LEN + 4096,
        }
    }
}

/// Why no page was read. [`FetchError::NoWebServer`] is an answer in itself: SIP loads (and,
/// probably, the loader) serve no page.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{address} refuses HTTP: no web server there (SIP loads have none)")]
    NoWebServer { address: SocketAddr },
    #[error("{address} did not send its page within {:.1} s", .after.as_secs_f64())]
    Timeout {
        address: SocketAddr,
        after: Duration,
    },
    #[error("cannot ask {address} for its page: {source}")]
    Io {
        address: SocketAddr,
        source: io::Error,
    },
    #[error("{address} sent more than {limit} bytes; a phone's page is far smaller")]
    TooLarge { address: SocketAddr, limit: usize },
    #[error("{address} does not answer in HTTP")]
    NotHttp { address: SocketAddr },
    #[error("{address} answered HTTP {status}, not 200")]
    Status { address: SocketAddr, status: u16 },
    #[error("{address} redirects (HTTP {status}) to `{}`; phoneup follows no redirect", Untrusted(.location))]
    Redirect {
        address: SocketAddr,
        status: u16,
        location: String,
    },
    #[error("{address} sent `{}`, not XML", Untrusted(.content_type))]
    NotXml {
        address: SocketAddr,
        content_type: String,
    },
    #[error("{address} sent a body this reader does not take ({why})")]
    Body {
        address: SocketAddr,
        why: &'static str,
    },
    #[error("{address}: {source}")]
    Page {
        address: SocketAddr,
        source: PageError,
    },
}

impl FetchError {
    /// Whether the answer is "no web server here" rather than a failure.
    pub fn is_no_web_server(&self) -> bool {
        matches!(self, FetchError::NoWebServer { .. })
    }
}

/// Asks `address` (a phone's IP and [`HTTP_PORT`]) for its `DeviceInformationX` page. The page
/// says what the phone claims; check its MAC against the phone's before believing anything.
pub fn fetch(address: SocketAddr, limits: &Limits) -> Result<DeviceInfo, FetchError> {
    let started = Instant::now();
    let io_error = |source: io::Error| match source.kind() {
        io::ErrorKind::ConnectionRefused => FetchError::NoWebServer { address },
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => FetchError::Timeout {
            address,
            after: started.elapsed(),
        },
        _ => FetchError::Io { address, source },
    };
    let connect = limits
        .connect
        .min(limits.total)
        .max(Duration::from_millis(1));
    let mut stream = TcpStream::connect_timeout(&address, connect).map_err(io_error)?;
    stream
        .set_write_timeout(Some(limits.idle.max(Duration::from_millis(1))))
        .map_err(io_error)?;
    let host = match address.ip() {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    let request = format!(
        "GET {PATH} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: phoneup\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(io_error)?;
    let answer = read_answer(&mut stream, limits, started).map_err(|e| match e {
        Stop::TooLarge => FetchError::TooLarge {
            address,
            limit: limits.answer,
        },
        Stop::Io(source) => io_error(source),
    })?;
    let body = body(&answer, address)?;
    parse_page(body).map_err(|source| FetchError::Page { address, source })
}

/// Why reading the answer stopped short.
enum Stop {
    TooLarge,
    /// `TimedOut` when the deadline passed or a read waited its limit out.
    Io(io::Error),
}

/// The answer up to the end of the connection, the end its Content-Length gives, the deadline
/// or the size limit, whichever comes first.
fn read_answer(stream: &mut TcpStream, limits: &Limits, started: Instant) -> Result<Vec<u8>, Stop> {
    let deadline = started + limits.total;
    let mut answer = Vec::new();
    let mut chunk = [0; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Stop::Io(io::ErrorKind::TimedOut.into()));
        }
        let wait = limits.idle.min(left).max(Duration::from_millis(1));
        stream.set_read_timeout(Some(wait)).map_err(Stop::Io)?;
        let n = match stream.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Stop::Io(e)),
        };
        if n == 0 {
            return Ok(answer);
        }
        answer.extend_from_slice(&chunk[..n]);
        if answer.len() > limits.answer {
            return Err(Stop::TooLarge);
        }
        if complete(&answer) {
            return Ok(answer);
        }
    }
}

/// Whether the answer holds its head and as many body bytes as its Content-Length says.
fn complete(answer: &[u8]) -> bool {
    let Some((head, body)) = split(answer) else {
        return false;
    };
    content_length(head).is_some_and(|length| body.len() >= length)
}

/// Head and body, at the first empty line.
fn split(answer: &[u8]) -> Option<(&str, &[u8])> {
    let (at, gap) = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| (at, 4))
        .or_else(|| {
            answer
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|at| (at, 2))
        })?;
    let head = std::str::from_utf8(&answer[..at]).ok()?;
    Some((head, &answer[at + gap..]))
}

/// The value of header `name` (any case), trimmed.
fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn content_length(head: &str) -> Option<usize> {
    header(head, "Content-Length")?.parse().ok()
}

/// The body of a `200` answer with an XML (or unnamed) content type, cut to its Content-Length.
fn body(answer: &[u8], address: SocketAddr) -> Result<&[u8], FetchError> {
    let (head, body) = split(answer).ok_or(FetchError::NotHttp { address })?;
    let status_line = head.lines().next().unwrap_or_default();
    let mut words = status_line.split_whitespace();
    let status = match (words.next(), words.next()) {
        (Some(version), Some(code)) if version.starts_with("HTTP/1.") && code.len() == 3 => code
            .parse::<u16>()
            .map_err(|_| FetchError::NotHttp { address })?,
        _ => return Err(FetchError::NotHttp { address }),
    };
    match status {
        200 => {}
        300..=399 => {
            return Err(FetchError::Redirect {
                address,
                status,
                location: header(head, "Location").unwrap_or("").to_string(),
            })
        }
        _ => return Err(FetchError::Status { address, status }),
    }
    if let Some(content_type) = header(head, "Content-Type") {
        if !content_type.to_ascii_lowercase().contains("xml") {
            return Err(FetchError::NotXml {
                address,
                content_type: content_type.to_string(),
            });
        }
    }
    if header(head, "Transfer-Encoding").is_some() {
        return Err(FetchError::Body {
            address,
            why: "a transfer encoding, to an HTTP/1.0 request",
        });
    }
    match header(head, "Content-Length") {
        None => Ok(body),
        Some(length) => match length.parse::<usize>() {
            Ok(length) if length <= body.len() => Ok(&body[..length]),
            Ok(_) => Err(FetchError::Body {
                address,
                why: "shorter than its Content-Length",
            }),
            Err(_) => Err(FetchError::Body {
                address,
                why: "a Content-Length that is no number",
            }),
        },
    }
}

#[cfg(test)]
mod tests;
